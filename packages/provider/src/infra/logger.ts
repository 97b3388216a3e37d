/**
 * The one logger: one JSON object per line on stdout, with the time first. Agents, the
 * reconciler and the CLIs' daemons log through it, so every line can be shipped and parsed alike.
 */
export type LogEvent = { event: string } & Record<string, unknown>;
export type Logger = (event: LogEvent) => void;

/**
 * @example
 * const log = jsonLogger({ component: "gateway-agent" });
 * log({ event: "applied", plan: "runtime", ms: 3 });
 * // {"time":"2026-11-30T13:00:00.000Z","component":"gateway-agent","event":"applied","plan":"runtime","ms":3}
 */
export function jsonLogger(fields: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  return (event) => write(JSON.stringify({ time: new Date().toISOString(), ...fields, ...event }));
}
