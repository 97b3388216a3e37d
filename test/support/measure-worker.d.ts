import type * as http from "node:http";

/** One answer as the client saw it. */
export interface Sample {
  backend: string;
  status: number;
  ms: number;
  at: number;
}

/** One GET, measured; a failure is status 0. */
export function once(url: string, agent: http.Agent): Promise<Sample>;
