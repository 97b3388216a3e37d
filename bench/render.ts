/**
 * Render and `haproxy -c` time for 10, 100, 1,000 and 5,000 gateways of 4 routes each.
 *   npm run bench:render
 * Prints a table with the growth ratio against the previous size (linear growth ≈ the size
 * ratio), then `render_ms_5000x4=<n> check_ms_5000x4=<n>` as the last line.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderConfig } from "../packages/provider/src/render/haproxy";
import type { Gateway } from "../packages/provider/src/model/gateway";
import { validateGateway } from "../packages/provider/src/validation/gateway";
import { formatProblem } from "../packages/provider/src/model/problem";
import type { RouteSpec } from "../packages/provider/src/model/spec";
import { resolveSet } from "../packages/provider/src/resolve/set";

function gateways(n: number): Gateway[] {
  return Array.from({ length: n }, (_, i) => {
    const routes: Record<string, RouteSpec> = {};
    for (let r = 0; r < 4; r++)
      routes[`[10.${(i >> 8) & 255}.${i & 255}.${r + 1}:8080]`] =
        r === 3 ? { weight: 10, condition: "has cookie canary", conditionStrength: 50 } : { weight: r === 0 ? 40 : 25 };
    const g = validateGateway({ port: `${20000 + i}/http`, routes }, { source: "bench", name: `team${i % 50}/svc${i}` });
    if (!g.gateway) throw new Error(g.problems.map(formatProblem).join("; "));
    return g.gateway;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vamp-bench-"));
const rows: { n: number; render: number; check: number; bytes: number }[] = [];
for (const n of [10, 100, 1000, 5000]) {
  const input = gateways(n);
  const renders: number[] = [];
  let text = "";
  for (let i = 0; i < (n >= 1000 ? 3 : 7); i++) {
    const t0 = performance.now();
    const set = resolveSet(input);
    const rendered = renderConfig(set.gateways, { bind: "127.0.0.1", log: false });
    if (set.problems.length || rendered.failures.length)
      throw new Error([...set.problems.map(formatProblem), ...rendered.failures.map((f) => `${f.gateway}: ${f.message}`)].join("; "));
    text = rendered.text;
    renders.push(performance.now() - t0);
  }
  const file = path.join(dir, `${n}.cfg`);
  fs.writeFileSync(file, text);
  const checks: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    execFileSync("haproxy", ["-c", "-q", "-f", file], { stdio: "pipe" });
    checks.push(performance.now() - t0);
  }
  rows.push({ n, render: median(renders), check: median(checks), bytes: text.length });
}
fs.rmSync(dir, { recursive: true, force: true });

console.log("gateways x4 routes | render ms | growth | haproxy -c ms | growth | config KiB");
rows.forEach((r, i) => {
  const prev = rows[i - 1];
  const g = (a: number, b?: number) => (b ? `x${(a / b).toFixed(1)}` : "-");
  console.log(
    `${String(r.n).padStart(18)} | ${r.render.toFixed(1).padStart(9)} | ${g(r.render, prev?.render).padStart(6)} | ${r.check.toFixed(1).padStart(13)} | ${g(r.check, prev?.check).padStart(6)} | ${(r.bytes / 1024).toFixed(0).padStart(10)}`,
  );
});
const last = rows[rows.length - 1];
console.log(`render_ms_5000x4=${last.render.toFixed(1)} check_ms_5000x4=${last.check.toFixed(1)}`);
