/**
 * The synth itself, beside the stacks it adds: the app entry (main.ts), `npm start`, the bench and the tests all
 * synthesize through this one function, and none of them needs the entry's command line to do it.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { declaredEntries, prepareInventory, undeclaredEntries } from "../config/inventory";
import { configPath, loadConfig } from "../config/load";
import { rebasedStatePaths, statePathProblems } from "../config/state-paths";
import { stateAtFormerPath } from "../constructs/errors";
import { installBesideStack } from "../provider/install";
import { AppStacks, addStacks } from "./app-stacks";
import { dropStaleBackendCache } from "./backend-cache";
import { writeStackIndex } from "./stack-index";
import { sha256 } from "./synth-freshness";

/**
 * Synthesizes every stack of a config file into `outdir` (default: CDKTF_OUTDIR or cdktf.out), updates the
 * state inventory next to the config and writes the stack index the tools read (stacks/stack-index.ts).
 */
export function synthesize(
  file: string = configPath(),
  outdir?: string,
  env: NodeJS.ProcessEnv = process.env,
): AppStacks {
  // Recorded for the tools, which refuse an output of another config, or older than its config or the sources.
  const synthesis = { config: path.resolve(file), configSha256: sha256(readFileSync(file)), at: Date.now() };
  const config = loadConfig(file);
  // Before the inventory or a stack folder is written: a state left at its former place is moved by the user first.
  const moved = statePathProblems(rebasedStatePaths(config));
  if (moved.length > 0) throw stateAtFormerPath(file, moved);
  const { file: inventoryFile, inventory, write: writeInventory } = prepareInventory(file, config, env);
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
    dropStaleBackendCache(stack.node.id, dir, path.join(dir, "cdk.tf.json"), (line) =>
      process.stderr.write(`${line}\n`),
    );
  }
  writeInventory();
  const declared = declaredEntries(config);
  writeStackIndex(app.outdir, config, inventoryFile, declared, undeclaredEntries(inventory, declared), synthesis);
  return stacks;
}
