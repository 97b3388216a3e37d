#!/usr/bin/env node
// Committed, so npm links it at install time, before dist/ is built.
try {
  require.resolve("../dist/cli/vamp-gateway-agent.js");
} catch {
  console.error("vamp-gateway-agent: not built yet; run `npm run build` in the repository first");
  process.exit(2);
}
require("../dist/cli/vamp-gateway-agent.js");
