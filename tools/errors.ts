/**
 * The CLI error catalogue for the review and drift tools. Each message says what happened, why, and what to
 * do; tests pin the wording. Tools print `error.message` and exit with `error.exitCode`.
 */

/** Exit code for "the tool could not do its job" (as opposed to a finding such as drift). */
export const EXIT_ERROR = 1;

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
