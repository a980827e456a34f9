/**
 * `npm run drift -- [--stack S] [--json]`: compares each stack's declared certificates and hostnames with what
 * the self-service API holds, and says what a deploy would do about each difference. Read-only: GET requests
 * and a token request to the API, `init` and `show -json` on the state. Safe to schedule.
 * Exit codes: 0 in sync, 2 drift, 1 error (an error in one stack does not hide the others' results).
 *
 * Credentials are the stack's own: the client id from the synthesized stack, the secret from the TF_VAR_<name>
 * its clientSecretVariable names (or, for a generated client, the stack's sensitive output).
 */
import { Command } from "commander";
import { reportFailure, runMain } from "./cli";
import { FieldDifference } from "../driver/errors";
import { DriftChange, DriftObject, inSync } from "./drift/compare";
import { assessStack, findingId, StackAssessment } from "./drift/assess";
import { CliError, EXIT_ERROR } from "./errors";
import { redactTerraformText } from "./redact";
import { synthesizedStacks } from "./synth-output";

export const EXIT_DRIFT = 2;

export type StackDrift =
  | ({ readonly stack: string; readonly status: "in-sync" | "drift" } & Omit<StackAssessment, "stack" | "repairs">)
  | { readonly stack: string; readonly status: "error"; readonly error: string };

export interface DriftOptions {
  readonly outdir: string;
  /** @default - every stack with virtual hosts */
  readonly stack?: string;
  /**
   * Extra environment (TF_VAR_* secrets, PG_CONN_STR).
   * @default - the process environment only
   */
  readonly env?: NodeJS.ProcessEnv;
}

export async function detectDrift(options: DriftOptions): Promise<{ stacks: StackDrift[]; exitCode: number }> {
  const stacks = synthesizedStacks(options.outdir, options.stack ? [options.stack] : undefined, "--stack");
  const results: StackDrift[] = [];
  for (const stack of stacks) {
    try {
      const assessment = await assessStack(stack, options.env);
      if (!assessment) {
        if (options.stack) throw new CliError(`${stack.name} declares no virtual hosts; drift compares certificates and hostnames only.`);
        continue;
      }
      const { repairs: _repairs, stack: name, ...rest } = assessment;
      results.push({ stack: name, status: inSync(assessment) ? "in-sync" : "drift", ...rest });
    } catch (error) {
      results.push({ stack: stack.name, status: "error", error: redactTerraformText(error instanceof Error ? error.message : String(error)) });
    }
  }
  const exitCode = results.some((result) => result.status === "error")
    ? EXIT_ERROR
    : results.some((result) => result.status === "drift")
      ? EXIT_DRIFT
      : 0;
  return { stacks: results, exitCode };
}

export function renderDrift(stacks: readonly StackDrift[]): string {
  const lines: string[] = [];
  for (const result of stacks) {
    if (result.status === "error") {
      lines.push(`${result.stack}: ERROR: ${result.error}`);
      continue;
    }
    if (result.status === "in-sync") {
      lines.push(`${result.stack}: in sync`);
    } else {
      lines.push(`${result.stack}: DRIFT: ${result.missing.length} missing, ${result.extra.length} extra, ${result.changed.length} changed`);
    }
    const consequence = (item: { kind: DriftObject["kind"]; key: string }) => `           -> ${result.consequences[findingId(item.kind, item.key)]}`;
    for (const item of result.missing) lines.push(`  missing  ${item.kind} ${item.key}  ${fields(item.fields)}`, consequence(item));
    for (const item of result.extra) lines.push(`  extra    ${item.kind} ${item.key}  ${fields(item.fields)}`, consequence(item));
    for (const item of result.changed) lines.push(`  changed  ${item.kind} ${item.key}  ${differences(item)}`, consequence(item));
    if (result.adoptable.length > 0) {
      lines.push(`  deploy adopts ${result.adoptable.length} existing object(s) that match the declaration: ${result.adoptable.map((item) => `${item.kind} ${item.key}`).join(", ")}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function fields(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([field, value]) => `${field}=${value}`)
    .join(" ");
}

function differences(change: DriftChange): string {
  return change.differences.map((difference: FieldDifference) => `${difference.field}: API ${difference.api}, declared ${difference.declared}`).join("; ");
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("drift")
    .description("Compare declared certificates and hostnames with the self-service API (read-only). Exit 0 in sync, 2 drift, 1 error.")
    .option("--outdir <dir>", "where cdktf synthesized the stacks", "cdktf.out")
    .option("--stack <name>", "only this stack (default: every stack with virtual hosts)")
    .option("--json", "print JSON instead of text", false)
    .exitOverride();
  program.parse([...argv], { from: "user" });
  const options = program.opts<DriftOptions & { json: boolean }>();
  try {
    const { stacks, exitCode } = await detectDrift(options);
    process.stdout.write(options.json ? `${JSON.stringify({ exitCode, stacks }, null, 2)}\n` : renderDrift(stacks));
    return exitCode;
  } catch (error) {
    return reportFailure("drift", error);
  }
}

if (require.main === module) runMain(main);
