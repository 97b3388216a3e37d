import type { Problem } from "../model/problem";
import type { Tenant } from "../model/tenant";
import { joinPath } from "../model/problem";
import { dnsLabel } from "./values";

/**
 * Problems with a tenant's names.
 *
 * @example
 * validateTenant({ organization: "Acme", environment: "prod" }) // [{ path: "organization", message: "must be a DNS label ..., got \"Acme\"" }]
 */
export function validateTenant(t: Partial<Tenant>, path = "", source = ""): Problem[] {
  const out: Problem[] = [];
  for (const field of ["organization", "environment"] as const) {
    const v = dnsLabel(t[field]);
    if (!v.ok) out.push({ source, path: joinPath(path, field), message: v.reason });
  }
  return out;
}
