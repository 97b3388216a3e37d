/**
 * HAProxy log-format strings: one JSON object per request, names as join keys. Metadata only:
 * never bodies, headers or the client's address; the query string only where the gateway opts
 * in (logs/access-log.ts reads these lines).
 */

/** Text as a literal inside a quoted log-format argument (`%`, `"` and `\` escaped). */
export function literal(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%");
}

/** What names a log line's gateway and route: fixed text, or the variables a route backend set. */
export type LogNames = { gateway: string; route: string } | "from-variables";

/**
 * The response header a route backend adds after its request was logged, so the gateway's own
 * frontend (which logs only failures) does not count its 5xx a second time; removed there.
 */
export const LOGGED_HEADER = "x-vamp-logged";

/** Transaction variables an http route backend sets, read by the shared hop frontend's log. */
export const LOG_VARS = { gateway: "txn.vamp_gateway", route: "txn.vamp_route", query: "txn.vamp_query" } as const;

// The time the line is written (the request's end) in ms, so a request counts in the second it
// completed, in the live metrics and in the search cluster alike.
const END_MS = "%[date(0,ms)]";

/** A quoted `log-format` argument. */
export function logFormat(names: LogNames, mode: "http" | "tcp"): string {
  const gateway = names === "from-variables" ? `%[var(${LOG_VARS.gateway}),json(utf8s)]` : jsonText(names.gateway);
  const route = names === "from-variables" ? `%[var(${LOG_VARS.route}),json(utf8s)]` : jsonText(names.route);
  const common = `"ts":${END_MS},"gateway":"${gateway}","route":"${route}","server":"%s"`;
  const fields =
    mode === "http"
      ? // The path through a JSON converter (HAProxy's own %HP does not escape `\`); the query
        // string is in a variable only gateways that log it set ("?..."), else "-".
        `{${common},"method":"%HM","path":"%[capture.req.uri,field(1,?),json(utf8s)]","query":"%[var(${LOG_VARS.query}),json(utf8s)]",` +
        `"status":%ST,"time_ms":%Ta,"response_ms":%Tr,"bytes":%B,"term":"%tsc"}`
      : `{${common},"time_ms":%Tt,"bytes":%B,"term":"%ts"}`;
  return `"${fields.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A name inside a JSON string inside a log-format: JSON-escaped, then `%` doubled. */
function jsonText(name: string): string {
  return JSON.stringify(name).slice(1, -1).replace(/%/g, "%%");
}
