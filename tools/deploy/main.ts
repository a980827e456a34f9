/**
 * `npm run deploy -- --stacks p1as-dev [--lock-timeout 5m] [--plans <dir>] [--result-out <file>]`: init and
 * apply synthesized stacks, in manifest order, stopping at the first failure. Run `npm run synth` first.
 *
 * Terraform's output streams as it comes, each line prefixed with its stack and redacted, in colour on a
 * terminal. With --plans, each stack applies its saved plan (plan:summary --save-plans) and nothing else.
 * Ctrl-C (SIGINT) or SIGTERM is forwarded to the running terraform once (it stops gracefully and releases
 * its lock), no further stack starts, and the tool says what was applied, interrupted and not started; a
 * second signal (after a second) kills terraform hard.
 *
 * A retiring stack is applied with -destroy. Before anything, every state the config no longer declares is
 * checked (tools/terraform/retired-stacks.ts). An explicit --stacks selection is exactly that: one naming no stack of
 * this config deploys nothing (exit 0 only with --if-present).
 *
 * Exit codes: 0 deployed (or nothing to do), 1 failed (every line names the stack; a state lock held by another run and a stale
 * saved plan get their own messages), 130 interrupted by SIGINT, 143 by SIGTERM.
 */
import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { createColors } from "picocolors";
import { parseCommandLine, reportFailure, runMain } from "../../cli-kit/command-line";
import {
  applyFailed,
  CliError,
  deployInterrupted,
  EMPTY_PLANS_REASON,
  emptyPlansOption,
  EXIT_ERROR,
  savedPlanModeChanged,
  savedPlanStale,
  stateLocked,
} from "../../cli-kit/errors";
import { markdownCode, markdownText, terminalLine, terminalText } from "../../cli-kit/escape";
import { OpenedPlan, openSavedPlans } from "../plan-summary/saved-plans";
import { lineRedactor, maskKnownSecrets, redactTerraformText } from "../terraform/redact";
import { checkUndeclaredStates, retiredLine, stateAddresses } from "../terraform/retired-stacks";
import { initStack } from "../terraform/init";
import {
  IF_PRESENT_OPTION_HELP,
  nothingSelected,
  planModeArgs,
  selectStacks,
  stackListOption,
  SynthesizedStack,
} from "../terraform/synth-output";
import {
  initError,
  runTerraform,
  stateError,
  stripAnsi,
  TerraformResult,
  TerraformStream,
  terraformErrors,
} from "../terraform/run";
import { offlineHostnames, offlineLines } from "../plan-summary/offline-hostnames";
import { undeclaredObjects } from "./undeclared-objects";

export interface DeployOptions {
  readonly outdir: string;
  /** @default - every synthesized stack, in manifest order */
  readonly stacks?: readonly string[];
  /** Terraform duration (`0s`, `5m`). */
  readonly lockTimeout: string;
  /** Stacks the config does not declare are skipped instead of failing (one workflow job per P1AS environment). */
  readonly ifPresent: boolean;
  /**
   * Extra environment for terraform (TF_VAR_* secrets, PG_CONN_STR).
   * @default - the process environment only
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Apply the saved plans in this directory (`<stack>.tfplan[.sealed]`) instead of planning again; with
   * P1AS_PLAN_KEY set, sealed ones only. Must not be empty.
   * @default - each stack is planned and applied in one `terraform apply`
   */
  readonly plans?: string;
  /** Terraform's own colours in its output. @default false */
  readonly colour?: boolean;
  /**
   * Aborting it interrupts the deploy: terraform gets one SIGINT and no further stack starts. The abort
   * reason names the signal (`"SIGINT"`/`"SIGTERM"`) for the summary.
   * @default - not interruptible
   */
  readonly signal?: AbortSignal;
  /** Aborting it kills the running terraform hard (the second Ctrl-C). @default - never */
  readonly kill?: AbortSignal;
}

/** unchanged: its reviewed plan had nothing to apply; retired: a retiring stack whose state is already empty. */
export type StackStatus = "applied" | "unchanged" | "retired" | "failed" | "interrupted" | "not started";

/** The outcomes after which the next stack may start. */
const CARRY_ON: readonly StackStatus[] = ["applied", "unchanged", "retired"];

export interface StackResult {
  readonly stack: string;
  readonly status: StackStatus;
  /** Why a stack failed or what an interruption left (one or more lines, without the stack name). */
  readonly reason?: string;
  /** Terraform's "Resources: 1 added, 0 changed, 0 destroyed." from a completed apply. */
  readonly resources?: string;
  /** The catalogue error of a failed stack. */
  readonly error?: CliError;
  /** Hostnames the apply deleted and created again (no update route), each with its window (tools/plan-summary/offline-hostnames.ts). */
  readonly offline?: readonly string[];
}

export interface DeployReport {
  readonly stacks: readonly StackResult[];
  /** The signal that interrupted the deploy, if one did. */
  readonly interruptedBy?: "SIGINT" | "SIGTERM";
}

/** One line of terraform's output, already redacted, with the stack it belongs to. */
export type DeployOutput = (stack: string, line: string, stream: TerraformStream) => void;

/** What terraform prints when the backend refuses the lock; the line after it says why. */
const LOCK_ERROR = /Error acquiring the state lock/;
const STALE_PLAN = /Saved plan is stale/;
/** Terraform's pg backend refusing its workspace-creation lock (see stateLocked in errors.ts). */
const CREATION_LOCK_BUSY = /Error acquiring the state lock[\s\S]*locked for workspace creation/i;
const CREATION_LOCK_ATTEMPTS = 3;
const CREATION_LOCK_PAUSE_MS = 500;
const APPLY_COMPLETE = /(?:Apply|Destroy) complete! (Resources: [^\n]*)/;

/**
 * Deploys the selected stacks and reports each one's outcome; a stack that fails stops the deploy (the
 * rest are "not started") but is reported, not thrown. Selection and saved-plan errors (nothing applied
 * yet) are thrown.
 */
export async function deployStacks(
  options: DeployOptions,
  output: DeployOutput = () => {},
  note: (line: string) => void = () => {},
): Promise<DeployReport> {
  // "" is not "no plans": it would plan and apply what nobody reviewed.
  if (options.plans !== undefined && options.plans.trim() === "") throw emptyPlansOption();
  maskKnownSecrets({ ...process.env, ...options.env });
  const { stacks, absent } = selectStacks(options.outdir, options.stacks, { ifPresent: options.ifPresent });
  await checkUndeclaredStates(options.outdir, { env: options.env, log: note });
  if (stacks.length === 0 && absent.length > 0) note(nothingSelected("deploy", absent));
  // Every saved plan is found, authenticated and matched to this synth before the first apply.
  const plans =
    options.plans !== undefined ? openSavedPlans(stacks, options.plans, { ...process.env, ...options.env }) : undefined;
  for (const [index, plan] of (plans ?? []).entries()) {
    const destroy = planModeArgs(stacks[index]).includes("-destroy");
    if (plan.meta.destroy !== destroy) throw savedPlanModeChanged(plan.stack, plan.meta.destroy);
  }
  const results: StackResult[] = [];
  for (const [index, stack] of stacks.entries()) {
    if (options.signal?.aborted) break;
    const result = await deployStack(stack, options, output, note, plans?.[index]);
    results.push(result);
    // Not after "unchanged": a reviewed plan with no changes runs no terraform and sends nothing, and neither does this.
    if (result.status === "applied" && !stack.retiring) await reportUndeclared(stack, options.env, note);
    if (!CARRY_ON.includes(result.status)) break;
  }
  for (const stack of stacks.slice(results.length)) results.push({ stack: stack.name, status: "not started" });
  return {
    stacks: results,
    interruptedBy: options.signal?.aborted ? (options.signal.reason as DeployReport["interruptedBy"]) : undefined,
  };
}

/** Objects the stack's API holds and its configuration does not declare, with the command that deletes each; a failed look is a note, never a failed deploy. */
async function reportUndeclared(
  stack: SynthesizedStack,
  env: NodeJS.ProcessEnv | undefined,
  note: (line: string) => void,
): Promise<void> {
  try {
    for (const line of await undeclaredObjects(stack, { ...process.env, ...env })) note(line);
  } catch (error) {
    note(
      `${stack.name}: not checked for objects this configuration does not declare: ${redactTerraformText(error instanceof Error ? error.message : String(error))}`,
    );
  }
}

/** The deploy as a library call: the deployed stacks, or the first failure (or the interruption) thrown. */
export async function deploy(options: DeployOptions, log: (message: string) => void = () => {}): Promise<string[]> {
  const report = await deployStacks(options, (stack, line) => log(`${stack} │ ${line}`), log);
  if (report.interruptedBy) throw deployInterrupted(report.interruptedBy, resultLines(report).join("\n"));
  const failed = report.stacks.find((stack) => stack.status === "failed");
  if (failed) throw failed.error ?? new CliError(`${failed.stack}: ${failed.reason}`);
  return report.stacks.filter((stack) => stack.status === "applied").map((stack) => stack.stack);
}

async function deployStack(
  stack: SynthesizedStack,
  options: DeployOptions,
  output: DeployOutput,
  note: (line: string) => void,
  plan?: OpenedPlan,
): Promise<StackResult> {
  const colourArgs = options.colour ? [] : ["-no-color"];
  const terraform = (args: string[]): Promise<TerraformResult> => {
    output(stack.name, `terraform ${args.join(" ")}`, "stdout");
    const redact = { stdout: lineRedactor(), stderr: lineRedactor() };
    return runTerraform(args, {
      cwd: stack.workingDirectory,
      env: options.env,
      signal: options.signal,
      kill: options.kill,
      // Masked, then made safe for a terminal: terraform prints API and config text raw inside its lines.
      onOutput: (line, stream) =>
        output(stack.name, terminalLine(redact[stream](line), { colour: options.colour ?? false }), stream),
    });
  };
  const interrupted = (during: string) =>
    options.signal?.aborted && { stack: stack.name, status: "interrupted" as const, reason: during };

  // A reviewed plan without changes: nothing to run, not even init.
  if (plan && !plan.contents)
    return { stack: stack.name, status: "unchanged", reason: "the reviewed plan has no changes: nothing to apply" };
  const init = await initStack(stack, { env: options.env, colour: options.colour, log: note, run: terraform });
  if (init.exitCode !== 0) {
    return (
      interrupted("stopped during terraform init: nothing was applied") ||
      failure(stack.name, initError(stack.name, plainResult(init)))
    );
  }
  const beforeApply = interrupted("stopped before terraform apply: nothing was applied");
  if (beforeApply) return beforeApply;
  if (stack.retiring && (await stateAddresses(stack, { env: options.env, initialized: true })).length === 0) {
    return {
      stack: stack.name,
      status: "retired",
      reason: retiredLine(stack.name).replace(`${stack.name}: retired; `, ""),
    };
  }

  // The plan file holds the prior state and the client secret: it exists in the clear only while terraform runs.
  const contents = plan?.contents;
  const planFile = contents && path.join(stack.workingDirectory, `deploy-${process.pid}.tfplan`);
  if (contents && planFile) writeFileSync(planFile, contents, { mode: 0o600 });
  let apply: TerraformResult;
  try {
    // The p1as provider reads every object from the API while planning, so drift is repaired by the apply itself.
    const what = planFile ? [planFile] : ["-auto-approve", ...planModeArgs(stack)];
    const args = ["apply", "-input=false", ...colourArgs, `-lock-timeout=${options.lockTimeout}`, ...what];
    apply = await terraform(args);
    // Terraform's pg backend also takes its database-wide creation lock for an instant while locking an existing
    // row, so two stacks locking in the same moment can refuse each other. Refused before any change: try again.
    for (
      let attempt = 1;
      attempt < CREATION_LOCK_ATTEMPTS &&
      !options.signal?.aborted &&
      CREATION_LOCK_BUSY.test(stripAnsi(apply.stderr + apply.stdout));
      attempt++
    ) {
      note(
        `${stack.name}: the pg backend's creation lock was busy for an instant (another stack was locking its state); nothing was changed, trying again`,
      );
      await new Promise((resolve) => setTimeout(resolve, CREATION_LOCK_PAUSE_MS * attempt));
      apply = await terraform(args);
    }
  } finally {
    if (planFile) rmSync(planFile, { force: true });
  }
  const text = plainResult(apply);
  const result = applyResult(stack, apply.exitCode, text, interrupted);
  const offline = offlineLines(offlineHostnames(text.stdout + text.stderr));
  return offline.length > 0 ? { ...result, offline } : result;
}

function applyResult(
  stack: SynthesizedStack,
  exitCode: number,
  text: TerraformResult,
  interrupted: (during: string) => false | StackResult | undefined,
): StackResult {
  if (exitCode === 0) {
    const resources = APPLY_COMPLETE.exec(text.stdout)?.[1];
    return {
      stack: stack.name,
      status: "applied",
      resources,
      ...(stack.retiring ? { reason: "retiring: every object in its state was destroyed" } : {}),
    };
  }
  const stopped = interrupted(
    "stopped during terraform apply: the requests in flight were finished or abandoned (an object may still be changing in the API), " +
      "the state records what completed, and the lock is released. Deploy again to converge.",
  );
  if (stopped) return stopped;
  const errors = redactTerraformText(terraformErrors(text.stderr || text.stdout));
  if (STALE_PLAN.test(errors)) return failure(stack.name, savedPlanStale(stack.name));
  const unreadable = stateError(stack.name, errors);
  if (unreadable) return failure(stack.name, unreadable);
  if (LOCK_ERROR.test(errors))
    return failure(stack.name, stateLocked(stack.name, /^Error message: (.*)$/m.exec(errors)?.[1] ?? "lock refused"));
  return failure(stack.name, applyFailed(stack.name, errors));
}

/** The result with colour codes removed, for parsing. */
function plainResult(result: TerraformResult): TerraformResult {
  return { exitCode: result.exitCode, stdout: stripAnsi(result.stdout), stderr: stripAnsi(result.stderr) };
}

function failure(stack: string, error: CliError): StackResult {
  // The catalogue's messages start with the stack; the reason is what follows.
  return { stack, status: "failed", reason: error.message.replace(new RegExp(`^${stack}: `), ""), error };
}

/**
 * One line per stack and line of its reason, each starting with the stack: `p1as-dev: failed: ...`. A reason
 * quotes terraform's errors, and so the API's words: its control characters are shown as escapes.
 */
export function resultLines(report: DeployReport): string[] {
  return report.stacks.flatMap((result) => {
    const head = `${result.stack}: ${result.status}${result.resources ? ` (${result.resources.replace(/\.$/, "")})` : ""}`;
    const reason = result.reason?.split("\n").filter((line) => line.trim() !== "") ?? [];
    const lines = [
      ...(reason.length === 0
        ? [head]
        : [`${head}: ${reason[0]}`, ...reason.slice(1).map((line) => `${result.stack}: ${line}`)]),
      ...(result.offline ?? []).map((line) => `${result.stack}: ${line}`),
    ];
    return lines.map((line) => terminalText(line, { singleLine: true }));
  });
}

/** The result as markdown, for --result-out and $GITHUB_STEP_SUMMARY; every line of a reason is Markdown text. */
export function resultMarkdown(report: DeployReport, title = "Deploy result"): string {
  const cell = (text: string) =>
    text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => markdownText(redactTerraformText(line)))
      .join("<br>");
  const rows = report.stacks.map(
    (result) =>
      `| ${markdownCode(result.stack)} | ${result.status} | ${cell(result.resources ?? "")} | ${cell([result.reason ?? "", ...(result.offline ?? [])].join("\n"))} |`,
  );
  const interrupted = report.interruptedBy ? [`Interrupted by ${report.interruptedBy}.`, ""] : [];
  return [
    `## ${title}`,
    "",
    ...interrupted,
    "| stack | result | resources | details |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/** The result markdown into --result-out and the job summary. */
function publishResult(markdown: string, resultOut: string | undefined): void {
  if (resultOut) writeFileSync(resultOut, markdown);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
}

/** A second signal within this long is the same Ctrl-C delivered twice (`npm run` forwards it, the terminal sends it too). */
const SAME_SIGNAL_MS = 1_000;

/**
 * SIGINT/SIGTERM abort the deploy (terraform gets one SIGINT); a second signal, a second or more later,
 * kills terraform hard. Either way the deploy then reports what was and was not applied.
 */
function interruptOnSignals(): { signal: AbortSignal; kill: AbortSignal; dispose: () => void } {
  const graceful = new AbortController();
  const hard = new AbortController();
  let first = 0;
  const handler = (signal: "SIGINT" | "SIGTERM") => {
    if (!graceful.signal.aborted) {
      first = Date.now();
      process.stderr.write(
        `deploy: ${signal}: stopping terraform gracefully (it starts nothing new, records what completed and releases its lock); no further stack starts. Press Ctrl-C again to kill it.\n`,
      );
      graceful.abort(signal);
    } else if (!hard.signal.aborted && Date.now() - first >= SAME_SIGNAL_MS) {
      process.stderr.write(`deploy: ${signal} again: killing terraform\n`);
      hard.abort(signal);
    }
  };
  const onInt = () => handler("SIGINT");
  const onTerm = () => handler("SIGTERM");
  process.on("SIGINT", onInt).on("SIGTERM", onTerm);
  return {
    signal: graceful.signal,
    kill: hard.signal,
    dispose: () => process.off("SIGINT", onInt).off("SIGTERM", onTerm),
  };
}

/** commander's parser for --plans: an empty folder name is a usage error, never "plan again". */
function plansDirectory(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError(`${EMPTY_PLANS_REASON}.`);
  return value;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("deploy")
    .description("terraform init + apply the synthesized stacks (run `npm run synth` first).")
    .option("--outdir <dir>", "where cdktf synthesized the stacks", "cdktf.out")
    .option(
      "--stacks <names>",
      "comma-separated stacks to deploy, in manifest order (default: every stack)",
      stackListOption,
    )
    .option("--lock-timeout <duration>", "how long to wait for another run's state lock (terraform duration)", "0s")
    .option("--if-present", IF_PRESENT_OPTION_HELP, false)
    .option(
      "--plans <dir>",
      "apply the saved plans in <dir> (plan:summary --save-plans) instead of planning again; sealed ones only when P1AS_PLAN_KEY is set",
      plansDirectory,
    )
    .option(
      "--result-out <file>",
      "write the per-stack result as markdown (also appended to $GITHUB_STEP_SUMMARY when set)",
    )
    .exitOverride();
  const stop = parseCommandLine(program, argv);
  if (stop !== undefined) return stop;
  const options = program.opts<DeployOptions & { resultOut?: string }>();
  // Colour only on a terminal, decided here: picocolors alone would also colour CI logs (CI=true).
  const colour = process.stdout.isTTY === true;
  const colours = createColors(colour);
  const write = (stack: string, line: string, stream: TerraformStream) =>
    process[stream].write(`${colours.cyan(stack)} ${colours.dim("│")} ${line}\n`);
  const interrupt = interruptOnSignals();
  try {
    const note = (line: string) => process.stdout.write(`${terminalText(line)}\n`);
    const report = await deployStacks(
      { ...options, colour, signal: interrupt.signal, kill: interrupt.kill },
      write,
      note,
    );
    publishResult(resultMarkdown(report), options.resultOut);
    const lines = resultLines(report);
    if (report.interruptedBy)
      return reportFailure(
        "deploy",
        deployInterrupted(report.interruptedBy, lines.map((line) => `deploy: ${line}`).join("\n")),
      );
    const failed = report.stacks.some((stack) => stack.status === "failed");
    for (const line of lines) process[failed ? "stderr" : "stdout"].write(`deploy: ${line}\n`);
    return failed ? EXIT_ERROR : 0;
  } catch (error) {
    // Refused before the first apply (selection, saved plans): the result still says so where CI shows it.
    if (error instanceof CliError)
      publishResult(
        `## Deploy result\n\nNothing was applied: ${markdownText(redactTerraformText(error.message))}\n`,
        options.resultOut,
      );
    return reportFailure("deploy", error);
  } finally {
    interrupt.dispose();
  }
}

if (require.main === module) runMain(main);
