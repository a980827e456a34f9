/**
 * Where a credential may be sent. A client secret goes only to its own PingOne environment's token endpoint, a
 * bearer token only to its own P1AS environment's self-service API, a PingOne worker's secret only to PingOne:
 * the documented hosts (./facts.ts), loopback (the emulator), or a host an operator listed in P1AS_ALLOWED_HOSTS.
 *
 * The allow-list is an environment variable on purpose: in CI it comes from a GitHub variable, which a pull
 * request cannot change, while the config file is exactly what a config-only pull request edits. Every check
 * here runs before the first byte is sent, in the config check, the constructs, the provider and the clients.
 */
import {
  P1AS_ENVIRONMENTS,
  P1asEnvironment,
  PINGONE_REGIONS,
  PingOneRegionCode,
  SELF_SERVICE_API_PATH,
  pingOneApiBaseUrl,
  pingOneAuthBaseUrl,
  pingOneTokenUrl,
  selfServiceApiHost,
  selfServiceApiUrl,
} from "./facts";

/** The environment variable (a GitHub variable in CI) that lists hosts on other DNS zones. */
export const ALLOWED_HOSTS_VARIABLE = "P1AS_ALLOWED_HOSTS";

/** What an allow-list entry may stand for: one P1AS environment's API, or PingOne (token endpoint, management API). */
export const HOST_SCOPES = [...P1AS_ENVIRONMENTS, "pingone"] as const;
export type HostScope = (typeof HOST_SCOPES)[number];

/** Hosts per scope, lowercase, with a port only where one was listed. */
export type AllowedHosts = ReadonlyMap<HostScope, ReadonlySet<string>>;

export const NO_ALLOWED_HOSTS: AllowedHosts = new Map();

/**
 * Loopback names a credential may go to (the emulator). Only these three: another address of 127.0.0.0/8, such as
 * 127.0.0.2, is a host of its own (tests stand foreign servers up there), and it is not the emulator.
 */
export function isLoopbackDestination(hostname: string): boolean {
  return ["127.0.0.1", "[::1]", "::1", "localhost"].includes(hostname.toLowerCase());
}

const HOST = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+(:\d{1,5})?$/;

/** Parses P1AS_ALLOWED_HOSTS: `<scope>=<host>[:port]`, comma or space separated. */
export function parseAllowedHosts(text: string | undefined): {
  readonly hosts: AllowedHosts;
  readonly problems: readonly string[];
} {
  const hosts = new Map<HostScope, Set<string>>();
  const problems: string[] = [];
  for (const entry of (text ?? "").split(/[\s,]+/).filter(Boolean)) {
    const [scope, host, ...rest] = entry.split("=");
    const reasons: string[] = [];
    if (host === undefined || rest.length > 0) reasons.push("must be <scope>=<host>");
    else {
      if (!(HOST_SCOPES as readonly string[]).includes(scope))
        reasons.push(`scope must be one of ${HOST_SCOPES.join(", ")}`);
      if (!HOST.test(host))
        reasons.push("host must be a lowercase DNS name, optionally with :port (no scheme, path or wildcard)");
    }
    if (reasons.length > 0) {
      problems.push(`${JSON.stringify(entry)}: ${reasons.join("; ")}`);
      continue;
    }
    const set = hosts.get(scope as HostScope) ?? new Set<string>();
    set.add(host);
    hosts.set(scope as HostScope, set);
  }
  return { hosts, problems };
}

/** The allow-list of this process's environment; a malformed one is an error, so nothing is sent on a misread list. */
export function allowedHostsFrom(env: NodeJS.ProcessEnv = process.env): AllowedHosts {
  const { hosts, problems } = parseAllowedHosts(env[ALLOWED_HOSTS_VARIABLE]);
  if (problems.length > 0) throw new RangeError(`invalid ${ALLOWED_HOSTS_VARIABLE}: ${problems.join("; ")}`);
  return hosts;
}

const isListed = (allowed: AllowedHosts, scopes: readonly HostScope[], host: string) =>
  scopes.some((scope) => allowed.get(scope)?.has(host.toLowerCase()) ?? false);

const wayOut = (scope: string) =>
  `a host on another DNS zone must be listed in the ${ALLOWED_HOSTS_VARIABLE} environment variable as ${scope}=<host> (set it as a GitHub variable in CI, never in the config)`;

/** A URL's parts, or undefined when it is not a URL (the URL rules report that). */
function parse(value: string): URL | undefined {
  return URL.canParse(value) ? new URL(value) : undefined;
}

const withoutTrailingSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, "") : path);

/** What is known about the PingOne environment that issues a client's tokens; unknown parts match any value. */
export interface PingOneTarget {
  readonly regionCode?: PingOneRegionCode;
  readonly environmentId?: string;
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const tlds = (target: PingOneTarget) =>
  target.regionCode ? [PINGONE_REGIONS[target.regionCode]] : Object.values(PINGONE_REGIONS);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A token endpoint that receives a client secret (Basic or form). It must be PingOne's own for the target's region
 * and environment (`https://auth.pingone.<tld>/<environmentId>/as/token`), loopback, or listed as `pingone=<host>`.
 */
export function tokenUrlDestinationProblems(
  value: string,
  target: PingOneTarget = {},
  allowed: AllowedHosts = NO_ALLOWED_HOSTS,
): string[] {
  const url = parse(value);
  if (!url || isLoopbackDestination(url.hostname) || isListed(allowed, ["pingone"], url.host)) return [];
  const hosts = tlds(target).map((tld) => `auth\\.pingone\\.${escape(tld)}`);
  const environment = target.environmentId ? escape(target.environmentId) : UUID;
  const documented = new RegExp(`^https://(${hosts.join("|")})/${environment}/as/token$`, "i");
  if (documented.test(`${url.protocol}//${url.host}${withoutTrailingSlash(url.pathname)}`)) return [];
  const expected =
    target.regionCode && target.environmentId
      ? pingOneTokenUrl(pingOneAuthBaseUrl(target.regionCode), target.environmentId)
      : "https://auth.pingone.<tld>/<environmentId>/as/token";
  return [
    `must be PingOne's token endpoint ${expected} or a loopback emulator (127.0.0.1, [::1], localhost); ${wayOut("pingone")}`,
  ];
}

/** What is known about the P1AS environment an API URL belongs to; unknown parts match any value. */
export interface P1asTarget {
  readonly environment?: P1asEnvironment;
  readonly customer?: string;
  readonly p1asRegion?: string;
}

const LABEL = "[a-z0-9]([a-z0-9-]*[a-z0-9])?";

/**
 * A self-service API base URL that receives bearer tokens. It must be the documented host of the target environment
 * (`https://self-service-api.<env>-<customer>.<region>.ping.cloud/api/v1`), loopback, or listed as `<env>=<host>`.
 * With the environment unknown (the provider, which HCL users configure), any environment's documented host or
 * allow-list entry will do; the config check, which knows the environment, holds each one to its own.
 */
export function apiUrlDestinationProblems(
  value: string,
  target: P1asTarget = {},
  allowed: AllowedHosts = NO_ALLOWED_HOSTS,
): string[] {
  const url = parse(value);
  const scopes = target.environment ? [target.environment] : P1AS_ENVIRONMENTS;
  if (!url || isLoopbackDestination(url.hostname) || isListed(allowed, scopes, url.host)) return [];
  const environments = target.environment ? [target.environment] : [...P1AS_ENVIRONMENTS];
  const host =
    target.customer && target.p1asRegion && target.environment
      ? escape(selfServiceApiHost(target.environment, target.customer, target.p1asRegion))
      : `self-service-api\\.(${environments.join("|")})-${target.customer ? escape(target.customer) : LABEL}\\.${target.p1asRegion ? escape(target.p1asRegion) : LABEL}\\.ping\\.cloud`;
  const documented = new RegExp(`^https://${host}${escape(SELF_SERVICE_API_PATH)}$`, "i");
  if (documented.test(`${url.protocol}//${url.host}${withoutTrailingSlash(url.pathname)}`)) return [];
  const expected =
    target.customer && target.p1asRegion && target.environment
      ? selfServiceApiUrl(target.environment, target.customer, target.p1asRegion)
      : `https://self-service-api.<${target.environment ?? "env"}>-<customer>.<region>.ping.cloud/api/v1`;
  const who = target.environment ? `environment ${target.environment}'s` : "a P1AS environment's";
  return [
    `must be ${who} self-service API ${expected} or a loopback emulator (127.0.0.1, [::1], localhost); ${wayOut(target.environment ?? "<env>")}`,
  ];
}

/**
 * The PingOne management API, which receives a worker's token (and, for the worker's own token, its secret goes to
 * the token endpoint above): `https://api.pingone.<tld>/v1`, loopback, or listed as `pingone=<host>`.
 */
export function pingOneApiUrlDestinationProblems(
  value: string,
  target: PingOneTarget = {},
  allowed: AllowedHosts = NO_ALLOWED_HOSTS,
): string[] {
  const url = parse(value);
  if (!url || isLoopbackDestination(url.hostname) || isListed(allowed, ["pingone"], url.host)) return [];
  const documented = tlds(target).map((tld) => `https://api.pingone.${tld}/v1`);
  if (documented.includes(`${url.protocol}//${url.host}${withoutTrailingSlash(url.pathname)}`.toLowerCase())) return [];
  const expected = target.regionCode ? pingOneApiBaseUrl(target.regionCode) : "https://api.pingone.<tld>/v1";
  return [
    `must be PingOne's management API ${expected} or a loopback emulator (127.0.0.1, [::1], localhost); ${wayOut("pingone")}`,
  ];
}
