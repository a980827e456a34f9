/**
 * cdktf app entry (`node dist/main.js`, see cdktf.json). The config file is P1AS_CONFIG
 * (default config/example.json); it is checked completely before any stack exists, so a bad
 * config synthesizes nothing. A thin entry: the synth is stacks/synthesize.ts, the checks before terraform
 * tools/terraform/ways-in.ts.
 */
import { rmSync } from "node:fs";
import { Command } from "commander";
import { configPath } from "./config/load";
import { ValidationError } from "./constructs/errors";
import { synthesize } from "./stacks/synthesize";
import { parseCommandLine } from "./cli-kit/command-line";
import { CliError } from "./cli-kit/errors";
import { checkWaysIn } from "./tools/terraform/ways-in";

/** The app's command line: `npx cdktf synth` passes nothing; `npm run synth` passes --clean. */
function synthCommandLine(): Command {
  return new Command("synth")
    .description(
      `Synthesize every stack of P1AS_CONFIG (now ${configPath()}) into CDKTF_OUTDIR or cdktf.out/stacks/<stack>/cdk.tf.json. ` +
        "Exit 0 written, 1 the config is invalid, 64 bad arguments.",
    )
    .option(
      "--clean",
      "remove the output directory first, so a stack no longer in the config leaves no folder behind",
      false,
    );
}

/**
 * The app's entry point: `node dist/main.js` and cdktf-app.js (cdktf.json's app) both end here. Under cdktf
 * (`via: "cdktf"`) the synth is followed by the tools' checks (checkWaysIn), because cdktf runs terraform next.
 */
export async function runApp(argv: readonly string[], options: { via?: "cdktf" } = {}): Promise<void> {
  const command = synthCommandLine();
  const usageExit = parseCommandLine(command, argv);
  if (usageExit !== undefined) process.exit(usageExit);
  // Here, not in the npm script, so `npm run synth -- --help` leaves the output directory alone.
  if (command.opts<{ clean: boolean }>().clean)
    rmSync(process.env.CDKTF_OUTDIR ?? "cdktf.out", { recursive: true, force: true });
  try {
    const stacks = synthesize();
    if (options.via === "cdktf")
      await checkWaysIn(process.env.CDKTF_OUTDIR ?? "cdktf.out", stacks, "cdktf", (line) =>
        process.stderr.write(`${line}\n`),
      );
  } catch (error) {
    if (!(error instanceof ValidationError) && !(error instanceof CliError)) throw error;
    // A config or prop error is the user's to fix: show the message, not a stack trace.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void runApp(process.argv.slice(2));
