/** The config's documented defaults: what each stack is built from once a config passed checkConfig. */
import * as path from "node:path";
import type { ApiContractSetting } from "../../client/connect";
import { ADMIN_API_RESOURCE_DEFAULTS as resourceDefaults } from "../../constructs/pingone/admin-api-resource";
import { ORCHESTRATION_CLIENT_DEFAULTS } from "../../constructs/pingone/orchestration-client";
import {
  P1asEnvironment,
  PingOneRegionCode,
  pingOneApiBaseUrl,
  pingOneAuthBaseUrl,
  pingOneTokenUrl,
  selfServiceApiUrl,
} from "../../p1as/facts";
import { clientSecretEnv } from "../../p1as/secret-names";
import { ALL_ENVIRONMENT_ROLES_OPT_IN } from "../../p1as/rules";
import type { BackendConfig, CertificateConfig, HostnameConfig, P1asConfig } from "./shape";

/**
 * A backend with every per-stack default filled in. A local `path` is in the form terraform, the tools and the
 * inventory read: relative to the folder the commands run in (or absolute). A path written in the config was
 * rebased there from the config file's folder (resolveBackend).
 */
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
  | {
      readonly type: "remote" | "cloud";
      readonly organization: string;
      readonly workspace: string;
      readonly hostname?: string;
    };

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
  readonly virtualHosts: {
    readonly certificates: readonly CertificateConfig[];
    readonly hostnames: readonly HostnameConfig[];
  };
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
  /** Directory of the config file: every relative path written in it (certificates, local state) is resolved from here. */
  readonly baseDir: string;
  /** The local state paths the config writes relative, for the check that no state was left where they led before. */
  readonly relativeStatePaths: readonly RelativeStatePath[];
}

/** A local state path the config writes relative (config/state-paths.ts). */
export interface RelativeStatePath {
  readonly stack: string;
  /** As errors name it: `environments[0].backend.path`, `pingone.backend.path`. */
  readonly field: string;
  /** As written. */
  readonly written: string;
}

export const PINGONE_DIRECTORY_STACK = "pingone-directory";
export const environmentStackName = (environment: string) => `p1as-${environment}`;

/**
 * Per-stack backend defaults keep every stack's state apart in a shared backend. A local path written in the config
 * is relative to the config file's folder (`baseDir`), like every path in it; the default is no path written in the
 * config and stays where it always was, in the folder the commands run in.
 */
export function resolveBackend(
  backend: BackendConfig | undefined,
  stackName: string,
  customer: string,
  baseDir: string,
): ResolvedBackend {
  const given = backend ?? { type: "local" as const };
  switch (given.type) {
    case "local":
      if (given.path === undefined) return { type: "local", path: `terraform.${stackName}.tfstate` };
      // Relative to the folder the commands run in, not absolute, so the committed inventory reads the same on
      // every machine that runs them from the project root (and what earlier synths wrote keeps its meaning).
      return {
        type: "local",
        path: path.isAbsolute(given.path)
          ? given.path
          : path.relative(process.cwd(), path.resolve(baseDir, given.path)),
      };
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
  const relative = (stack: string, field: string, backend: BackendConfig | undefined): RelativeStatePath[] =>
    backend?.type === "local" && backend.path !== undefined && !path.isAbsolute(backend.path)
      ? [{ stack, field, written: backend.path }]
      : [];
  const manage = pingone.roleAttributes?.manage ?? true;
  return {
    customer,
    p1asRegion,
    baseDir,
    relativeStatePaths: [
      ...(manage ? relative(PINGONE_DIRECTORY_STACK, "pingone.backend.path", pingone.backend) : []),
      ...config.environments.flatMap((env, i) =>
        relative(environmentStackName(env.name), `environments[${i}].backend.path`, env.backend),
      ),
    ],
    pingone: {
      environmentId: pingone.environmentId,
      regionCode: pingone.regionCode,
      apiUrl: pingone.apiUrl ?? pingOneApiBaseUrl(pingone.regionCode),
      roleAttributes: pingone.roleAttributes ?? { manage: true, retiredEnvironments: [], archivedRoles: [] },
      backend: resolveBackend(pingone.backend, PINGONE_DIRECTORY_STACK, customer, baseDir),
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
          accessTokenValiditySeconds:
            env.resource?.accessTokenValiditySeconds ?? resourceDefaults.accessTokenValiditySeconds,
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
          audit: {
            clientId: env.credentials.audit.clientId,
            clientSecretEnv: env.credentials.audit.clientSecretEnv ?? clientSecretEnv(env.name, "audit"),
          },
        },
        backend: resolveBackend(env.backend, stackName, customer, baseDir),
        virtualHosts: env.virtualHosts ?? { certificates: [], hostnames: [] },
      };
    }),
  };
}
