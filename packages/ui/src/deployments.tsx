import { get, type ServiceStatus, type Tenant } from "./api";
import { usePoll } from "./poll";

export function Deployments({ tenant }: { tenant: Tenant }) {
  const rows = usePoll(() => get<ServiceStatus[]>("/api/deployments", { ...tenant }), 3000, [tenant.organization, tenant.environment]);
  if (rows.error) return <p class="error">{rows.error}</p>;
  if (rows.value && !rows.value.length)
    return (
      <p class="empty">
        No deployments in the namespace of {tenant.organization}/{tenant.environment}.
      </p>
    );
  return (
    <table class="deployments">
      <thead>
        <tr>
          {["deployment", "cluster", "breed", "workload", "intention", "phase", "reason"].map((h) => (
            <th scope="col" key={h}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {(rows.value ?? []).map((r) => (
          <tr key={r.workload}>
            <td>{r.deployment}</td>
            <td>{r.cluster}</td>
            <td>{r.breed}</td>
            <td>{r.workload}</td>
            <td>{r.intention}</td>
            <td class={`phase-${r.phase}`}>{r.phase}</td>
            <td>{r.reason ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
