/** Unit, construct and end-to-end tests; e2e suites start real terraform and the emulator. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.js"],
  testTimeout: 120000,
};
