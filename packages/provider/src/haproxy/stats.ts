/** One row of `show stat`: the columns the agent uses, plus all of them by name. */
export interface StatRow {
  proxy: string;
  /** FRONTEND, BACKEND or the server name. */
  name: string;
  /** Total requests (http) or sessions (tcp). */
  requests: number;
  http5xx: number;
  /** Average response time over the last 1024 requests, ms. */
  responseTimeMs: number;
  weight: number;
  status: string;
  columns: Record<string, string>;
}

/** Parses the CSV of `show stat` (first line `# pxname,svname,...`). */
export function parseStatCsv(csv: string): StatRow[] {
  const lines = csv.split("\n").filter((l) => l.trim() !== "");
  if (!lines.length || !lines[0].startsWith("# ")) return [];
  const header = lines[0].slice(2).split(",");
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    const columns: Record<string, string> = {};
    header.forEach((h, i) => {
      if (h) columns[h] = cells[i] ?? "";
    });
    const num = (k: string) => Number(columns[k] || 0);
    return {
      proxy: columns.pxname,
      name: columns.svname,
      // req_tot is empty for tcp proxies; stot counts their sessions.
      requests: columns.req_tot ? num("req_tot") : num("stot"),
      http5xx: num("hrsp_5xx"),
      responseTimeMs: num("rtime"),
      weight: num("weight"),
      status: columns.status,
      columns,
    };
  });
}
