/**
 * The virtual hosts of one P1AS environment, as resources of our own Terraform provider (`provider/`): one
 * `p1as` provider block per stack, one `p1as_certificate` per certificate and one `p1as_hostname` per
 * hostname. Terraform reads them from the API on every plan, so `cdktf diff`, the plan summary and a plain
 * `cdktf deploy` see (and repair) what the API holds.
 *
 * Secrets reach the provider only as Terraform references: the client secret as the provider's sensitive
 * `client_secret` (the orchestration client's generated secret, or an ephemeral variable), a private key as
 * the write-only `private_key_wo` (read by `file()` at plan and apply, or an ephemeral variable).
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { TerraformStack, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { DataP1AsCertificates } from "../../.gen/providers/p1as/data-p1as-certificates";
import { DataP1AsHostnames } from "../../.gen/providers/p1as/data-p1as-hostnames";
import { P1AsProvider } from "../../.gen/providers/p1as/provider";
import type { ApiContractSetting } from "../../provider/resources/provider";
import { API_CONTRACTS, POLL_INTERVAL_MS_DEFAULT, READY_TIMEOUT_MS_DEFAULT } from "../../provider/resources/provider";
import { MAX_RETRIES_DEFAULT } from "../../provider/resources/request-settings";
import { clientIdProblems, scopeNameProblems } from "../../p1as/rules";
import { secretEnvNameProblems } from "../../p1as/secret-names";
import { ISelfServiceCredentials, apiUrlProblems, tokenUrlProblems } from "../credentials";
import { assertValidFields, conflictingFields, invalidField } from "../errors";
import { templateLiteral } from "../terraform-literal";
import { requireTerraform, TERRAFORM_RELEASES } from "../terraform-version";
import type { Certificate, ICertificate } from "./certificate";
import type { Hostname } from "./hostname";

export { POLL_INTERVAL_MS_DEFAULT as DEFAULT_POLL_INTERVAL_MS, READY_TIMEOUT_MS_DEFAULT as DEFAULT_READY_TIMEOUT_MS, MAX_RETRIES_DEFAULT as DEFAULT_MAX_RETRIES };
/** Budget of one API request including its retries (the client's REQUEST_TIMEOUT_MS_DEFAULT). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

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
}

/** Holds the `Certificate`s and `Hostname`s of one stack and configures the provider that manages them. */
export class VirtualHosts extends Construct {
  /** The VirtualHosts a certificate or hostname was declared in. */
  public static of(construct: IConstruct): VirtualHosts {
    const found = construct.node.scopes.reverse().find((scope): scope is VirtualHosts => scope instanceof VirtualHosts);
    if (!found) throw invalidField(construct.node.path, "scope", construct.node.scope?.node.path, ["must be a VirtualHosts construct"]);
    return found;
  }

  public readonly apiUrl: string;
  public readonly pollIntervalMs: number;
  public readonly readyTimeoutMs: number;
  public readonly requestTimeoutMs: number;
  public readonly maxRetries: number;
  /** The `p1as` provider block every certificate and hostname of this stack uses. */
  public readonly provider: P1AsProvider;
  private readonly declaredCertificates: Certificate[] = [];
  private readonly declaredHostnames: Hostname[] = [];

  constructor(scope: Construct, id: string, props: VirtualHostsProps) {
    super(scope, id);
    const where = this.node.path;
    const stack = TerraformStack.of(this);
    const other = stack.node.findAll().find((c) => c instanceof VirtualHosts && c !== this);
    if (other) throw invalidField(where, "scope", stack.node.path, [`already holds ${other.node.path}; declare one VirtualHosts per stack`]);

    this.apiUrl = props.apiUrl;
    this.pollIntervalMs = props.pollIntervalMs ?? POLL_INTERVAL_MS_DEFAULT;
    this.readyTimeoutMs = props.readyTimeoutMs ?? READY_TIMEOUT_MS_DEFAULT;
    this.requestTimeoutMs = props.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxRetries = props.maxRetries ?? MAX_RETRIES_DEFAULT;
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) throw invalidField(where, "maxRetries", this.maxRetries, ["must be a whole number >= 0"]);
    validateProps(where, props, { pollIntervalMs: this.pollIntervalMs, readyTimeoutMs: this.readyTimeoutMs, requestTimeoutMs: this.requestTimeoutMs });

    // Write-only attributes (the private key) need terraform 1.11.
    requireTerraform(this, TERRAFORM_RELEASES.writeOnlyAttributes);
    const { credentials, readCredentials } = props;
    this.provider = new P1AsProvider(this, "provider", {
      apiUrl: templateLiteral(props.apiUrl),
      tokenUrl: templateLiteral(credentials.tokenUrl),
      clientId: templateLiteral(credentials.clientId),
      clientSecretEnv: templateLiteral(credentials.clientSecretEnv),
      clientSecret: credentials.clientSecret,
      readClientId: readCredentials === undefined ? undefined : templateLiteral(readCredentials.clientId),
      readClientSecretEnv: readCredentials === undefined ? undefined : templateLiteral(readCredentials.clientSecretEnv),
      readClientSecret: readCredentials?.clientSecret,
      scope: credentials.scope === undefined ? undefined : templateLiteral(credentials.scope),
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
      (scope): scope is VirtualHosts => scope instanceof VirtualHosts && scope.declaredCertificates.includes(certificate as Certificate),
    );
    return declaredIn === undefined;
  }

  /** @internal Called by the Certificate constructor once its props are valid. */
  public _addCertificate(certificate: Certificate): void {
    this.declaredCertificates.push(certificate);
  }

  /** @internal Called by the Hostname constructor once its props are valid. */
  public _addHostname(hostname: Hostname): void {
    this.declaredHostnames.push(hostname);
  }
}

function validateProps(where: string, props: VirtualHostsProps, durations: { pollIntervalMs: number; readyTimeoutMs: number; requestTimeoutMs: number }): void {
  const { pollIntervalMs, readyTimeoutMs } = durations;
  const known = (value: unknown) => !Token.isUnresolved(value);
  // Credentials may come from any ISelfServiceCredentials, so their plain fields are judged here too.
  const clientFields = (prefix: string, client: ISelfServiceCredentials) => [
    { field: `${prefix}.clientId`, value: client.clientId, reasons: known(client.clientId) ? clientIdProblems(client.clientId) : [] },
    { field: `${prefix}.tokenUrl`, value: client.tokenUrl, reasons: known(client.tokenUrl) ? tokenUrlProblems(client.tokenUrl) : [] },
    { field: `${prefix}.clientSecretEnv`, value: client.clientSecretEnv, reasons: secretEnvNameProblems(client.clientSecretEnv) },
    { field: `${prefix}.scope`, value: client.scope, reasons: client.scope !== undefined && known(client.scope) ? scopeNameProblems(client.scope) : [] },
  ];
  const read = props.readCredentials;
  assertValidFields(where, [
    { field: "apiUrl", value: props.apiUrl, reasons: known(props.apiUrl) ? apiUrlProblems(props.apiUrl) : [] },
    ...clientFields("credentials", props.credentials),
    ...(read ? clientFields("readCredentials", read) : []),
    // The provider would refuse it too, but only at plan, after the stack was synthesized and reviewed.
    {
      field: "apiContract",
      value: props.apiContract,
      reasons: props.apiContract === undefined || (API_CONTRACTS as readonly string[]).includes(props.apiContract) ? [] : [`must be one of ${API_CONTRACTS.join(", ")}`],
    },
  ]);
  for (const [field, client] of [["credentials", props.credentials], ["readCredentials", read]] as const) {
    if (client?.clientSecret !== undefined && !Token.isUnresolved(client.clientSecret)) {
      throw invalidField(where, `${field}.clientSecret`, "<literal string>", [
        "must be a sensitive Terraform value (a resource attribute), never a literal: a literal would be written into the synthesized JSON",
      ]);
    }
  }
  if (read) {
    const fix = "Give readCredentials the read-only client (role <env>-tls-audit) of the same PingOne environment.";
    if (known(read.tokenUrl) && known(props.credentials.tokenUrl) && read.tokenUrl !== props.credentials.tokenUrl) {
      throw conflictingFields(where, "readCredentials.tokenUrl", "credentials.tokenUrl", "both clients get their tokens from the one token endpoint of the provider", fix);
    }
    if (known(read.clientId) && known(props.credentials.clientId) && read.clientId.toLowerCase() === props.credentials.clientId.toLowerCase()) {
      throw conflictingFields(where, "readCredentials.clientId", "credentials.clientId", "the read-only client must be another client than the write client", fix);
    }
    if (read.clientSecretEnv === props.credentials.clientSecretEnv) {
      throw conflictingFields(where, "readCredentials.clientSecretEnv", "credentials.clientSecretEnv", "each client's secret needs its own variable", fix);
    }
  }
  for (const [field, value] of Object.entries(durations)) {
    if (!Number.isInteger(value) || value <= 0) throw invalidField(where, field, value, ["must be a positive whole number of milliseconds"]);
  }
  if (readyTimeoutMs < pollIntervalMs) {
    throw conflictingFields(where, "readyTimeoutMs", "pollIntervalMs", `the deadline (${readyTimeoutMs} ms) is shorter than one poll (${pollIntervalMs} ms)`, "Raise readyTimeoutMs or lower pollIntervalMs.");
  }
}

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
