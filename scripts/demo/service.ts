/**
 * The demo service: a tiny HTTP server that answers with its version, so a split is visible.
 *   node -r ts-node/register/transpile-only scripts/demo/service.ts <version> <port>
 * Binds 127.0.0.1 only.
 */
import * as http from "node:http";

const [version = "1.0.0", port = "18081"] = process.argv.slice(2);
http
  .createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-demo-version": version });
    res.end(JSON.stringify({ service: "demo", version, path: req.url }) + "\n");
  })
  .listen(Number(port), "127.0.0.1", () => console.log(`demo service ${version} on 127.0.0.1:${port}`));
