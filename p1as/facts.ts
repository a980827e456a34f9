/**
 * What public sources CONFIRM about P1AS and PingOne (see ../shared/reference/ and the README's
 * facts/assumptions table). Nothing in this module is a guess: guesses live in ./assumptions.ts.
 */

/** The four P1AS environments; every role name carries one of them. */
export const P1AS_ENVIRONMENTS = ["dev", "test", "stage", "prod"] as const;
export type P1asEnvironment = (typeof P1AS_ENVIRONMENTS)[number];

/** The seven `product` values of the self-service API's hostnames route (Ping's integration test). */
export const PRODUCTS = [
  "pingaccess-engines",
  "pingaccess-agents",
  "pingaccess-admin-api",
  "pingfederate-engines",
  "pingfederate-admin-api",
  "pingdirectory",
  "pingdelegator",
] as const;
export type Product = (typeof PRODUCTS)[number];

/** PingOne region codes (the provider's `region_code`) and the top-level domain of each auth host. */
export const PINGONE_REGIONS = {
  NA: "com",
  EU: "eu",
  CA: "ca",
  AU: "com.au",
  SG: "sg",
  AP: "asia",
} as const;
export type PingOneRegionCode = keyof typeof PINGONE_REGIONS;
export const PINGONE_REGION_CODES = Object.keys(PINGONE_REGIONS) as PingOneRegionCode[];

/** `https://auth.pingone.<tld>`: the host of the token endpoint `/<environmentId>/as/token`. */
export function pingOneAuthBaseUrl(region: PingOneRegionCode): string {
  return `https://auth.pingone.${PINGONE_REGIONS[region]}`;
}

/** The token endpoint of one PingOne environment. */
export function pingOneTokenUrl(authBaseUrl: string, pingOneEnvironmentId: string): string {
  return `${authBaseUrl.replace(/\/+$/, "")}/${pingOneEnvironmentId}/as/token`;
}

/** `https://self-service-api.<environment>-<customer>.<region>.ping.cloud/api/v1`. */
export function selfServiceApiUrl(environment: string, customer: string, p1asRegion: string): string {
  return `https://self-service-api.${environment}-${customer}.${p1asRegion}.ping.cloud/api/v1`;
}

/** Self-service access levels: admin may write, audit may only read. */
export const SELF_SERVICE_LEVELS = ["admin", "audit"] as const;
export type SelfServiceLevel = (typeof SELF_SERVICE_LEVELS)[number];

/** `<env>-tls-<level>` or `all-tls-<level>`, the values the API checks in the token's `groups` claim. */
export function selfServiceRole(environment: P1asEnvironment | "all", level: SelfServiceLevel): string {
  return `${environment}-tls-${level}`;
}

/** PingOne custom resources: access-token lifetime bounds, in seconds. */
export const ACCESS_TOKEN_VALIDITY_SECONDS = { default: 3600, min: 300, max: 2592000 } as const;
