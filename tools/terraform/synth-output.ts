/**
 * Finds the stacks cdktf synthesized, from its manifest, so the tools plan exactly what `cdktf synth` wrote
 * (and nothing left over in cdktf.out/stacks from an earlier config), and selects among them the one way
 * every tool does (`--stacks a,b`).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { InvalidArgumentError } from "commander";
import { z } from "zod";
import { STACK_INDEX_FILE, StackIndex, stackIndexSchema } from "../../stacks/stack-index";
import { CONFIG_ENV, synthOutputProblems } from "../../stacks/synth-freshness";
import { PROJECT_ROOT } from "../../constructs/virtual-hosts";
import { CliError, noSynthOutput, unknownStacks } from "../../cli-kit/errors";

const manifestSchema = z.object({
  stacks: z.record(z.object({ name: z.string(), workingDirectory: z.string(), synthesizedStackPath: z.string() })),
});

export interface SynthesizedStack {
  readonly name: string;
  /** Absolute path of the directory terraform runs in. */
  readonly workingDirectory: string;
  /** Absolute path of cdk.tf.json. */
  readonly configFile: string;
  /** The config marks its environment `"retire": true`: planned and applied with -destroy. */
  readonly retiring: boolean;
}

/** The terraform plan/apply arguments that say what a stack's plan is for: everything it manages, or its removal. */
export function planModeArgs(stack: Pick<SynthesizedStack, "retiring">): string[] {
  return stack.retiring ? ["-destroy"] : [];
}

/** synth's index beside the manifest; absent for outdirs not written by main.ts's synthesize (test fixtures). */
export function stackIndex(outdir: string): StackIndex | undefined {
  const file = path.join(outdir, STACK_INDEX_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return stackIndexSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    throw new CliError(`${file} is unreadable: run \`npm run synth\` again.`);
  }
}

/**
 * The synthesized stacks, in manifest order. `selected` undefined means every stack; a given selection means
 * exactly those, so an empty one selects none (never "all": that is how a job for a missing environment
 * once deployed prod).
 * @param option the CLI option `selected` came from, named in the error for an unknown stack
 */
export function synthesizedStacks(
  outdir: string,
  selected?: readonly string[],
  option = "--stacks",
): SynthesizedStack[] {
  return selectStacks(outdir, selected, { option }).stacks;
}

export interface StackSelection {
  readonly stacks: SynthesizedStack[];
  /** Selected names that are not synthesized, skipped under ifPresent. */
  readonly absent: readonly string[];
}

/**
 * Like synthesizedStacks; with `ifPresent`, names the config does not declare are skipped (and reported in
 * `absent`) instead of failing.
 */
export function selectStacks(
  outdir: string,
  selected: readonly string[] | undefined,
  options: { ifPresent?: boolean; option?: string; env?: NodeJS.ProcessEnv } = {},
): StackSelection {
  let manifest: z.infer<typeof manifestSchema>;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")));
  } catch {
    throw noSynthOutput(outdir);
  }
  const index = stackIndex(outdir);
  const stale = synthOutputProblems(index, options.env ?? process.env, PROJECT_ROOT);
  if (stale.length > 0) {
    throw new CliError(
      `refused: the synth output in ${outdir} is not what would be deployed now: ${stale.join("; ")}. Nothing was planned or applied. ` +
        `Synthesize again: ${CONFIG_ENV}=<config> npm run synth (npm run deploy and plan:summary plan exactly what synth wrote).`,
    );
  }
  const all = Object.values(manifest.stacks).map((stack) => ({
    name: stack.name,
    workingDirectory: path.resolve(outdir, stack.workingDirectory),
    configFile: path.resolve(outdir, stack.synthesizedStackPath),
    retiring: index?.stacks[stack.name]?.retiring ?? false,
  }));
  if (selected === undefined) return { stacks: all, absent: [] };
  const absent = selected.filter((name) => !all.some((stack) => stack.name === name));
  if (absent.length > 0 && !options.ifPresent)
    throw unknownStacks(
      options.option ?? "--stacks",
      absent,
      all.map((stack) => stack.name),
    );
  return { stacks: all.filter((stack) => selected.includes(stack.name)), absent };
}

/**
 * The one-line answer when a selection matched nothing under --if-present: what was asked for, and that
 * nothing was done.
 */
export function nothingSelected(tool: string, absent: readonly string[]): string {
  return `${tool}: nothing to do: ${absent.join(", ")} ${absent.length === 1 ? "is not a stack" : "are not stacks"} of this config (--if-present)`;
}

/** commander's parser for `--stacks a,b`, the same in every tool: every name non-empty, at least one. */
export function stackListOption(value: string): string[] {
  const names = value.split(",").map((name) => name.trim());
  if (names.some((name) => name === ""))
    throw new InvalidArgumentError("must be stack names separated by commas, such as p1as-dev,p1as-prod.");
  return names;
}

export const STACKS_OPTION_HELP = "comma-separated stacks, e.g. p1as-dev,p1as-prod (default: every stack)";
export const IF_PRESENT_OPTION_HELP =
  "skip --stacks names the config does not declare (exit 0 when none is left) instead of failing";
