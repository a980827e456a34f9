/**
 * The virtual hosts of one P1AS environment, driven through the self-service API on deploy.
 *
 * Terraform has no P1AS provider, so each API object is a `terraform_data` instance whose local-exec
 * provisioners run the driver (driver/main.ts). Per stack there are four resources, each with a
 * `for_each` keyed by the API's stable key, emitted even when empty so that removing the last
 * hostname from code still runs its destroy provisioner:
 *
 * - `p1as_certificate[name]`: existence. Create ensures it exists and is ready; destroy deletes it.
 * - `p1as_certificate_content[name]`: replaced when the fingerprint changes; its create updates the content.
 * - `p1as_hostname[hostname]`: existence, after the certificates (and deleted before them).
 * - `p1as_hostname_routing[hostname]`: replaced when product or certname change; its create updates
 *   them in place, which is the shortest outage the API allows (no delete).
 *
 * Secrets never enter a resource attribute: terraform_data copies `input` into an `output` it does not
 * mark sensitive, so `terraform show` and the plan of a changed input would print them. The driver
 * reads them from terraform's own environment (`TF_VAR_<name>`) or, for a generated client secret,
 * from the create provisioner's environment and, at destroy, from the state by the secret's address.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import {
  App,
  DefaultTokenResolver,
  Fn,
  Lazy,
  ref,
  StringConcat,
  TerraformLocal,
  TerraformSelf,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from "cdktf";
import { Construct, IConstruct } from "constructs";
import {
  CLIENT_SECRET_ENV,
  CONNECTION_LOCAL,
  DRIVER_COMMANDS,
  DRIVER_INPUT_ENV,
  DriverCommand,
  INPUT_KEYS as K,
  INPUT_VERSION,
  RESOURCE_NAMES,
  terraformVariableEnv,
  RUN_DIR_ENV,
  RUN_ID_VARIABLE,
  STACK_DIR_ENV,
  RUN_MARKERS_DIR,
} from "../../driver/consts";
import { ISelfServiceCredentials } from "../credentials";
import { assertValidFields, conflictingFields, invalidField } from "../errors";
import { expressionLiteral, templateLiteral, templateLiterals } from "../terraform-literal";
import { clientIdProblems, scopeNameProblems, serviceUrlProblems } from "../../p1as/rules";
import type { Certificate, ICertificate } from "./certificate";
import type { Hostname } from "./hostname";
import { TerraformData } from "./terraform-data";
import { requireTerraform, TERRAFORM_RELEASES } from "../terraform-version";
import { MARKER_FIELDS, MarkerKind } from "../../driver/run-markers";

/** How often the driver asks whether an object is ready. */
export const DEFAULT_POLL_INTERVAL_MS = 2_000;
/** How long the driver waits for one object to become ready before failing the deploy. */
export const DEFAULT_READY_TIMEOUT_MS = 10 * 60_000;
/**
 * Budget of one API request including its retries: the client's REQUEST_TIMEOUT_MS_DEFAULT, written out
 * so that synthesis never loads the HTTP client.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * The driver as one esbuild bundle of the compiled JS (`npm run build` makes it), relative to the
 * project root. Every provisioner is a new process, so start-up counts per object: the bundle starts
 * faster than the tsc output's many files (see the README's bench numbers); never ts-node.
 */
export const DEFAULT_DRIVER_COMMAND = "node dist/driver/bundle.js";

/** The directory holding package.json: file paths in the plan and the driver's working_dir are relative to it. */
export const PROJECT_ROOT = findProjectRoot(__dirname);

export interface VirtualHostsProps {
  /** Client credentials with a self-service role for this environment (`<env>-tls-admin`). */
  readonly credentials: ISelfServiceCredentials;
  /** The environment's self-service API base, ending in `/api/v1`. */
  readonly apiUrl: string;
  /** @default DEFAULT_POLL_INTERVAL_MS (2000) */
  readonly pollIntervalMs?: number;
  /** Per object; must be at least `pollIntervalMs`. @default DEFAULT_READY_TIMEOUT_MS (600000) */
  readonly readyTimeoutMs?: number;
  /**
   * Budget of one API or token request including its retries; a response slower than this counts as
   * lost (a create then checks with a list before sending again). @default DEFAULT_REQUEST_TIMEOUT_MS (30000)
   */
  readonly requestTimeoutMs?: number;
  /**
   * Command line of the driver, run from the project root with the sub-command appended.
   * The benchmark swaps in a no-op here; nothing else should.
   * @default DEFAULT_DRIVER_COMMAND ("node dist/driver/bundle.js")
   */
  readonly driverCommand?: string;
}

/** Holds the `Certificate`s and `Hostname`s of one stack and emits their Terraform resources. */
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
  private readonly declaredCertificates: Certificate[] = [];
  private readonly declaredHostnames: Hostname[] = [];

  constructor(scope: Construct, id: string, props: VirtualHostsProps) {
    super(scope, id);
    const where = this.node.path;
    const stack = TerraformStack.of(this);
    const other = stack.node.findAll().find((c) => c instanceof VirtualHosts && c !== this);
    if (other) throw invalidField(where, "scope", stack.node.path, [`already holds ${other.node.path}; declare one VirtualHosts per stack`]);

    this.apiUrl = props.apiUrl;
    this.pollIntervalMs = props.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.readyTimeoutMs = props.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    this.requestTimeoutMs = props.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    validateProps(where, props, { pollIntervalMs: this.pollIntervalMs, readyTimeoutMs: this.readyTimeoutMs, requestTimeoutMs: this.requestTimeoutMs });

    const secret = secretSource(where, stack, props.credentials.clientSecret);

    const runId = new TerraformVariable(this, RUN_ID_VARIABLE, {
      type: "string",
      default: "",
      nullable: false,
      description: "A new value for every apply (npm run deploy and the other tools set TF_VAR_p1as_run_id): lets a content/routing step start no process when its create already ensured the same values in this run.",
    });
    runId.overrideLogicalId(RUN_ID_VARIABLE);
    requireTerraform(this, TERRAFORM_RELEASES.plantimestamp);
    const stackDir = path.resolve(App.of(this).outdir, "stacks", stack.node.id);
    const connection: Record<string, unknown> = {
      [K.version]: INPUT_VERSION,
      [K.apiUrl]: props.apiUrl,
      [K.tokenUrl]: props.credentials.tokenUrl,
      [K.clientId]: props.credentials.clientId,
      [K.scope]: props.credentials.scope ?? "",
      [K.clientSecretEnv]: secret.variable ? terraformVariableEnv(secret.variable) : "",
      [K.clientSecretAddress]: secret.address ?? "",
      [K.pollIntervalMs]: this.pollIntervalMs,
      [K.readyTimeoutMs]: this.readyTimeoutMs,
      [K.requestTimeoutMs]: this.requestTimeoutMs,
    };
    // The connection is a local of its own, so no config text is ever rendered inside the merge() expression.
    const connectionLocal = new TerraformLocal(this, CONNECTION_LOCAL, templateLiterals(connection));
    connectionLocal.overrideLogicalId(CONNECTION_LOCAL);
    const driver: DriverSettings = {
      command: props.driverCommand ?? DEFAULT_DRIVER_COMMAND,
      workingDir: templateLiteral(toPosix(path.relative(stackDir, PROJECT_ROOT)) || "."),
      createEnvironment: {
        [DRIVER_INPUT_ENV]: Fn.jsonencode(TerraformSelf.getAny("input")),
        [RUN_DIR_ENV]: `\${${RUN_DIR}}`,
        [STACK_DIR_ENV]: "${path.cwd}",
        // A generated secret has no TF_VAR_ to read; create provisioners may reference it directly.
        ...(secret.variable ? {} : { [CLIENT_SECRET_ENV]: Fn.nonsensitive(props.credentials.clientSecret) }),
      },
      destroyEnvironment: { [DRIVER_INPUT_ENV]: Fn.jsonencode(TerraformSelf.getAny("input")), [STACK_DIR_ENV]: "${path.cwd}" },
    };

    const certificates = this.objects(RESOURCE_NAMES.certificate, () => this.certificateMap(), {
      triggersReplace: { [K.name]: "${each.value.name}" },
      create: DRIVER_COMMANDS.certificateCreate,
      destroy: DRIVER_COMMANDS.certificateDelete,
      driver,
    });
    const content = this.objects(RESOURCE_NAMES.certificateContent, () => this.certificateMap(), {
      triggersReplace: { [K.sha256Fingerprint]: "${each.value.sha256_fingerprint}", [K.notAfter]: "${each.value.not_after}" },
      create: DRIVER_COMMANDS.certificateContent,
      skipWhenEnsured: "certificate",
      driver,
      dependsOn: [certificates],
    });
    const hostnames = this.objects(RESOURCE_NAMES.hostname, () => this.hostnameMap(), {
      triggersReplace: { [K.hostname]: "${each.value.hostname}" },
      create: DRIVER_COMMANDS.hostnameCreate,
      destroy: DRIVER_COMMANDS.hostnameDelete,
      driver,
      dependsOn: [certificates, content],
    });
    this.objects(RESOURCE_NAMES.hostnameRouting, () => this.hostnameMap(), {
      triggersReplace: { [K.product]: "${each.value.product}", [K.certname]: "${each.value.certname}" },
      create: DRIVER_COMMANDS.hostnameRouting,
      skipWhenEnsured: "hostname",
      driver,
      dependsOn: [hostnames],
    });
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

  /** The for_each map: non-sensitive per-object fields only (Terraform refuses sensitive for_each values). */
  private certificateMap(): Record<string, Record<string, unknown>> {
    return Object.fromEntries(
      this.declaredCertificates.map((certificate) => [
        certificate.certificateName,
        {
          [K.name]: certificate.certificateName,
          [K.fullchainFile]: certificate.fullchainFile,
          [K.privateKeyFile]: certificate.privateKeyFile,
          [K.privateKeyEnv]: certificate.privateKeyEnv,
          [K.sha256Fingerprint]: certificate.sha256Fingerprint,
          [K.notAfter]: certificate.notAfter,
          [K.adopt]: certificate.adopt,
        },
      ]),
    );
  }

  private hostnameMap(): Record<string, Record<string, unknown>> {
    return Object.fromEntries(
      this.declaredHostnames.map((hostname) => [
        hostname.hostname,
        { [K.hostname]: hostname.hostname, [K.product]: hostname.product, [K.certname]: hostname.certname, [K.adopt]: hostname.adopt },
      ]),
    );
  }

  private objects(
    name: string,
    forEach: () => Record<string, Record<string, unknown>>,
    options: {
      triggersReplace: Record<string, string>;
      create: DriverCommand;
      destroy?: DriverCommand;
      /** Run no process when the existence create of this run already ensured these values (driver/run-markers.ts). */
      skipWhenEnsured?: MarkerKind;
      driver: DriverSettings;
      dependsOn?: TerraformData[];
    },
  ): TerraformData {
    const { driver, skipWhenEnsured } = options;
    const commandFor = (command: DriverCommand, when: "create" | "destroy") => {
      const run = `${driver.command} ${command}`;
      if (when === "destroy" || !skipWhenEnsured) return templateLiteral(run);
      const skip = `echo p1as: ${skipWhenEnsured} already ensured by its create in this run`;
      return `\${fileexists(${markerPath(skipWhenEnsured)}) ? ${expressionLiteral(skip)} : ${expressionLiteral(run)}}`;
    };
    const provisioner = (command: DriverCommand, when: "create" | "destroy") => ({
      type: "local-exec" as const,
      command: commandFor(command, when),
      workingDir: driver.workingDir,
      environment: when === "create" ? driver.createEnvironment : driver.destroyEnvironment,
      ...(when === "destroy" ? { when } : {}),
    });
    const resource = new TerraformData(this, name, {
      triggersReplace: options.triggersReplace,
      dependsOn: options.dependsOn,
      provisioners: [provisioner(options.create, "create"), ...(options.destroy ? [provisioner(options.destroy, "destroy")] : [])],
    });
    resource.overrideLogicalId(name);
    resource.addOverride("for_each", Lazy.anyValue({ produce: () => templateLiterals(forEach()) }));
    resource.addOverride("input", Fn.merge([ref("each.value"), ref(`local.${CONNECTION_LOCAL}`)]));
    return resource;
  }
}

/** This run's marker directory, as a Terraform expression: the stack directory and the run's plan timestamp. */
const RUN_DIR = `var.${RUN_ID_VARIABLE} == "" ? "" : format("%s/${RUN_MARKERS_DIR}/%s", path.cwd, sha256(join("|", [var.${RUN_ID_VARIABLE}, plantimestamp()])))`;

/** The marker a create leaves for this instance's values; the same name as markerName() in the driver. */
function markerPath(kind: MarkerKind): string {
  const parts = [JSON.stringify(kind), ...MARKER_FIELDS[kind].map((field) => `each.value.${field}`)];
  return `format("%s/%s", (${RUN_DIR}), sha256(join("|", [${parts.join(", ")}])))`;
}

interface DriverSettings {
  readonly command: string;
  readonly workingDir: string;
  readonly createEnvironment: Record<string, string>;
  readonly destroyEnvironment: Record<string, string>;
}

function validateProps(where: string, props: VirtualHostsProps, durations: { pollIntervalMs: number; readyTimeoutMs: number; requestTimeoutMs: number }): void {
  const { pollIntervalMs, readyTimeoutMs } = durations;
  // Credentials may come from any ISelfServiceCredentials, so their plain fields are judged here too.
  const { clientId, tokenUrl, scope } = props.credentials;
  const known = (value: unknown) => !Token.isUnresolved(value);
  assertValidFields(where, [
    { field: "apiUrl", value: props.apiUrl, reasons: known(props.apiUrl) ? serviceUrlProblems(props.apiUrl) : [] },
    { field: "credentials.clientId", value: clientId, reasons: known(clientId) ? clientIdProblems(clientId) : [] },
    { field: "credentials.tokenUrl", value: tokenUrl, reasons: known(tokenUrl) ? serviceUrlProblems(tokenUrl) : [] },
    { field: "credentials.scope", value: scope, reasons: scope !== undefined && known(scope) ? scopeNameProblems(scope) : [] },
  ]);
  if (!Token.isUnresolved(props.credentials.clientSecret)) {
    throw invalidField(where, "credentials.clientSecret", "<literal string>", [
      "must be a sensitive Terraform value (a TerraformVariable or a resource attribute), never a literal: a literal would be written into the synthesized JSON",
    ]);
  }
  for (const [field, value] of Object.entries(durations)) {
    if (!Number.isInteger(value) || value <= 0) throw invalidField(where, field, value, ["must be a positive whole number of milliseconds"]);
  }
  if (readyTimeoutMs < pollIntervalMs) {
    throw conflictingFields(where, "readyTimeoutMs", "pollIntervalMs", `the deadline (${readyTimeoutMs} ms) is shorter than one poll (${pollIntervalMs} ms)`, "Raise readyTimeoutMs or lower pollIntervalMs.");
  }
}

/**
 * Where provisioners find the client secret: a variable reaches them as TF_VAR_<name> from terraform's own
 * environment; a resource attribute (the orchestration client's generated secret) is read from the state
 * by the destroy-time driver, since destroy provisioners may reference only their own resource.
 */
function secretSource(where: string, stack: TerraformStack, token: string): { variable?: string; address?: string } {
  const resolved = Tokenization.resolve(token, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
  const expression = typeof resolved === "string" ? /^\$\{([^${}]+)\}$/.exec(resolved)?.[1] : undefined;
  const variable = expression && /^var\.([A-Za-z0-9_-]+)$/.exec(expression)?.[1];
  if (variable) return { variable };
  if (expression && /^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(expression)) return { address: expression };
  throw invalidField(where, "credentials.clientSecret", String(resolved), [
    "must reference a Terraform variable (var.<name>) or a resource attribute (<type>.<name>.<attribute>): destroy-time provisioners find the secret through it",
  ]);
}

function toPosix(file: string): string {
  return file.split(path.sep).join("/");
}

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
