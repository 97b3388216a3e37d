/** HAProxy log-format strings: one JSON object per request, names as join keys. */

/** Text as a literal inside a quoted log-format argument (`%`, `"` and `\` escaped). */
export function literal(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%");
}

/** What names a log line's gateway and route: fixed text, or the variables a route backend set. */
export type LogNames = { gateway: string; route: string } | "from-variables";

/** Transaction variables an http route backend sets, read by the shared hop frontend's log. */
export const LOG_VARS = { gateway: "txn.vamp_gateway", route: "txn.vamp_route" } as const;

/** A quoted `log-format` argument. */
export function logFormat(names: LogNames, mode: "http" | "tcp"): string {
  const gateway = names === "from-variables" ? `%[var(${LOG_VARS.gateway}),json(utf8s)]` : jsonText(names.gateway);
  const route = names === "from-variables" ? `%[var(${LOG_VARS.route}),json(utf8s)]` : jsonText(names.route);
  const common = `"gateway":"${gateway}","route":"${route}","client":"%ci","server":"%s"`;
  const fields =
    mode === "http"
      ? `{"ts":"%tr",${common},"method":"%HM","path":"%HP","status":%ST,"time_ms":%Ta,"response_ms":%Tr,"bytes":%B}`
      : `{"ts":"%t",${common},"time_ms":%Tt,"bytes":%B}`;
  return `"${fields.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A name inside a JSON string inside a log-format: JSON-escaped, then `%` doubled. */
function jsonText(name: string): string {
  return JSON.stringify(name).slice(1, -1).replace(/%/g, "%%");
}
