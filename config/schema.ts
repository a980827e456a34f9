/**
 * The config file's shape (zod) and its documented defaults. One config file describes one customer:
 * its PingOne environment and the P1AS environments (one `p1as-<name>` stack each).
 *
 * Field rules live in p1as/rules.ts so constructs judge values exactly as the config does. Rules that
 * span fields (duplicates, references, conflicts) run on the raw input in `crossFieldIssues`, so they
 * are reported in the same round as type errors instead of after them.
 */
import { z } from "zod";
import { API_CONTRACTS, type ApiContractSetting } from "../client/connect";
import type { ConfigIssue } from "../constructs/errors";
import { ADMIN_API_RESOURCE_DEFAULTS as resourceDefaults } from "../constructs/pingone/admin-api-resource";
import { ORCHESTRATION_CLIENT_DEFAULTS } from "../constructs/pingone/orchestration-client";
import {
  P1AS_ENVIRONMENTS,
  P1asEnvironment,
  PINGONE_REGION_CODES,
  PRODUCTS,
  PingOneRegionCode,
  pingOneApiBaseUrl,
  pingOneAuthBaseUrl,
  pingOneTokenUrl,
  selfServiceApiUrl,
} from "../p1as/facts";
import {
  ALLOWED_HOSTS_VARIABLE,
  AllowedHosts,
  apiUrlDestinationProblems,
  parseAllowedHosts,
  pingOneApiUrlDestinationProblems,
  tokenUrlDestinationProblems,
} from "../p1as/destinations";
import { certnameProblems, hostnameProblems } from "../p1as/hostname";
import { ROLE_ATTRIBUTES, allRoleValues } from "../p1as/roles";
import { clientSecretEnv, environmentSecretEnvProblems, environmentVariableProblems } from "../p1as/secret-names";
import {
  accessTokenValidityProblems,
  audienceProblems,
  clientIdProblems,
  dnsLabelProblems,
  expressionLiteralProblems,
  ALL_ENVIRONMENT_ROLES_OPT_IN,
  groupProblems,
  pingOneNameProblems,
  scopeNameProblems,
  serviceUrlProblems,
  uuidProblems,
  variableNameProblems,
} from "../p1as/rules";
import { JsonIssue, stringIssues } from "./json-strings";
import { connStrProblems } from "./pg-connection";
import { mayShareState, stateLocation } from "./state-location";

/** Turns a p1as/rules.ts check into zod issues, one per broken rule. */
function rule<T>(check: (value: T) => string[]) {
  return (value: T, ctx: z.RefinementCtx) => {
    for (const message of check(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  };
}

const nonEmpty = z.string().trim().min(1, "must not be empty");
const clientId = z.string().superRefine(rule(clientIdProblems));
// Judged against the environment's name in crossFieldIssues; the shape alone is checked here.
const secretEnv = z.string().min(1, "must not be empty");
const url = z.string().superRefine(rule(serviceUrlProblems));
const variableName = z.string().superRefine(rule(variableNameProblems));
const pingOneName = z.string().superRefine(rule(pingOneNameProblems));
/** Backend names are written into the backend block as they are; their shapes keep them plain. */
const matching = (pattern: RegExp, text: string) => z.string().regex(pattern, text);
// Checked here, not only in the constructs, so a bad name is reported at its config path with every other problem.
const certname = z.string().superRefine(rule(certnameProblems));

/** Longest environment name plus the '-' that joins it to the customer in `<env>-<customer>`. */
const ENVIRONMENT_PREFIX_LENGTH = Math.max(...P1AS_ENVIRONMENTS.map((env) => env.length)) + 1;

/** A backend as the config writes it; the state inventory (config/inventory.ts) holds these too, resolved. */
export const backendSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("local"), path: nonEmpty.optional() }).strict(),
  z
    .object({
      type: z.literal("pg"),
      connStr: z.string().superRefine(rule(connStrProblems)).optional(),
      schemaName: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/, "must be a lowercase PostgreSQL identifier (letters, digits, '_')")
        .optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("s3"),
      bucket: matching(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name: 3 to 63 lowercase letters, digits, '.' or '-'"),
      key: z.string().superRefine(rule(s3KeyProblems)).optional(),
      region: matching(/^[a-z]{2}(-[a-z]+)+-[0-9]+$/, "must be an AWS region such as eu-west-1"),
      dynamodbTable: matching(/^[A-Za-z0-9_.-]{3,255}$/, "must be a DynamoDB table name: 3 to 255 letters, digits, '_', '.' or '-'").optional(),
      encrypt: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      type: z.enum(["remote", "cloud"]),
      organization: matching(/^[A-Za-z0-9_-]{1,90}$/, "must be an organization name: letters, digits, '_' or '-'"),
      workspace: matching(/^[A-Za-z0-9_-]{1,90}$/, "must be a workspace name: at most 90 letters, digits, '_' or '-'").optional(),
      hostname: z.string().superRefine(rule(hostnameProblems)).optional(),
    })
    .strict(),
]);

const certificateSchema = z
  .object({
    name: certname,
    fullchainFile: nonEmpty,
    privateKeyFile: nonEmpty.optional(),
    privateKeyVariable: variableName.optional(),
    adopt: z.boolean().default(false),
  })
  .strict();

const hostnameSchema = z
  .object({
    hostname: z.string().superRefine(rule(hostnameProblems)),
    product: z.enum(PRODUCTS),
    certname,
    adopt: z.boolean().default(false),
  })
  .strict();

const environmentSchema = z
  .object({
    name: z.enum(P1AS_ENVIRONMENTS),
    // Kept with its full declaration: the destroy needs the stack's providers (and its PingOne app's credentials).
    retire: z.boolean().optional(),
    groups: z.array(z.string()).min(1, "must hold at least one self-service role").optional(),
    [ALL_ENVIRONMENT_ROLES_OPT_IN]: z.boolean().optional(),
    resource: z
      .object({
        name: pingOneName.optional(),
        audience: z.string().superRefine(rule(audienceProblems)).optional(),
        accessTokenValiditySeconds: z
          .number()
          .superRefine(rule(accessTokenValidityProblems))
          .optional(),
        scope: z.string().superRefine(rule(scopeNameProblems)).optional(),
        orchestrationName: z.string().superRefine(rule(expressionLiteralProblems)).optional(),
        auditName: pingOneName.optional(),
      })
      .strict()
      .optional(),
    application: z.object({ name: pingOneName.optional(), auditName: pingOneName.optional() }).strict().optional(),
    selfService: z
      .object({
        apiUrl: url.optional(),
        tokenUrl: url.optional(),
        requestTimeoutMs: z.number().int().positive().optional(),
        maxRetries: z.number().int().nonnegative().optional(),
        readyTimeoutMs: z.number().int().positive().optional(),
        apiContract: z.enum(API_CONTRACTS).optional(),
      })
      .strict()
      .optional(),
    credentials: z
      .object({
        clientId,
        clientSecretEnv: secretEnv.optional(),
        audit: z.object({ clientId, clientSecretEnv: secretEnv.optional() }).strict(),
      })
      .strict()
      .optional(),
    backend: backendSchema.optional(),
    virtualHosts: z
      .object({
        certificates: z.array(certificateSchema).default([]),
        hostnames: z.array(hostnameSchema).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();

export const configSchema = z
  .object({
    customer: z.string().superRefine(rule((value) => dnsLabelProblems(value, 63 - ENVIRONMENT_PREFIX_LENGTH))),
    p1asRegion: z.string().superRefine(rule((value) => dnsLabelProblems(value))),
    pingone: z
      .object({
        environmentId: z.string().superRefine(rule(uuidProblems)),
        regionCode: z.enum(PINGONE_REGION_CODES as [PingOneRegionCode, ...PingOneRegionCode[]]),
        apiUrl: url.optional(),
        roleAttributes: z
          .object({
            manage: z.boolean().default(true),
            retiredEnvironments: z.array(z.enum(P1AS_ENVIRONMENTS)).default([]),
            archivedRoles: z.array(z.string()).default([]),
          })
          .strict()
          .optional(),
        backend: backendSchema.optional(),
      })
      .strict(),
    environments: z.array(environmentSchema).min(1, "must list at least one P1AS environment"),
  })
  .strict();

/** The config as written (after zod's own defaults). */
export type P1asConfig = z.infer<typeof configSchema>;
export type BackendConfig = z.infer<typeof backendSchema>;
export type CertificateConfig = z.infer<typeof certificateSchema>;
export type HostnameConfig = z.infer<typeof hostnameSchema>;

/** A backend with every per-stack default filled in. */
export type ResolvedBackend =
  | { readonly type: "local"; readonly path: string }
  | { readonly type: "pg"; readonly connStr?: string; readonly schemaName: string }
  | {
      readonly type: "s3";
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      readonly dynamodbTable?: string;
      readonly encrypt: boolean;
    }
  | { readonly type: "remote" | "cloud"; readonly organization: string; readonly workspace: string; readonly hostname?: string };

/** One P1AS environment with every documented default applied: what a `p1as-<name>` stack is built from. */
export interface ResolvedEnvironment {
  readonly name: P1asEnvironment;
  /** `p1as-<name>`. */
  readonly stackName: string;
  /** Default false. True: deploy destroys the stack's objects (docs/tasks/retire-an-environment.md); its roles are archived. */
  readonly retiring: boolean;
  /** Default `[<name>-tls-admin]`. */
  readonly groups: readonly string[];
  /** Default false: `groups` may hold `all-tls-*` roles only when true. */
  readonly allowAllEnvironmentRoles: boolean;
  readonly resource: {
    /** Default `p1as-<name>-self-service-api`. */
    readonly name: string;
    /** Default: the environment's self-service API URL. */
    readonly audience: string;
    /** Default 3600. */
    readonly accessTokenValiditySeconds: number;
    /** Default `p1as-self-service`. */
    readonly scope: string;
    /** Default `OrchestrationTool`. */
    readonly orchestrationName: string;
    /** The read-only clients' resource (groups `<name>-tls-audit`, same audience); default `p1as-<name>-self-service-api-audit`. */
    readonly auditName: string;
  };
  /** Default names `p1as-<name>-orchestration` (write client) and `p1as-<name>-audit` (read-only client). */
  readonly application: { readonly name: string; readonly auditName: string };
  /**
   * Defaults: the real P1AS host and the PingOne token endpoint of the configured region; the provider's request
   * deadline, retries and readiness deadline (`request_timeout_ms`, `max_retries`, `ready_timeout_ms`) when unset.
   */
  readonly selfService: {
    readonly apiUrl: string;
    readonly tokenUrl: string;
    readonly requestTimeoutMs?: number;
    readonly maxRetries?: number;
    readonly readyTimeoutMs?: number;
    /** Unset: the provider discovers it (`api_contract` "discover"). */
    readonly apiContract?: ApiContractSetting;
  };
  /**
   * Present only when the tenant already has its clients: the stack then creates no PingOne object. The write
   * client applies; the audit (read-only) client plans, checks drift and shows status. Each secret comes from an
   * environment variable of this environment's own (default `P1AS_<ENV>_CLIENT_SECRET`, `P1AS_<ENV>_AUDIT_CLIENT_SECRET`).
   */
  readonly credentials?: {
    readonly clientId: string;
    readonly clientSecretEnv: string;
    readonly audit: { readonly clientId: string; readonly clientSecretEnv: string };
  };
  readonly backend: ResolvedBackend;
  readonly virtualHosts: { readonly certificates: readonly CertificateConfig[]; readonly hostnames: readonly HostnameConfig[] };
}

export interface ResolvedConfig {
  /** DNS label; the `<customer>` of `self-service-api.<env>-<customer>.<p1asRegion>.ping.cloud`. */
  readonly customer: string;
  /** DNS label: the P1AS region domain Ping gives the customer (e.g. `us1`). */
  readonly p1asRegion: string;
  readonly pingone: {
    /** UUID of the PingOne environment connected to P1AS. */
    readonly environmentId: string;
    /** The provider's `region_code`; picks `auth.pingone.<tld>`. */
    readonly regionCode: PingOneRegionCode;
    /** The management API the p1as provider looks its clients up in; default `https://api.pingone.<tld>/v1` of regionCode. */
    readonly apiUrl: string;
    readonly roleAttributes: {
      /** Default true; false = no `pingone-directory` stack. */
      readonly manage: boolean;
      /** Default []: environments whose roles stay on the attributes, archived. */
      readonly retiredEnvironments: readonly P1asEnvironment[];
      /** Default []: single role values kept, archived. */
      readonly archivedRoles: readonly string[];
    };
    /** Default local: state of the `pingone-directory` stack. */
    readonly backend: ResolvedBackend;
  };
  /** One `p1as-<name>` stack each, in config order. */
  readonly environments: readonly ResolvedEnvironment[];
  /** Directory of the config file: relative file names in it (certificates) are resolved from here. */
  readonly baseDir: string;
}

export const PINGONE_DIRECTORY_STACK = "pingone-directory";
export const environmentStackName = (environment: string) => `p1as-${environment}`;

/** Per-stack backend defaults keep every stack's state apart in a shared backend. */
export function resolveBackend(backend: BackendConfig | undefined, stackName: string, customer: string): ResolvedBackend {
  const given = backend ?? { type: "local" as const };
  switch (given.type) {
    case "local":
      return { type: "local", path: given.path ?? `terraform.${stackName}.tfstate` };
    case "pg":
      return { type: "pg", connStr: given.connStr, schemaName: given.schemaName ?? stackName.replace(/-/g, "_") };
    case "s3":
      return {
        type: "s3",
        bucket: given.bucket,
        key: given.key ?? `${customer}/${stackName}.tfstate`,
        region: given.region,
        dynamodbTable: given.dynamodbTable,
        encrypt: given.encrypt ?? true,
      };
    default:
      return {
        type: given.type,
        organization: given.organization,
        workspace: given.workspace ?? `${customer}-${stackName}`,
        hostname: given.hostname,
      };
  }
}

/** Applies every documented default. Call only on a config that passed `checkConfig`. */
export function resolveConfig(config: P1asConfig, baseDir: string): ResolvedConfig {
  const { customer, p1asRegion, pingone } = config;
  const tokenUrl = pingOneTokenUrl(pingOneAuthBaseUrl(pingone.regionCode), pingone.environmentId);
  return {
    customer,
    p1asRegion,
    baseDir,
    pingone: {
      environmentId: pingone.environmentId,
      regionCode: pingone.regionCode,
      apiUrl: pingone.apiUrl ?? pingOneApiBaseUrl(pingone.regionCode),
      roleAttributes: pingone.roleAttributes ?? { manage: true, retiredEnvironments: [], archivedRoles: [] },
      backend: resolveBackend(pingone.backend, PINGONE_DIRECTORY_STACK, customer),
    },
    environments: config.environments.map((env): ResolvedEnvironment => {
      const stackName = environmentStackName(env.name);
      const apiUrl = env.selfService?.apiUrl ?? selfServiceApiUrl(env.name, customer, p1asRegion);
      return {
        name: env.name,
        stackName,
        retiring: env.retire ?? false,
        groups: env.groups ?? resourceDefaults.groups(env.name),
        allowAllEnvironmentRoles: env[ALL_ENVIRONMENT_ROLES_OPT_IN] ?? false,
        resource: {
          name: env.resource?.name ?? resourceDefaults.name(env.name),
          audience: env.resource?.audience ?? apiUrl,
          accessTokenValiditySeconds: env.resource?.accessTokenValiditySeconds ?? resourceDefaults.accessTokenValiditySeconds,
          scope: env.resource?.scope ?? resourceDefaults.scope,
          orchestrationName: env.resource?.orchestrationName ?? resourceDefaults.orchestrationName,
          auditName: env.resource?.auditName ?? resourceDefaults.name(env.name, "audit"),
        },
        application: {
          name: env.application?.name ?? ORCHESTRATION_CLIENT_DEFAULTS.name(env.name),
          auditName: env.application?.auditName ?? ORCHESTRATION_CLIENT_DEFAULTS.name(env.name, "audit"),
        },
        selfService: {
          apiUrl,
          tokenUrl: env.selfService?.tokenUrl ?? tokenUrl,
          requestTimeoutMs: env.selfService?.requestTimeoutMs,
          maxRetries: env.selfService?.maxRetries,
          readyTimeoutMs: env.selfService?.readyTimeoutMs,
          apiContract: env.selfService?.apiContract,
        },
        credentials: env.credentials && {
          clientId: env.credentials.clientId,
          clientSecretEnv: env.credentials.clientSecretEnv ?? clientSecretEnv(env.name, "admin"),
          audit: { clientId: env.credentials.audit.clientId, clientSecretEnv: env.credentials.audit.clientSecretEnv ?? clientSecretEnv(env.name, "audit") },
        },
        backend: resolveBackend(env.backend, stackName, customer),
        virtualHosts: env.virtualHosts ?? { certificates: [], hostnames: [] },
      };
    }),
  };
}

/** `["environments", 1, "name"]` -> `environments[1].name`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${key}` : key), "");
}

type Issue = { path: (string | number)[]; message: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const recordsOf = (value: unknown): [number, Record<string, unknown>][] =>
  Array.isArray(value) ? value.flatMap((item, index) => (isRecord(item) ? [[index, item] as [number, Record<string, unknown>]] : [])) : [];
const isEnvironment = (value: unknown): value is P1asEnvironment =>
  typeof value === "string" && (P1AS_ENVIRONMENTS as readonly string[]).includes(value);

/** Reports every later occurrence of a key that appeared before. */
function duplicates<T>(items: [number, T][], keyOf: (item: T) => unknown, at: (index: number) => Issue["path"], what: string): Issue[] {
  const seen = new Map<unknown, number>();
  const issues: Issue[] = [];
  for (const [index, item] of items) {
    const key = keyOf(item);
    if (typeof key !== "string") continue;
    const normalized = key.toLowerCase();
    const first = seen.get(normalized);
    if (first === undefined) seen.set(normalized, index);
    else issues.push({ path: at(index), message: `duplicate ${what} ${JSON.stringify(key)} (already at index ${first})` });
  }
  return issues;
}

/** Where this config's credentials may go, from the fields that say so (when they are valid enough to tell). */
function destinationIssues(raw: Record<string, unknown>, environments: [number, Record<string, unknown>][], allowed: AllowedHosts): Issue[] {
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const pingone = isRecord(raw.pingone) ? raw.pingone : {};
  const regionCode = (PINGONE_REGION_CODES as readonly unknown[]).includes(pingone.regionCode) ? (pingone.regionCode as PingOneRegionCode) : undefined;
  const environmentId = text(pingone.environmentId) && uuidProblems(text(pingone.environmentId)!).length === 0 ? text(pingone.environmentId) : undefined;
  const customer = text(raw.customer) && dnsLabelProblems(text(raw.customer)!).length === 0 ? text(raw.customer) : undefined;
  const p1asRegion = text(raw.p1asRegion) && dnsLabelProblems(text(raw.p1asRegion)!).length === 0 ? text(raw.p1asRegion) : undefined;
  const issues: Issue[] = [];
  const pingOneApiUrl = text(pingone.apiUrl);
  if (pingOneApiUrl && serviceUrlProblems(pingOneApiUrl).length === 0) {
    for (const message of pingOneApiUrlDestinationProblems(pingOneApiUrl, { regionCode }, allowed)) issues.push({ path: ["pingone", "apiUrl"], message });
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
    ["application", (audit: boolean) => ORCHESTRATION_CLIENT_DEFAULTS.name(env.name as P1asEnvironment, audit ? "audit" : "admin")],
  ] as const) {
    const given = isRecord(env[field]) ? (env[field] as Record<string, unknown>) : {};
    const name = typeof given.name === "string" ? given.name : defaults(false);
    const auditName = typeof given.auditName === "string" ? given.auditName : defaults(true);
    if (name.toLowerCase() === auditName.toLowerCase()) {
      issues.push({ path: ["environments", i, field, typeof given.auditName === "string" ? "auditName" : "name"], message: `is the name of both the write and the read-only client's ${field} (${JSON.stringify(name)}); each needs its own` });
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
      if (typeof value === "string") for (const message of environmentSecretEnvProblems(name, value)) issues.push({ path: [...path], message });
    }
    const write = typeof credentials.clientSecretEnv === "string" ? credentials.clientSecretEnv : clientSecretEnv(name, "admin");
    const read = typeof audit.clientSecretEnv === "string" ? audit.clientSecretEnv : clientSecretEnv(name, "audit");
    if (write === read) {
      issues.push({ path: at("audit", "clientSecretEnv"), message: `is the write client's variable too (${write}); the read-only client needs its own` });
    }
  }
  if (typeof credentials.clientId === "string" && credentials.clientId.toLowerCase() === String(audit.clientId ?? "").toLowerCase()) {
    issues.push({
      path: at("audit", "clientId"),
      message: "is the write client: plans, drift and status must run with a second, read-only client (role <env>-tls-audit), so a plan job never holds write credentials",
    });
  }
  return issues;
}

/** Rules that span fields, checked on the raw input so they report alongside zod's per-field issues. */
function crossFieldIssues(raw: unknown, allowed: AllowedHosts): Issue[] {
  if (!isRecord(raw)) return [];
  const issues: Issue[] = [];
  const environments = recordsOf(raw.environments);

  issues.push(...duplicates(environments, (env) => env.name, (i) => ["environments", i, "name"], "environment"));
  issues.push(...destinationIssues(raw, environments, allowed));

  for (const [i, env] of environments) {
    const name = env.name;
    if (isEnvironment(name) && Array.isArray(env.groups)) {
      const groups = env.groups as unknown[];
      const allEnvironments = env[ALL_ENVIRONMENT_ROLES_OPT_IN] === true;
      groups.forEach((group, g) => {
        if (typeof group !== "string") return;
        for (const message of groupProblems(name, group, { allEnvironments })) issues.push({ path: ["environments", i, "groups", g], message });
        if (groups.indexOf(group) !== g) issues.push({ path: ["environments", i, "groups", g], message: `duplicate role ${JSON.stringify(group)}` });
      });
    }
    issues.push(...credentialIssues(i, env));
    issues.push(...auditNameIssues(i, env));
    if (env.credentials !== undefined) {
      for (const ignored of ["groups", ALL_ENVIRONMENT_ROLES_OPT_IN, "resource", "application"].filter((key) => env[key] !== undefined)) {
        issues.push({
          path: ["environments", i, ignored],
          message: `conflicts with credentials: with explicit credentials this stack creates no PingOne ${ignored === "application" ? "application" : "resource"}, so ${ignored} would be ignored. Remove ${ignored} or credentials`,
        });
      }
    }
    const virtualHosts = isRecord(env.virtualHosts) ? env.virtualHosts : {};
    const certificates = recordsOf(virtualHosts.certificates);
    const hostnames = recordsOf(virtualHosts.hostnames);
    const at = (list: string, field: string) => (index: number) => ["environments", i, "virtualHosts", list, index, field];
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
        for (const message of environmentVariableProblems(name, certificate.privateKeyVariable)) issues.push({ path: at("certificates", "privateKeyVariable")(c), message });
      }
    }
    // One Terraform variable carries one secret: a shared name would hand one certificate's key to another.
    const variableUsers = new Map<unknown, string>();
    for (const [c, certificate] of certificates) {
      const name = certificate.privateKeyVariable;
      if (typeof name !== "string") continue;
      const path = at("certificates", "privateKeyVariable")(c);
      const first = variableUsers.get(name);
      if (first) issues.push({ path, message: `Terraform variable ${JSON.stringify(name)} is already used by ${first}; give each secret its own variable` });
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

  const roleAttributes = isRecord(raw.pingone) && isRecord(raw.pingone.roleAttributes) ? raw.pingone.roleAttributes : {};
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
  const managed = !isRecord(raw.pingone) || !isRecord(raw.pingone.roleAttributes) || raw.pingone.roleAttributes.manage !== false;
  if (managed && environments.length > 0 && environments.every(([, env]) => env.retire === true)) {
    issues.push({
      path: ["environments"],
      message: 'every environment has "retire": true, but the PingOne role attributes need at least one active environment; keep one, or set pingone.roleAttributes.manage to false',
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
 * S3 keys are exact: `a//b` and `/a` are other objects than `a/b`, and terraform's S3 backend refuses a
 * key that starts or ends with '/'.
 */
function s3KeyProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.trim() === "") return ["must not be empty"];
  if (value.length > 1024) problems.push(`must be at most 1024 characters (got ${value.length})`);
  if (value.startsWith("/") || value.endsWith("/")) problems.push("must not start or end with '/'");
  if (value.includes("//")) problems.push("must not contain '//'");
  if (value.split("/").some((part) => part === "." || part === "..")) problems.push("must not contain '.' or '..' segments");
  return problems;
}

/** Backends can only be compared once the shapes are valid. */
function backendIssues(config: P1asConfig): Issue[] {
  const resolved = resolveConfig(config, ".");
  const stacks: [Issue["path"], ResolvedBackend][] = resolved.environments.map((env, i) => [["environments", i, "backend"], env.backend]);
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
            (backend.type === "local" ? " (a local state path is relative to the folder the commands run in, not to the config file's folder, which certificate paths are relative to)" : "")
          : `may store state at the same place as ${formatPath(firstPath)}: one of them reads its database from PG_CONN_STR, which may name the other's, and both use schemaName ${JSON.stringify(backend.type === "pg" ? backend.schemaName : "")}; give each stack its own schemaName`,
    });
  }
  return issues;
}

/** Fields a config of an earlier version may still hold, and what to do instead. */
const REPLACED_FIELDS: Record<string, string> = {
  clientSecretVariable:
    "is replaced by clientSecretEnv: the p1as provider reads client secrets from environment variables of the environment's own " +
    "(default P1AS_<ENV>_CLIENT_SECRET and P1AS_<ENV>_AUDIT_CLIENT_SECRET), so a plan can run with the read-only client alone; " +
    "remove clientSecretVariable and add audit: { clientId } for the read-only client (docs/reference/configuration.md)",
};

/** zod's "Unrecognized key(s)" becomes one issue per key, at the key's own path. */
function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.flatMap((issue): Issue[] =>
    issue.code === z.ZodIssueCode.unrecognized_keys
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: REPLACED_FIELDS[key] ?? "unknown field (check its spelling; see config/example.json)" }))
      : [{ path: issue.path, message: issue.message }],
  );
}

/** Groups all issues by path: one entry per bad field, listing every rule it breaks. */
function groupByPath(issues: Issue[]): ConfigIssue[] {
  const byPath = new Map<string, string[]>();
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const reasons = byPath.get(path) ?? [];
    if (!reasons.includes(issue.message)) reasons.push(issue.message);
    byPath.set(path, reasons);
  }
  return [...byPath].map(([path, reasons]) => ({ path, reasons }));
}

export type ConfigCheck = { readonly config: P1asConfig; readonly issues: readonly [] } | { readonly config?: undefined; readonly issues: readonly ConfigIssue[] };

/**
 * Checks a parsed JSON value against every rule; never throws. `textIssues` are what only the file's
 * text shows (duplicate keys), reported in the same round. `env` supplies the operator's allow-list of hosts
 * (P1AS_ALLOWED_HOSTS), which is deliberately not part of the config.
 */
export function checkConfig(raw: unknown, textIssues: readonly JsonIssue[] = [], env: NodeJS.ProcessEnv = process.env): ConfigCheck {
  const parsed = configSchema.safeParse(raw);
  const allowed = parseAllowedHosts(env[ALLOWED_HOSTS_VARIABLE]);
  const issues = [
    ...textIssues,
    ...allowed.problems.map((message) => ({ path: [`$${ALLOWED_HOSTS_VARIABLE}`], message: `(environment variable) ${message}` })),
    ...stringIssues(raw),
    ...(parsed.success ? [] : zodIssues(parsed.error)),
    ...crossFieldIssues(raw, allowed.hosts),
  ];
  if (parsed.success && issues.length === 0) issues.push(...backendIssues(parsed.data));
  if (parsed.success && issues.length === 0) return { config: parsed.data, issues: [] };
  return { issues: groupByPath(issues) };
}
