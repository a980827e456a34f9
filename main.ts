/**
 * cdktf app entry (`node dist/main.js`, see cdktf.json). The config file is P1AS_CONFIG
 * (default config/example.json); it is checked completely before any stack exists, so a bad
 * config synthesizes nothing.
 */
import * as path from "node:path";
import { App } from "cdktf";
import { configPath, loadConfig } from "./config/load";
import { installBesideStack } from "./provider/install";
import { ValidationError } from "./constructs/errors";
import { AppStacks, addStacks } from "./stacks/app-stacks";
import { dropStaleBackendCache } from "./tools/backend-cache";

/** Synthesizes every stack of a config file into `outdir` (default: CDKTF_OUTDIR or cdktf.out). */
export function synthesize(file: string = configPath(), outdir?: string): AppStacks {
  const config = loadConfig(file);
  const app = new App(outdir ? { outdir } : {});
  const stacks = addStacks(app, config);
  app.synth();
  // Every stack folder gets the p1as provider in its implied local mirror, locked: `cdktf deploy`, `cdktf diff`
  // and a plain `terraform init` there find it with no network and no CLI configuration.
  for (const stack of stacks.environments) installBesideStack(path.join(app.outdir, "stacks", stack.node.id));
  // A switched P1AS_CONFIG leaves terraform's record of the old backend in a stack folder, which `cdktf diff`
  // and `cdktf deploy` would refuse with "Backend configuration changed".
  for (const stack of [stacks.directory, ...stacks.environments].filter((item) => item !== undefined)) {
    const dir = path.join(app.outdir, "stacks", stack.node.id);
    dropStaleBackendCache(stack.node.id, dir, path.join(dir, "cdk.tf.json"), (line) => process.stderr.write(`${line}\n`));
  }
  return stacks;
}

if (require.main === module) {
  try {
    synthesize();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // A config or prop error is the user's to fix: show the message, not a stack trace.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
