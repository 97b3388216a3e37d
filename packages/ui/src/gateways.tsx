import { useState } from "preact/hooks";
import { get, post, type GatewaySeries, type GatewayView, type Tenant } from "./api";
import { Chart } from "./chart";
import { usePoll } from "./poll";
import { measuredSplit, mergeTail, SPAN_MS } from "./series";

interface Props {
  tenant: Tenant;
  gateways: GatewayView[];
  token?: string;
  readOnly: boolean;
}

export function Gateways({ tenant, gateways, token, readOnly }: Props) {
  if (!gateways.length)
    return (
      <p class="empty">
        No gateways in {tenant.organization}/{tenant.environment} yet.
      </p>
    );
  return (
    <div class="cards">
      {gateways.map((g) => (
        <GatewayCard key={g.name} tenant={tenant} g={g} token={token} readOnly={readOnly} />
      ))}
    </div>
  );
}

/** A gateway's live series: 15 minutes at first, then the last few seconds each second. */
function useSeries(tenant: Tenant, gateway: string) {
  return usePoll<GatewaySeries>(
    async (had) => {
      const now = Date.now();
      const to = Math.floor(now / 1000) * 1000;
      const from = had?.seconds.length ? to - 5000 : to - SPAN_MS;
      const answer = await get<{ series: GatewaySeries; missing: string[] }>("/api/series", { ...tenant, gateway, from, to });
      return mergeTail(had, answer.series, now);
    },
    1000,
    [tenant.organization, tenant.environment, gateway],
  );
}

function GatewayCard({ tenant, g, token, readOnly }: { tenant: Tenant; g: GatewayView; token?: string; readOnly: boolean }) {
  const series = useSeries(tenant, g.name);
  const split = measuredSplit(series.value);
  const x = (series.value?.seconds ?? []).map((s) => s / 1000);
  const routes = series.value?.routes ?? [];
  return (
    <section class="card" aria-labelledby={`gw-${g.name}`} data-gateway={g.name}>
      <h3 id={`gw-${g.name}`}>
        {g.name} <span class="muted">port {g.port}</span>
      </h3>
      {g.invalid && <p class="error">Invalid record (the agents keep its last good version): {g.invalid}</p>}
      <RoutesTable g={g} split={split} />
      <p class="muted">
        Measured over the last 10 s: {split.total} requests{g.writer ? ` · last written by ${g.writer}` : ""} · revision {g.revision}
      </p>
      {!readOnly && <WeightForm tenant={tenant} g={g} token={token} />}
      {series.error && <p class="error">Live metrics: {series.error}</p>}
      <div class="charts">
        <Chart title="requests/s" unit="req/s" x={x} lines={routes.map((r) => ({ label: r.route, values: r.requests }))} />
        <Chart title="5xx/s" unit="5xx/s" x={x} lines={routes.map((r) => ({ label: r.route, values: r.errors }))} />
        <Chart title="p95 latency" unit="ms" x={x} lines={routes.map((r) => ({ label: r.route, values: r.p95 }))} />
      </div>
    </section>
  );
}

function RoutesTable({ g, split }: { g: GatewayView; split: ReturnType<typeof measuredSplit> }) {
  return (
    <table class="routes">
      <thead>
        <tr>
          <th scope="col">route</th>
          <th scope="col">declared</th>
          <th scope="col">applied (per agent)</th>
          <th scope="col">measured</th>
          <th scope="col">condition</th>
          <th scope="col">owner</th>
        </tr>
      </thead>
      <tbody>
        {g.routes.map((r) => (
          <tr key={r.route} data-route={r.route}>
            <th scope="row">{r.route}</th>
            <td class="declared">{r.weight}%</td>
            <td class="applied">
              {g.applied.length
                ? g.applied.map((a) => {
                    const w = a.routes.find((x) => x.route === r.route)?.weight;
                    // Behind: HAProxy serves another weight than declared (the agent's revision, up to 5 s old, says which it has).
                    const behind = w !== r.weight;
                    return (
                      <div key={a.agent} class={behind ? "warning-text" : undefined}>
                        {`${a.agent}: ${w ?? "?"}${behind ? ` (behind: revision ${a.revision ?? "none"})` : ""}`}
                      </div>
                    );
                  })
                : "no agent reporting"}
            </td>
            <td class="measured">{split.total ? `${split.shares[r.route]?.toFixed(0) ?? 0}%` : "-"}</td>
            <td>{r.condition ? `${r.condition} (${r.conditionStrength}%)` : ""}</td>
            <td>{r.owner ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Sets the routes' weights in one change (compare-and-swap, written as ui/<user>). */
function WeightForm({ tenant, g, token }: { tenant: Tenant; g: GatewayView; token?: string }) {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const weights = Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, Number(v)]));
    try {
      await post("/api/weights", { ...tenant, gateway: g.name, weights }, token);
      setMessage({ ok: true, text: "written" });
      setDraft({});
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <form class="weights" onSubmit={(e) => void submit(e)} aria-label={`set the weights of ${g.name}`}>
      {g.routes.map((r) => (
        <label key={r.route}>
          {r.route}
          <input
            type="number"
            min={0}
            max={100}
            name={r.route}
            value={draft[r.route] ?? String(r.weight)}
            onInput={(e) => setDraft({ ...draft, [r.route]: (e.target as HTMLInputElement).value })}
          />
        </label>
      ))}
      <button type="submit" disabled={!token} title={token ? "" : "changes need the token (open the address vamp ui printed)"}>
        Set weights
      </button>
      {message && (
        <span role="status" class={message.ok ? "ok" : "error"}>
          {message.text}
        </span>
      )}
    </form>
  );
}
