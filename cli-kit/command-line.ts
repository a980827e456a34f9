/**
 * What every tool's command line shares: how flags are parsed (`--help` and usage errors alike in every
 * tool), how a failure is printed and turned into an exit code, and how the entry point hands its code to
 * the process.
 */
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { CliError, EXIT_ERROR, EXIT_OK, EXIT_USAGE } from "./errors";
import { terminalText } from "./escape";

/** Where a tool writes; the process's streams unless a test or an embedding caller gives its own. */
export interface CommandLineOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const PROCESS_OUTPUT: CommandLineOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Prints `<tool>: <message>` on stderr and returns the exit code the error asks for. Messages quote the API
 * and the config, so their control characters are shown as escapes.
 */
export function reportFailure(tool: string, error: unknown, output: CommandLineOutput = PROCESS_OUTPUT): number {
  output.stderr(`${tool}: ${terminalText(error instanceof Error ? error.message : String(error))}\n`);
  return error instanceof CliError ? error.exitCode : EXIT_ERROR;
}

/**
 * Parses `argv` (the arguments after the script) with `program` and its subcommands. Returns true when the
 * tool should do its work (its options are in `program.opts()`, its actions have run), false when `--help`
 * printed the usage and the tool must do nothing else. A wrong command line throws a CliError with
 * EXIT_USAGE whose message names the option or argument. Actions run synchronously here: a tool with async
 * work records what to do in its action and does it after this returns.
 */
export function readCommandLine(
  program: Command,
  argv: readonly string[],
  stdout: (text: string) => void = PROCESS_OUTPUT.stdout,
): boolean {
  // Commander writes its error (or, for a missing subcommand, the usage) before throwing: keep it for the message.
  let written = "";
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: stdout,
      writeErr: (text) => (written += text),
      outputError: (text) => (written += text),
    });
    command.commands.forEach(configure);
  };
  configure(program);
  try {
    program.parse([...argv], { from: "user" });
    return true;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // --help, `help [command]` and --version print to stdout and exit 0: the tool does nothing else.
    if (error.exitCode === 0) return false;
    // A command with subcommands called with none: commander "fails" by printing the whole usage; one line is enough.
    const reason =
      error.code === "commander.help"
        ? "a command is required"
        : (written || error.message)
            .trim()
            .replace(/^error: /, "")
            .replace(/\s*\n\s*/g, " ");
    throw new CliError(`${reason.replace(/\.$/, "")}. See --help.`, EXIT_USAGE);
  }
}

/**
 * The entry point's form of readCommandLine: undefined when the tool should go on, else the exit code to
 * stop with: EXIT_OK after `--help`, EXIT_USAGE after printing `<tool>: <reason>. See --help.` on stderr.
 *
 *     const stop = parseCommandLine(program, argv);
 *     if (stop !== undefined) return stop;
 */
export function parseCommandLine(
  program: Command,
  argv: readonly string[],
  output: CommandLineOutput = PROCESS_OUTPUT,
): number | undefined {
  try {
    return readCommandLine(program, argv, output.stdout) ? undefined : EXIT_OK;
  } catch (error) {
    if (error instanceof CliError) return reportFailure(program.name(), error, output);
    throw error;
  }
}

/** A commander argument parser for a whole number in [min, max]; a bad value is a usage error naming the option. */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    return Number(value);
  };
}

/** Runs a tool's `main` on the process arguments; `if (require.main === module) runMain(main)`. */
export function runMain(main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    // main reports its own failures; one that escapes is still printed, never a silent non-zero exit.
    (error) => (process.exitCode = reportFailure(toolName(process.argv[1] ?? "tool"), error)),
  );
}

/** A tool's name from its script: each tool is `<tool>/main.js`, so a script named main is named by its folder. */
export function toolName(script: string): string {
  const name = path.basename(script, ".js");
  return name === "main" ? path.basename(path.dirname(script)) : name;
}
