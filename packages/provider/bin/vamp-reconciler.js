#!/usr/bin/env node
// Committed, so npm links it at install time, before dist/ is built.
try {
  require.resolve("../dist/cli/vamp-reconciler.js");
} catch {
  console.error("vamp-reconciler: not built yet; run `npm run build` in the repository first");
  process.exit(2);
}
require("../dist/cli/vamp-reconciler.js");
