#!/usr/bin/env node
/**
 * `npm run p1as -- certificates list`: a small CLI for people, on the same client as everything else.
 * Credentials and endpoints come from environment variables (names below), never from flags, so they
 * stay out of shell history and process lists. It reads with the read-only client when one is given;
 * `delete` (what the deploy suggests for an object no configuration declares) needs the write client.
 * Exit codes: 0 ok, 1 error (missing or bad variable, API error), 3 the object asked for does not exist,
 * 64 bad command line.
 */
import { Command } from "commander";
import { API_CONTRACT_DEFAULT, PROVIDER_ENV, SECRET_ENV_DEFAULTS } from "../../provider/public-face";
import { P1AS_ENVIRONMENTS, PINGONE_REGION_CODES, PingOneRegionCode, selfServiceApiUrl } from "../../p1as/facts";
import { ClientValidationError, ReadinessError, SelfServiceApiError } from "../../client/errors";
import { redactText } from "../../client/redact";
import { ApiContractSetting, apiContractProblems, connect } from "../../client/connect";
import type { SelfServiceClient } from "../../client/self-service-client";
import { TokenEndpointAuthMethod, tokenUrlFor } from "../../client/token-client";
import { uuidProblems } from "../../p1as/rules";
import { certnameProblems, hostnameProblems } from "../../p1as/hostname";
import { allowedHostsFrom } from "../../p1as/destinations";
import { parseCommandLine } from "../../cli-kit/command-line";
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE } from "../../cli-kit/errors";

/** `get` of an object the API does not hold: not a failure of the tool, and not a usage error either. */
export const EXIT_NOT_FOUND = 3;

/** Environment variables the CLI reads: the p1as provider's own, plus ways to build the URLs. */
export const P1AS_CLI_ENV = {
  /** The read-only client (role <env>-tls-audit): the CLI only reads, so this pair is the one to give it. */
  readClientId: PROVIDER_ENV.read_client_id,
  readClientSecret: SECRET_ENV_DEFAULTS.read_client_secret,
  /** Or any client of the environment, when no read-only client is given. */
  clientId: PROVIDER_ENV.client_id,
  clientSecret: SECRET_ENV_DEFAULTS.client_secret,
  /**
   * Full token URL; or the two below, the PingOne environment the P1AS environment's clients live in (the
   * config's `pingone.regionCode` and `pingone.environmentId`). Not the PingOne provider's PINGONE_* ones:
   * PINGONE_ENVIRONMENT_ID names the environment of the provider's worker app, often another one.
   */
  tokenUrl: PROVIDER_ENV.token_url,
  pingOneRegion: "P1AS_PINGONE_REGION_CODE",
  pingOneEnvironmentId: "P1AS_PINGONE_ENVIRONMENT_ID",
  /** Full API base URL (…/api/v1); or the three below. */
  apiUrl: PROVIDER_ENV.api_url,
  environment: "P1AS_ENVIRONMENT",
  customer: "P1AS_CUSTOMER",
  region: "P1AS_REGION",
  /** Optional: CLIENT_SECRET_BASIC (default) or CLIENT_SECRET_POST. */
  authMethod: "P1AS_AUTH_METHOD",
  /** Optional: scopes to request. */
  scope: PROVIDER_ENV.scope,
  /** Optional: which routes the API has, as for the provider (default: read the tenant's OpenAPI document). */
  apiContract: PROVIDER_ENV.api_contract,
} as const;

/** Thrown for missing or bad environment variables; the message names each one. */
export class CliConfigError extends Error {
  public override readonly name = "CliConfigError";
}

/**
 * The token URL of the P1AS environment's own PingOne environment: P1AS_TOKEN_URL, or built from
 * P1AS_PINGONE_REGION_CODE and P1AS_PINGONE_ENVIRONMENT_ID. Each problem (naming its variable) goes to `problems`.
 */
export function tokenUrlFromEnv(env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const names = P1AS_CLI_ENV;
  const tokenUrl = env[names.tokenUrl];
  if (tokenUrl) return tokenUrl;
  const region = env[names.pingOneRegion];
  const environmentId = env[names.pingOneEnvironmentId];
  const idProblems = environmentId ? uuidProblems(environmentId) : [];
  if (!region || !environmentId) {
    const ignored = env.PINGONE_ENVIRONMENT_ID
      ? " (PINGONE_ENVIRONMENT_ID is not used: it names the PingOne provider's worker environment)"
      : "";
    problems.push(`set ${names.tokenUrl}, or ${names.pingOneRegion} and ${names.pingOneEnvironmentId}${ignored}`);
  } else if (!(PINGONE_REGION_CODES as string[]).includes(region))
    problems.push(
      `${names.pingOneRegion} must be one of ${PINGONE_REGION_CODES.join(", ")} (got ${JSON.stringify(region)})`,
    );
  else if (idProblems.length > 0)
    problems.push(`${names.pingOneEnvironmentId} ${idProblems.join("; ")} (got ${JSON.stringify(environmentId)})`);
  else return tokenUrlFor({ region: region as PingOneRegionCode, environmentId });
  return undefined;
}

/**
 * Connects with settings from environment variables, naming every missing one at once before anything is sent. Reads use the read-only client
 * if one is given, else the one client there is; `writing` takes the write client (P1AS_CLIENT_ID and
 * P1AS_CLIENT_SECRET) only. The client and token client hold the API and token URLs to the provider's destination
 * rules (P1AS_ALLOWED_HOSTS of `env`).
 */
export async function clientFromEnv(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  writing = false,
): Promise<SelfServiceClient> {
  const names = P1AS_CLI_ENV;
  const problems: string[] = [];
  const need = (name: string) => {
    const value = env[name];
    if (!value) problems.push(`${name} is not set`);
    return value ?? "";
  };
  const reader = !writing && (env[names.readClientId] !== undefined || env[names.readClientSecret] !== undefined);
  const clientId = need(reader ? names.readClientId : names.clientId);
  const clientSecret = need(reader ? names.readClientSecret : names.clientSecret);
  const tokenUrl = tokenUrlFromEnv(env, problems);
  let apiUrl = env[names.apiUrl];
  if (!apiUrl) {
    const [environment, customer, region] = [env[names.environment], env[names.customer], env[names.region]];
    if (!environment || !customer || !region)
      problems.push(`set ${names.apiUrl}, or ${names.environment}, ${names.customer} and ${names.region}`);
    else if (!(P1AS_ENVIRONMENTS as readonly string[]).includes(environment))
      problems.push(`${names.environment} must be one of ${P1AS_ENVIRONMENTS.join(", ")}`);
    else apiUrl = selfServiceApiUrl(environment, customer, region);
  }
  const authMethod = env[names.authMethod];
  if (authMethod && authMethod !== "CLIENT_SECRET_BASIC" && authMethod !== "CLIENT_SECRET_POST") {
    problems.push(`${names.authMethod} must be CLIENT_SECRET_BASIC or CLIENT_SECRET_POST`);
  }
  const apiContract = env[names.apiContract] || API_CONTRACT_DEFAULT;
  const contractReasons = apiContractProblems(apiContract);
  if (contractReasons.length > 0)
    problems.push(`${names.apiContract} ${contractReasons.join("; ")} (got ${JSON.stringify(apiContract)})`);
  if (problems.length > 0 || !tokenUrl || !apiUrl)
    throw new CliConfigError(`cannot reach the API: ${problems.join("; ")}`);
  const credentials = { clientId, clientSecret, authMethod: authMethod as TokenEndpointAuthMethod | undefined };
  const { client } = await connect({
    apiUrl,
    tokenUrl,
    ...(writing ? { write: credentials } : { read: credentials }),
    scope: env[names.scope] || undefined,
    apiContract: apiContract as ApiContractSetting,
    log,
    logContract: false,
    allowedHosts: allowedHostsFrom(env),
  });
  return client;
}

/** Aligned columns for people; --json for scripts. */
function render(rows: readonly object[], columns: readonly string[], json: boolean): string {
  if (json) return JSON.stringify(rows, null, 2);
  if (rows.length === 0) return "(none)";
  const cells = rows.map((row) => columns.map((column) => String((row as Record<string, unknown>)[column] ?? "-")));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i].length)));
  return [columns, ...cells]
    .map((line) =>
      line
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const CERTIFICATE_COLUMNS = ["name", "status", "notAfter", "sha256Fingerprint"];
const HOSTNAME_COLUMNS = ["hostname", "product", "certname", "status"];

/** Runs one CLI invocation; resolves with the exit code (EXIT_OK, EXIT_ERROR, EXIT_NOT_FOUND or EXIT_USAGE). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // The command line is parsed (and --help answered) before anything is read: the chosen action is kept here.
  let work: (() => Promise<number>) | undefined;
  const client = (writing = false) => clientFromEnv(io.env, (line) => io.stderr(`${line}\n`), writing);
  const show = (rows: readonly object[], columns: readonly string[], json: boolean) => {
    io.stdout(`${render(rows, columns, json)}\n`);
    return EXIT_OK;
  };
  const notFound = (what: string) => {
    io.stderr(`${what} not found\n`);
    return EXIT_NOT_FOUND;
  };
  const program = new Command("p1as").description(
    `Read P1AS virtual hosts, and delete one no configuration declares. Credentials from ${P1AS_CLI_ENV.readClientId} and ${P1AS_CLI_ENV.readClientSecret} (the read-only client), ` +
      `or ${P1AS_CLI_ENV.clientId} and ${P1AS_CLI_ENV.clientSecret} (the write client, which delete needs); see docs/reference/cli.md. ` +
      `Exit 0 ok, 1 error, ${EXIT_NOT_FOUND} not found, 64 bad command line.`,
  );
  // Both resources offer the same commands.
  const resource = <V extends object>(
    name: string,
    key: string,
    description: string,
    columns: readonly string[],
    calls: {
      list: (api: SelfServiceClient) => Promise<V[]>;
      get: (api: SelfServiceClient, key: string) => Promise<V | undefined>;
      delete: (api: SelfServiceClient, key: string) => Promise<"deleted" | "absent">;
    },
  ) => {
    const command = program.command(`${name}s`).description(description);
    command
      .command("list")
      .option("--json", "print JSON")
      .action((options: { json?: boolean }) => {
        work = async () => show(await calls.list(await client()), columns, !!options.json);
      });
    command
      .command(`get <${key}>`)
      .option("--json", "print JSON")
      .action((value: string, options: { json?: boolean }) => {
        work = async () => {
          const view = await calls.get(await client(), value);
          return view ? show([view], columns, !!options.json) : notFound(`${name} ${value}`);
        };
      });
    command
      .command(`delete <${key}>`)
      .description(
        `delete a ${name} with the write client (${P1AS_CLI_ENV.clientId}, ${P1AS_CLI_ENV.clientSecret}); exit ${EXIT_NOT_FOUND} if the API does not hold it`,
      )
      .action((value: string) => {
        work = async () => {
          // Checked before the client is built, so a bad key sends nothing.
          const problems = (name === "hostname" ? hostnameProblems : certnameProblems)(value);
          if (problems.length > 0) {
            io.stderr(
              `p1as: invalid <${key}> ${JSON.stringify(value)}: it ${problems.join("; ")}. Nothing was sent.\n`,
            );
            return EXIT_USAGE;
          }
          if ((await calls.delete(await client(true), value)) === "absent") return notFound(`${name} ${value}`);
          io.stdout(`${name} ${value} deleted\n`);
          return EXIT_OK;
        };
      });
  };
  resource("certificate", "name", "TLS certificates", CERTIFICATE_COLUMNS, {
    list: (api) => api.listCertificates(),
    get: (api, key) => api.getCertificate(key),
    delete: (api, key) => api.deleteCertificate(key),
  });
  resource("hostname", "hostname", "hostnames (virtual hosts)", HOSTNAME_COLUMNS, {
    list: (api) => api.listHostnames(),
    get: (api, key) => api.getHostname(key),
    delete: (api, key) => api.deleteHostname(key),
  });
  const usageExit = parseCommandLine(program, argv, io);
  if (usageExit !== undefined || !work) return usageExit ?? EXIT_OK;
  try {
    return await work();
  } catch (error) {
    const known = [CliConfigError, ClientValidationError, SelfServiceApiError, ReadinessError].some(
      (type) => error instanceof type,
    );
    io.stderr(`p1as: ${redactText(known ? (error as Error).message : String(error))}\n`);
    return EXIT_ERROR;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => (process.exitCode = code));
}
