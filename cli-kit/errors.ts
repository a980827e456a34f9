/**
 * The CLI error catalogue for the review and drift tools. Each message says what happened, why, and what to
 * do; tests pin the wording. Tools print `error.message` and exit with `error.exitCode`.
 */

/**
 * Exit codes, the same in every tool (docs/reference/cli.md has the table):
 * - EXIT_OK: the tool did its job (and, where the question is "are there changes?", found none).
 * - EXIT_ERROR: the tool could not do its job; the message says why (and names the stack where there is one).
 * - EXIT_CHANGES: only where changes or drift are the question (drift, status --once): a finding, not a failure.
 * - EXIT_USAGE: the command line is wrong (unknown option, bad value, extra argument); nothing was done.
 *   64 is sysexits.h's EX_USAGE, so it cannot be mistaken for terraform's or a finding's code.
 */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;
export const EXIT_USAGE = 64;

export class CliError extends Error {
  public readonly name = "CliError";
  constructor(
    message: string,
    public readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
  }
}

export function noSynthOutput(outdir: string): CliError {
  return new CliError(
    `no synthesized stacks in ${outdir}: ${outdir}/manifest.json is missing or unreadable. Run \`npm run synth\` first, or pass --outdir <dir> where cdktf wrote its output.`,
  );
}

export function unknownStacks(option: string, unknown: readonly string[], available: readonly string[]): CliError {
  return new CliError(
    `invalid ${option} ${JSON.stringify(unknown.join(","))}: no such stack${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}. Synthesized stacks: ${available.join(", ") || "(none)"}.`,
  );
}

/**
 * Another terraform run holds the stack's state lock. The pg backend does not record the holder (the lock
 * info terraform prints there is the refused request's own), so the message points at how to find it.
 */
export function stateLocked(stack: string, terraformMessage: string): CliError {
  if (/locked for workspace/i.test(terraformMessage)) return creationLocked(stack);
  return new CliError(
    `${stack}: deploy refused: the state is locked by another terraform run (${terraformMessage}). Nothing was changed. ` +
      "Wait for the other deploy to finish and run this one again, or pass --lock-timeout 5m to wait for it. " +
      'If no other run is active, the lock is stale: see "Releasing a stale lock" in docs/reference/state-backends.md before unlocking anything.',
  );
}

/**
 * Terraform's pg backend has one database-wide lock for creating a workspace, and a workspace without a row
 * holds it for its whole first apply. The tools create each stack's row before terraform runs, so only a run
 * that bypassed them (`cdktf deploy`, a plain terraform), or one whose bootstrap could not reach the database,
 * holds it for long. It blocks every stack in the database, so the message must not say "your state is locked".
 */
function creationLocked(stack: string): CliError {
  return new CliError(
    `${stack}: deploy refused: a first deploy (of this stack or another) is creating its state in this database: ` +
      "terraform's pg backend allows one workspace creation at a time and holds that lock until the creating apply ends. Nothing was changed. " +
      "Wait for it and run this one again, or pass --lock-timeout 5m to wait for it. Deploy with `npm run deploy`, which creates each stack's state row " +
      "first so first deploys never hold this lock (see docs/reference/state-backends.md).",
  );
}

export function applyFailed(stack: string, errors: string): CliError {
  return new CliError(`${stack}: terraform apply failed:\n${errors}`);
}

export function initFailed(stack: string, errors: string): CliError {
  return new CliError(`${stack}: terraform init failed:\n${errors}`);
}

export function nothingToValidate(stacksDir: string): CliError {
  return new CliError(`no ${stacksDir}/<stack>/cdk.tf.json found: run npm run synth first`);
}

/** The workflow finds its own comment by the marker; a body without it would make every run post a new one. */
export function commentMarkerMissing(marker: string): CliError {
  return new CliError(`the comment body does not contain the marker ${marker}, so the next run could not find it`);
}

export function terraformNotRunnable(reason: string): CliError {
  return new CliError(`cannot run terraform (${reason}); install Terraform >= 1.11`);
}

export function terraformExited(command: string, where: string, exitCode: number | null): CliError {
  return new CliError(`terraform ${command} in ${where} exited with ${exitCode}`);
}

export function demoPortInUse(port: number): CliError {
  return new CliError(`port ${port} is in use: stop the other emulator (npm run emulator) and run again`);
}

/**
 * Terraform's local backend rewrites its state file in place, so a terraform killed while writing it
 * leaves a file cut short. Shared backends (pg, s3, cloud) write state atomically and never get here.
 */
export function stateUnreadable(stack: string, terraformMessage: string): CliError {
  return new CliError(
    `${stack}: the local state file cannot be read (${terraformMessage}): a terraform run was killed while writing it. Nothing was changed. ` +
      "Put the previous state back: copy the .backup file terraform keeps next to the state file over it (or move the state file aside when there is no backup), " +
      "then deploy again: creates adopt the objects that already exist as declared and refuse any they cannot match, naming the import block to use, so nothing is created twice.",
  );
}

/**
 * A file a pg connection names is not one terraform's driver can read and be done: it reads each whole, so a
 * device or a named pipe would never end (and a huge file would fill memory). Nothing has run yet.
 */
export function pgFileRefused(parameter: string, source: string, reason: string): CliError {
  return new CliError(
    `terraform init not started: the pg connection's ${parameter} (from ${source}) is refused: ${reason}. Terraform's pg driver reads that file whole. ` +
      `Point ${parameter} at the file itself: a regular file of at most 64 KiB (docs/reference/state-backends.md#pg).`,
  );
}

/**
 * Synth compares state locations without terraform's environment; with it (PG_CONN_STR, PGHOST, PGPORT,
 * PGDATABASE, PGUSER), two stacks turned out to be on one state.
 */
export function sharedDeclaredState(first: string, second: string): CliError {
  return new CliError(
    `refused: ${first} and ${second} keep their state in the same place once terraform's environment (PG_CONN_STR, PGHOST, PGPORT, PGDATABASE, PGUSER) is applied: ` +
      "each would plan to delete the other's objects. Nothing was planned or applied. Give each stack its own schemaName, or name the database in connStr.",
  );
}

/** A working directory in the stack index that leads outside the synth output: a hand-edited index. */
export function outsideOutdir(stack: string, workingDirectory: string, outdir: string): CliError {
  return new CliError(
    `refused: the stack index names ${JSON.stringify(workingDirectory)} for ${JSON.stringify(stack)}, which is outside ${outdir}. Nothing was planned or applied. Run \`npm run synth\` again.`,
  );
}

// ---- saved plans and interrupted deploys (deploy --plans, plan:summary --save-plans) ----------------

/** Where the saved plans come from, for the "plan again" advice. */
const PLAN_AGAIN = (stack: string) =>
  `Plan again (npm run plan:summary -- --stacks ${stack} --save-plans <dir>) and have the new plan reviewed before applying it.`;

/** `expected`: the file names this deploy would open (sealed ones only while a plan key is set). */
export function savedPlanMissing(stack: string, dir: string, expected: readonly string[]): CliError {
  return new CliError(
    `${stack}: no saved plan for this stack in ${dir} (expected ${expected.join(" or ")}). Nothing was applied. ${PLAN_AGAIN(stack)}`,
  );
}

/**
 * With a plan key set only sealed files are opened: a clear one may come from anyone who can write to the
 * folder or commit to the repository (a forged "nothing to apply" would make the deploy skip the stack).
 */
export function unsealedPlanRefused(stack: string, file: string, variable: string): CliError {
  return new CliError(
    `${stack}: refused the unsealed ${file}: with ${variable} set only sealed plans are applied, and an unsealed plan or "nothing to apply" marker ` +
      `could have been written by anyone who can write to that folder or commit to the repository. Nothing was applied. Delete it; ${PLAN_AGAIN(stack).charAt(0).toLowerCase()}${PLAN_AGAIN(stack).slice(1)}`,
  );
}

/** The (authenticated) meta says "plan" and the name says "nothing to apply", or the other way round. */
export function savedPlanKindMismatch(stack: string, file: string, applyable: boolean): CliError {
  return new CliError(
    `${stack}: the saved plan ${file} was renamed: its own record says it is ${applyable ? "a plan with changes" : 'a "nothing to apply" marker'}. Nothing was applied. ${PLAN_AGAIN(stack)}`,
  );
}

/** Why `--plans ""` is refused: an empty folder name would make deploy plan and apply with no reviewed plan. */
export const EMPTY_PLANS_REASON =
  "must name the folder of the saved plans (plan:summary --save-plans <dir>); without one, deploy would plan and apply with no reviewed plan";

export function emptyPlansOption(): CliError {
  return new CliError(`--plans ${EMPTY_PLANS_REASON}. Nothing was applied.`, EXIT_USAGE);
}

export function planKeyMissing(stack: string, variable: string): CliError {
  return new CliError(
    `${stack}: the saved plan is sealed and ${variable} is not set: set ${variable} to the key the plan was sealed with. Nothing was applied.`,
  );
}

export function planKeyTooShort(variable: string, minimum: number): CliError {
  return new CliError(
    `${variable} is too short to seal plans with: use a random value of at least ${minimum} characters (for example \`openssl rand -base64 32\`).`,
  );
}

/** AES-GCM cannot tell a changed file from a different key: the message names both. */
export function sealedPlanRejected(stack: string, file: string, variable: string): CliError {
  return new CliError(
    `${stack}: the sealed plan ${file} failed authentication: it was changed after it was sealed, or ${variable} is not the key it was sealed with. Nothing was applied. ${PLAN_AGAIN(stack)}`,
  );
}

export function savedPlanUnreadable(stack: string, file: string, why: string): CliError {
  return new CliError(
    `${stack}: the saved plan ${file} cannot be read (${why}). Nothing was applied. ${PLAN_AGAIN(stack)}`,
  );
}

export function savedPlanForOtherSynth(stack: string, planned: string, current: string): CliError {
  return new CliError(
    `${stack}: the saved plan was made from a different synth (cdk.tf.json sha256 ${planned.slice(0, 12)}, now ${current.slice(0, 12)}): terraform would apply the planned configuration, not this one. Nothing was applied. Synthesize the commit that was planned, or ${PLAN_AGAIN(stack).charAt(0).toLowerCase()}${PLAN_AGAIN(stack).slice(1)}`,
  );
}

/** A retiring stack is applied with -destroy; a plan made before (or after) the retirement is the wrong kind. */
export function savedPlanModeChanged(stack: string, plannedDestroy: boolean): CliError {
  return new CliError(
    `${stack}: the saved plan ${plannedDestroy ? "destroys the stack, which is no longer retiring" : "does not destroy the stack, which is now retiring"}. Nothing was applied. ${PLAN_AGAIN(stack)}`,
  );
}

export function savedPlanStale(stack: string): CliError {
  return new CliError(
    `${stack}: the saved plan is stale: the state changed after the plan was made (another deploy, or a change outside this review). Nothing was applied. ${PLAN_AGAIN(stack)}`,
  );
}

/** Exit code after SIGINT/SIGTERM, as a shell reports a command ended by the signal: 128 + its number. */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

export function deployInterrupted(signal: "SIGINT" | "SIGTERM", summary: string): CliError {
  return new CliError(`interrupted by ${signal}:\n${summary}`, signal === "SIGINT" ? EXIT_SIGINT : EXIT_SIGTERM);
}
