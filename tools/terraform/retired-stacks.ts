/**
 * What deploy, plan summary and drift check before touching anything:
 * - no two declared stacks share one state once terraform's environment is known (PG_CONN_STR, PGHOST, ...:
 *   synth judged them without it, config/state-location.ts);
 * - no relative local state path has its state at the place it led before the one rule for relative paths in the
 *   config (config/state-paths.ts): terraform would start from no state there;
 * - every state location the inventory remembers that no declared stack uses (stacks/stack-index.ts). An empty
 *   one is a finished retirement and gets one line; one that still holds objects is refused, because those
 *   certificates, hostnames and PingOne objects exist and nothing would ever change or remove them again. A
 *   location that turns out, with that environment, to be where the stack keeps its state now is not a
 *   former one.
 */
import * as path from "node:path";
import { statePathProblems } from "../../config/state-paths";
import { backendLocation, configuredBackend } from "../../stacks/backend-cache";
import { CliError, outsideOutdir, sharedDeclaredState } from "../../cli-kit/errors";
import { SynthesizedStack, selectStacks, stackIndex } from "./synth-output";
import { initStack } from "./init";
import { initError, runTerraform, terraformErrors } from "./run";

export const RETIRE_PROCEDURE = "docs/tasks/retire-an-environment.md";

/** How many state addresses a refusal lists before "and N more". */
const LISTED_ADDRESSES = 10;

export interface StateCheckOptions {
  /** Extra environment for terraform (PG_CONN_STR, AWS_*, TF_TOKEN_*). @default - the process environment only */
  readonly env?: NodeJS.ProcessEnv;
  /** Progress and the "retired" lines. @default - silent */
  readonly log?: (message: string) => void;
  /** The caller ran `terraform init` there already. @default false */
  readonly initialized?: boolean;
}

/**
 * The managed objects in a stack's state (`terraform init` and `state list`); data sources are left out, as
 * they are only a record of a read and nothing to destroy.
 */
export async function stateAddresses(
  stack: Pick<SynthesizedStack, "name" | "workingDirectory">,
  options: StateCheckOptions = {},
): Promise<string[]> {
  const run = async (args: string[]) => {
    options.log?.(`${stack.name}: terraform ${args.join(" ")}`);
    return runTerraform(args, { cwd: stack.workingDirectory, env: options.env });
  };
  if (!options.initialized) {
    // The same init as every tool's: a pg state gets its row first, and a switched backend is re-initialised.
    const configFile = path.join(stack.workingDirectory, "cdk.tf.json");
    const init = await initStack(
      { ...stack, configFile, retiring: false },
      { env: options.env, log: options.log, run },
    );
    if (init.exitCode !== 0) throw initError(stack.name, init);
  }
  const listed = await run(["state", "list", "-no-color"]);
  // A local backend whose file was never written (declared, never deployed) has no state at all: nothing in it.
  if (listed.exitCode !== 0 && /No state file was found/.test(listed.stderr)) return [];
  if (listed.exitCode !== 0)
    throw new CliError(
      `${stack.name}: terraform state list failed:\n${terraformErrors(listed.stderr || listed.stdout)}`,
    );
  return listed.stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((address) => address !== "" && !/(^|\.)data\./.test(address));
}

/**
 * Checks every state the config no longer declares. Logs "<stack>: retired, its state holds nothing" for each
 * empty one; throws one error naming every one that still holds objects, with its location, its addresses
 * and the procedure. Synthesized outdirs without an index (test fixtures) have nothing to check.
 */
export async function checkUndeclaredStates(outdir: string, options: StateCheckOptions = {}): Promise<void> {
  const env = { ...process.env, ...options.env };
  const declared = new Map(selectStacks(outdir, undefined).stacks.map((stack) => [stack.name, stack]));
  checkDeclaredLocations([...declared.values()], env);
  const index = stackIndex(outdir);
  // Synth refused this too, but the state files may have changed since it ran.
  const moved = statePathProblems(
    Object.values(index?.stacks ?? {}).flatMap((stack) => (stack.rebasedStatePath ? [stack.rebasedStatePath] : [])),
  );
  if (moved.length > 0) throw new CliError(`refused: ${moved.join("\n")}\nNothing was planned or applied.`);
  const refusals: string[] = [];
  for (const entry of index?.undeclared ?? []) {
    const workingDirectory = path.resolve(outdir, entry.workingDirectory);
    // The index is a file on disk like any other: it never leads terraform outside the synth output.
    if (path.relative(path.resolve(outdir), workingDirectory).split(path.sep)[0] === "..")
      throw outsideOutdir(entry.stack, entry.workingDirectory, outdir);
    const current = declared.get(entry.stack);
    if (
      current &&
      sameState({ workingDirectory, configFile: path.join(workingDirectory, "cdk.tf.json") }, current, env)
    ) {
      options.log?.(
        `${entry.stack}: its former state location ${entry.location} is where it keeps its state now (${entry.currentLocation ?? "the same place"}), written another way`,
      );
      continue;
    }
    const addresses = await stateAddresses({ name: entry.stack, workingDirectory }, { env: options.env }).catch(
      (error: Error) => {
        throw new CliError(
          `refused: cannot read the state at ${entry.location}, which the config no longer declares (${error.message}). Nothing was planned or applied.`,
        );
      },
    );
    if (addresses.length === 0) {
      options.log?.(
        entry.currentLocation
          ? `${entry.stack}: its former state at ${entry.location} holds nothing`
          : `${entry.stack}: retired, its state holds nothing (${entry.location})`,
      );
      continue;
    }
    const listed =
      addresses.slice(0, LISTED_ADDRESSES).join(", ") +
      (addresses.length > LISTED_ADDRESSES ? `, and ${addresses.length - LISTED_ADDRESSES} more` : "");
    const holds = `its state at ${entry.location} still holds ${addresses.length} object${addresses.length === 1 ? "" : "s"} (${listed})`;
    refusals.push(
      entry.currentLocation
        ? `${entry.stack}: the stack now keeps its state at ${entry.currentLocation}, but ${holds}. Move those objects to the new state ` +
            "(terraform init -migrate-state with the old backend) or destroy them from the old one, so that no object has two states."
        : `${entry.stack}: the config no longer declares this stack, but ${holds}. Those objects still exist and nothing manages them. ` +
            `Put ${entry.environment ?? "the stack"} back in environments with "retire": true and deploy: that destroys them through a reviewed plan (${RETIRE_PROCEDURE}).`,
    );
  }
  if (refusals.length > 0) {
    throw new CliError(
      `refused: ${refusals.join("\n")}\nNothing was planned or applied. The inventory of state locations is ${index?.inventory}.`,
    );
  }
}

type StackFiles = Pick<SynthesizedStack, "workingDirectory" | "configFile">;

/** The state a stack directory's backend block names, with terraform's environment: for comparing only, never printed. */
const resolvedLocation = (stack: StackFiles, env: NodeJS.ProcessEnv) =>
  backendLocation(configuredBackend(stack.configFile), stack.workingDirectory, env);

function sameState(a: StackFiles, b: StackFiles, env: NodeJS.ProcessEnv): boolean {
  return resolvedLocation(a, env) === resolvedLocation(b, env);
}

/** Two declared stacks on one state would overwrite each other's objects: refused before anything runs. */
function checkDeclaredLocations(stacks: readonly SynthesizedStack[], env: NodeJS.ProcessEnv): void {
  const seen = new Map<string, SynthesizedStack>();
  for (const stack of stacks) {
    const location = resolvedLocation(stack, env);
    const first = seen.get(location);
    // Printed without the environment: the resolved form may show parts of PG_CONN_STR.
    const shown = (other: SynthesizedStack) =>
      `${other.name} (${backendLocation(configuredBackend(other.configFile), other.workingDirectory)})`;
    if (first) throw sharedDeclaredState(shown(first), shown(stack));
    seen.set(location, stack);
  }
}

/** The line for a retiring stack whose state is already empty: the last step of the procedure is the config's. */
export function retiredLine(stack: string): string {
  const environment = stack.replace(/^p1as-/, "");
  return `${stack}: retired; remove ${environment} from environments and list it under pingone.roleAttributes.retiredEnvironments (${RETIRE_PROCEDURE})`;
}
