// Every temporary directory of a test run (ours, cdktf's Testing outdirs, terraform's, PostgreSQL's)
// goes under one root that global-teardown.js removes, so a run leaves nothing behind in /tmp.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

module.exports = () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-test-"));
  // The throwaway PostgreSQL runs as the postgres user, which must be able to reach its own directory.
  fs.chmodSync(root, 0o755);
  process.env.P1AS_TEST_TMP_ROOT = root;
  process.env.TMPDIR = root;
};
