/**
 * What the status view compares against: "the code" is what cdktf synthesized, not the config file, because
 * that is what terraform applies. For each P1AS environment of the config this reads its stack's
 * `cdk.tf.json`: the `p1as` provider block (where the API is, which client) and the declared
 * `p1as_certificate` / `p1as_hostname` resources. Everything is checked here, before any request is sent,
 * so bad input costs nothing and names its field.
 */
import { readFileSync } from "node:fs";
import { loadConfig } from "../../config/load";
import { readTemplateLiteral } from "../../constructs/terraform-literal";
import { clientIdProblems, serviceUrlProblems } from "../../p1as/rules";
import { parseFullchain } from "../../p1as/pem";
import {
  ALLOWED_HOSTS_VARIABLE,
  apiUrlDestinationProblems,
  parseAllowedHosts,
  tokenUrlDestinationProblems,
} from "../../p1as/destinations";
import {
  API_CONTRACT_DEFAULT,
  ApiContractSetting,
  PROVIDER_ENV,
  SECRET_ENV_DEFAULTS,
} from "../../provider/public-face";
import { lookedUpCredentials, lookupClient } from "../../client/pingone-lookup";
import { apiContractProblems, type ClientCredentials } from "../../client/connect";
import { CliError, EXIT_USAGE } from "../../cli-kit/errors";
import { synthesizedStacks } from "../terraform/synth-output";

export interface DeclaredCertificate {
  readonly name: string;
  /** From the synthesized chain; undefined when the chain is not a literal. */
  readonly sha256Fingerprint?: string;
  readonly notAfter?: string;
}

export interface DeclaredHostname {
  readonly hostname: string;
  readonly product: string;
  readonly certname: string;
}

export interface Connection {
  readonly apiUrl: string;
  readonly tokenUrl: string;
  /** For messages: the read client's id, or the PingOne application it is looked up by. */
  readonly clientId: string;
  readonly scope?: string;
  readonly apiContract: ApiContractSetting;
  readonly requestTimeoutMs?: number;
  /** The block's max_retries: without it the client's default, as in the provider. */
  readonly maxRetries?: number;
  /** Where the secret came from (a variable name), for messages; the value itself is in `secret()`. */
  readonly secretSource: string;
  /** A function, not a field, so the secret is never part of anything serialised or inspected. */
  readonly credentials: () => ClientCredentials;
}

export interface Target {
  readonly environment: string;
  readonly stack: string;
  /** undefined when the stack declares no virtual hosts: nothing to read or compare. */
  readonly connection?: Connection;
  readonly certificates: readonly DeclaredCertificate[];
  readonly hostnames: readonly DeclaredHostname[];
}

export interface TargetOptions {
  /** Config file (P1AS_CONFIG). */
  readonly configFile: string;
  /** Where cdktf synthesized the stacks. */
  readonly outdir: string;
  /** Only these stacks. @default - every environment of the config */
  readonly stacks?: readonly string[];
  /** Credentials and P1AS_* fallbacks. */
  readonly env: NodeJS.ProcessEnv;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The config's environments, matched to their synthesized stacks; throws one error listing every problem. */
export function resolveTargets(options: TargetOptions): Target[] {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(options.configFile);
  } catch (error) {
    throw new CliError(
      `invalid P1AS_CONFIG ${options.configFile}: ${(error as Error).message}. Nothing was sent.`,
      EXIT_USAGE,
    );
  }
  const environments = config.environments.filter(
    (environment) => options.stacks === undefined || options.stacks.includes(environment.stackName),
  );
  const unknown = (options.stacks ?? []).filter(
    (stack) => !config.environments.some((environment) => environment.stackName === stack),
  );
  if (unknown.length > 0) {
    const known = config.environments.map((environment) => environment.stackName).join(", ");
    throw new CliError(
      `invalid --stacks ${JSON.stringify(unknown.join(","))}: not a stack of ${options.configFile} (its stacks: ${known}). Nothing was sent.`,
      EXIT_USAGE,
    );
  }
  let synthesized: ReturnType<typeof synthesizedStacks>;
  try {
    synthesized = synthesizedStacks(options.outdir);
  } catch (error) {
    throw new CliError(`invalid --outdir ${options.outdir}: ${(error as Error).message} Nothing was sent.`, EXIT_USAGE);
  }
  const problems: string[] = [];
  const targets = environments.flatMap((environment) => {
    const stack = synthesized.find((candidate) => candidate.name === environment.stackName);
    if (!stack) {
      problems.push(
        `invalid --outdir ${options.outdir}: it has no stack ${environment.stackName} (environment ${environment.name}); synthesize ${options.configFile} into it (P1AS_CONFIG=${options.configFile} npm run synth)`,
      );
      return [];
    }
    return [
      targetOf(environment.name, stack.name, JSON.parse(readFileSync(stack.configFile, "utf8")), options.env, problems),
    ];
  });
  if (problems.length > 0) throw new CliError(`${problems.join(".\n")}.\nNothing was sent.`, EXIT_USAGE);
  return targets;
}

/** One synthesized stack's target (its cdk.tf.json, parsed); each problem of its provider block goes to `problems`. */
export function targetOf(
  environment: string,
  stack: string,
  synthesized: Json,
  env: NodeJS.ProcessEnv,
  problems: string[],
): Target {
  const block = synthesized.provider?.p1as?.[0];
  if (!block) return { environment, stack, certificates: [], hostnames: [] };
  const certificateResources: Record<string, Json> = synthesized.resource?.p1as_certificate ?? {};
  const certificates = Object.values(certificateResources).map((resource) => declaredCertificate(resource));
  // A hostname names its certificate by reference (`${p1as_certificate.<id>.name}`) so terraform orders them.
  const certname = (value: string) => {
    const reference = /^\$\{p1as_certificate\.([^.]+)\.name\}$/.exec(value);
    return reference ? (literal(certificateResources[reference[1]]?.name) ?? value) : (literal(value) ?? value);
  };
  const hostnames = Object.values<Json>(synthesized.resource?.p1as_hostname ?? {}).map((resource) => ({
    hostname: literal(resource.hostname) ?? String(resource.hostname),
    product: literal(resource.product) ?? String(resource.product),
    certname: certname(String(resource.certname)),
  }));
  return { environment, stack, connection: connectionOf(stack, block, env, problems), certificates, hostnames };
}

function declaredCertificate(resource: Json): DeclaredCertificate {
  const name = literal(resource.name) ?? String(resource.name);
  const leaf = parseFullchain(literal(resource.fullchain) ?? "").certificates[0];
  return leaf
    ? { name, sha256Fingerprint: leaf.fingerprint256, notAfter: new Date(leaf.validTo).toISOString() }
    : { name };
}

export const literal = (value: unknown) => (typeof value === "string" ? readTemplateLiteral(value) : undefined);

/**
 * The provider block's values, as the provider reads them: block first, then its P1AS_* variable. The status view
 * only reads, so it connects with the read-only client when the block names one, and never with the write client then.
 */
function connectionOf(stack: string, block: Json, env: NodeJS.ProcessEnv, problems: string[]): Connection | undefined {
  const setting = (name: keyof typeof PROVIDER_ENV) => literal(block[name]) || env[PROVIDER_ENV[name]] || "";
  const field = (name: keyof typeof PROVIDER_ENV) => `${stack} provider p1as ${name} (or ${PROVIDER_ENV[name]})`;
  const allowed = parseAllowedHosts(env[ALLOWED_HOSTS_VARIABLE]);
  const apiUrl = setting("api_url");
  const tokenUrl = setting("token_url");
  // A block that names a read-only client (even as a reference only terraform resolves) is read with that client only.
  const readApplication = literal(block.pingone_read_application) || env[PROVIDER_ENV.pingone_read_application] || "";
  const readOnly =
    Boolean(readApplication) || block.read_client_id !== undefined || Boolean(env[PROVIDER_ENV.read_client_id]);
  const clientId = readApplication
    ? `PingOne application ${readApplication}`
    : readOnly
      ? setting("read_client_id")
      : setting("client_id");
  const apiContract = setting("api_contract") || API_CONTRACT_DEFAULT;
  const before = problems.length;
  if (allowed.problems.length > 0)
    problems.push(`invalid ${ALLOWED_HOSTS_VARIABLE} (environment variable): ${allowed.problems.join("; ")}`);
  const url = (destination: (value: string) => string[]) => (value: string) => {
    const reasons = serviceUrlProblems(value);
    return reasons.length > 0 ? reasons : destination(value);
  };
  for (const [name, value, check] of [
    ["api_url", apiUrl, url((value) => apiUrlDestinationProblems(value, {}, allowed.hosts))],
    ["token_url", tokenUrl, url((value) => tokenUrlDestinationProblems(value, {}, allowed.hosts))],
    ...(readApplication ? [] : [[readOnly ? "read_client_id" : "client_id", clientId, clientIdProblems] as const]),
  ] as const) {
    const reasons = value
      ? check(value)
      : ["is required (the synthesized block holds a reference only terraform can resolve, or nothing)"];
    if (reasons.length > 0) problems.push(`invalid ${field(name)} ${JSON.stringify(value)}: ${reasons.join("; ")}`);
  }
  const contractReasons = apiContractProblems(apiContract);
  if (contractReasons.length > 0)
    problems.push(`invalid ${field("api_contract")} ${JSON.stringify(apiContract)}: ${contractReasons.join("; ")}`);
  // The variable the provider would read the secret from, by the same rule as the provider.
  const secretSource = readOnly
    ? literal(block.read_client_secret_env) || SECRET_ENV_DEFAULTS.read_client_secret
    : literal(block.client_secret_env) || SECRET_ENV_DEFAULTS.client_secret;
  const secret = env[secretSource];
  const timeout = block.request_timeout_ms;
  const retries = block.max_retries;
  let credentials: (() => ClientCredentials) | undefined;
  if (readApplication) {
    // As the provider does: the application found in PingOne by name with the PingOne provider's worker; its secret
    // from the variable when set, else read from PingOne.
    const environmentId = setting("pingone_environment_id");
    if (!environmentId)
      problems.push(`invalid ${field("pingone_environment_id")} "": is required with pingone_read_application`);
    const lookup = lookupClient(
      {
        environmentId,
        apiUrl: setting("pingone_api_url") || undefined,
        tokenUrl,
        allowedHosts: allowed.hosts,
        timeoutMs: typeof timeout === "number" ? timeout : 30_000,
        log: () => {},
      },
      env,
    );
    if ("problems" in lookup)
      problems.push(`${stack}: cannot look the read-only client up in PingOne: ${lookup.problems.join("; ")}`);
    else
      credentials = () =>
        lookedUpCredentials(
          lookup.applications,
          {
            name: readApplication,
            setting: "pingone_read_application",
            secretEnv: secretSource,
            secret,
            role: "read-only",
          },
          environmentId,
        );
  } else {
    if (!secret)
      problems.push(
        `${stack}: no client secret for ${readOnly ? "read-only " : ""}client ${clientId || "(unknown)"}: set ${secretSource}`,
      );
    else credentials = () => ({ clientId, clientSecret: secret });
  }
  if (problems.length > before || !credentials) return undefined;
  return {
    apiUrl,
    tokenUrl,
    clientId,
    scope: setting("scope") || undefined,
    apiContract: apiContract as ApiContractSetting,
    requestTimeoutMs: typeof timeout === "number" ? timeout : undefined,
    maxRetries: typeof retries === "number" ? retries : undefined,
    secretSource,
    credentials,
  };
}
