/**
 * The test suites, in three tiers (jest projects; `--selectProjects` picks them):
 * - unit: in-process suites (no terraform, no PostgreSQL, no browser; the emulator runs in-process). The inner
 *   loop (`npm run test:unit`, two workers) and the Node 20 and 22 passes of .ci/run.
 * - e2e: every other suite (real terraform, PostgreSQL, chromium, the tools as processes). Each keeps to its own
 *   temporary directories and loopback ports (port 0), so several run side by side.
 * - faults: the suites that drive terraform and the provider through injected faults and interruptions (fault
 *   matrix, signals). They are the longest, so they start first (__tests__/support/sequencer.js). They share the
 *   workers: they passed at a load average of 8-19 beside other suites (docs/reliability-and-security.md).
 * `npm test` runs all three in one pool of three workers: on two cores, end-to-end suites spend a quarter of their
 * time waiting on terraform, provider and emulator processes, which a third worker fills. This file is the one list
 * of what is in which tier.
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
const FAULT_SUITES = ["fault-matrix", "interruption"];

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
      testPathIgnorePatterns: [...UNIT_SUITES, ...FAULT_SUITES].map(exact),
    },
    { ...shared, displayName: "faults", testMatch: FAULT_SUITES.map(file) },
  ],
  testSequencer: "<rootDir>/__tests__/support/sequencer.js",
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.js",
  testTimeout: 120000,
};
