/**
 * Argument problems of the components: each names the component, the field path, the bad
 * value and the reason. Thrown from the constructor, so `pulumi preview` fails before any child
 * resource is registered and nothing changes. The problem type and the DNS-label rule are the
 * provider's, so both packages report alike.
 */
import * as pulumi from "@pulumi/pulumi";
import { dnsLabel as parseDnsLabel, formatProblem, problem, type Problem } from "@vamp-pulumi/provider";

export { problem, type Problem };

/** Throws one error listing every problem, blaming the component. */
export function failOn(problems: Problem[], type: string, name: string, resource?: pulumi.Resource): void {
  if (!problems.length) return;
  const text = `${type} "${name}": ${problems.map((p) => formatProblem({ ...p, source: "" })).join("; ")}`;
  throw resource ? new pulumi.ResourceError(text, resource) : new Error(text);
}

/** Problems of a DNS label (namespaces, organization and environment names). */
export function dnsLabel(path: string, v: unknown): Problem[] {
  const r = parseDnsLabel(v);
  return r.ok ? [] : [{ source: "", path, message: r.reason }];
}
