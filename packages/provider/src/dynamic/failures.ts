import type * as pulumi from "@pulumi/pulumi";
import { pathSegments } from "../dsl/path";
import { formatProblem, type Problem } from "../model/problem";

/**
 * Problems in the shape `check` returns. The engine looks the property up in the inputs to
 * print its value, and finds only top-level names: a nested path (`routes["[a:1]"].weight`)
 * would print as `{<nil>}`. So the property is the top-level field and the reason starts with
 * the full path.
 */
export function toCheckFailures(problems: Problem[]): pulumi.dynamic.CheckFailure[] {
  return problems.map((p) => {
    const top = String(pathSegments(p.path)[0] ?? "");
    return { property: top, reason: top === p.path ? p.message : formatProblem({ ...p, source: "" }) };
  });
}

/** A `check` result: the inputs, with failures when there are problems. */
export function checkResult(inputs: Record<string, unknown>, problems: Problem[]): pulumi.dynamic.CheckResult {
  return problems.length ? { inputs, failures: toCheckFailures(problems) } : { inputs };
}
