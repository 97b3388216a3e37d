/** Aligned text columns for the command lines' tables. */

/**
 * @example
 * table(["ROUTE", "REQUESTS"], [["v1", "900"], ["v2", "100"]])
 * // "ROUTE  REQUESTS\nv1     900\nv2     100"
 */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((c) => (c[i] ?? "").length)));
  return [head, ...rows]
    .map((c) =>
      c
        .map((x, i) => (x ?? "").padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
