import type { SelectorNode, WorkloadInstance } from "./ast";

/** The instances of one route a selector discovered, and the address each serves on. */
export interface DiscoveredRoute {
  /** `(1.0.3)` for one capture group, `(a)(b)` for two; `selected` without capture groups. */
  key: string;
  instances: { name: string; host: string; port: number }[];
}

interface Match {
  matched: boolean;
  captures: string[];
}

const regexCache = new Map<string, RegExp>();
function full(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) regexCache.set(pattern, (re = new RegExp(`^(?:${pattern})$`)));
  return re;
}

function test(pattern: string, value: string | undefined): Match {
  if (value === undefined) return { matched: false, captures: [] };
  const m = full(pattern).exec(value);
  return m ? { matched: true, captures: m.slice(1).filter((c): c is string => c !== undefined) } : { matched: false, captures: [] };
}

/** Whether an instance matches, and what the capture groups on the matching path captured. */
export function matchInstance(n: SelectorNode, i: WorkloadInstance): Match {
  switch (n.type) {
    case "const":
      return { matched: n.value, captures: [] };
    case "match":
      return test(n.pattern, i[n.field]);
    case "label":
      return test(n.pattern, i.labels[n.key]);
    case "port":
      return { matched: i.ports.includes(n.port), captures: [] };
    case "index":
      return { matched: i.index === n.index, captures: [] };
    case "not":
      return { matched: !matchInstance(n.operand, i).matched, captures: [] };
    case "and": {
      const l = matchInstance(n.left, i);
      if (!l.matched) return l;
      const r = matchInstance(n.right, i);
      return r.matched ? { matched: true, captures: [...l.captures, ...r.captures] } : r;
    }
    case "or": {
      const l = matchInstance(n.left, i);
      return l.matched ? l : matchInstance(n.right, i);
    }
  }
}

/** The port a selector names with `port(n)` on its matching path, if any. */
function namedPort(n: SelectorNode): number | undefined {
  switch (n.type) {
    case "port":
      return n.port;
    case "and":
    case "or":
      return namedPort(n.left) ?? namedPort(n.right);
    default:
      return undefined;
  }
}

/**
 * Groups the instances a selector matches into routes, one per captured value.
 * The port of each instance is `port(n)` from the selector, else its only port; instances that
 * are not ready (no IP) or whose port is ambiguous are reported, not guessed.
 *
 * @example
 * discoverRoutes(parseSelector("label(app)(shop) && label(version)((.*))").ast!, pods)
 * // [{ key: "(1.0.3)", instances: [...] }, { key: "(2.0.1)", instances: [...] }]
 */
export function discoverRoutes(
  ast: SelectorNode,
  instances: WorkloadInstance[],
): { routes: DiscoveredRoute[]; skipped: { instance: string; reason: string }[] } {
  const port = namedPort(ast);
  const routes = new Map<string, DiscoveredRoute>();
  const skipped: { instance: string; reason: string }[] = [];
  for (const i of instances) {
    const m = matchInstance(ast, i);
    if (!m.matched) continue;
    if (!i.ip) {
      skipped.push({ instance: i.instance, reason: "no IP yet (not scheduled or not ready)" });
      continue;
    }
    const p = port ?? (i.ports.length === 1 ? i.ports[0] : undefined);
    if (p === undefined) {
      skipped.push({
        instance: i.instance,
        reason: i.ports.length ? `several ports (${i.ports.join(", ")}): add port(n) to the selector` : "no container port declared",
      });
      continue;
    }
    const key = m.captures.length ? m.captures.map((c) => `(${c})`).join("") : "selected";
    const r = routes.get(key) ?? { key, instances: [] };
    r.instances.push({ name: i.instance, host: i.ip, port: p });
    routes.set(key, r);
  }
  const sorted = [...routes.values()].sort((a, b) => naturalCompare(a.key, b.key));
  for (const r of sorted) r.instances.sort((a, b) => a.name.localeCompare(b.name));
  return { routes: sorted, skipped };
}

/** Compares version-like strings by their numbers: (1.10.0) after (1.9.2). */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
