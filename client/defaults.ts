/**
 * The clients' defaults and choices that the provider's settings name. Kept apart from the clients themselves (and
 * their HTTP library) so that the provider processes terraform starts only for the schema or validation load none
 * of that; provider/public-face.ts repeats the values, typed by these, for the rest of the project.
 */

/** Retries after the first attempt when nothing else is set: 8 attempts in all ride out every third request failing. */
export const RETRIES_DEFAULT = 7;

export const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;

/** Which routes the client relies on: read from the tenant's OpenAPI document, or one of the two fixed contracts. */
export const API_CONTRACTS = ["discover", "confirmed", "assumed"] as const;
export type ApiContractSetting = (typeof API_CONTRACTS)[number];

/** The one check of an `api_contract` / `apiContract` value, for the provider, the config and the tools. */
export function apiContractProblems(value: string): string[] {
  return (API_CONTRACTS as readonly string[]).includes(value) ? [] : [`must be one of ${API_CONTRACTS.join(", ")}`];
}
