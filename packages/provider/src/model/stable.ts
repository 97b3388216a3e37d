/** JSON with object keys sorted at every level: equal values are equal strings. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The fields whose values differ between two objects (deep, key order ignored). */
export function changedFields<K extends string>(a: Partial<Record<K, unknown>>, b: Partial<Record<K, unknown>>, fields: readonly K[]): K[] {
  return fields.filter((f) => stableStringify(a[f] ?? null) !== stableStringify(b[f] ?? null));
}
