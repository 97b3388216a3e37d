/**
 * The demo service: a tiny HTTP server that answers with its version, so a split is visible.
 *   node -r ts-node/register/transpile-only scripts/demo/service.ts <version> <port> [<failure rate 0-1>]
 * With a failure rate, that share of its answers are 500s (the faulty version of `npm run demo -- --bad`).
 * Binds 127.0.0.1 only.
 */
import * as http from "node:http";

const [version = "1.0.0", port = "18081", rate = "0"] = process.argv.slice(2);
const failureRate = Number(rate);
http
  .createServer((req, res) => {
    const failed = Math.random() < failureRate;
    res.writeHead(failed ? 500 : 200, { "content-type": "application/json", "x-demo-version": version });
    res.end(JSON.stringify({ service: "demo", version, path: req.url, ...(failed ? { error: "faulty version" } : {}) }) + "\n");
  })
  .listen(Number(port), "127.0.0.1", () => console.log(`demo service ${version} on 127.0.0.1:${port}${failureRate ? ` (${failureRate * 100}% 500s)` : ""}`));
