/**
 * The `p1as` provider: one P1AS environment's self-service API, reached with a PingOne client-credentials
 * token. Every attribute may instead come from an environment variable (`P1AS_*`), as the PingOne provider
 * reads `PINGONE_*`. At configure time the provider reads the tenant's own OpenAPI document to learn which
 * routes exist (discovery), unless `api_contract` says which contract to assume.
 */
import { ApiContract, ASSUMED_CONTRACT, CONFIRMED_CONTRACT, discoverContract } from "../../client/contract";
import { REQUEST_TIMEOUT_MS_DEFAULT, SelfServiceClient } from "../../client/self-service-client";
import { TokenClient } from "../../client/token-client";
import { scopeNameProblems, serviceUrlProblems, clientIdProblems } from "../../p1as/rules";
import { Diagnostics, ProviderDefinition, State, Value, isUnknown, types } from "../framework";
import { certificate } from "./certificate";
import { certificates, hostnames } from "./data-sources";
import { hostname } from "./hostname";
import { dataSourceWithAdvice, withAdvice } from "./messages";
import { P1asProviderData, Timings } from "./provider-data";

/** How often a waiting resource looks again, at most. */
export const POLL_INTERVAL_MS_DEFAULT = 2_000;
/** How long one object may take to become ready. */
export const READY_TIMEOUT_MS_DEFAULT = 10 * 60_000;

export const API_CONTRACTS = ["discover", "confirmed", "assumed"] as const;
export type ApiContractSetting = (typeof API_CONTRACTS)[number];

/** Provider attribute -> the environment variable that supplies it when the block leaves it unset. */
export const PROVIDER_ENV = {
  api_url: "P1AS_API_URL",
  token_url: "P1AS_TOKEN_URL",
  client_id: "P1AS_CLIENT_ID",
  client_secret: "P1AS_CLIENT_SECRET",
  scope: "P1AS_SCOPE",
  api_contract: "P1AS_API_CONTRACT",
} as const;

const positiveWhole = (value: Value) => (Number.isInteger(value) && Number(value) > 0 ? [] : ["must be a positive whole number of milliseconds"]);

export const p1asProvider: ProviderDefinition<P1asProviderData> = {
  typeName: "p1as",
  schema: {
    description: "P1AS self-service API of one environment. Each attribute falls back to its `P1AS_*` environment variable.",
    attributes: {
      api_url: {
        type: types.string,
        optional: true,
        description: "`https://self-service-api.<env>-<customer>.<region>.ping.cloud/api/v1` (env `P1AS_API_URL`).",
        validate: (value) => serviceUrlProblems(String(value)),
      },
      token_url: {
        type: types.string,
        optional: true,
        description: "PingOne token endpoint, `https://auth.pingone.<tld>/<environmentId>/as/token` (env `P1AS_TOKEN_URL`).",
        validate: (value) => serviceUrlProblems(String(value)),
      },
      client_id: { type: types.string, optional: true, description: "Client id of the OIDC app (env `P1AS_CLIENT_ID`).", validate: (value) => clientIdProblems(String(value)) },
      client_secret: { type: types.string, optional: true, sensitive: true, description: "Its secret (env `P1AS_CLIENT_SECRET`). Never stored." },
      scope: { type: types.string, optional: true, description: "Scope to ask for (env `P1AS_SCOPE`). Default: every scope granted.", validate: (value) => scopeNameProblems(String(value)) },
      api_contract: {
        type: types.string,
        optional: true,
        description:
          "`discover` (default) reads the tenant's `/api/v1/openapi.json`; `confirmed` assumes only the publicly confirmed routes (no update: changes replace); `assumed` uses the project's guesses (env `P1AS_API_CONTRACT`).",
        validate: (value) => ((API_CONTRACTS as readonly string[]).includes(String(value)) ? [] : [`must be one of ${API_CONTRACTS.join(", ")}`]),
      },
      request_timeout_ms: { type: types.number, optional: true, description: `One API request, retries included. Default ${REQUEST_TIMEOUT_MS_DEFAULT}.`, validate: positiveWhole },
      poll_interval_ms: { type: types.number, optional: true, description: `Longest wait between two looks at an object. Default ${POLL_INTERVAL_MS_DEFAULT}.`, validate: positiveWhole },
      ready_timeout_ms: { type: types.number, optional: true, description: `How long an object may take to become ready. Default ${READY_TIMEOUT_MS_DEFAULT}.`, validate: positiveWhole },
    },
  },

  async configure({ config, diagnostics }) {
    const log = (line: string) => process.stderr.write(`[INFO] p1as: ${line}\n`);
    const timings: Timings = {
      pollIntervalMs: numberOr(config.poll_interval_ms, POLL_INTERVAL_MS_DEFAULT),
      readyTimeoutMs: numberOr(config.ready_timeout_ms, READY_TIMEOUT_MS_DEFAULT),
    };
    const settings = resolveSettings(config, process.env);
    if ("unknown" in settings) return { timings, log, unconfiguredReason: `${settings.unknown.join(", ")} will only be known during apply` };
    if (!checkSettings(settings, diagnostics)) return { timings, log, unconfiguredReason: "its configuration is invalid" };
    const timeoutMs = numberOr(config.request_timeout_ms, REQUEST_TIMEOUT_MS_DEFAULT);
    // One token client per provider process: one token request, renewed before expiry and after a 401.
    const tokens = new TokenClient({ tokenUrl: settings.token_url, clientId: settings.client_id, clientSecret: settings.client_secret, scope: settings.scope, timeoutMs, log });
    const contract = await contractFor(settings.api_contract, settings.api_url, timeoutMs, log);
    const client = new SelfServiceClient({ baseUrl: settings.api_url, tokens, timeoutMs, log, contract });
    return { client, contract, timings, log };
  },

  resources: [
    withAdvice(certificate, (state) => `certificate ${String(state.name ?? state.id)}`),
    withAdvice(hostname, (state) => `hostname ${String(state.hostname ?? state.id)}`),
  ],
  dataSources: [dataSourceWithAdvice(certificates), dataSourceWithAdvice(hostnames)],
};

type Settings = { -readonly [K in Exclude<keyof typeof PROVIDER_ENV, "scope">]: string } & { scope?: string };

/** Block values first, then environment variables; undefined values are reported as not known yet. */
function resolveSettings(config: State, env: NodeJS.ProcessEnv): Settings | { unknown: string[] } {
  const unknownAttributes = Object.keys(PROVIDER_ENV).filter((name) => isUnknown(config[name]));
  if (unknownAttributes.length > 0) return { unknown: unknownAttributes };
  const value = (name: keyof typeof PROVIDER_ENV) => (typeof config[name] === "string" ? (config[name] as string) : env[PROVIDER_ENV[name]] ?? "");
  return {
    api_url: value("api_url"),
    token_url: value("token_url"),
    client_id: value("client_id"),
    client_secret: value("client_secret"),
    scope: value("scope") || undefined,
    api_contract: value("api_contract") || "discover",
  };
}

/** Values from the environment were not validated with the block's; every problem names its attribute. */
function checkSettings(settings: Settings, diagnostics: Diagnostics): boolean {
  const problems: [keyof typeof PROVIDER_ENV, string[]][] = [
    ["api_url", settings.api_url ? serviceUrlProblems(settings.api_url) : ["is required"]],
    ["token_url", settings.token_url ? serviceUrlProblems(settings.token_url) : ["is required"]],
    ["client_id", settings.client_id ? clientIdProblems(settings.client_id) : ["is required"]],
    ["client_secret", settings.client_secret ? [] : ["is required"]],
    ["api_contract", (API_CONTRACTS as readonly string[]).includes(settings.api_contract) ? [] : [`must be one of ${API_CONTRACTS.join(", ")}`]],
  ];
  for (const [name, reasons] of problems) {
    if (reasons.length === 0) continue;
    diagnostics.error(`Invalid p1as provider ${name}`, `${name} (or ${PROVIDER_ENV[name]}) ${reasons.join("; ")}`, name);
  }
  return !diagnostics.hasErrors;
}

async function contractFor(setting: string, apiUrl: string, timeoutMs: number, log: (line: string) => void): Promise<ApiContract> {
  if (setting === "confirmed") return CONFIRMED_CONTRACT;
  if (setting === "assumed") return ASSUMED_CONTRACT;
  const contract = await discoverContract(apiUrl, { timeoutMs, log });
  log(`API contract: ${contract.origin} (${contract.reason}); update routes: certificates ${contract.certificates.update ? "yes" : "no"}, hostnames ${contract.hostnames.update ? "yes" : "no"}`);
  return contract;
}

function numberOr(value: Value, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}
