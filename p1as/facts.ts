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

/** [S] IAPI: the self-service API's host, `self-service-api.<environment>-<customer>.<region>.ping.cloud`. */
export function selfServiceApiHost(environment: string, customer: string, p1asRegion: string): string {
  return `self-service-api.${environment}-${customer}.${p1asRegion}.ping.cloud`;
}

/** [S] IAPI: the API's path prefix. */
export const SELF_SERVICE_API_PATH = "/api/v1";

/** `https://self-service-api.<environment>-<customer>.<region>.ping.cloud/api/v1`. */
export function selfServiceApiUrl(environment: string, customer: string, p1asRegion: string): string {
  return `https://${selfServiceApiHost(environment, customer, p1asRegion)}${SELF_SERVICE_API_PATH}`;
}

/** [C] The PingOne management API of a region: `https://api.pingone.<tld>/v1` (paths `/environments/{envId}/...`). */
export function pingOneApiBaseUrl(region: PingOneRegionCode): string {
  return `https://api.pingone.${PINGONE_REGIONS[region]}/v1`;
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

// ---- the self-service API's confirmed contract (reference §2 and §5) --------------------------------
// A tenant's API may follow only these. The emulator's "confirmed" mode serves exactly them, and the
// client's CONFIRMED_CONTRACT (client/contract.ts) relies on nothing more.

/** [S] IAPI: the OpenAPI document sits at `/api/v1/openapi.json`, i.e. this path under the API base URL. */
export const OPENAPI_DOCUMENT_PATH = "/openapi.json";

/**
 * [C] Ping's integration test: `POST /api/v1/certificates` answers 201 and its JSON includes `name`;
 * `DELETE /api/v1/certificates/{name}?force_delete=true` answers 204. [S] VH: the list never returns
 * fullchain or privkey, and nothing public says it returns anything else (no fingerprint, no expiry).
 */
export const CERTIFICATE_CONFIRMED_FIELDS = ["name"] as const;

/** [C] Ping's integration test: `POST /api/v1/hostnames` answers 201 echoing exactly these fields. */
export const HOSTNAME_CONFIRMED_FIELDS = ["hostname", "product", "certname"] as const;

/** [C] The statuses of the confirmed routes: create 201, delete 204. */
export const CREATE_STATUS = 201;
export const DELETE_STATUS = 204;

/**
 * [S] VH: "Create/List/Update/Delete configurations" are supported, so a list route exists; its path
 * is not published, the collection path of the confirmed POST is the natural one. Update routes exist
 * too, but with no published method or path a client may not rely on one without reading the tenant's
 * OpenAPI document.
 */
export const LIST_ROUTE_EXISTS = true;

/**
 * [S] From 2027-03-02 PingOne puts `typ: "at+jwt"` in the header of access tokens for PingOne APIs and
 * custom resources; before that day the header says `JWT`.
 */
export const AT_JWT_TYPE_FROM = "2027-03-02T00:00:00Z";

/** The `typ` header PingOne puts on an access token issued at `when`. */
export function accessTokenType(when: Date): "at+jwt" | "JWT" {
  return when.getTime() >= Date.parse(AT_JWT_TYPE_FROM) ? "at+jwt" : "JWT";
}
