/**
 * The clients' defaults and choices that the provider's schema names. Kept apart from the clients themselves
 * (and their HTTP library) so that the provider processes terraform starts only for the schema or validation
 * load none of that.
 */

/** Attempts in all, the first included, when nothing else is set: 8 ride out every third request failing. */
export const MAX_ATTEMPTS_DEFAULT = 8;

export const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;

/** Which routes the client relies on: read from the tenant's OpenAPI document, or one of the two fixed contracts. */
export const API_CONTRACTS = ["discover", "confirmed", "assumed"] as const;
export type ApiContractSetting = (typeof API_CONTRACTS)[number];
