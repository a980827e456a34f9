/**
 * `npm run workflows:check [-- <dir or file>...]`: checks GitHub workflow files (default `.github/workflows`)
 * for what GitHub refuses at start and what we never ship: nested jobs asking for more permissions than
 * their caller grants, keys a calling job may not carry, secrets inherited or not passed, expressions reading
 * contexts their key does not have, jobs without timeout-minutes. One line per finding, then a count.
 * Exit 0 with none, 1 with findings, 64 for a bad command line (a path that does not exist, a directory
 * with no workflow file).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { CommandLineOutput, parseCommandLine, PROCESS_OUTPUT, runMain } from "../../cli-kit/command-line";
import { EXIT_ERROR, EXIT_OK } from "../../cli-kit/errors";
import { checkWorkflows } from "./check";
import { formatFinding } from "./findings";

export const DEFAULT_WORKFLOWS = ".github/workflows";

/** A path worth checking: a workflow file, or a directory holding at least one. */
function workflowPath(value: string, previous: string[] | undefined): string[] {
  if (!existsSync(value)) throw new InvalidArgumentError("no such file or directory.");
  if (statSync(value).isDirectory() && !readdirSync(value).some((name) => /\.ya?ml$/.test(name))) {
    throw new InvalidArgumentError("the directory holds no .yml or .yaml file.");
  }
  return [...(previous ?? []), value];
}

export async function main(argv: readonly string[], output: CommandLineOutput = PROCESS_OUTPUT): Promise<number> {
  const program = new Command()
    .name("workflows-check")
    .description("Check GitHub workflow files for what GitHub refuses at start and for our rules (secrets, timeouts)")
    .argument("[paths...]", `workflow directories or files (default: ${DEFAULT_WORKFLOWS})`, workflowPath);
  const stop = parseCommandLine(program, argv, output);
  if (stop !== undefined) return stop;
  const [paths] = program.processedArgs as [string[] | undefined];
  const { files, findings } = checkWorkflows(paths?.length ? paths : [DEFAULT_WORKFLOWS], process.cwd());
  for (const finding of findings) output.stdout(`${formatFinding(finding)}\n`);
  output.stdout(
    `${findings.length} problem${findings.length === 1 ? "" : "s"} in ${files.length} workflow file${files.length === 1 ? "" : "s"}\n`,
  );
  return findings.length === 0 ? EXIT_OK : EXIT_ERROR;
}

if (require.main === module) runMain(main);
