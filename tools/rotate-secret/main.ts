#!/usr/bin/env node
/**
 * `npm run rotate-secret -- --env dev [--client write|audit] [--keep-previous 10m]`: regenerates the PingOne secret of
 * an environment's client (PingOne mode: the application the p1as-<env> stack declares), keeping the previous secret
 * valid for a while, so whatever still holds it keeps working until then. Not a Terraform resource on purpose: no
 * state holds a secret, and no plan can show or replace one (docs/tasks/rotate-the-client-secret.md).
 *
 * The application is found in PingOne by its configured name, with the PingOne worker of the PingOne provider
 * (PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET, PINGONE_ENVIRONMENT_ID, PINGONE_REGION_CODE), which needs
 * `applications:read:secret` there. The secret is never printed: the next deploy reads it from PingOne.
 *
 * Exit codes: 0 rotated, 1 failed (nothing or, where the message says so, only the regeneration happened), 64 bad
 * command line.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { configPath, loadConfig } from "../../config/load";
import { ValidationError } from "../../constructs/errors";
import { P1AS_ENVIRONMENTS } from "../../p1as/facts";
import { allowedHostsFrom } from "../../p1as/destinations";
import { clientSecretEnv } from "../../p1as/secret-names";
import { lookupClient } from "../../client/pingone-lookup";
import {
  parseCommandLine,
  PROCESS_OUTPUT,
  CommandLineOutput,
  reportFailure,
  runMain,
} from "../../cli-kit/command-line";
import { CliError, EXIT_OK, EXIT_USAGE } from "../../cli-kit/errors";

/** PingOne keeps a previous secret from 1 minute to 30 days ahead. */
export const KEEP_PREVIOUS_LIMITS_MS = { min: 60_000, max: 30 * 24 * 3_600_000 } as const;
export const KEEP_PREVIOUS_DEFAULT = "10m";

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `2h`, `7d`, or `0` (the old secret stops working at once); within PingOne's limits. */
export function keepPreviousOption(value: string): number {
  if (value === "0") return 0;
  const match = /^(\d+)([smhd])$/.exec(value);
  const ms = match ? Number(match[1]) * UNITS[match[2]] : NaN;
  if (!(ms >= KEEP_PREVIOUS_LIMITS_MS.min && ms <= KEEP_PREVIOUS_LIMITS_MS.max)) {
    throw new InvalidArgumentError("must be 0 or a duration from 1m to 30d, such as 90s, 10m, 2h or 7d.");
  }
  return ms;
}

export interface RotateOptions {
  /** The P1AS environment, as in the config. */
  readonly environment: string;
  /** Which of its clients. */
  readonly client: "write" | "audit";
  /** How long the old secret keeps working; 0: not at all. */
  readonly keepPreviousMs: number;
  /** @default - P1AS_CONFIG */
  readonly configFile?: string;
  /** Where the PINGONE_* worker variables come from. @default - this process's environment */
  readonly env?: NodeJS.ProcessEnv;
  /** @default - now */
  readonly now?: () => number;
}

export interface Rotated {
  readonly application: string;
  /** When PingOne stops accepting the previous secret; absent with keepPreviousMs 0. */
  readonly previousExpiresAt?: string;
  /** The variable that, where set, holds the old secret and must be updated. */
  readonly secretEnv: string;
}

/** Regenerates the secret; never returns or prints it. */
export async function rotateSecret(options: RotateOptions): Promise<Rotated> {
  const env = options.env ?? process.env;
  const file = options.configFile ?? configPath(env);
  const config = loadConfig(file);
  const environment = config.environments.find((item) => item.name === options.environment);
  if (!environment) {
    throw new CliError(
      `environment ${options.environment} is not in ${file} (it has ${config.environments.map((item) => item.name).join(", ")}). Nothing was changed.`,
    );
  }
  if (environment.credentials) {
    throw new CliError(
      `environment ${environment.name} has explicit credentials in ${file}: its clients are not managed by this project. ` +
        "Regenerate their secrets where they are managed, then update the variables that hold them. Nothing was changed.",
    );
  }
  const application = options.client === "audit" ? environment.application.auditName : environment.application.name;
  const lookup = lookupClient(
    {
      environmentId: config.pingone.environmentId,
      apiUrl: config.pingone.apiUrl,
      tokenUrl: environment.selfService.tokenUrl,
      allowedHosts: allowedHostsFrom(env),
      timeoutMs: 30_000,
      log: (line) => process.stderr.write(`${line}\n`),
    },
    env,
  );
  if ("problems" in lookup)
    throw new CliError(`cannot reach PingOne: ${lookup.problems.join("; ")}. Nothing was changed.`);
  const found = await lookup.applications.find(application);
  if (!found) {
    throw new CliError(
      `PingOne application ${JSON.stringify(application)} does not exist in PingOne environment ${config.pingone.environmentId}: deploy ${environment.stackName} first. Nothing was changed.`,
    );
  }
  const expiresAt =
    options.keepPreviousMs > 0 ? new Date((options.now ?? Date.now)() + options.keepPreviousMs) : undefined;
  await lookup.applications.regenerateSecret(found, expiresAt);
  return {
    application,
    previousExpiresAt: expiresAt?.toISOString(),
    secretEnv: clientSecretEnv(environment.name, options.client === "audit" ? "audit" : "admin"),
  };
}

export async function main(
  argv: readonly string[],
  output: CommandLineOutput = PROCESS_OUTPUT,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const program = new Command("rotate-secret")
    .description(
      `Regenerate the PingOne secret of an environment's client in P1AS_CONFIG (now ${configPath(env)}), keeping the old one valid for --keep-previous. ` +
        "Uses the PingOne worker of PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET, PINGONE_ENVIRONMENT_ID, PINGONE_REGION_CODE (role with applications:read:secret). " +
        "Never prints a secret. Exit 0 rotated, 1 failed, 64 bad arguments.",
    )
    .addOption(new Option("--env <environment>", "the P1AS environment").choices([...P1AS_ENVIRONMENTS]))
    .addOption(
      new Option("--client <client>", "write (p1as-<env>-orchestration) or audit (p1as-<env>-audit)")
        .choices(["write", "audit"])
        .default("write"),
    )
    .option(
      "--keep-previous <duration>",
      "how long the old secret keeps working: 0, or 1m to 30d",
      keepPreviousOption,
      keepPreviousOption(KEEP_PREVIOUS_DEFAULT),
    );
  const stop = parseCommandLine(program, argv, output);
  if (stop !== undefined) return stop;
  const options = program.opts<{ env?: string; client: "write" | "audit"; keepPrevious: number }>();
  // Checked here, not by commander: it would report a missing --env before an unknown option.
  if (!options.env)
    return reportFailure(
      "rotate-secret",
      new CliError("required option '--env <environment>' not specified. See --help.", EXIT_USAGE),
      output,
    );
  try {
    const rotated = await rotateSecret({
      environment: options.env,
      client: options.client,
      keepPreviousMs: options.keepPrevious,
      env,
    });
    output.stdout(
      `${rotated.application}: secret regenerated in PingOne (not shown). ` +
        (rotated.previousExpiresAt
          ? `The previous secret is accepted until ${rotated.previousExpiresAt}. `
          : "The previous secret no longer works. ") +
        `The next deploy reads the new one from PingOne; where ${rotated.secretEnv} holds the old one, set it to the new secret before then.\n`,
    );
    return EXIT_OK;
  } catch (error) {
    return reportFailure(
      "rotate-secret",
      error instanceof ValidationError ? new CliError(error.message) : error,
      output,
    );
  }
}

if (require.main === module) runMain((argv) => main(argv));
