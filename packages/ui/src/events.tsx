import { useState } from "preact/hooks";
import { get, type Tenant, type VampEvent } from "./api";
import { usePoll } from "./poll";

export function Events({ tenant }: { tenant: Tenant }) {
  const [tags, setTags] = useState("");
  const events = usePoll(() => get<(VampEvent & { id: string })[]>("/api/events", { ...tenant, tags }), 2000, [tenant.organization, tenant.environment, tags]);
  return (
    <section aria-label="events">
      <label class="filter">
        Tags (all must match, comma-separated)
        <input type="search" placeholder="releases:web-1.1.0, release:step" value={tags} onChange={(e) => setTags((e.target as HTMLInputElement).value)} />
      </label>
      {events.error && <p class="error">{events.error}</p>}
      {events.value && !events.value.length && <p class="empty">No events in the last hour{tags ? ` tagged ${tags}` : ""}.</p>}
      <ul class="events">
        {(events.value ?? []).map((e) => (
          <li key={e.id}>
            <time dateTime={new Date(e.timestamp).toISOString()}>{new Date(e.timestamp).toLocaleTimeString()}</time> <strong>{e.type}</strong>{" "}
            {e.tags.map((t) => (
              <button type="button" class="tag" key={t} onClick={() => setTags(t)} title={`show only ${t}`}>
                {t}
              </button>
            ))}
            {e.actor && <span class="muted"> by {e.actor}</span>}
            <details>
              <summary>value</summary>
              <pre>{JSON.stringify(e.value, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
