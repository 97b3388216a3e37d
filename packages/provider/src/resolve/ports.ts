import type { Port, Protocol } from "../model/gateway";

/** Vamp's automatic gateway port range. */
export const AUTO_PORTS = { from: 40000, to: 45000 };

/**
 * A free port from the automatic range for a gateway without one. The search starts at a hash
 * of the name, so a gateway keeps its port as others come and go. Marks the port taken.
 *
 * @example
 * allocatePort("shop", "http", new Map()) // { number: 4xxxx, protocol: "http" }, the same on every host
 */
export function allocatePort(name: string, protocol: Protocol, taken: Map<number, string>): Port | undefined {
  const size = AUTO_PORTS.to - AUTO_PORTS.from + 1;
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  for (let i = 0; i < size; i++) {
    const n = AUTO_PORTS.from + ((h + i) % size);
    if (!taken.has(n)) {
      taken.set(n, `gateway "${name}"`);
      return { number: n, protocol };
    }
  }
  return undefined;
}
