/**
 * cdktf app entry (`node dist/main.js`, see cdktf.json). The config file is P1AS_CONFIG
 * (default config/example.json); it is checked completely before any stack exists, so a bad
 * config synthesizes nothing.
 */
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { Command } from "commander";
import { declaredEntries, prepareInventory, undeclaredEntries } from "./config/inventory";
import { configPath, loadConfig } from "./config/load";
import { installBesideStack } from "./provider/install";
import { ValidationError } from "./constructs/errors";
import { AppStacks, addStacks } from "./stacks/app-stacks";
import { parseCommandLine } from "./cli-kit/command-line";
import { writeStackIndex } from "./stacks/stack-index";
import { sha256 } from "./stacks/synth-freshness";
import { dropStaleBackendCache } from "./stacks/backend-cache";
import { CliError } from "./cli-kit/errors";
import { checkUndeclaredStates, RETIRE_PROCEDURE } from "./tools/terraform/retired-stacks";

/**
 * Synthesizes every stack of a config file into `outdir` (default: CDKTF_OUTDIR or cdktf.out), updates the
 * state inventory next to the config and writes the stack index the tools read (stacks/stack-index.ts).
 */
export function synthesize(file: string = configPath(), outdir?: string, env: NodeJS.ProcessEnv = process.env): AppStacks {
  // Recorded for the tools, which refuse an output of another config, or older than its config or the sources.
  const synthesis = { config: path.resolve(file), configSha256: sha256(readFileSync(file)), at: Date.now() };
  const config = loadConfig(file);
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
    dropStaleBackendCache(stack.node.id, dir, path.join(dir, "cdk.tf.json"), (line) => process.stderr.write(`${line}\n`));
  }
  writeInventory();
  const declared = declaredEntries(config);
  writeStackIndex(app.outdir, config, inventoryFile, declared, undeclaredEntries(inventory, declared), synthesis);
  return stacks;
}

/**
 * The checks the tools make before planning, for the ways in that run no tool of ours: `npx cdktf synth/diff/deploy`
 * (cdktf runs this app, then terraform on what it wrote) and `npm start`. A state the config no longer declares that
 * still holds objects is refused (tools/retired-stacks.ts), and so is a retiring environment: cdktf would plan its
 * stack like any other, re-creating what the retirement is to destroy, where our deploy plans it with -destroy.
 */
export async function checkWaysIn(outdir: string, stacks: AppStacks, tool: string, log: (line: string) => void = () => {}): Promise<void> {
  await checkUndeclaredStates(outdir, { log });
  const retiring = stacks.environments.filter((stack) => stack.environment.retiring).map((stack) => stack.node.id);
  if (retiring.length > 0) {
    throw new CliError(
      `refused: ${retiring.join(", ")} ${retiring.length === 1 ? "is" : "are"} retiring ("retire": true): ${tool} would plan ${retiring.length === 1 ? "it" : "them"} ` +
        `like any other stack and re-create what the retirement destroys. Deploy with npm run deploy, which plans a retiring stack with -destroy (${RETIRE_PROCEDURE}). Nothing was planned or applied.`,
    );
  }
}

/** The app's command line: `npx cdktf synth` passes nothing; `npm run synth` passes --clean. */
function synthCommandLine(): Command {
  return new Command("synth")
    .description(
      `Synthesize every stack of P1AS_CONFIG (now ${configPath()}) into CDKTF_OUTDIR or cdktf.out/stacks/<stack>/cdk.tf.json. ` +
        "Exit 0 written, 1 the config is invalid, 64 bad arguments.",
    )
    .option("--clean", "remove the output directory first, so a stack no longer in the config leaves no folder behind", false);
}

/**
 * The app's entry point: `node dist/main.js` and cdktf-app.js (cdktf.json's app) both end here. Under cdktf
 * (`via: "cdktf"`) the synth is followed by the tools' checks (checkWaysIn), because cdktf runs terraform next.
 */
export async function runApp(argv: readonly string[], options: { via?: "cdktf" } = {}): Promise<void> {
  const command = synthCommandLine();
  const usageExit = parseCommandLine(command, argv);
  if (usageExit !== undefined) process.exit(usageExit);
  // Here, not in the npm script, so `npm run synth -- --help` leaves the output directory alone.
  if (command.opts<{ clean: boolean }>().clean) rmSync(process.env.CDKTF_OUTDIR ?? "cdktf.out", { recursive: true, force: true });
  try {
    const stacks = synthesize();
    if (options.via === "cdktf") await checkWaysIn(process.env.CDKTF_OUTDIR ?? "cdktf.out", stacks, "cdktf", (line) => process.stderr.write(`${line}\n`));
  } catch (error) {
    if (!(error instanceof ValidationError) && !(error instanceof CliError)) throw error;
    // A config or prop error is the user's to fix: show the message, not a stack trace.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void runApp(process.argv.slice(2));
