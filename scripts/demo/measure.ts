/**
 * Sends N requests through a gateway and prints the split it measured, by the
 * x-demo-version header each answer carries.
 *   node -r ts-node/register/transpile-only scripts/demo/measure.ts http://127.0.0.1:9050/ 2000
 */
import * as http from "node:http";

async function main(): Promise<void> {
  const [url = "http://127.0.0.1:9050/", countText = "2000"] = process.argv.slice(2);
  const count = Number(countText);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const seen = new Map<string, number>();
  let failed = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      http
        .get(url, { agent }, (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode !== 200) failed++;
            const v = String(res.headers["x-demo-version"] ?? `status ${res.statusCode}`);
            seen.set(v, (seen.get(v) ?? 0) + 1);
            resolve();
          });
        })
        .on("error", () => {
          failed++;
          resolve();
        });
    });
  for (let i = 0; i < count; i += 16) await Promise.all(Array.from({ length: Math.min(16, count - i) }, one));
  agent.destroy();
  const parts = [...seen.entries()].sort().map(([v, n]) => `${v}: ${((100 * n) / count).toFixed(1)}% (${n})`);
  console.log(`measured over ${count} requests to ${url}: ${parts.join(", ")}; failed: ${failed}`);
}

void main();
