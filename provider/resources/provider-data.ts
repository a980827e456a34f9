/**
 * What the `p1as` provider hands its resources: an API client for the configured environment, the contract
 * it discovered, and the wait settings. Absent values mean the configuration is not known yet (a hand-written block
 * that refers to objects a plan has not created) or is invalid.
 */
import type { ApiContract } from "../../client/contract";
import type { SelfServiceClient } from "../../client/self-service-client";

export interface Timings {
  /** Longest interval between two looks at an object that is not ready yet. */
  readonly pollIntervalMs: number;
  /** How long one object may take to become ready. */
  readonly readyTimeoutMs: number;
}

export interface P1asProviderData {
  readonly client?: SelfServiceClient;
  /** Why there is no client; only read when `client` is absent. */
  readonly unconfiguredReason?: string;
  readonly contract?: ApiContract;
  readonly timings: Timings;
  /** Progress for terraform's log (the provider's stderr). */
  readonly log: (line: string) => void;
}

/** The client, or an error that says why the provider cannot call the API yet. */
export function requireClient(data: P1asProviderData | undefined): SelfServiceClient {
  if (data?.client) return data.client;
  throw new Error(
    `The p1as provider cannot call the self-service API: ${data?.unconfiguredReason ?? "it was not configured"}. ` +
      "Set api_url, token_url and a client in the provider block: client_id (its secret in client_secret_env's variable), or pingone_environment_id and " +
      "pingone_application to find it in PingOne (or P1AS_API_URL, P1AS_TOKEN_URL, P1AS_CLIENT_ID, P1AS_PINGONE_ENVIRONMENT_ID, P1AS_PINGONE_APPLICATION).",
  );
}

/** Whether the API can change an object of `resource` in place; unknown (provider not configured) counts as yes. */
export function canUpdate(data: P1asProviderData | undefined, resource: "certificates" | "hostnames"): boolean {
  return data?.contract === undefined || data.contract[resource].update !== undefined;
}
