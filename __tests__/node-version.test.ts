/**
 * .ci/run runs the unit and construct suites a second time under Node 22 (the npm registry's `node` package)
 * and sets P1AS_EXPECT_NODE_MAJOR=22 for that run: this fails if another node ran them, so the Node 22 run
 * cannot silently fall back to the system's node.
 */
test("runs under the node major the CI run asked for", () => {
  const expected = process.env.P1AS_EXPECT_NODE_MAJOR;
  const major = Number(process.versions.node.split(".")[0]);
  if (expected) expect(`${major}`).toBe(expected);
  else expect(major).toBeGreaterThanOrEqual(20);
});
