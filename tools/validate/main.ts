/**
 * `npm run validate`: checks every pingone_* resource, data source and provider block in
 * cdktf.out/stacks/*\/cdk.tf.json against the committed provider schema. Exit 0 with "0 problems",
 * or 1 with one line per problem (stack, address, attribute path, reason).
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { ProviderSchemaDocument, SchemaProblem, checkStack, formatProblem } from "./schema-check";
import { parseCommandLine, reportFailure, runMain } from "../../cli-kit/command-line";
import { EXIT_ERROR, EXIT_OK, nothingToValidate } from "../../cli-kit/errors";

export const DEFAULT_OUTDIR = "cdktf.out";
export const DEFAULT_SCHEMA = "provider-schema/pingone@1.21.0.json";

/** Checks every synthesized stack under `outdir`; throws when there is nothing to check. */
export function validateOutdir(outdir: string, schemaFile: string): { stacks: string[]; problems: SchemaProblem[] } {
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as ProviderSchemaDocument;
  const stacksDir = path.join(outdir, "stacks");
  const stacks = fs.existsSync(stacksDir)
    ? fs
        .readdirSync(stacksDir)
        .filter((stack) => fs.existsSync(path.join(stacksDir, stack, "cdk.tf.json")))
        .sort()
    : [];
  if (stacks.length === 0) throw nothingToValidate(stacksDir);
  const problems = stacks.flatMap((stack) =>
    checkStack(stack, JSON.parse(fs.readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8")), schema),
  );
  return { stacks, problems };
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("validate")
    .description("Check synthesized stacks against the committed PingOne provider schema, offline")
    .option("--outdir <dir>", "cdktf output directory", DEFAULT_OUTDIR)
    .option("--schema <file>", "provider schema (terraform providers schema -json)", DEFAULT_SCHEMA);
  const stop = parseCommandLine(program, argv);
  if (stop !== undefined) return stop;
  const { outdir, schema } = program.opts<{ outdir: string; schema: string }>();
  try {
    const { stacks, problems } = validateOutdir(outdir, schema);
    for (const problem of problems) process.stdout.write(`${formatProblem(problem)}\n`);
    process.stdout.write(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${stacks.length} stacks (${stacks.join(", ")})\n`,
    );
    return problems.length === 0 ? EXIT_OK : EXIT_ERROR;
  } catch (error) {
    return reportFailure("validate", error);
  }
}

if (require.main === module) runMain(main);
