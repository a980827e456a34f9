/**
 * The `p1as` provider: one P1AS environment's self-service API, reached with a PingOne client-credentials
 * token. Every attribute may instead come from an environment variable (`P1AS_*`), as the PingOne provider
 * reads `PINGONE_*`. At configure time the provider reads the tenant's own OpenAPI document to learn which
 * routes exist (discovery), unless `api_contract` says which contract to assume.
 */
import type { ClientCredentials } from "../../client/connect";
import { apiContractProblems } from "../../client/defaults";
import {
  ALLOWED_HOSTS_VARIABLE,
  AllowedHosts,
  apiUrlDestinationProblems,
  parseAllowedHosts,
  pingOneApiUrlDestinationProblems,
  tokenUrlDestinationProblems,
} from "../../p1as/destinations";
import {
  scopeNameProblems,
  serviceUrlProblems,
  clientIdProblems,
  pingOneNameProblems,
  uuidProblems,
} from "../../p1as/rules";
import { secretEnvNameProblems } from "../../p1as/secret-names";
import { Attribute, Diagnostics, ProviderDefinition, State, Value, isUnknown, types } from "../framework";
import { certificate } from "./certificate-resource";
import { certificates, hostnames } from "./data-sources";
import { hostname } from "./hostname-resource";
import { dataSourceWithAdvice, withAdvice } from "./error-catalogue";
import {
  API_CONTRACT_DEFAULT,
  ApiContractSetting,
  POLL_INTERVAL_MS_DEFAULT,
  PROVIDER_ENV,
  PROVIDER_TYPE,
  ProviderSetting,
  READY_TIMEOUT_MS_DEFAULT,
  SECRET_ENV_DEFAULTS,
} from "../public-face";
import { P1asProviderData, Timings } from "./provider-data";
import { requestSettingAttributes, resolveRequestSettings } from "./request-settings";

const positiveWhole = (value: Value) =>
  Number.isInteger(value) && Number(value) > 0 ? [] : ["must be a positive whole number of milliseconds"];

export const p1asProvider: ProviderDefinition<P1asProviderData> = {
  typeName: PROVIDER_TYPE,
  schema: {
    description:
      "P1AS self-service API of one environment. Each attribute falls back to its `P1AS_*` environment variable.",
    attributes: {
      api_url: {
        type: types.string,
        optional: true,
        description:
          "`https://self-service-api.<env>-<customer>.<region>.ping.cloud/api/v1` (env `P1AS_API_URL`); loopback for an emulator; another host only when `P1AS_ALLOWED_HOSTS` lists it.",
        validate: (value) => serviceUrlProblems(String(value)),
      },
      token_url: {
        type: types.string,
        optional: true,
        description:
          "PingOne token endpoint, `https://auth.pingone.<tld>/<environmentId>/as/token` (env `P1AS_TOKEN_URL`); loopback for an emulator; another host only when `P1AS_ALLOWED_HOSTS` lists it.",
        validate: (value) => serviceUrlProblems(String(value)),
      },
      client_id: {
        type: types.string,
        optional: true,
        description:
          "Client id of the write client, role `<env>-tls-admin` (env `P1AS_CLIENT_ID`). It also reads when there is no `read_client_id`.",
        validate: (value) => clientIdProblems(String(value)),
      },
      client_secret: {
        type: types.string,
        optional: true,
        sensitive: true,
        description:
          "The write client's secret. Never stored. Better left unset: then the provider reads the variable `client_secret_env` names.",
      },
      client_secret_env: {
        type: types.string,
        optional: true,
        description: `Environment variable holding the write client's secret. Default \`${SECRET_ENV_DEFAULTS.client_secret}\`. Only applies need it: a run without it can plan.`,
        validate: (value) => secretEnvNameProblems(String(value)),
      },
      read_client_id: {
        type: types.string,
        optional: true,
        description:
          "Client id of the read-only client, role `<env>-tls-audit` (env `P1AS_READ_CLIENT_ID`): every read, so plans hold no write credential.",
        validate: (value) => clientIdProblems(String(value)),
      },
      read_client_secret: {
        type: types.string,
        optional: true,
        sensitive: true,
        description: "The read-only client's secret. Never stored. Better left unset (see `read_client_secret_env`).",
      },
      read_client_secret_env: {
        type: types.string,
        optional: true,
        description: `Environment variable holding the read-only client's secret. Default \`${SECRET_ENV_DEFAULTS.read_client_secret}\`.`,
        validate: (value) => secretEnvNameProblems(String(value)),
      },
      pingone_environment_id: {
        type: types.string,
        optional: true,
        description:
          "PingOne environment that holds `pingone_application` and `pingone_read_application` (env `P1AS_PINGONE_ENVIRONMENT_ID`). The worker that looks them up comes from `PINGONE_CLIENT_ID`, `PINGONE_CLIENT_SECRET`, `PINGONE_ENVIRONMENT_ID` and `PINGONE_REGION_CODE`, as for the PingOne provider.",
        validate: (value) => uuidProblems(String(value)),
      },
      pingone_application: {
        type: types.string,
        optional: true,
        description:
          "Name of the write client's PingOne application, instead of `client_id` (env `P1AS_PINGONE_APPLICATION`): its id and, unless the `client_secret_env` variable is set, its secret are read from PingOne when a token is first needed. The worker needs `applications:read:secret` for that.",
        validate: (value) => pingOneNameProblems(String(value)),
      },
      pingone_read_application: {
        type: types.string,
        optional: true,
        description:
          "Name of the read-only client's PingOne application, instead of `read_client_id` (env `P1AS_PINGONE_READ_APPLICATION`). Where the worker may not read secrets (plan jobs), set the `read_client_secret_env` variable. While it does not exist yet, the data sources read nothing and warn.",
        validate: (value) => pingOneNameProblems(String(value)),
      },
      pingone_api_url: {
        type: types.string,
        optional: true,
        description:
          "PingOne management API, `https://api.pingone.<tld>/v1` (env `P1AS_PINGONE_API_URL`; default from `PINGONE_REGION_CODE`); loopback for an emulator; another host only when `P1AS_ALLOWED_HOSTS` lists it as `pingone=<host>`.",
        validate: (value) => serviceUrlProblems(String(value)),
      },
      scope: {
        type: types.string,
        optional: true,
        description: "Scope to ask for (env `P1AS_SCOPE`). Default: every scope granted.",
        validate: (value) => scopeNameProblems(String(value)),
      },
      api_contract: {
        type: types.string,
        optional: true,
        description:
          "`discover` (default) reads the tenant's `/api/v1/openapi.json`; `confirmed` assumes only the publicly confirmed routes (no update: changes replace); `assumed` uses the project's guesses (env `P1AS_API_CONTRACT`).",
        validate: (value) => apiContractProblems(String(value)),
      },
      ...requestSettingAttributes,
      poll_interval_ms: {
        type: types.number,
        optional: true,
        description: `Longest wait between two looks at an object. Default ${POLL_INTERVAL_MS_DEFAULT}.`,
        validate: positiveWhole,
      },
      ready_timeout_ms: {
        type: types.number,
        optional: true,
        description: `How long an object may take to become ready. Default ${READY_TIMEOUT_MS_DEFAULT}.`,
        validate: positiveWhole,
      },
    } satisfies Record<ProviderSetting, Attribute>,
  },

  async configure({ config, diagnostics }) {
    const log = (line: string) => process.stderr.write(`[INFO] p1as: ${line}\n`);
    const timings: Timings = {
      pollIntervalMs: numberOr(config.poll_interval_ms, POLL_INTERVAL_MS_DEFAULT),
      readyTimeoutMs: numberOr(config.ready_timeout_ms, READY_TIMEOUT_MS_DEFAULT),
    };
    const settings = resolveSettings(config, process.env);
    if ("unknown" in settings)
      return { timings, log, unconfiguredReason: `${settings.unknown.join(", ")} will only be known during apply` };
    const allowedHosts = checkSettings(settings, process.env, diagnostics);
    const requests = resolveRequestSettings(config, process.env, diagnostics);
    if (!allowedHosts || !requests) return { timings, log, unconfiguredReason: "its configuration is invalid" };
    // The clients and their HTTP library load here, not with the provider: terraform starts a process for the
    // schema and one for validation that never configure, and loading them took a quarter of each start.
    const [{ connect }, { PINGONE_WORKER_ENV, lookedUpCredentials, lookupClient }, { checkReadingClient }] =
      await Promise.all([
        import("../../client/connect"),
        import("../../client/pingone-lookup"),
        import("./credential-check"),
      ]);
    // One token client per client and provider process: one token request each, renewed before expiry and after a 401.
    const credentials = (clientId: string | undefined, secret: Secret | undefined): ClientCredentials | undefined =>
      clientId && secret ? { clientId, clientSecret: secret.value } : undefined;
    let write = credentials(settings.client_id, settings.write_secret);
    let read = credentials(settings.read_client_id, settings.read_secret);
    if (settings.pingone_application || settings.pingone_read_application) {
      const lookup = lookupClient(
        {
          environmentId: settings.pingone_environment_id!,
          apiUrl: settings.pingone_api_url,
          tokenUrl: settings.token_url,
          allowedHosts,
          timeoutMs: requests.timeoutMs,
          log,
        },
        process.env,
      );
      if ("problems" in lookup) {
        diagnostics.error(
          "Cannot look the p1as clients up in PingOne",
          `${lookup.problems.join(". ")}. Nothing was sent.`,
        );
        return { timings, log, unconfiguredReason: "its PingOne lookup is not configured" };
      }
      const lookedUp = (name: string, setting: string, secretEnv: string, secret: Secret | undefined, role: string) =>
        lookedUpCredentials(
          lookup.applications,
          { name, setting, secretEnv, secret: secret?.value, role },
          settings.pingone_environment_id!,
        );
      if (settings.pingone_application)
        write = lookedUp(
          settings.pingone_application,
          "pingone_application",
          settings.write_secret_env,
          settings.write_secret,
          "write",
        );
      if (settings.pingone_read_application)
        read = lookedUp(
          settings.pingone_read_application,
          "pingone_read_application",
          settings.read_secret_env,
          settings.read_secret,
          "read-only",
        );
    }
    const writeClient = settings.pingone_application
      ? `application ${settings.pingone_application}`
      : `client ${settings.client_id}`;
    const { client, contract, readTokens } = await connect({
      apiUrl: settings.api_url,
      tokenUrl: settings.token_url,
      write,
      read,
      writeCredentialsHint: `Set ${settings.write_secret_env} to the secret of write ${writeClient} (role <env>-tls-admin) where you apply; plans need only the read-only client.`,
      scope: settings.scope,
      apiContract: settings.api_contract as ApiContractSetting,
      timeoutMs: requests.timeoutMs,
      maxRetries: requests.maxRetries,
      log,
      allowedHosts,
    });
    const reading = settings.pingone_read_application
      ? {
          clientId: `of application ${settings.pingone_read_application}`,
          secretSource: settings.read_secret?.source ?? `PingOne (read by ${PINGONE_WORKER_ENV.clientId})`,
          attribute: "read_client_secret" as const,
          role: "<env>-tls-audit",
        }
      : settings.read_client_id && settings.read_secret
        ? {
            clientId: settings.read_client_id,
            secretSource: settings.read_secret.source,
            attribute: "read_client_secret" as const,
            role: "<env>-tls-audit",
          }
        : {
            clientId: settings.client_id,
            secretSource: settings.write_secret?.source ?? settings.write_secret_env,
            attribute: "client_secret" as const,
            role: "<env>-tls-admin",
          };
    if (!(await checkReadingClient(readTokens, reading, diagnostics)))
      return { timings, log, unconfiguredReason: "the token endpoint refused its client secret" };
    return { client, contract, timings, log };
  },

  resources: [
    withAdvice(certificate, (state) => `certificate ${String(state.name ?? state.id)}`),
    withAdvice(hostname, (state) => `hostname ${String(state.hostname ?? state.id)}`),
  ],
  dataSources: [dataSourceWithAdvice(certificates), dataSourceWithAdvice(hostnames)],
};

/** A client secret and where it came from (an attribute or a variable name, for messages; never the value). */
interface Secret {
  readonly value: string;
  readonly source: string;
}

interface Settings {
  readonly api_url: string;
  readonly token_url: string;
  readonly client_id: string;
  readonly read_client_id?: string;
  readonly pingone_environment_id?: string;
  readonly pingone_application?: string;
  readonly pingone_read_application?: string;
  readonly pingone_api_url?: string;
  readonly scope?: string;
  readonly api_contract: string;
  readonly write_secret_env: string;
  readonly read_secret_env: string;
  readonly write_secret?: Secret;
  readonly read_secret?: Secret;
}

const SECRET_ATTRIBUTES = [
  "client_secret",
  "read_client_secret",
  "client_secret_env",
  "read_client_secret_env",
] as const;

/** Block values first, then environment variables; undefined values are reported as not known yet. */
function resolveSettings(config: State, env: NodeJS.ProcessEnv): Settings | { unknown: string[] } {
  const unknownAttributes = [...Object.keys(PROVIDER_ENV), ...SECRET_ATTRIBUTES].filter((name) =>
    isUnknown(config[name]),
  );
  if (unknownAttributes.length > 0) return { unknown: unknownAttributes };
  const text = (name: string) => (typeof config[name] === "string" ? (config[name] as string) : undefined);
  const value = (name: keyof typeof PROVIDER_ENV) => text(name) ?? env[PROVIDER_ENV[name]] ?? "";
  const secret = (attribute: keyof typeof SECRET_ENV_DEFAULTS, variable: string): Secret | undefined => {
    if (text(attribute)) return { value: text(attribute)!, source: attribute };
    return env[variable] ? { value: env[variable]!, source: variable } : undefined;
  };
  const write_secret_env = text("client_secret_env") ?? SECRET_ENV_DEFAULTS.client_secret;
  const read_secret_env = text("read_client_secret_env") ?? SECRET_ENV_DEFAULTS.read_client_secret;
  return {
    api_url: value("api_url"),
    token_url: value("token_url"),
    client_id: value("client_id"),
    read_client_id: value("read_client_id") || undefined,
    pingone_environment_id: value("pingone_environment_id") || undefined,
    pingone_application: value("pingone_application") || undefined,
    pingone_read_application: value("pingone_read_application") || undefined,
    pingone_api_url: value("pingone_api_url") || undefined,
    scope: value("scope") || undefined,
    api_contract: value("api_contract") || API_CONTRACT_DEFAULT,
    write_secret_env,
    read_secret_env,
    write_secret: secret("client_secret", write_secret_env),
    read_secret: secret("read_client_secret", read_secret_env),
  };
}

/**
 * Values from the environment were not validated with the block's; every problem names its attribute. Returns the
 * allow-list the URLs were judged by, or undefined when anything is wrong (nothing is sent then).
 */
function checkSettings(settings: Settings, env: NodeJS.ProcessEnv, diagnostics: Diagnostics): AllowedHosts | undefined {
  const allowed = parseAllowedHosts(env[ALLOWED_HOSTS_VARIABLE]);
  const url = (value: string, destination: (url: string) => string[]) => {
    const problems = serviceUrlProblems(value);
    return problems.length > 0 ? problems : destination(value);
  };
  const problems: [string, string, string[]][] = [
    [
      "api_url",
      PROVIDER_ENV.api_url,
      settings.api_url
        ? url(settings.api_url, (value) => apiUrlDestinationProblems(value, {}, allowed.hosts))
        : ["is required"],
    ],
    [
      "token_url",
      PROVIDER_ENV.token_url,
      settings.token_url
        ? url(settings.token_url, (value) => tokenUrlDestinationProblems(value, {}, allowed.hosts))
        : ["is required"],
    ],
    [
      "client_id",
      PROVIDER_ENV.client_id,
      settings.client_id
        ? [
            ...clientIdProblems(settings.client_id),
            ...(settings.pingone_application
              ? [
                  "conflicts with pingone_application: give the write client one way, by id or by PingOne application name",
                ]
              : []),
          ]
        : settings.pingone_application
          ? []
          : ["is required (or pingone_application)"],
    ],
    [
      "read_client_id",
      PROVIDER_ENV.read_client_id,
      settings.read_client_id
        ? [
            ...clientIdProblems(settings.read_client_id),
            ...(settings.pingone_read_application
              ? ["conflicts with pingone_read_application: give the read-only client one way"]
              : []),
          ]
        : [],
    ],
    ["pingone_environment_id", PROVIDER_ENV.pingone_environment_id, pingOneEnvironmentProblems(settings)],
    [
      "pingone_application",
      PROVIDER_ENV.pingone_application,
      settings.pingone_application ? pingOneNameProblems(settings.pingone_application) : [],
    ],
    [
      "pingone_read_application",
      PROVIDER_ENV.pingone_read_application,
      settings.pingone_read_application ? pingOneNameProblems(settings.pingone_read_application) : [],
    ],
    [
      "pingone_api_url",
      PROVIDER_ENV.pingone_api_url,
      settings.pingone_api_url
        ? url(settings.pingone_api_url, (value) => pingOneApiUrlDestinationProblems(value, {}, allowed.hosts))
        : [],
    ],
    ["api_contract", PROVIDER_ENV.api_contract, apiContractProblems(settings.api_contract)],
  ];
  for (const [name, variable, reasons] of problems) {
    if (reasons.length > 0)
      diagnostics.error(`Invalid p1as provider ${name}`, `${name} (or ${variable}) ${reasons.join("; ")}`, name);
  }
  if (allowed.problems.length > 0) {
    diagnostics.error(
      `Invalid ${ALLOWED_HOSTS_VARIABLE}`,
      `The environment variable ${ALLOWED_HOSTS_VARIABLE} ${allowed.problems.join("; ")}. Nothing was sent.`,
    );
  }
  // Every run reads (refresh, plan), so the reading client must be complete; the write client only where something is written.
  // A looked-up client's secret may come from PingOne, which is only known to fail when it is asked.
  if (settings.read_client_id && !settings.read_secret) {
    diagnostics.error(
      "Missing p1as read-only client secret",
      `${settings.read_secret_env} is not set: this provider reads with client ${settings.read_client_id} (role <env>-tls-audit). Set ${settings.read_secret_env} to its secret (or read_client_secret in the provider block).`,
      "read_client_secret",
    );
  }
  if (
    !settings.read_client_id &&
    !settings.pingone_read_application &&
    !settings.pingone_application &&
    !settings.write_secret
  ) {
    diagnostics.error(
      "Missing p1as client secret",
      `${settings.write_secret_env} is not set and there is no read_client_id: the provider has no client to call the API with. Set ${settings.write_secret_env} (or client_secret), or give a read-only client.`,
      "client_secret",
    );
  }
  return diagnostics.hasErrors ? undefined : allowed.hosts;
}

/** Lookups need the environment to look in. */
function pingOneEnvironmentProblems(settings: Settings): string[] {
  const lookup = settings.pingone_application || settings.pingone_read_application;
  // Without an application to look up it is unused (the p1as CLI reads P1AS_PINGONE_ENVIRONMENT_ID for its token URL too).
  if (settings.pingone_environment_id) return uuidProblems(settings.pingone_environment_id);
  return lookup
    ? ["is required with pingone_application or pingone_read_application: the PingOne environment that holds them"]
    : [];
}

function numberOr(value: Value, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}
