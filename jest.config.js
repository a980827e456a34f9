/**
 * The test suites, in three tiers (jest projects; `--selectProjects` picks them):
 * - unit: in-process suites (no terraform, no PostgreSQL, no browser; the emulator runs in-process). The inner
 *   loop (`npm run test:unit`, two workers) and the Node 22 pass of .ci/run.
 * - e2e: every other suite (real terraform, PostgreSQL, chromium, the tools as processes). Each keeps to its own
 *   temporary directories and loopback ports (port 0), so two run side by side.
 * - serial: suites that measure how terraform and the provider behave under injected faults and interruptions
 *   (timeouts, signals, retries): they run alone (`--runInBand`), so another suite's load cannot move their timing.
 * `npm test` runs unit and e2e on two workers, then serial. This file is the one list of what is in which tier.
 */
const fs = require("node:fs");
const path = require("node:path");

const UNIT_SUITES = [
  "node-version",
  "config-schema",
  "bad-input-corpus",
  "synth-property",
  "virtual-hosts-construct",
  "pingone-constructs",
  "stacks",
  "schema-check",
  "provider-protocol",
  "plan-summary-render",
  "status-model",
  "pr-comment",
  "workflows",
  "workflows-check",
  "start-progress",
  "self-service-client",
  "client-retry-redact",
  "contract-discovery",
  "emulator",
  "emulator-contract",
  "p1as-cli",
  "docs-links",
  "inventory",
  "apply-result",
  "drift-issues",
  "escape",
  "pem-chain",
  "destinations",
  "token-client-redirect",
  "secret-values",
  "output-hygiene",
  "state-identity",
  "status-server",
  "demo-certs",
  "pingone-tokens",
  "self-service-roles",
  "pingone-applications",
  "provider-messages",
  "keep-alive",
  "layers",
];
const SERIAL_SUITES = ["fault-matrix", "interruption"];

const TESTS = path.join(__dirname, "__tests__");
const file = (name) => {
  const suite = path.join(TESTS, `${name}.test.ts`);
  if (!fs.existsSync(suite))
    throw new Error(`jest.config.js lists ${name} as a test suite, but ${suite} does not exist`);
  return `<rootDir>/__tests__/${name}.test.ts`;
};
const exact = (name) => `/__tests__/${name}\\.test\\.ts$`;

const shared = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  transform: { "^.+\\.ts$": "ts-jest" },
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.js"],
};

module.exports = {
  projects: [
    { ...shared, displayName: "unit", testMatch: UNIT_SUITES.map(file) },
    {
      ...shared,
      displayName: "e2e",
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: [...UNIT_SUITES, ...SERIAL_SUITES].map(exact),
    },
    { ...shared, displayName: "serial", testMatch: SERIAL_SUITES.map(file) },
  ],
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.js",
  testTimeout: 120000,
};
