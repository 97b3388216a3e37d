// The suites' measuring client. On a worker thread it is measure()'s (test/e2e/logs/harness.ts):
// the backends and the test's other callbacks share the test's event loop, and under load they
// would hold up the client's reading of answers, adding their wait to the latency it measures.
// Required on the main thread, it gives once() (typed in measure-worker.d.ts).
const http = require("node:http");
const { performance } = require("node:perf_hooks");
const { isMainThread, parentPort, workerData } = require("node:worker_threads");

/** One GET, measured; a failure is status 0. */
function once(url, agent) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ backend: String(res.headers["x-backend"] ?? ""), status: res.statusCode ?? 0, ms: performance.now() - t0, at: Date.now() }),
      );
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ backend: "", status: 0, ms: performance.now() - t0, at: Date.now() }));
  });
}

async function main() {
  const { base, paths, concurrency } = workerData;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const out = [];
  let next = 0;
  const worker = async () => {
    while (next < paths.length) out.push(await once(base + paths[next++], agent));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  parentPort.postMessage(out);
}

module.exports = { once };
if (!isMainThread) void main();
