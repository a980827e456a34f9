/**
 * A real Node binary of a given line, from the npm registry's `node` package (how .ci/run gets its Nodes), for
 * tests that need the provider on a Node line it is not tested on.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";

/** Installs node@<major> under `dir` and returns the binary's path; throws (with npm's output) when it cannot. */
export function installNodeLine(major: number, dir: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      "npm",
      ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, `node@${major}`],
      { timeout: 240_000 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`npm install node@${major} failed: ${error.message}\n${stdout}${stderr}`))
          : resolve(path.join(dir, "node_modules", "node", "bin", "node")),
    ),
  );
}
