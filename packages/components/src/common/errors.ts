/**
 * Argument problems of the components: each names the component, the field path, the bad
 * value and the reason. Thrown from the constructor, so `pulumi preview` fails before any child
 * resource is registered and nothing changes.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ArgProblem {
  path: string;
  message: string;
}

/** `problem("agents.replicas", 1, "must be at least 2 (...)")` */
export function problem(path: string, value: unknown, reason: string): ArgProblem {
  return { path, message: `${reason}, got ${JSON.stringify(value)}` };
}

/** Throws one error listing every problem, blaming the component. */
export function failOn(problems: ArgProblem[], type: string, name: string, resource?: pulumi.Resource): void {
  if (!problems.length) return;
  const text = `${type} "${name}": ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`;
  throw resource ? new pulumi.ResourceError(text, resource) : new Error(text);
}

/** DNS label (namespaces, organization and environment names). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function dnsLabel(path: string, v: unknown): ArgProblem[] {
  return typeof v === "string" && DNS_LABEL.test(v) ? [] : [problem(path, v, "must be a DNS label (lower-case letters, digits, '-', at most 63)")];
}
