#!/usr/bin/env node
/**
 * `npm run p1as -- certificates list`: a small CLI for people, on the same client as everything else.
 * Credentials and endpoints come from environment variables (names below), never from flags, so they
 * stay out of shell history and process lists.
 */
import { Command } from "commander";
import { PROVIDER_ENV } from "../provider/resources/provider";
import { P1AS_ENVIRONMENTS, PINGONE_REGION_CODES, PingOneRegionCode, selfServiceApiUrl } from "../p1as/facts";
import { ClientValidationError, ReadinessError, SelfServiceApiError } from "../client/errors";
import { redactText } from "../client/redact";
import { SelfServiceClient } from "../client/self-service-client";
import { TokenClient, TokenEndpointAuthMethod, tokenUrlFor } from "../client/token-client";

/** Environment variables the CLI reads: the p1as provider's own, plus ways to build the URLs. */
export const P1AS_CLI_ENV = {
  clientId: PROVIDER_ENV.client_id,
  clientSecret: PROVIDER_ENV.client_secret,
  /** Full token URL; or the two below. */
  tokenUrl: PROVIDER_ENV.token_url,
  pingOneRegion: "PINGONE_REGION_CODE",
  pingOneEnvironmentId: "PINGONE_ENVIRONMENT_ID",
  /** Full API base URL (…/api/v1); or the three below. */
  apiUrl: PROVIDER_ENV.api_url,
  environment: "P1AS_ENVIRONMENT",
  customer: "P1AS_CUSTOMER",
  region: "P1AS_REGION",
  /** Optional: CLIENT_SECRET_BASIC (default) or CLIENT_SECRET_POST. */
  authMethod: "P1AS_AUTH_METHOD",
  /** Optional: scopes to request. */
  scope: PROVIDER_ENV.scope,
} as const;

/** Thrown for missing or bad environment variables; the message names each one. */
export class CliConfigError extends Error {
  public override readonly name = "CliConfigError";
}

/** Builds the clients from environment variables, naming every missing one at once. */
export function clientFromEnv(env: NodeJS.ProcessEnv, log: (line: string) => void): SelfServiceClient {
  const names = P1AS_CLI_ENV;
  const problems: string[] = [];
  const need = (name: string) => {
    const value = env[name];
    if (!value) problems.push(`${name} is not set`);
    return value ?? "";
  };
  const clientId = need(names.clientId);
  const clientSecret = need(names.clientSecret);
  let tokenUrl = env[names.tokenUrl];
  if (!tokenUrl) {
    const region = env[names.pingOneRegion];
    const environmentId = env[names.pingOneEnvironmentId];
    if (!region || !environmentId) problems.push(`set ${names.tokenUrl}, or ${names.pingOneRegion} and ${names.pingOneEnvironmentId}`);
    else if (!(PINGONE_REGION_CODES as string[]).includes(region)) problems.push(`${names.pingOneRegion} must be one of ${PINGONE_REGION_CODES.join(", ")} (got ${JSON.stringify(region)})`);
    else tokenUrl = tokenUrlFor({ region: region as PingOneRegionCode, environmentId });
  }
  let apiUrl = env[names.apiUrl];
  if (!apiUrl) {
    const [environment, customer, region] = [env[names.environment], env[names.customer], env[names.region]];
    if (!environment || !customer || !region) problems.push(`set ${names.apiUrl}, or ${names.environment}, ${names.customer} and ${names.region}`);
    else if (!(P1AS_ENVIRONMENTS as readonly string[]).includes(environment)) problems.push(`${names.environment} must be one of ${P1AS_ENVIRONMENTS.join(", ")}`);
    else apiUrl = selfServiceApiUrl(environment, customer, region);
  }
  const authMethod = env[names.authMethod];
  if (authMethod && authMethod !== "CLIENT_SECRET_BASIC" && authMethod !== "CLIENT_SECRET_POST") {
    problems.push(`${names.authMethod} must be CLIENT_SECRET_BASIC or CLIENT_SECRET_POST`);
  }
  if (problems.length > 0 || !tokenUrl || !apiUrl) throw new CliConfigError(`cannot reach the API: ${problems.join("; ")}`);
  const tokens = new TokenClient({
    tokenUrl,
    clientId,
    clientSecret,
    authMethod: authMethod as TokenEndpointAuthMethod | undefined,
    scope: env[names.scope] || undefined,
    log,
  });
  return new SelfServiceClient({ baseUrl: apiUrl, tokens, log });
}

/** Aligned columns for people; --json for scripts. */
function render(rows: readonly object[], columns: readonly string[], json: boolean): string {
  if (json) return JSON.stringify(rows, null, 2);
  if (rows.length === 0) return "(none)";
  const cells = rows.map((row) => columns.map((column) => String((row as Record<string, unknown>)[column] ?? "-")));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i].length)));
  return [columns, ...cells].map((line) => line.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const CERTIFICATE_COLUMNS = ["name", "status", "notAfter", "sha256Fingerprint"];
const HOSTNAME_COLUMNS = ["hostname", "product", "certname", "status"];

/** Runs one CLI invocation; resolves with the exit code (0 ok, 1 not found, 2 error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const client = () => clientFromEnv(io.env, (line) => io.stderr(`${line}\n`));
  const show = (rows: readonly object[], columns: readonly string[], json: boolean) => io.stdout(`${render(rows, columns, json)}\n`);
  const notFound = (what: string) => {
    io.stderr(`${what} not found\n`);
    exitCode = 1;
  };
  const program = new Command("p1as")
    .description(`Read P1AS virtual hosts. Credentials from ${P1AS_CLI_ENV.clientId} and ${P1AS_CLI_ENV.clientSecret}; see the README.`)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  // Both resources offer the same two read commands.
  const resource = <V extends object>(name: string, key: string, description: string, columns: readonly string[], calls: {
    list: (api: SelfServiceClient) => Promise<V[]>;
    get: (api: SelfServiceClient, key: string) => Promise<V | undefined>;
  }) => {
    const command = program.command(`${name}s`).description(description);
    command
      .command("list")
      .option("--json", "print JSON")
      .action(async (options: { json?: boolean }) => show(await calls.list(client()), columns, !!options.json));
    command
      .command(`get <${key}>`)
      .option("--json", "print JSON")
      .action(async (value: string, options: { json?: boolean }) => {
        const view = await calls.get(client(), value);
        if (view) show([view], columns, !!options.json);
        else notFound(`${name} ${value}`);
      });
  };
  resource("certificate", "name", "TLS certificates", CERTIFICATE_COLUMNS, { list: (api) => api.listCertificates(), get: (api, key) => api.getCertificate(key) });
  resource("hostname", "hostname", "hostnames (virtual hosts)", HOSTNAME_COLUMNS, { list: (api) => api.listHostnames(), get: (api, key) => api.getHostname(key) });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    const commanderExit = (error as { code?: string; exitCode?: number }).code?.startsWith("commander.");
    if (commanderExit) return (error as { exitCode: number }).exitCode;
    const known = [CliConfigError, ClientValidationError, SelfServiceApiError, ReadinessError].some((type) => error instanceof type);
    io.stderr(`p1as: ${redactText(known ? (error as Error).message : String(error))}\n`);
    return 2;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => (process.exitCode = code));
}
