/**
 * Runs the terraform CLI for the tools (plan summary, drift, tests) the same way CI does: no prompts, no
 * version-check calls, output meant for machines.
 */
import { execFile } from "node:child_process";
import { CliError, initFailed, stateUnreadable } from "./errors";

/** What one terraform command left behind. A non-zero exit code is an outcome here, not an exception. */
export interface TerraformResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TerraformOptions {
  /** The stack's working directory (`cdktf.out/stacks/<stack>`). */
  readonly cwd: string;
  /**
   * Extra environment on top of this process's (TF_VAR_* secrets, PG_CONN_STR).
   * @default - the process environment only
   */
  readonly env?: NodeJS.ProcessEnv;
}

/** `show -json` of a large plan runs to tens of megabytes; execFile's 1 MB default would kill it. */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

/** Terraform reads a variable's value from `TF_VAR_<name>` in its environment. */
export const terraformVariableEnv = (name: string) => `TF_VAR_${name}`;

/**
 * The environment every terraform run gets: `CHECKPOINT_DISABLE` keeps it off the version-check service,
 * `TF_IN_AUTOMATION` drops the "run terraform apply next" hints that mean nothing in a comment, `TF_INPUT=0`
 * turns a missing variable into an error instead of a prompt that would hang CI.
 */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0", ...extra };
}

export function runTerraform(args: readonly string[], options: TerraformOptions): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "terraform",
      [...args],
      { cwd: options.cwd, env: terraformEnv(options.env), maxBuffer: MAX_OUTPUT_BYTES, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          // Not an exit status: terraform is missing or could not be started at all.
          reject(error);
          return;
        }
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * The error blocks terraform printed, without the box-drawing frame and without warnings (an absent
 * TF_CLI_CONFIG_FILE prints one on every run and would bury the real cause).
 */
export function terraformErrors(output: string): string {
  const lines = output.split("\n").map((line) => line.replace(/^[│╷╵]\s?/, "").trimEnd());
  const blocks: string[][] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    if (/^(Error|Warning): /.test(line)) {
      current = line.startsWith("Error: ") ? [] : undefined;
      if (current) blocks.push(current);
    }
    current?.push(line);
  }
  const text = blocks.map((block) => block.join("\n").trim()).join("\n\n");
  return text || output.trim();
}

/** What terraform prints for a state file that is not valid JSON. */
const UNREADABLE_STATE = /Unsupported state file format: (.*)/;

/** A state file terraform could not parse, as a catalogue error; undefined for any other failure. */
export function stateError(stack: string, errors: string): CliError | undefined {
  const unreadable = UNREADABLE_STATE.exec(errors);
  return unreadable ? stateUnreadable(stack, unreadable[1].trim()) : undefined;
}

/** Why `terraform init` failed for a stack, as a catalogue error naming it. */
export function initError(stack: string, init: TerraformResult): CliError {
  const errors = terraformErrors(init.stderr || init.stdout);
  return stateError(stack, errors) ?? initFailed(stack, errors);
}
