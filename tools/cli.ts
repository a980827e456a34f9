/**
 * What every tool's command line shares: how a failure is printed and turned into an exit code, and how the
 * entry point hands its code to the process (commander's exitOverride errors carry their own).
 */
import { CliError, EXIT_ERROR } from "./errors";

/** Prints `<tool>: <message>` on stderr and returns the exit code the error asks for. */
export function reportFailure(tool: string, error: unknown): number {
  process.stderr.write(`${tool}: ${error instanceof Error ? error.message : String(error)}\n`);
  return error instanceof CliError ? error.exitCode : EXIT_ERROR;
}

/** Runs a tool's `main` on the process arguments; `if (require.main === module) runMain(main)`. */
export function runMain(main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => (process.exitCode = typeof error?.exitCode === "number" ? error.exitCode : EXIT_ERROR),
  );
}
