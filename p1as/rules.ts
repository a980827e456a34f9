/**
 * Value rules shared by the config schema and the constructs, so a value is judged the same way
 * whether it comes from config/example.json or from a construct prop. Each function returns every
 * rule the value breaks; an empty list means the value is valid.
 */
import {
  ACCESS_TOKEN_VALIDITY_SECONDS,
  P1AS_ENVIRONMENTS,
  P1asEnvironment,
  PINGONE_REGION_CODES,
  SELF_SERVICE_LEVELS,
  selfServiceRole,
} from "./facts";
import { isLoopbackDestination } from "./destinations";
import { PINGONE_NAME_CHARACTERS, PINGONE_NAME_CHARACTERS_TEXT, PINGONE_NAME_MAX_LENGTH } from "./assumptions";

/**
 * Construct props typed as P1asEnvironment can still carry any string from plain JavaScript or a cast;
 * an unknown one would otherwise yield roles like `qa-tls-admin` that no P1AS environment checks.
 */
export function environmentProblems(value: unknown): string[] {
  return (P1AS_ENVIRONMENTS as readonly unknown[]).includes(value)
    ? []
    : [`must be one of ${P1AS_ENVIRONMENTS.join(", ")}`];
}

/** An unknown region code would build a token URL on a host that does not exist (`auth.pingone.undefined`). */
export function regionCodeProblems(value: unknown): string[] {
  return (PINGONE_REGION_CODES as readonly unknown[]).includes(value)
    ? []
    : [`must be one of ${PINGONE_REGION_CODES.join(", ")}`];
}

/** Every entry of a list of environments that is not one. */
export function environmentListProblems(values: readonly unknown[]): string[] {
  return values.flatMap((value) => environmentProblems(value).map((reason) => `${JSON.stringify(value)} ${reason}`));
}

/** RFC 1123 label: the customer and region become parts of the self-service API host name. */
export function dnsLabelProblems(value: string, maxLength = 63): string[] {
  const problems: string[] = [];
  if (value.length === 0) return ["must not be empty"];
  if (value.length > maxLength) problems.push(`must be at most ${maxLength} characters (got ${value.length})`);
  if (!/^[a-z0-9-]+$/.test(value)) problems.push("may contain only lowercase letters, digits and '-'");
  if (value.startsWith("-") || value.endsWith("-")) problems.push("must not start or end with '-'");
  return problems;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PingOne environment ids are UUIDs; the provider's client also insists on it. */
export function uuidProblems(value: string): string[] {
  return UUID.test(value) ? [] : ["must be a UUID such as 3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"];
}

/** PingOne client ids (an application's `oidc_options.client_id`) are UUIDs, as its environment ids are. */
export const clientIdProblems = uuidProblems;

/** Long enough for any real API or token URL; a longer value is a mistake or an attack, never a tenant. */
export const URL_MAX_LENGTH = 2048;

/** RFC 3986 characters less the quotes: whatever else a URL holds must be percent-encoded. */
const URL_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&()*+,;=%]*$/;

/**
 * A URL the tools call with a token or a client secret (the self-service API, the token endpoint). Plain
 * http would send them in clear, so only loopback (the emulator) may use it. User info would put a
 * password in the plan; a query or fragment has no place in a base URL and would be cut or doubled when
 * paths are appended.
 */
export function serviceUrlProblems(value: string): string[] {
  if (value.length > URL_MAX_LENGTH) return [`must be at most ${URL_MAX_LENGTH} characters (got ${value.length})`];
  const problems: string[] = [];
  if (!URL_CHARACTERS.test(value))
    problems.push(
      "must not contain whitespace, quotes, backslashes, braces or control characters (percent-encode them)",
    );
  if (value.includes("?")) problems.push("must not have a query ('?...')");
  if (value.includes("#")) problems.push("must not have a fragment ('#...')");
  if (!URL.canParse(value))
    return [...problems, "must be an absolute URL such as https://self-service-api.dev-acme.us1.ping.cloud/api/v1"];
  const url = new URL(value);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackDestination(url.hostname))) {
    problems.push("must use https (plain http only on loopback: 127.0.0.1, [::1], localhost)");
  }
  if (url.username || url.password)
    problems.push("must not hold user info ('user:password@'): credentials come from the environment");
  return problems;
}

/** PingOne's rules for a custom resource's `audience` (it becomes the token's `aud`), on top of the URL rules. */
export function audienceProblems(value: string): string[] {
  const problems = serviceUrlProblems(value);
  if (/pingone|pingidentity/i.test(value))
    problems.push("must not contain 'pingone' or 'pingidentity' (PingOne rejects it)");
  return problems;
}

/**
 * A PingOne object's display name (resource, application). PingOne publishes no limit; ours
 * (PINGONE_NAME_MAX_LENGTH and the character set) is kept in ./assumptions.ts.
 */
export function pingOneNameProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.trim() === "") return ["must not be empty"];
  if (value.length > PINGONE_NAME_MAX_LENGTH)
    problems.push(`must be at most ${PINGONE_NAME_MAX_LENGTH} characters (got ${value.length})`);
  if (!PINGONE_NAME_CHARACTERS.test(value)) problems.push(`may contain only ${PINGONE_NAME_CHARACTERS_TEXT}`);
  if (value !== value.trim()) problems.push("must not start or end with a space");
  return problems;
}

/** PingOne's bounds for a custom resource's access-token lifetime. */
export function accessTokenValidityProblems(seconds: number): string[] {
  const { min, max } = ACCESS_TOKEN_VALIDITY_SECONDS;
  const problems: string[] = [];
  if (!Number.isInteger(seconds)) problems.push("must be a whole number of seconds");
  if (seconds < min || seconds > max) problems.push(`must be between ${min} and ${max} seconds`);
  return problems;
}

/** A scope name travels in the token request's space-separated `scope` parameter. */
export function scopeNameProblems(value: string): string[] {
  return /^[A-Za-z0-9_.:-]+$/.test(value)
    ? []
    : ["may contain only letters, digits and '_', '.', ':', '-' (no spaces)"];
}

/** Terraform variable names (TF_VAR_<name>); cdktf uses them verbatim as the variable's address. */
export function terraformIdentifierProblems(value: string): string[] {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(value)
    ? []
    : ["must be a Terraform identifier: a letter or '_' followed by letters, digits, '_' or '-'"];
}

/** Names Terraform keeps for itself in a variable block: a secret variable may not take one. */
export const RESERVED_VARIABLE_NAMES: readonly string[] = [
  "count",
  "depends_on",
  "for_each",
  "lifecycle",
  "locals",
  "providers",
  "source",
  "version",
];

/** A secret's Terraform variable: an identifier that no one else in the stack uses. */
export function variableNameProblems(value: string): string[] {
  const problems = terraformIdentifierProblems(value);
  if (RESERVED_VARIABLE_NAMES.includes(value)) {
    problems.push(`is reserved (a Terraform keyword); reserved names: ${RESERVED_VARIABLE_NAMES.join(", ")}`);
  }
  return problems;
}

/**
 * Text that goes inside a single-quoted PingOne expression literal. A quote, backslash, brace or
 * `$` would end the literal or open an expression, so the hard-coded claim could change meaning.
 */
export function expressionLiteralProblems(value: string): string[] {
  if (value.length === 0) return ["must not be empty"];
  return /^[A-Za-z0-9 _.:-]+$/.test(value)
    ? []
    : [
        "may contain only letters, digits, spaces and '_', '.', ':', '-' (it is written into a PingOne expression literal)",
      ];
}

/**
 * The self-service roles a token for `environment` may carry: its own `<env>-tls-*` roles and, only with an
 * explicit opt-in, the cross-environment `all-tls-*` ones. Another environment's role would be dead weight at
 * best; an `all-*` role lets this environment's client act on every other one, past their approvals.
 */
export function allowedGroups(
  environment: P1asEnvironment,
  options: { readonly allEnvironments?: boolean } = {},
): string[] {
  return [
    ...SELF_SERVICE_LEVELS.map((level) => selfServiceRole(environment, level)),
    ...(options.allEnvironments ? SELF_SERVICE_LEVELS.map((level) => selfServiceRole("all", level)) : []),
  ];
}

/** The name of the opt-in, as config and props spell it. */
export const ALL_ENVIRONMENT_ROLES_OPT_IN = "allowAllEnvironmentRoles";

/** One entry of an environment's `groups` list. */
export function groupProblems(
  environment: P1asEnvironment,
  group: string,
  options: { readonly allEnvironments?: boolean } = {},
): string[] {
  const allowed = allowedGroups(environment, options);
  if (allowed.includes(group)) return [];
  if (allowedGroups(environment, { allEnvironments: true }).includes(group)) {
    return [
      `is a role of every environment: a client holding it acts on all of them, past their own approvals; set ${ALL_ENVIRONMENT_ROLES_OPT_IN}: true on this environment to grant it on purpose`,
    ];
  }
  return [`is not a self-service role of environment ${environment}; allowed: ${allowed.join(", ")}`];
}

/** The whole `groups` list: at least one role, each once, each allowed. */
export function groupsProblems(
  environment: P1asEnvironment,
  groups: readonly string[],
  options: { readonly allEnvironments?: boolean } = {},
): string[] {
  const problems: string[] = [];
  if (groups.length === 0) problems.push("must hold at least one self-service role");
  const duplicates = groups.filter((group, index) => groups.indexOf(group) !== index);
  if (duplicates.length > 0) problems.push(`lists ${[...new Set(duplicates)].join(", ")} more than once`);
  for (const group of groups)
    problems.push(...groupProblems(environment, group, options).map((reason) => `${JSON.stringify(group)} ${reason}`));
  return problems;
}
