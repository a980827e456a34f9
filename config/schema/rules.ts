/**
 * Rules that span fields (duplicates, references, conflicts, where credentials may go, shared state). They run on
 * the raw input, so they are reported in the same round as the shape's type errors instead of after them.
 */
import { ADMIN_API_RESOURCE_DEFAULTS as resourceDefaults } from "../../constructs/pingone/admin-api-resource";
import { ORCHESTRATION_CLIENT_DEFAULTS } from "../../constructs/pingone/orchestration-client";
import { P1AS_ENVIRONMENTS, P1asEnvironment, PINGONE_REGION_CODES, PingOneRegionCode } from "../../p1as/facts";
import {
  AllowedHosts,
  apiUrlDestinationProblems,
  pingOneApiUrlDestinationProblems,
  tokenUrlDestinationProblems,
} from "../../p1as/destinations";
import { ROLE_ATTRIBUTES, allRoleValues } from "../../p1as/roles";
import { clientSecretEnv, environmentSecretEnvProblems, environmentVariableProblems } from "../../p1as/secret-names";
import {
  dnsLabelProblems,
  ALL_ENVIRONMENT_ROLES_OPT_IN,
  groupProblems,
  serviceUrlProblems,
  uuidProblems,
} from "../../p1as/rules";
import { mayShareState, stateLocation } from "../state-location";
import type { P1asConfig } from "./shape";
import { ResolvedBackend, resolveConfig } from "./defaults";

/** `["environments", 1, "name"]` -> `environments[1].name`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${key}` : key),
    "",
  );
}

export type Issue = { path: (string | number)[]; message: string };

/** The one rule for relative paths, as the errors about local state say it. */
export const LOCAL_PATH_RULE =
  "a local state path written in the config is relative to the config file's folder, like every path in it; " +
  "the default terraform.<stack>.tfstate is a default, not a path written in the config, and stays in the folder the commands run in";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const recordsOf = (value: unknown): [number, Record<string, unknown>][] =>
  Array.isArray(value)
    ? value.flatMap((item, index) => (isRecord(item) ? [[index, item] as [number, Record<string, unknown>]] : []))
    : [];
const isEnvironment = (value: unknown): value is P1asEnvironment =>
  typeof value === "string" && (P1AS_ENVIRONMENTS as readonly string[]).includes(value);

/** Reports every later occurrence of a key that appeared before. */
function duplicates<T>(
  items: [number, T][],
  keyOf: (item: T) => unknown,
  at: (index: number) => Issue["path"],
  what: string,
): Issue[] {
  const seen = new Map<unknown, number>();
  const issues: Issue[] = [];
  for (const [index, item] of items) {
    const key = keyOf(item);
    if (typeof key !== "string") continue;
    const normalized = key.toLowerCase();
    const first = seen.get(normalized);
    if (first === undefined) seen.set(normalized, index);
    else
      issues.push({ path: at(index), message: `duplicate ${what} ${JSON.stringify(key)} (already at index ${first})` });
  }
  return issues;
}

/** Where this config's credentials may go, from the fields that say so (when they are valid enough to tell). */
function destinationIssues(
  raw: Record<string, unknown>,
  environments: [number, Record<string, unknown>][],
  allowed: AllowedHosts,
): Issue[] {
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const pingone = isRecord(raw.pingone) ? raw.pingone : {};
  const regionCode = (PINGONE_REGION_CODES as readonly unknown[]).includes(pingone.regionCode)
    ? (pingone.regionCode as PingOneRegionCode)
    : undefined;
  const environmentId =
    text(pingone.environmentId) && uuidProblems(text(pingone.environmentId)!).length === 0
      ? text(pingone.environmentId)
      : undefined;
  const customer =
    text(raw.customer) && dnsLabelProblems(text(raw.customer)!).length === 0 ? text(raw.customer) : undefined;
  const p1asRegion =
    text(raw.p1asRegion) && dnsLabelProblems(text(raw.p1asRegion)!).length === 0 ? text(raw.p1asRegion) : undefined;
  const issues: Issue[] = [];
  const pingOneApiUrl = text(pingone.apiUrl);
  if (pingOneApiUrl && serviceUrlProblems(pingOneApiUrl).length === 0) {
    for (const message of pingOneApiUrlDestinationProblems(pingOneApiUrl, { regionCode }, allowed))
      issues.push({ path: ["pingone", "apiUrl"], message });
  }
  for (const [i, env] of environments) {
    const selfService = isRecord(env.selfService) ? env.selfService : {};
    const environment = isEnvironment(env.name) ? env.name : undefined;
    const apiUrl = text(selfService.apiUrl);
    // Only a URL that passed the URL rules is judged for its destination: one message per problem, not two.
    if (apiUrl && serviceUrlProblems(apiUrl).length === 0 && environment) {
      for (const message of apiUrlDestinationProblems(apiUrl, { environment, customer, p1asRegion }, allowed)) {
        issues.push({ path: ["environments", i, "selfService", "apiUrl"], message });
      }
    }
    const tokenUrl = text(selfService.tokenUrl);
    if (tokenUrl && serviceUrlProblems(tokenUrl).length === 0) {
      for (const message of tokenUrlDestinationProblems(tokenUrl, { regionCode, environmentId }, allowed)) {
        issues.push({ path: ["environments", i, "selfService", "tokenUrl"], message });
      }
    }
  }
  return issues;
}

/** The read-only client's resource and application are objects of their own: a name shared with the write client's would be one object. */
function auditNameIssues(i: number, env: Record<string, unknown>): Issue[] {
  if (!isEnvironment(env.name)) return [];
  const issues: Issue[] = [];
  for (const [field, defaults] of [
    ["resource", (audit: boolean) => resourceDefaults.name(env.name as P1asEnvironment, audit ? "audit" : "admin")],
    [
      "application",
      (audit: boolean) => ORCHESTRATION_CLIENT_DEFAULTS.name(env.name as P1asEnvironment, audit ? "audit" : "admin"),
    ],
  ] as const) {
    const given = isRecord(env[field]) ? (env[field] as Record<string, unknown>) : {};
    const name = typeof given.name === "string" ? given.name : defaults(false);
    const auditName = typeof given.auditName === "string" ? given.auditName : defaults(true);
    if (name.toLowerCase() === auditName.toLowerCase()) {
      issues.push({
        path: ["environments", i, field, typeof given.auditName === "string" ? "auditName" : "name"],
        message: `is the name of both the write and the read-only client's ${field} (${JSON.stringify(name)}); each needs its own`,
      });
    }
  }
  return issues;
}

/** An environment's credentials: each secret from its own variables, two different clients. */
function credentialIssues(i: number, env: Record<string, unknown>): Issue[] {
  if (!isRecord(env.credentials)) return [];
  const credentials = env.credentials;
  const at = (...path: (string | number)[]) => ["environments", i, "credentials", ...path];
  const issues: Issue[] = [];
  const audit = isRecord(credentials.audit) ? credentials.audit : {};
  if (isEnvironment(env.name)) {
    const name = env.name;
    for (const [path, value] of [
      [at("clientSecretEnv"), credentials.clientSecretEnv],
      [at("audit", "clientSecretEnv"), audit.clientSecretEnv],
    ] as const) {
      if (typeof value === "string")
        for (const message of environmentSecretEnvProblems(name, value)) issues.push({ path: [...path], message });
    }
    const write =
      typeof credentials.clientSecretEnv === "string" ? credentials.clientSecretEnv : clientSecretEnv(name, "admin");
    const read = typeof audit.clientSecretEnv === "string" ? audit.clientSecretEnv : clientSecretEnv(name, "audit");
    if (write === read) {
      issues.push({
        path: at("audit", "clientSecretEnv"),
        message: `is the write client's variable too (${write}); the read-only client needs its own`,
      });
    }
  }
  if (
    typeof credentials.clientId === "string" &&
    credentials.clientId.toLowerCase() === String(audit.clientId ?? "").toLowerCase()
  ) {
    issues.push({
      path: at("audit", "clientId"),
      message:
        "is the write client: plans, drift and status must run with a second, read-only client (role <env>-tls-audit), so a plan job never holds write credentials",
    });
  }
  return issues;
}

/** Rules that span fields, checked on the raw input so they report alongside zod's per-field issues. */
export function crossFieldIssues(raw: unknown, allowed: AllowedHosts): Issue[] {
  if (!isRecord(raw)) return [];
  const issues: Issue[] = [];
  const environments = recordsOf(raw.environments);

  issues.push(
    ...duplicates(
      environments,
      (env) => env.name,
      (i) => ["environments", i, "name"],
      "environment",
    ),
  );
  issues.push(...destinationIssues(raw, environments, allowed));

  for (const [i, env] of environments) {
    const name = env.name;
    if (isEnvironment(name) && Array.isArray(env.groups)) {
      const groups = env.groups as unknown[];
      const allEnvironments = env[ALL_ENVIRONMENT_ROLES_OPT_IN] === true;
      groups.forEach((group, g) => {
        if (typeof group !== "string") return;
        for (const message of groupProblems(name, group, { allEnvironments }))
          issues.push({ path: ["environments", i, "groups", g], message });
        if (groups.indexOf(group) !== g)
          issues.push({ path: ["environments", i, "groups", g], message: `duplicate role ${JSON.stringify(group)}` });
      });
    }
    issues.push(...credentialIssues(i, env));
    issues.push(...auditNameIssues(i, env));
    if (env.credentials !== undefined) {
      for (const ignored of ["groups", ALL_ENVIRONMENT_ROLES_OPT_IN, "resource", "application"].filter(
        (key) => env[key] !== undefined,
      )) {
        issues.push({
          path: ["environments", i, ignored],
          message: `conflicts with credentials: with explicit credentials this stack creates no PingOne ${ignored === "application" ? "application" : "resource"}, so ${ignored} would be ignored. Remove ${ignored} or credentials`,
        });
      }
    }
    const virtualHosts = isRecord(env.virtualHosts) ? env.virtualHosts : {};
    const certificates = recordsOf(virtualHosts.certificates);
    const hostnames = recordsOf(virtualHosts.hostnames);
    const at = (list: string, field: string) => (index: number) => [
      "environments",
      i,
      "virtualHosts",
      list,
      index,
      field,
    ];
    issues.push(...duplicates(certificates, (c) => c.name, at("certificates", "name"), "certificate name"));
    issues.push(...duplicates(hostnames, (h) => h.hostname, at("hostnames", "hostname"), "hostname"));
    for (const [c, certificate] of certificates) {
      const keyFields = ["privateKeyFile", "privateKeyVariable"].filter((key) => certificate[key] !== undefined);
      if (keyFields.length !== 1) {
        issues.push({
          path: ["environments", i, "virtualHosts", "certificates", c],
          message: `needs exactly one of privateKeyFile or privateKeyVariable (got ${keyFields.length === 0 ? "neither" : "both"})`,
        });
      }
      if (isEnvironment(name) && typeof certificate.privateKeyVariable === "string") {
        for (const message of environmentVariableProblems(name, certificate.privateKeyVariable))
          issues.push({ path: at("certificates", "privateKeyVariable")(c), message });
      }
    }
    // One Terraform variable carries one secret: a shared name would hand one certificate's key to another.
    const variableUsers = new Map<unknown, string>();
    for (const [c, certificate] of certificates) {
      const name = certificate.privateKeyVariable;
      if (typeof name !== "string") continue;
      const path = at("certificates", "privateKeyVariable")(c);
      const first = variableUsers.get(name);
      if (first)
        issues.push({
          path,
          message: `Terraform variable ${JSON.stringify(name)} is already used by ${first}; give each secret its own variable`,
        });
      else variableUsers.set(name, formatPath(path));
    }
    const declared = new Set(certificates.map(([, certificate]) => certificate.name));
    for (const [h, hostname] of hostnames) {
      if (typeof hostname.certname === "string" && hostname.certname !== "" && !declared.has(hostname.certname)) {
        issues.push({
          path: at("hostnames", "certname")(h),
          message: `refers to certificate ${JSON.stringify(hostname.certname)}, which is not declared in virtualHosts.certificates`,
        });
      }
    }
  }

  const roleAttributes =
    isRecord(raw.pingone) && isRecord(raw.pingone.roleAttributes) ? raw.pingone.roleAttributes : {};
  const configured = new Set(environments.map(([, env]) => env.name));
  const base = ["pingone", "roleAttributes"];
  const retiring = new Set(environments.filter(([, env]) => env.retire === true).map(([, env]) => env.name));
  if (Array.isArray(roleAttributes.retiredEnvironments)) {
    roleAttributes.retiredEnvironments.forEach((retired, r) => {
      if (configured.has(retired)) {
        issues.push({
          path: [...base, "retiredEnvironments", r],
          message: retiring.has(retired)
            ? `${JSON.stringify(retired)} is still in environments with "retire": true; list it here only after a deploy has destroyed its stack and it is removed from environments (docs/tasks/retire-an-environment.md)`
            : `${JSON.stringify(retired)} is still listed in environments; retire it with "retire": true there first (docs/tasks/retire-an-environment.md)`,
        });
      }
    });
  }
  // The role attributes need at least one environment whose roles can still be given (RoleAttributes refuses none).
  const managed =
    !isRecord(raw.pingone) || !isRecord(raw.pingone.roleAttributes) || raw.pingone.roleAttributes.manage !== false;
  if (managed && environments.length > 0 && environments.every(([, env]) => env.retire === true)) {
    issues.push({
      path: ["environments"],
      message:
        'every environment has "retire": true, but the PingOne role attributes need at least one active environment; keep one, or set pingone.roleAttributes.manage to false',
    });
  }
  if (Array.isArray(roleAttributes.archivedRoles)) {
    const known = allRoleValues();
    roleAttributes.archivedRoles.forEach((role, r) => {
      if (typeof role === "string" && !known.has(role)) {
        issues.push({
          path: [...base, "archivedRoles", r],
          message: `${JSON.stringify(role)} is not a role of any P1AS attribute (${ROLE_ATTRIBUTES.map((a) => a.name).join(", ")})`,
        });
      }
    });
  }

  return issues;
}

/**
 * Backends can only be compared once the shapes are valid. `baseDir`: the config file's folder, which the local
 * paths it writes are relative to, so two stacks are compared where their state really is.
 */
export function backendIssues(config: P1asConfig, baseDir: string): Issue[] {
  const resolved = resolveConfig(config, baseDir);
  const stacks: [Issue["path"], ResolvedBackend][] = resolved.environments.map((env, i) => [
    ["environments", i, "backend"],
    env.backend,
  ]);
  if (resolved.pingone.roleAttributes.manage) stacks.unshift([["pingone", "backend"], resolved.pingone.backend]);
  const issues: Issue[] = [];
  for (const [index, [path, backend]] of stacks.entries()) {
    const earlier = stacks.slice(0, index).find(([, other]) => mayShareState(other, backend));
    if (!earlier) continue;
    const [firstPath, first] = earlier;
    const location = stateLocation(backend);
    issues.push({
      path,
      message:
        location === stateLocation(first)
          ? `stores state at the same place as ${formatPath(firstPath)} (${location}); give each stack its own state` +
            (backend.type === "local" ? ` (${LOCAL_PATH_RULE})` : "")
          : `may store state at the same place as ${formatPath(firstPath)}: one of them reads its database from PG_CONN_STR, which may name the other's, and both use schemaName ${JSON.stringify(backend.type === "pg" ? backend.schemaName : "")}; give each stack its own schemaName`,
    });
  }
  return issues;
}
