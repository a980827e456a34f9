/**
 * The p1as provider's public face: what stacks, constructs and tools may know about the provider without loading
 * it. Its address, its resource and data-source type names, its settings with their `P1AS_*` variables, and their
 * defaults. Constants and types only: nothing here runs code at import (the `import type` lines vanish when
 * compiled), so a synth or a tool pays nothing for it. The provider's own schema reads these too, and its
 * attributes are typed by ProviderSetting, so a new setting starts here and the compiler names what must follow.
 */
import type * as clientDefaults from "../client/defaults";
import type { ApiContractSetting } from "../client/defaults";

export type { ApiContractSetting };

/**
 * Where terraform finds our provider. The host is not a registry: `terraform.local` is the customary name for
 * providers installed by hand, so the address can never be mistaken for (or resolved to) one in Ping's
 * registry namespace. Terraform finds it offline in an implied local mirror:
 * `terraform.d/plugins/<host>/<namespace>/<type>/<version>/<os>_<arch>/` beside the configuration, or under
 * `~/.terraform.d/plugins/`.
 */
export const PROVIDER_HOST = "terraform.local";
export const PROVIDER_NAMESPACE = "p1as-cdktf";
export const PROVIDER_TYPE = "p1as";
/** Follows package.json's version; the installed folder and the executable name carry it. */
export const PROVIDER_VERSION = "0.1.0";
/** `terraform.local/p1as-cdktf/p1as`, as `required_providers` names it. */
export const PROVIDER_SOURCE = `${PROVIDER_HOST}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`;

export const CERTIFICATE_TYPE = "p1as_certificate";
export const HOSTNAME_TYPE = "p1as_hostname";
export const CERTIFICATES_DATA_SOURCE = "p1as_certificates";
export const HOSTNAMES_DATA_SOURCE = "p1as_hostnames";

/** Provider attribute -> the environment variable that supplies it when the block leaves it unset. */
export const PROVIDER_ENV = {
  api_url: "P1AS_API_URL",
  token_url: "P1AS_TOKEN_URL",
  client_id: "P1AS_CLIENT_ID",
  read_client_id: "P1AS_READ_CLIENT_ID",
  scope: "P1AS_SCOPE",
  api_contract: "P1AS_API_CONTRACT",
  pingone_environment_id: "P1AS_PINGONE_ENVIRONMENT_ID",
  pingone_application: "P1AS_PINGONE_APPLICATION",
  pingone_read_application: "P1AS_PINGONE_READ_APPLICATION",
  pingone_api_url: "P1AS_PINGONE_API_URL",
} as const;

/** The request budget's attributes (numbers) -> their environment variables; a variable's value is checked like the block's. */
export const REQUEST_SETTINGS_ENV = {
  request_timeout_ms: "P1AS_REQUEST_TIMEOUT_MS",
  max_retries: "P1AS_MAX_RETRIES",
} as const;

/**
 * Where a client secret comes from when the block does not hold it: the environment variable that
 * `client_secret_env` / `read_client_secret_env` name, by default these. Read by the provider process itself, at
 * plan and at apply alike, so a saved plan made with the read-only client can be applied with the write client.
 */
export const SECRET_ENV_DEFAULTS = {
  client_secret: "P1AS_CLIENT_SECRET",
  read_client_secret: "P1AS_READ_CLIENT_SECRET",
} as const;

/** Every attribute of the provider block. */
export type ProviderSetting =
  | keyof typeof PROVIDER_ENV
  | keyof typeof REQUEST_SETTINGS_ENV
  | keyof typeof SECRET_ENV_DEFAULTS
  | "client_secret_env"
  | "read_client_secret_env"
  | "poll_interval_ms"
  | "ready_timeout_ms";

/** `discover` reads the tenant's OpenAPI document to learn which routes exist. */
export const API_CONTRACT_DEFAULT = "discover" satisfies ApiContractSetting;
/** How often a waiting resource looks again, at most. */
export const POLL_INTERVAL_MS_DEFAULT = 2_000;
/** How long one object may take to become ready. */
export const READY_TIMEOUT_MS_DEFAULT = 10 * 60_000;
/** The client's own defaults, restated so that reading them loads no client; their types keep the two equal. */
export const REQUEST_TIMEOUT_MS_DEFAULT: typeof clientDefaults.REQUEST_TIMEOUT_MS_DEFAULT = 30_000;
export const MAX_RETRIES_DEFAULT: typeof clientDefaults.RETRIES_DEFAULT = 7;

/**
 * The offline-hostname warnings (provider/resources/error-catalogue.ts) as the plan summary and the deploy find them in
 * terraform's output: their words are part of the face the tools read.
 */
export const OFFLINE_SUMMARY_START = "hostname";
export const OFFLINE_SUMMARY_END = "goes offline: deleted and created again";
/** What the window is, in the words every message about it uses. */
export const EXPECTED_OFFLINE_WINDOW =
  "about one hostname rollout; measured against the emulator with 5 s rollouts: absent under 0.01 s, served again after 5.0 s";
/** Finds the hostnames of offlineWarning's summaries in terraform's output. */
export const OFFLINE_WARNING_PATTERN = new RegExp(
  `Warning: ${OFFLINE_SUMMARY_START} (\\S+) ${OFFLINE_SUMMARY_END}`,
  "g",
);
/** Finds replacedWarning's summaries (hostname, then the figures) in terraform's output. */
export const REPLACED_WARNING_PATTERN =
  /Warning: hostname (\S+) was replaced: (absent [\d.]+ s, served again after [\d.]+ s)/g;
