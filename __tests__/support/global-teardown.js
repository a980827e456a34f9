const fs = require("node:fs");

module.exports = () => {
  const root = process.env.P1AS_TEST_TMP_ROOT;
  if (root) fs.rmSync(root, { recursive: true, force: true });
};
