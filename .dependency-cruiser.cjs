// The layering of @vamp-pulumi/provider, as rules CI enforces (`npm run lint`).
//
//   pure core (data in, data out; no I/O):
//     model  →  expression → condition, selector  →  validation  →  dsl, record, resolve  →  render, release
//     model → logs (access-log lines, indices) → metrics (windows, histograms) → canary (the judge), sla; model → events → schedule
//   edges (I/O):
//     infra (logger, status server, loop, retry) · store · haproxy (process control) · discovery
//     · search (the search cluster) → ship (the log pipeline) → agent, reconciler, dynamic → cli
//     · search → rollout (a release driven against the store, the agents and, for log checks, the gateway logs) → workflow (the workflow agent), dynamic, ui (the page's server) → cli
//
// An arrow points from what is imported to what may import it: each folder may import only
// folders to its left (and its own). docs/architecture.md explains the steps.
const SRC = "^packages/provider/src/";
const CORE = [
  "model",
  "expression",
  "condition",
  "selector",
  "validation",
  "dsl",
  "record",
  "resolve",
  "render",
  "release",
  "logs",
  "metrics",
  "events",
  "canary",
  "sla",
  "schedule",
];
const EDGES = ["infra", "store", "haproxy", "discovery", "search", "ship", "agent", "reconciler", "rollout", "workflow", "dynamic", "ui", "cli"];
const folder = (names) => `${SRC}(${names.join("|")})/`;

/** What each folder may import from the provider besides itself. */
const allowed = {
  model: [],
  expression: ["model"],
  condition: ["model", "expression"],
  selector: ["model", "expression"],
  validation: ["model", "expression", "condition", "selector"],
  dsl: ["model", "expression", "condition", "selector", "validation", "record"],
  record: ["model", "expression", "condition", "selector", "validation"],
  resolve: ["model", "validation"],
  render: ["model", "expression", "condition", "selector", "validation", "resolve"],
  release: ["model", "expression", "condition", "selector", "validation", "dsl"],
  logs: ["model"],
  metrics: ["model", "logs"],
  events: ["model"],
  canary: ["model", "logs", "metrics"],
  sla: ["model", "metrics"],
  schedule: ["model", "events"],
  infra: [],
  store: ["model", "infra"],
  haproxy: ["model", "infra"],
  discovery: ["model", "record", "release", "sla", "infra"],
  search: ["model", "logs", "events", "infra"],
  ship: ["model", "logs", "metrics", "infra", "search"],
  agent: [...CORE, "infra", "store", "haproxy", "search", "ship"],
  reconciler: [...CORE, "infra", "store", "discovery"],
  rollout: [...CORE, "infra", "store", "search"],
  workflow: [...CORE, "infra", "store", "search", "discovery", "rollout"],
  dynamic: [...CORE, "infra", "store", "discovery", "search", "rollout"],
  ui: [...CORE, "infra", "store", "discovery", "search", "rollout"],
  cli: [...CORE, ...EDGES],
};

const layerRules = Object.entries(allowed).map(([name, may]) => ({
  name: `layer-${name}`,
  comment: `${name}/ may import only ${may.length ? may.join(", ") : "nothing else of the provider"}`,
  severity: "error",
  from: { path: `${SRC}${name}/` },
  to: { path: SRC, pathNot: [`${SRC}${name}/`, ...may.map((m) => `${SRC}${m}/`), `${SRC}index\\.ts$`] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "core-no-io",
      comment: "the pure core takes data and returns data: no file system, network, processes or clients",
      severity: "error",
      from: { path: folder(CORE) },
      to: {
        dependencyTypes: ["core", "npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"],
        // Pure libraries: YAML, statistics.
        pathNot: ["^(node:)?crypto$", "^yaml$", "^node_modules/yaml/", "^simple-statistics$", "^node_modules/simple-statistics/"],
      },
    },
    {
      name: "no-index-inside",
      comment: "inside the provider, import the module, not the package's public index (it would pull in everything)",
      severity: "error",
      from: { path: `${SRC}(?!index\\.ts$)` },
      to: { path: `${SRC}index\\.ts$` },
    },
    {
      name: "no-circular",
      severity: "error",
      from: { path: "^packages/" },
      to: { circular: true },
    },
    {
      name: "components-use-the-public-api",
      comment: "components import @vamp-pulumi/provider, never its files",
      severity: "error",
      from: { path: "^packages/components/src/" },
      to: { path: "^packages/provider/src/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)dist/|\\.test\\.ts$" },
    tsConfig: { fileName: "tsconfig.base.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
