// Two projects: `unit` (pure code, no servers; fast) and `e2e` (real servers and the real
// Pulumi engine). `npm test` runs both; each can run alone. Each e2e suite starts the test-bed
// servers it needs (requireServices); the e2e project's global set-up names the run, its
// tear-down stops the servers the run started.
/** @type {import('jest').Config} */
const swc = ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }];
module.exports = {
  testSequencer: "<rootDir>/test/support/sequencer.js",
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      transform: { "^.+\\.ts$": swc },
      testMatch: ["<rootDir>/packages/*/src/**/*.test.ts", "<rootDir>/test/unit/**/*.test.ts"],
      moduleNameMapper: {
        "^@vamp-pulumi/provider$": "<rootDir>/packages/provider/src/index.ts",
        "^@vamp-pulumi/components$": "<rootDir>/packages/components/src/index.ts",
      },
    },
    {
      displayName: "e2e",
      testEnvironment: "node",
      transform: { "^.+\\.ts$": swc },
      testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
      globalSetup: "<rootDir>/test/support/global-setup.ts",
      globalTeardown: "<rootDir>/test/support/global-teardown.ts",
      moduleNameMapper: {
        "^@vamp-pulumi/provider$": "<rootDir>/packages/provider/src/index.ts",
        "^@vamp-pulumi/components$": "<rootDir>/packages/components/src/index.ts",
      },
      slowTestThreshold: 60,
    },
  ],
};
