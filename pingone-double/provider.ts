/**
 * The PingOne provider test double: Ping's provider block and resource schemas (v1.21.0), behaviour as Ping
 * documents it, calling an emulated PingOne management API on loopback. Credentials come from the same
 * variables as Ping's provider; the emulator's hosts from `service_endpoints` or the variables Ping's
 * provider documents for it (PINGONE_API_SERVICE_HOSTNAME, PINGONE_AUTH_SERVICE_HOSTNAME).
 */
import type { Diagnostics, ProviderDefinition, State, Value } from "../provider/framework";
import { PINGONE_REGION_CODES } from "../p1as/facts";
import { ManagementApi, loopbackHostnameProblems } from "./client";
import { application } from "./resources/application";
import { applicationResourceGrant } from "./resources/application-resource-grant";
import { applicationSecret } from "./resources/application-secret";
import { DoubleData, oneOf, uuid } from "./resources/common";
import { resource } from "./resources/resource";
import { resourceAttribute } from "./resources/resource-attribute";
import { resourceScope } from "./resources/resource-scope";
import { schemaAttribute } from "./resources/schema-attribute";
import { providerSchema } from "./schema";
import { TEST_DOUBLE_NOTICE } from "./source";

/** The variables Ping's provider reads for each unset attribute. */
export const PROVIDER_VARIABLES = {
  client_id: "PINGONE_CLIENT_ID",
  client_secret: "PINGONE_CLIENT_SECRET",
  environment_id: "PINGONE_ENVIRONMENT_ID",
  region_code: "PINGONE_REGION_CODE",
  api_access_token: "PINGONE_API_ACCESS_TOKEN",
  append_user_agent: "PINGONE_TF_APPEND_USER_AGENT",
  api_hostname: "PINGONE_API_SERVICE_HOSTNAME",
  auth_hostname: "PINGONE_AUTH_SERVICE_HOSTNAME",
} as const;

/** The resource types of Ping's provider that the double implements: those our stacks use. */
export const DOUBLE_RESOURCES = [
  resource,
  resourceAttribute,
  resourceScope,
  application,
  applicationResourceGrant,
  applicationSecret,
  schemaAttribute,
];

export const pingOneDouble: ProviderDefinition<DoubleData> = {
  typeName: "pingone",
  schema: providerSchema({
    region_code: { validate: oneOf(...PINGONE_REGION_CODES) },
    environment_id: { validate: uuid },
    "service_endpoints.api_hostname": { validate: (value) => loopbackHostnameProblems(value as string) },
    "service_endpoints.auth_hostname": { validate: (value) => loopbackHostnameProblems(value as string) },
  }),
  resources: DOUBLE_RESOURCES,

  validate({ config, diagnostics }) {
    const endpoints = config.service_endpoints as readonly State[] | null;
    if (Array.isArray(endpoints) && endpoints.length > 1)
      diagnostics.error(
        "Invalid service_endpoints",
        "at most one service_endpoints block is allowed",
        "service_endpoints",
      );
    for (const endpoint of Array.isArray(endpoints) ? endpoints : []) {
      for (const name of ["api_hostname", "auth_hostname"]) {
        const value = endpoint?.[name];
        if (typeof value === "string")
          for (const problem of loopbackHostnameProblems(value))
            diagnostics.error(`Invalid service_endpoints.${name}`, problem, `service_endpoints.${name}`);
      }
    }
    if (config.http_proxy !== null)
      diagnostics.error(
        "Invalid http_proxy",
        "the PingOne provider test double talks to a loopback emulator directly, never through a proxy",
        "http_proxy",
      );
    if (config.client_id !== null && config.api_access_token !== null) {
      diagnostics.error(
        "Invalid api_access_token",
        "set only one of api_access_token and client_id",
        "api_access_token",
      );
    }
  },

  async configure({ config, diagnostics }) {
    diagnostics.warning(TEST_DOUBLE_NOTICE);
    const setting = (name: keyof typeof PROVIDER_VARIABLES, configured: Value = config[name]) =>
      typeof configured === "string" && configured !== ""
        ? configured
        : process.env[PROVIDER_VARIABLES[name]] || undefined;
    const endpoint =
      (Array.isArray(config.service_endpoints) ? (config.service_endpoints[0] as State | undefined) : undefined) ?? {};
    const apiHostname = setting("api_hostname", endpoint.api_hostname ?? null);
    const authHostname = setting("auth_hostname", endpoint.auth_hostname ?? null);
    const regionCode = setting("region_code");
    const accessToken = setting("api_access_token");
    const credentials = {
      clientId: setting("client_id"),
      clientSecret: setting("client_secret"),
      environmentId: setting("environment_id"),
    };

    const missing = (what: string, detail: string) => void diagnostics.error(`Missing ${what}`, detail, what);
    if (!apiHostname || !authHostname) {
      missing(
        "service_endpoints",
        `the PingOne provider test double talks only to an emulated PingOne on loopback: set service_endpoints or ${PROVIDER_VARIABLES.api_hostname} and ${PROVIDER_VARIABLES.auth_hostname} to its host:port`,
      );
    }
    if (!regionCode) missing("region_code", `set region_code or ${PROVIDER_VARIABLES.region_code}`);
    else checkValue(diagnostics, "region_code", regionCode, oneOf(...PINGONE_REGION_CODES));
    if (!accessToken) {
      for (const [name, value] of [
        ["client_id", credentials.clientId],
        ["client_secret", credentials.clientSecret],
        ["environment_id", credentials.environmentId],
      ] as const) {
        if (!value) missing(name, `set ${name} or ${PROVIDER_VARIABLES[name]} (or api_access_token)`);
      }
      if (credentials.environmentId) checkValue(diagnostics, "environment_id", credentials.environmentId, uuid);
    }
    if (diagnostics.hasErrors) return undefined as unknown as DoubleData;
    return {
      api: new ManagementApi({
        apiHostname: apiHostname!,
        authHostname: authHostname!,
        auth: accessToken
          ? { accessToken }
          : (credentials as { clientId: string; clientSecret: string; environmentId: string }),
        appendUserAgent: setting("append_user_agent"),
      }),
    };
  },
};

function checkValue(
  diagnostics: Diagnostics,
  name: string,
  value: string,
  check: (value: Value) => readonly string[],
): void {
  for (const problem of check(value)) diagnostics.error(`Invalid ${name}`, problem, name);
}
