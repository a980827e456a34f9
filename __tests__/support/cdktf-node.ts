/**
 * The Node the cdktf 0.21 CLI runs on. Its terminal library (@cdktf/node-pty-prebuilt-multiarch 0.10) ships
 * prebuilt binaries up to Node 22 (ABI 127) and none for Node 24, and cdktf is archived, so `npx cdktf` cannot
 * start on Node 24 (docs/reliability-and-security.md, "Node 22 and 24"). Suites that run the CLI give it
 * P1AS_CDKTF_NODE's line first on PATH; .ci/run sets it to Node 22 in the Node 24 tier.
 */
import * as path from "node:path";

export const CDKTF_NODE_ENV = "P1AS_CDKTF_NODE";
const LAST_LINE_WITH_PREBUILDS = 22;

/** `env` with the Node the cdktf CLI can run on first on PATH (unchanged when the running Node is such a line). */
export function cdktfCliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const chosen = process.env[CDKTF_NODE_ENV];
  // The provider synth installs still runs on this process's Node, as every other install in the run does: the
  // wrapper records its Node, and the lock file's hash with it.
  if (chosen)
    return {
      ...env,
      P1AS_PROVIDER_NODE: env.P1AS_PROVIDER_NODE ?? process.execPath,
      PATH: `${path.dirname(chosen)}${path.delimiter}${env.PATH ?? ""}`,
    };
  const major = Number(process.versions.node.split(".")[0]);
  if (major > LAST_LINE_WITH_PREBUILDS) {
    throw new Error(
      `the cdktf 0.21 CLI does not start on Node ${major} (no node-pty prebuild); set ${CDKTF_NODE_ENV} to a Node 20 or 22 binary`,
    );
  }
  return env;
}
