#!/usr/bin/env node
/**
 * `npm run status`: every P1AS environment of the config (P1AS_CONFIG), each certificate and hostname in the
 * admin console's colours, whether it matches the synthesized code, and days until each certificate expires.
 * A local page that refreshes itself, or with --once a table on the terminal. Read-only: a token request
 * and GET requests, nothing else.
 * Exit codes (--once): 0 all green and in sync, 2 something is not green (an object creating, updating,
 * in error or missing, drifted or not managed, or a certificate expiring within 30 days), 1 an API could
 * not be read, 64 bad input (flags, config, outdir, credentials), refused before anything was sent.
 */
import { Command, Option } from "commander";
import { configPath } from "../../config/load";
import { readCommandLine, reportFailure, runMain, wholeNumber } from "../../cli-kit/command-line";
import { CliError, EXIT_USAGE } from "../../cli-kit/errors";
import { maskKnownSecrets } from "../terraform/redact";
import { EXIT_ATTENTION, EXPIRY_WARNING_DAYS, StatusCollector } from "./model";
import { renderTerminal } from "./render-terminal";
import { DEFAULT_STATUS_PORT, startStatusServer } from "./server";
import { resolveTargets } from "./targets";
import { stackListOption } from "../terraform/synth-output";

export interface StatusArguments {
  readonly once: boolean;
  readonly port: number;
  readonly outdir: string;
  readonly stacks?: readonly string[];
}

/** Parses flags; `--help` resolves undefined (usage printed), anything wrong throws a CliError with EXIT_USAGE. */
export function parseArguments(
  argv: readonly string[],
  write: (text: string) => void = (text) => process.stdout.write(text),
): StatusArguments | undefined {
  const program = new Command("status")
    .description(
      `Status of the virtual hosts of every environment in P1AS_CONFIG (now ${configPath()}), compared with the synthesized stacks. Read-only.\n` +
        `Exit codes with --once: 0 all green and in sync; ${EXIT_ATTENTION} something is not green (creating, updating, error, missing, drifted, ` +
        `not managed, or a certificate expiring within ${EXPIRY_WARNING_DAYS} days); 1 an API could not be read; ${EXIT_USAGE} bad input.\n` +
        "Credentials: the client secret from TF_VAR_<variable the stack's provider block names> or P1AS_CLIENT_SECRET.",
    )
    .option("--once", "print one table and exit, instead of serving the page", false)
    .addOption(
      new Option("--port <port>", "port of the local page (127.0.0.1 only; 0: any free port)")
        .default(DEFAULT_STATUS_PORT)
        .argParser(wholeNumber(0, 65535)),
    )
    .option("--outdir <dir>", "where cdktf synthesized the stacks", "cdktf.out")
    .addOption(
      new Option(
        "--stacks <names>",
        "only these stacks, comma separated (default: every environment of the config)",
      ).argParser(stackListOption),
    );
  return readCommandLine(program, argv, write) ? program.opts<StatusArguments>() : undefined;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const args = parseArguments(argv);
    if (!args) return 0;
    maskKnownSecrets(env);
    const targets = resolveTargets({ configFile: configPath(env), outdir: args.outdir, stacks: args.stacks, env });
    const collector = new StatusCollector(targets);
    if (args.once) {
      const report = await collector.collect();
      process.stdout.write(renderTerminal(report, { colour: Boolean(process.stdout.isTTY) && !env.NO_COLOR }));
      return report.exitCode;
    }
    const server = await startStatusServer(collector, { port: args.port }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "EADDRINUSE"
        ? new CliError(
            `invalid --port ${args.port}: it is in use; pass another (--port 0 takes any free one)`,
            EXIT_USAGE,
          )
        : error;
    });
    process.stdout.write(`status page: ${server.url}  (refreshes by itself; Ctrl-C stops it)\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
    return 0;
  } catch (error) {
    return reportFailure("status", error);
  }
}

if (require.main === module) runMain(main);
