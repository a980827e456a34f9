/**
 * The virtual hosts of one P1AS environment, as resources of our own Terraform provider (`provider/`): one
 * `p1as` provider block per stack, one `p1as_certificate` per certificate and one `p1as_hostname` per
 * hostname. Terraform reads them from the API on every plan, so `cdktf diff`, the plan summary and a plain
 * `cdktf deploy` see (and repair) what the API holds.
 *
 * No client secret is synthesized: the provider reads it from the environment variable the credentials name, or
 * finds the client in PingOne by its application's name (credentials of an OrchestrationClient). Every provider
 * setting is a literal, known at plan. A private key reaches the provider as the write-only `private_key_wo` (read by
 * `file()` at plan and apply, or an ephemeral variable).
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { dependable, ITerraformDependable, TerraformResource, TerraformStack, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { DataP1AsCertificates } from "../../.gen/providers/p1as/data-p1as-certificates";
import { DataP1AsHostnames } from "../../.gen/providers/p1as/data-p1as-hostnames";
import { P1AsProvider } from "../../.gen/providers/p1as/provider";
import { apiContractProblems } from "../../client/connect";
import {
  ApiContractSetting,
  MAX_RETRIES_DEFAULT,
  POLL_INTERVAL_MS_DEFAULT,
  READY_TIMEOUT_MS_DEFAULT,
  REQUEST_TIMEOUT_MS_DEFAULT,
} from "../../provider/public-face";
import { clientIdProblems, pingOneNameProblems, scopeNameProblems, uuidProblems } from "../../p1as/rules";
import { secretEnvNameProblems } from "../../p1as/secret-names";
import { ISelfServiceCredentials, apiUrlProblems, pingOneApiUrlProblems, tokenUrlProblems } from "../credentials";
import { assertValidFields, conflictingFields, invalidField } from "../errors";
import { templateLiteral } from "../terraform-literal";
import { requireTerraform, TERRAFORM_RELEASES } from "../terraform-version";
import type { Certificate, ICertificate } from "./certificate";
import type { Hostname } from "./hostname";

export {
  POLL_INTERVAL_MS_DEFAULT as DEFAULT_POLL_INTERVAL_MS,
  READY_TIMEOUT_MS_DEFAULT as DEFAULT_READY_TIMEOUT_MS,
  MAX_RETRIES_DEFAULT as DEFAULT_MAX_RETRIES,
  REQUEST_TIMEOUT_MS_DEFAULT as DEFAULT_REQUEST_TIMEOUT_MS,
};

/** The directory holding package.json: certificate paths in the plan are relative to it. */
export const PROJECT_ROOT = findProjectRoot(__dirname);

export interface VirtualHostsProps {
  /** The write client: a self-service role that may change this environment (`<env>-tls-admin`). Used only to write. */
  readonly credentials: ISelfServiceCredentials;
  /**
   * The read-only client (`<env>-tls-audit`): every read, so a plan, a drift check or a status view needs no write
   * credential. Same token endpoint as `credentials`, another client.
   * @default - reads use `credentials` too
   */
  readonly readCredentials?: ISelfServiceCredentials;
  /** The environment's self-service API base, ending in `/api/v1`. */
  readonly apiUrl: string;
  /** Longest wait between two looks at an object that is not ready yet. @default DEFAULT_POLL_INTERVAL_MS (2000) */
  readonly pollIntervalMs?: number;
  /** Per object; must be at least `pollIntervalMs`. @default DEFAULT_READY_TIMEOUT_MS (600000) */
  readonly readyTimeoutMs?: number;
  /** Budget of one API or token request including its retries. @default DEFAULT_REQUEST_TIMEOUT_MS (30000) */
  readonly requestTimeoutMs?: number;
  /**
   * Retries of one request after its first attempt, within `requestTimeoutMs` (reads, deletes and token requests on
   * 5xx, 429 and lost connections; a create only after a list shows it was not committed).
   * @default DEFAULT_MAX_RETRIES (7)
   */
  readonly maxRetries?: number;
  /**
   * Which routes the provider relies on: `discover` reads the tenant's `/api/v1/openapi.json`, `confirmed`
   * assumes only the publicly confirmed ones (a change replaces the object), `assumed` the project's guesses.
   * @default "discover"
   */
  readonly apiContract?: ApiContractSetting;
  /**
   * What every certificate and hostname waits for in an apply: the PingOne application and grant of the clients
   * (OrchestrationClient.dependables), so one apply creates them first. The data sources that list the API do not
   * wait: they are read at plan, when nothing may be unknown.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * The PingOne management API the provider looks PingOne applications up in (credentials with `pingOneApplication`).
   * @default - the provider's default, from the worker's PINGONE_REGION_CODE
   */
  readonly pingOneApiUrl?: string;
}

/** Holds the `Certificate`s and `Hostname`s of one stack and configures the provider that manages them. */
export class VirtualHosts extends Construct {
  /** The VirtualHosts a certificate or hostname was declared in. */
  public static of(construct: IConstruct): VirtualHosts {
    const found = construct.node.scopes.reverse().find((scope): scope is VirtualHosts => scope instanceof VirtualHosts);
    if (!found)
      throw invalidField(construct.node.path, "scope", construct.node.scope?.node.path, [
        "must be a VirtualHosts construct",
      ]);
    return found;
  }

  public readonly apiUrl: string;
  public readonly pollIntervalMs: number;
  public readonly readyTimeoutMs: number;
  public readonly requestTimeoutMs: number;
  public readonly maxRetries: number;
  /** The `p1as` provider block every certificate and hostname of this stack uses. */
  public readonly provider: P1AsProvider;
  /** What every certificate and hostname depends on. */
  public readonly dependsOn: readonly ITerraformDependable[];
  private readonly declaredCertificates: Certificate[] = [];
  private readonly declaredHostnames: Hostname[] = [];

  constructor(scope: Construct, id: string, props: VirtualHostsProps) {
    super(scope, id);
    const where = this.node.path;
    const stack = TerraformStack.of(this);
    const other = stack.node.findAll().find((c) => c instanceof VirtualHosts && c !== this);
    if (other)
      throw invalidField(where, "scope", stack.node.path, [
        `already holds ${other.node.path}; declare one VirtualHosts per stack`,
      ]);

    this.apiUrl = props.apiUrl;
    this.pollIntervalMs = props.pollIntervalMs ?? POLL_INTERVAL_MS_DEFAULT;
    this.readyTimeoutMs = props.readyTimeoutMs ?? READY_TIMEOUT_MS_DEFAULT;
    this.requestTimeoutMs = props.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
    this.maxRetries = props.maxRetries ?? MAX_RETRIES_DEFAULT;
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0)
      throw invalidField(where, "maxRetries", this.maxRetries, ["must be a whole number >= 0"]);
    validateProps(where, props, {
      pollIntervalMs: this.pollIntervalMs,
      readyTimeoutMs: this.readyTimeoutMs,
      requestTimeoutMs: this.requestTimeoutMs,
    });

    // Write-only attributes (the private key) need terraform 1.11.
    requireTerraform(this, TERRAFORM_RELEASES.writeOnlyAttributes);
    const { credentials, readCredentials } = props;
    const optional = (value: string | undefined) => (value === undefined ? undefined : templateLiteral(value));
    this.dependsOn = Object.freeze([...(props.dependsOn ?? [])]);
    this.provider = new P1AsProvider(this, "provider", {
      apiUrl: templateLiteral(props.apiUrl),
      tokenUrl: templateLiteral(credentials.tokenUrl),
      clientId: optional(credentials.clientId),
      clientSecretEnv: templateLiteral(credentials.clientSecretEnv),
      readClientId: optional(readCredentials?.clientId),
      readClientSecretEnv: optional(readCredentials?.clientSecretEnv),
      pingoneEnvironmentId: optional(
        credentials.pingOneApplication?.environmentId ?? readCredentials?.pingOneApplication?.environmentId,
      ),
      pingoneApplication: optional(credentials.pingOneApplication?.name),
      pingoneReadApplication: optional(readCredentials?.pingOneApplication?.name),
      pingoneApiUrl: optional(props.pingOneApiUrl),
      scope: optional(credentials.scope),
      apiContract: props.apiContract,
      pollIntervalMs: this.pollIntervalMs,
      readyTimeoutMs: this.readyTimeoutMs,
      requestTimeoutMs: this.requestTimeoutMs,
      maxRetries: this.maxRetries,
    });
    // Every plan lists what the API holds, so drift and status reports also see objects no one declared.
    new DataP1AsCertificates(this, "held-certificates", { provider: this.provider }).overrideLogicalId("held");
    new DataP1AsHostnames(this, "held-hostnames", { provider: this.provider }).overrideLogicalId("held");
  }

  /** Certificates declared in this construct, in declaration order. */
  public get certificates(): readonly Certificate[] {
    return [...this.declaredCertificates];
  }

  /** Hostnames declared in this construct, in declaration order. */
  public get hostnames(): readonly Hostname[] {
    return [...this.declaredHostnames];
  }

  /** Whether a hostname here may name this certificate: one declared here, or one imported by name. */
  public owns(certificate: ICertificate): boolean {
    if (this.declaredCertificates.includes(certificate as Certificate)) return true;
    const declaredIn = certificate.node.scopes.find(
      (scope): scope is VirtualHosts =>
        scope instanceof VirtualHosts && scope.declaredCertificates.includes(certificate as Certificate),
    );
    return declaredIn === undefined;
  }

  /** @internal Called by the Certificate constructor once its props are valid. */
  public _addCertificate(certificate: Certificate): void {
    this.declaredCertificates.push(certificate);
    addDependsOn(certificate.resource, this.dependsOn);
  }

  /** @internal Called by the Hostname constructor once its props are valid. */
  public _addHostname(hostname: Hostname): void {
    this.declaredHostnames.push(hostname);
    addDependsOn(hostname.resource, this.dependsOn);
  }
}

function validateProps(
  where: string,
  props: VirtualHostsProps,
  durations: { pollIntervalMs: number; readyTimeoutMs: number; requestTimeoutMs: number },
): void {
  const { pollIntervalMs, readyTimeoutMs } = durations;
  const known = (value: unknown) => !Token.isUnresolved(value);
  // Credentials may come from any ISelfServiceCredentials, so their plain fields are judged here too.
  const clientFields = (prefix: string, client: ISelfServiceCredentials) => [
    {
      field: `${prefix}.clientId`,
      value: client.clientId,
      reasons:
        client.clientId === undefined
          ? client.pingOneApplication === undefined
            ? ["is required, or pingOneApplication (a client the provider looks up in PingOne)"]
            : []
          : [
              // A Terraform reference would be unknown at plan until the client exists: the provider could not read, so nothing could plan.
              ...(known(client.clientId)
                ? clientIdProblems(client.clientId)
                : [
                    "must be known at synth (a literal); for a client created by the same apply, use pingOneApplication",
                  ]),
              ...(client.pingOneApplication ? ["conflicts with pingOneApplication: give the client one way"] : []),
            ],
    },
    {
      field: `${prefix}.pingOneApplication.environmentId`,
      value: client.pingOneApplication?.environmentId,
      reasons: client.pingOneApplication ? literalProblems(client.pingOneApplication.environmentId, uuidProblems) : [],
    },
    {
      field: `${prefix}.pingOneApplication.name`,
      value: client.pingOneApplication?.name,
      reasons: client.pingOneApplication ? literalProblems(client.pingOneApplication.name, pingOneNameProblems) : [],
    },
    {
      field: `${prefix}.tokenUrl`,
      value: client.tokenUrl,
      reasons: known(client.tokenUrl) ? tokenUrlProblems(client.tokenUrl) : [],
    },
    {
      field: `${prefix}.clientSecretEnv`,
      value: client.clientSecretEnv,
      reasons: secretEnvNameProblems(client.clientSecretEnv),
    },
    {
      field: `${prefix}.scope`,
      value: client.scope,
      reasons: client.scope !== undefined && known(client.scope) ? scopeNameProblems(client.scope) : [],
    },
  ];
  const read = props.readCredentials;
  assertValidFields(where, [
    { field: "apiUrl", value: props.apiUrl, reasons: known(props.apiUrl) ? apiUrlProblems(props.apiUrl) : [] },
    {
      field: "pingOneApiUrl",
      value: props.pingOneApiUrl,
      reasons: props.pingOneApiUrl === undefined ? [] : literalProblems(props.pingOneApiUrl, pingOneApiUrlProblems),
    },
    ...clientFields("credentials", props.credentials),
    ...(read ? clientFields("readCredentials", read) : []),
    // The provider would refuse it too, but only at plan, after the stack was synthesized and reviewed.
    {
      field: "apiContract",
      value: props.apiContract,
      reasons: props.apiContract === undefined ? [] : apiContractProblems(props.apiContract),
    },
  ]);
  if (read) {
    const fix = "Give readCredentials the read-only client (role <env>-tls-audit) of the same PingOne environment.";
    if (known(read.tokenUrl) && known(props.credentials.tokenUrl) && read.tokenUrl !== props.credentials.tokenUrl) {
      throw conflictingFields(
        where,
        "readCredentials.tokenUrl",
        "credentials.tokenUrl",
        "both clients get their tokens from the one token endpoint of the provider",
        fix,
      );
    }
    const writeApplication = props.credentials.pingOneApplication;
    if (
      read.pingOneApplication &&
      writeApplication &&
      read.pingOneApplication.environmentId !== writeApplication.environmentId
    ) {
      throw conflictingFields(
        where,
        "readCredentials.pingOneApplication.environmentId",
        "credentials.pingOneApplication.environmentId",
        "the provider looks both clients up in one PingOne environment",
        fix,
      );
    }
    if (read.pingOneApplication && writeApplication && read.pingOneApplication.name === writeApplication.name) {
      throw conflictingFields(
        where,
        "readCredentials.pingOneApplication.name",
        "credentials.pingOneApplication.name",
        "the read-only client must be another application than the write client",
        fix,
      );
    }
    if (
      read.clientId &&
      props.credentials.clientId &&
      known(read.clientId) &&
      known(props.credentials.clientId) &&
      read.clientId.toLowerCase() === props.credentials.clientId.toLowerCase()
    ) {
      throw conflictingFields(
        where,
        "readCredentials.clientId",
        "credentials.clientId",
        "the read-only client must be another client than the write client",
        fix,
      );
    }
    if (read.clientSecretEnv === props.credentials.clientSecretEnv) {
      throw conflictingFields(
        where,
        "readCredentials.clientSecretEnv",
        "credentials.clientSecretEnv",
        "each client's secret needs its own variable",
        fix,
      );
    }
  }
  for (const [field, value] of Object.entries(durations)) {
    if (!Number.isInteger(value) || value <= 0)
      throw invalidField(where, field, value, ["must be a positive whole number of milliseconds"]);
  }
  if (readyTimeoutMs < pollIntervalMs) {
    throw conflictingFields(
      where,
      "readyTimeoutMs",
      "pollIntervalMs",
      `the deadline (${readyTimeoutMs} ms) is shorter than one poll (${pollIntervalMs} ms)`,
      "Raise readyTimeoutMs or lower pollIntervalMs.",
    );
  }
}

/** As cdktf's own `dependsOn` config does: terraform wants the bare address there, not an interpolation of it. */
function addDependsOn(resource: TerraformResource, dependencies: readonly ITerraformDependable[]): void {
  if (dependencies.length > 0)
    resource.dependsOn = [
      ...new Set([...(resource.dependsOn ?? []), ...dependencies.map((dependency) => dependable(dependency))]),
    ];
}

/** A value the provider must know at plan: a literal that follows the rule. */
function literalProblems(value: string, rule: (value: string) => string[]): string[] {
  return Token.isUnresolved(value) ? ["must be known at synth (a literal), not a Terraform reference"] : rule(value);
}

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
