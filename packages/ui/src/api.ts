/**
 * The page's calls to `vamp ui`: reads (no token) and changes (the token from the address's
 * `#token=` fragment, kept for the tab's session and never sent anywhere but this server).
 */
import type { GatewayRoutes, GatewaySeries, ReleaseRecord, AgentPresence, AppliedRoute, ServiceStatus, VampEvent } from "@vamp-pulumi/provider";

export interface Tenant {
  organization: string;
  environment: string;
}

export type GatewayView = GatewayRoutes & { applied: { agent: string; revision?: string; routes: AppliedRoute[] }[] };

export interface Overview {
  at: number;
  gateways: GatewayView[];
  agents: AgentPresence[];
  releases: ReleaseRecord[];
  unreadable: string[];
  /** Agents that did not answer, with why. */
  missing: string[];
}

export interface Config {
  readOnly: boolean;
  events: boolean;
  deployments: boolean;
  user: string;
}

export type { GatewaySeries, ReleaseRecord, ServiceStatus, VampEvent };

const TOKEN_KEY = "vamp-ui-token";

/** The token from `#token=…` (then removed from the address bar), or the one kept for this tab. */
export function takeToken(): string | undefined {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setToken(token: string | undefined): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An answer other than 2xx, with the server's one-line reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function check(r: Response): Promise<unknown> {
  if (!r.ok) throw new ApiError(r.status, (await r.text()).trim() || `${r.status} ${r.statusText}`);
  return r.json();
}

const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params)
      .filter((e): e is [string, string | number] => e[1] !== undefined)
      .map(([k, v]) => [k, String(v)]),
  ).toString();

export async function get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  return (await check(await fetch(`${path}?${query(params)}`, { cache: "no-store" }))) as T;
}

export async function post<T>(path: string, body: unknown, token: string | undefined): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  return (await check(await fetch(path, { method: "POST", headers, body: JSON.stringify(body) }))) as T;
}
