/**
 * .ci/run runs the fast tier under Node 20 and 22 and everything under Node 24 (each from the npm registry's
 * `node` package) and sets P1AS_EXPECT_NODE_MAJOR for each: this fails if another node ran them, so a tier
 * cannot silently fall back to the system's node. The provider's tested lines, package.json's engines and the
 * lines .ci/run runs must be the same lines, or the provider's refusal would name lines nobody tests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TESTED_NODE_LINES } from "../provider/node-lines";

const ROOT = path.resolve(__dirname, "..");

test("runs under the node major the CI run asked for", () => {
  const expected = process.env.P1AS_EXPECT_NODE_MAJOR;
  const major = Number(process.versions.node.split(".")[0]);
  if (expected) expect(`${major}`).toBe(expected);
  else expect(TESTED_NODE_LINES).toContain(major);
});

test("the provider's tested lines are package.json's engines and the lines .ci/run runs", () => {
  const engines: string = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node;
  const engineLines = engines.split("||").map((range) => Number(/\^(\d+)\./.exec(range.trim())?.[1]));
  const ciRun = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
  const ciLines = [...ciRun.matchAll(/^tier "[^"]*" (?:fast_tier|on_node) (\d+)/gm)].map((match) => Number(match[1]));
  expect(engineLines).toEqual(TESTED_NODE_LINES);
  expect([...new Set(ciLines)].sort((a, b) => a - b)).toEqual(TESTED_NODE_LINES);
});
