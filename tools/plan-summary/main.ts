/**
 * `npm run plan:summary [-- --stacks a,b --out plan-summary.md]`: plans every synthesized stack and writes the
 * pull-request comment. Exit codes: 0 every stack planned; 1 a plan failed, a stack could not be planned
 * (unless --allow-unplannable), a state the config no longer declares still holds objects (the summary then
 * says so), or the tool could not run. The summary is written in every case but the last.
 * With --save-plans <dir>, each planned stack's plan is kept for `deploy --plans <dir>` (saved-plans.ts).
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { parseCommandLine, reportFailure, runMain } from "../../cli-kit/command-line";
import { EXIT_ERROR } from "../../cli-kit/errors";
import { maskKnownSecrets } from "../terraform/redact";
import { planStacks } from "./plan-stacks";
import { planKey } from "./saved-plans";
import { DEFAULT_MAX_CHARS, renderRefusal, renderSummary, StackOutcome } from "./render";
import { checkUndeclaredStates } from "../terraform/retired-stacks";
import {
  IF_PRESENT_OPTION_HELP,
  nothingSelected,
  selectStacks,
  stackListOption,
  STACKS_OPTION_HELP,
} from "../terraform/synth-output";

export interface PlanSummaryOptions {
  readonly outdir: string;
  /** @default - every synthesized stack; [] selects none */
  readonly stacks?: readonly string[];
  /** Skip selected stacks the config does not declare instead of failing. @default false */
  readonly ifPresent?: boolean;
  readonly out: string;
  readonly maxChars: number;
  readonly allowUnplannable: boolean;
  /** A line under the title, e.g. the commit planned. @default - none */
  readonly subtitle?: string;
  /**
   * Keep each planned stack's plan in this directory for `deploy --plans` (sealed when P1AS_PLAN_KEY is set).
   * @default - plans are not kept
   */
  readonly savePlans?: string;
}

export interface PlanSummaryResult {
  readonly markdown: string;
  readonly outcomes: readonly StackOutcome[];
  readonly exitCode: number;
}

/**
 * A stack that could not be planned fails the run by default: in CI the provider is downloadable, so a
 * stack that silently drops out of the review is worse than a red check. Offline, pass --allow-unplannable.
 */
export function exitCodeFor(outcomes: readonly StackOutcome[], allowUnplannable: boolean): number {
  if (outcomes.some((outcome) => outcome.status === "failed")) return EXIT_ERROR;
  if (!allowUnplannable && outcomes.some((outcome) => outcome.status === "unplannable")) return EXIT_ERROR;
  return 0;
}

export async function runPlanSummary(
  options: PlanSummaryOptions,
  log: (message: string) => void = () => {},
): Promise<PlanSummaryResult> {
  // The summary is posted where everyone who reads the repository reads it: no secret of this run in it.
  maskKnownSecrets(process.env);
  const { stacks, absent } = selectStacks(options.outdir, options.stacks, { ifPresent: options.ifPresent });
  await checkUndeclaredStates(options.outdir, { log }).catch((error: Error) => {
    writeFileSync(options.out, renderRefusal(error.message, options.subtitle));
    throw error;
  });
  if (stacks.length === 0 && absent.length > 0) log(nothingSelected("plan-summary", absent));
  // Read before planning: a key too short to seal with stops the run before any plan is written in the clear.
  const savePlans = options.savePlans ? { dir: options.savePlans, key: planKey() } : undefined;
  const outcomes = await planStacks(stacks, { onProgress: log, savePlans });
  const markdown = renderSummary(outcomes, { maxChars: options.maxChars, subtitle: options.subtitle });
  writeFileSync(options.out, markdown);
  for (const outcome of outcomes) {
    if (outcome.status === "failed") log(`${outcome.stack}: plan failed:\n${outcome.error}`);
    if (outcome.status === "unplannable") log(`${outcome.stack}: could not plan: ${outcome.reason}`);
    if (outcome.status === "retired") log(outcome.note);
  }
  return { markdown, outcomes, exitCode: exitCodeFor(outcomes, options.allowUnplannable) };
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1000)
    throw new InvalidArgumentError("must be an integer of at least 1000.");
  return parsed;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("plan-summary")
    .description("Plan every synthesized stack and write a pull-request summary (markdown).")
    .option("--outdir <dir>", "where cdktf synthesized the stacks", "cdktf.out")
    .option("--stacks <names>", STACKS_OPTION_HELP, stackListOption)
    .option("--if-present", IF_PRESENT_OPTION_HELP, false)
    .option("--out <file>", "markdown file to write", "plan-summary.md")
    .option("--max-chars <n>", "upper bound for the summary's length", positiveInteger, DEFAULT_MAX_CHARS)
    .option("--allow-unplannable", "exit 0 even when a stack's provider cannot be installed (offline runs)", false)
    .option("--subtitle <text>", "a line under the title, e.g. the commit planned")
    .option(
      "--save-plans <dir>",
      "keep each stack's plan as <dir>/<stack>.tfplan for deploy --plans (sealed as .tfplan.sealed when P1AS_PLAN_KEY is set)",
    )
    .exitOverride();
  const stop = parseCommandLine(program, argv);
  if (stop !== undefined) return stop;
  const options = program.opts<PlanSummaryOptions>();
  try {
    const result = await runPlanSummary(options, (message) => process.stderr.write(`${message}\n`));
    process.stdout.write(result.markdown);
    // GitHub shows this file on the run's page; it has no comment size problem and needs no token.
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, result.markdown);
    return result.exitCode;
  } catch (error) {
    return reportFailure("plan-summary", error);
  }
}

if (require.main === module) runMain(main);
