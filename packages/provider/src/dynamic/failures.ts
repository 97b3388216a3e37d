import type * as pulumi from "@pulumi/pulumi";
import type { FieldProblem } from "../store/connection";

/** Field problems in the shape `check` returns, so `pulumi preview` names each field. */
export function toCheckFailures(problems: FieldProblem[]): pulumi.dynamic.CheckFailure[] {
  return problems.map((p) => ({ property: p.path, reason: p.message }));
}

/** Fields whose values differ (deep, by JSON), for diff results. */
export function changedFields(olds: Record<string, unknown>, news: Record<string, unknown>, fields: string[]): string[] {
  return fields.filter((f) => JSON.stringify(olds[f] ?? null) !== JSON.stringify(news[f] ?? null));
}
