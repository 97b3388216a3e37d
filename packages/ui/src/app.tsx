import { useState } from "preact/hooks";
import { get, setToken, takeToken, type Config, type Overview, type Tenant } from "./api";
import { Deployments } from "./deployments";
import { Events } from "./events";
import { Gateways } from "./gateways";
import { usePoll } from "./poll";
import { Releases } from "./releases";

const VIEWS = ["gateways", "releases", "events", "deployments"] as const;
type View = (typeof VIEWS)[number];

/** The page's place (tenant and view) lives in the address, so a reload or a link keeps it. */
function place(): { tenant?: Tenant; view: View } {
  const q = new URLSearchParams(location.search);
  const organization = q.get("organization");
  const environment = q.get("environment");
  const view = (VIEWS as readonly string[]).includes(q.get("view") ?? "") ? (q.get("view") as View) : "gateways";
  return { tenant: organization && environment ? { organization, environment } : undefined, view };
}

function go(tenant: Tenant, view: View): void {
  history.replaceState(null, "", `?${new URLSearchParams({ ...tenant, view })}`);
}

export function App() {
  const [token, setTokenState] = useState(takeToken());
  const [here, setHere] = useState(place());
  const config = usePoll(() => get<Config>("/api/config"), 60_000, []);
  const tenants = usePoll(() => get<Tenant[]>("/api/tenants"), 10_000, []);
  const tenant = here.tenant ?? tenants.value?.[0];
  const overview = usePoll(() => (tenant ? get<Overview>("/api/overview", { ...tenant }) : Promise.resolve(undefined)), 1000, [
    tenant?.organization,
    tenant?.environment,
  ]);
  const readOnly = config.value?.readOnly ?? true;
  const move = (t: Tenant, view: View) => {
    go(t, view);
    setHere({ tenant: t, view });
  };
  return (
    <>
      <header>
        <h1>Vamp</h1>
        <TenantPicker tenants={tenants.value ?? []} tenant={tenant} onPick={(t) => move(t, here.view)} />
        <TokenState readOnly={readOnly} token={token} onToken={(t) => (setToken(t), setTokenState(t))} />
      </header>
      <StoreState error={overview.error} status={overview.status} tenantsError={tenants.error} />
      {overview.value && overview.value.missing.length > 0 && (
        <p class="warning" role="status">
          Not reporting: {overview.value.missing.join("; ")}
        </p>
      )}
      {tenant && (
        <nav aria-label="views">
          {VIEWS.map((v) => (
            <button type="button" key={v} aria-current={v === here.view ? "page" : undefined} onClick={() => move(tenant, v)}>
              {v}
            </button>
          ))}
        </nav>
      )}
      <main>
        {!tenant && !tenants.loading && <p class="empty">No tenant has anything in the store yet.</p>}
        {tenant && overview.value && here.view === "gateways" && (
          <Gateways tenant={tenant} gateways={overview.value.gateways} token={token} readOnly={readOnly} />
        )}
        {tenant && overview.value && here.view === "releases" && (
          <Releases tenant={tenant} releases={overview.value.releases} token={token} readOnly={readOnly} />
        )}
        {tenant &&
          here.view === "events" &&
          (config.value?.events ? <Events tenant={tenant} /> : <p class="empty">This server has no events cluster (vamp ui --events-url).</p>)}
        {tenant &&
          here.view === "deployments" &&
          (config.value?.deployments ? <Deployments tenant={tenant} /> : <p class="empty">This server has no Kubernetes API (vamp ui --kubeconfig).</p>)}
      </main>
    </>
  );
}

function TenantPicker({ tenants, tenant, onPick }: { tenants: Tenant[]; tenant?: Tenant; onPick: (t: Tenant) => void }) {
  const key = (t: Tenant) => `${t.organization}/${t.environment}`;
  const all = tenant && !tenants.some((t) => key(t) === key(tenant)) ? [tenant, ...tenants] : tenants;
  return (
    <label class="tenant">
      organization/environment{" "}
      <select value={tenant ? key(tenant) : ""} onChange={(e) => onPick(all.find((t) => key(t) === (e.target as HTMLSelectElement).value)!)}>
        {all.map((t) => (
          <option key={key(t)} value={key(t)}>
            {key(t)}
          </option>
        ))}
      </select>
    </label>
  );
}

function TokenState({ readOnly, token, onToken }: { readOnly: boolean; token?: string; onToken: (t?: string) => void }) {
  const [draft, setDraft] = useState("");
  if (readOnly) return <span class="badge">read-only</span>;
  if (token)
    return (
      <span class="badge ok">
        can change{" "}
        <button type="button" class="link" onClick={() => onToken(undefined)}>
          forget token
        </button>
      </span>
    );
  return (
    <form
      class="token"
      onSubmit={(e) => {
        e.preventDefault();
        if (draft) onToken(draft);
      }}
    >
      <label>
        token <input type="password" value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} autocomplete="off" />
      </label>
      <button type="submit">Use</button>
    </form>
  );
}

function StoreState({ error, status, tenantsError }: { error?: string; status?: number; tenantsError?: string }) {
  const text = error ?? tenantsError;
  if (!text) return null;
  return (
    <p class="error banner" role="alert">
      {status === 503 ? `${text}. Showing the last state seen; trying again every second.` : text}
    </p>
  );
}
