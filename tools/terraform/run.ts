/**
 * Runs the terraform CLI for the tools (deploy, plan summary, drift, tests) the same way CI does: no prompts,
 * no version-check calls. On execa 5 (the last CommonJS line): buffered output for parsing, plus optional line
 * streaming for live output and an interruption that behaves like one Ctrl-C.
 */
import * as os from "node:os";
import { StringDecoder } from "node:string_decoder";
import execa = require("execa");
import { CliError, initFailed, stateUnreadable } from "../../cli-kit/errors";

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
  /**
   * Called with each line terraform prints, as it prints it (without the newline). The full output is in the
   * result either way.
   * @default - output is only buffered
   */
  readonly onOutput?: (line: string, stream: TerraformStream) => void;
  /**
   * Aborting it interrupts terraform the way Ctrl-C does: one SIGINT, after which terraform stops
   * gracefully (starts nothing new, asks its providers to stop, writes state, releases its lock) and exits. The promise
   * resolves when terraform has exited. Terraform then runs in its own process group, so the caller must
   * forward the signals it receives (a terminal's Ctrl-C no longer reaches terraform directly).
   * @default - not interruptible: terraform shares this process's group and its Ctrl-C
   */
  readonly signal?: AbortSignal;
  /**
   * Aborting it kills terraform and its providers at once (SIGKILL to its process group): the second Ctrl-C.
   * State writes in progress may be cut short (see the state-recovery docs).
   * @default - never killed
   */
  readonly kill?: AbortSignal;
}

export type TerraformStream = "stdout" | "stderr";

/**
 * Turns chunks into whole lines as they arrive. A chunk may end inside a line or inside a multi-byte
 * character; both wait for the next chunk. The last line is delivered on end even without a newline.
 */
function lineReader(onLine: (line: string) => void): { push: (chunk: Buffer) => void; end: () => void } {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  const deliver = (text: string) => {
    const lines = (pending + text).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line.replace(/\r$/, ""));
  };
  return {
    push: (chunk) => deliver(decoder.write(chunk)),
    end: () => {
      deliver(decoder.end());
      if (pending) onLine(pending);
      pending = "";
    },
  };
}

/** `show -json` of a large plan runs to tens of megabytes; execFile's 1 MB default would kill it. */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

/**
 * The environment every terraform run gets: `CHECKPOINT_DISABLE` keeps it off the version-check service,
 * `TF_IN_AUTOMATION` drops the "run terraform apply next" hints that mean nothing in a comment, `TF_INPUT=0`
 * turns a missing variable into an error instead of a prompt that would hang CI.
 */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0", ...extra };
}

/**
 * The umask terraform runs with: what it creates (plan files, a local state and its backup, crash logs) can
 * hold the state's secrets, so only this user may read it. Go's os.Create honours the umask, so `-out=` plans
 * are created 0600 instead of 0644.
 */
const TERRAFORM_UMASK = 0o077;

export async function runTerraform(args: readonly string[], options: TerraformOptions): Promise<TerraformResult> {
  const detached = options.signal !== undefined;
  const child = withUmask(TERRAFORM_UMASK, () =>
    execa("terraform", [...args], {
      cwd: options.cwd,
      env: terraformEnv(options.env),
      extendEnv: false,
      maxBuffer: MAX_OUTPUT_BYTES,
      reject: false,
      // The buffered output as terraform printed it, as the execFile runner before this returned it.
      stripFinalNewline: false,
      stdin: "ignore",
      // An interruptible run gets its own process group: a terminal's Ctrl-C then reaches only this process,
      // which forwards exactly one SIGINT (terraform takes a second one as "exit immediately", which may lose
      // state). Without a signal terraform stays in our group and gets the terminal's Ctrl-C itself.
      detached,
    }),
  );
  if (options.onOutput) {
    for (const stream of ["stdout", "stderr"] as const) {
      const lines = lineReader((line) => options.onOutput!(line, stream));
      child[stream]?.on("data", lines.push).on("end", lines.end);
    }
  }
  const interrupt = () => child.kill("SIGINT");
  const kill = () => {
    try {
      // The whole group: terraform's providers too, which would otherwise finish their requests orphaned.
      if (detached) process.kill(-child.pid!, "SIGKILL");
      else child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  };
  if (options.signal?.aborted) interrupt();
  options.signal?.addEventListener("abort", interrupt, { once: true });
  if (options.kill?.aborted) kill();
  options.kill?.addEventListener("abort", kill, { once: true });
  try {
    const result = await child;
    if (typeof result.exitCode === "number")
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    // Killed by a signal: the shell's convention, 128 + the signal's number (SIGKILL: 137).
    if (result.signal)
      return {
        exitCode: 128 + (os.constants.signals[result.signal as NodeJS.Signals] ?? 0),
        stdout: result.stdout,
        stderr: result.stderr,
      };
    // Not an exit status: terraform is missing or could not be started at all.
    throw new Error((result as Partial<execa.ExecaError>).shortMessage ?? "terraform could not be started");
  } finally {
    options.signal?.removeEventListener("abort", interrupt);
    options.kill?.removeEventListener("abort", kill);
  }
}

/**
 * Runs `start` (which must spawn synchronously, as execa does) with the process umask set to `mask`: a child
 * inherits the umask at spawn, and Node has no per-child umask. The mask is restored before any other JavaScript
 * runs; a file another thread creates in that instant gets the stricter mask, never a looser one.
 */
function withUmask<T>(mask: number, start: () => T): T {
  const previous = process.umask(mask);
  try {
    return start();
  } finally {
    process.umask(previous);
  }
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

/** Colour codes terraform (and picocolors) write on a terminal; parsing works on the text without them. */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
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
