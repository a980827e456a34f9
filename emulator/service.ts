/**
 * The emulated self-service API's domain rules, with no HTTP in them: one store per P1AS environment,
 * objects that go creating/updating -> complete after `completionDelayMs`, the product enum, a
 * hostname's certificate must exist, certificates in use need force_delete, PEM/RSA checks.
 * Private keys are kept (a real API needs them to serve TLS) but never returned, logged or put in an
 * error; `publicSnapshot()` leaves them out.
 */
import {
  CERTIFICATE_FINGERPRINT_FIELD,
  CERTIFICATE_NOT_AFTER_FIELD,
  ERROR_STATUS,
  ObjectStatus,
} from "../p1as/assumptions";
import { P1AS_ENVIRONMENTS, P1asEnvironment, PRODUCTS } from "../p1as/facts";
import { certnameProblems, hostnameProblems } from "../p1as/hostname";
import { checkCertificatePair } from "../p1as/pem";

/** FastAPI's validation detail item. */
export interface DetailItem {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

/**
 * A refusal the HTTP layer turns into `{detail}` with `status`. `code` marks refusals whose status
 * depends on the emulator's contract mode (see ./contract.ts).
 */
export class ServiceError extends Error {
  constructor(
    public readonly status: number,
    public readonly detail: string | readonly DetailItem[],
    public readonly code?: "certificate-in-use",
  ) {
    super(typeof detail === "string" ? detail : detail.map((item) => `${item.loc.join(".")}: ${item.msg}`).join("; "));
  }
}

/** How a create/update ends: normally, never (stuck in creating/updating), or in status `error`. */
export type Outcome = "complete" | "stuck" | "error";

export type ObjectKind = "certificate" | "hostname";

interface Lifecycle {
  /** Status until `readyAt`. */
  phase: "creating" | "updating";
  /** Epoch ms when the object leaves its phase; null = stuck. */
  readyAt: number | null;
  /** Status after `readyAt`, or a status forced by the admin endpoint. */
  finalStatus: ObjectStatus;
}

export interface StoredCertificate extends Lifecycle {
  name: string;
  fullchain: string;
  /** Secret: never returned, never logged. */
  privkey: string;
  sha256Fingerprint: string;
  notAfter: string;
}

export interface StoredHostname extends Lifecycle {
  hostname: string;
  product: string;
  certname: string;
}

interface EnvironmentStore {
  certificates: Map<string, StoredCertificate>;
  hostnames: Map<string, StoredHostname>;
}

/** The JSON kept in --state-file (holds private keys: the file is secret). */
export interface PersistedState {
  readonly version: 1;
  readonly environments: Record<string, { certificates: StoredCertificate[]; hostnames: StoredHostname[] }>;
}

export interface CertificateBody {
  readonly name: string;
  readonly fullchain: string;
  readonly privkey: string;
}

export interface HostnameBody {
  readonly hostname: string;
  readonly product: string;
  readonly certname: string;
}

export interface ServiceOptions {
  /** How long creating/updating lasts before complete. @default 0 */
  readonly completionDelayMs?: number;
  /**
   * Whether certificate views carry the assumed fingerprint and expiry fields; false lets tests prove
   * that adoption falls back when a real tenant turns out not to expose them. @default true
   */
  readonly exposeCertificateFingerprint?: boolean;
  /** Called after every change (the state file hook). @default - nothing */
  readonly onChange?: () => void;
}

const invalid = (loc: readonly (string | number)[], reasons: readonly string[]): DetailItem[] =>
  reasons.map((msg) => ({ loc: ["body", ...loc], msg, type: "value_error" }));

export class SelfServiceEmulator {
  private stores = new Map<P1asEnvironment, EnvironmentStore>();
  completionDelayMs: number;
  exposeCertificateFingerprint: boolean;
  private readonly onChange: () => void;

  constructor(options: ServiceOptions = {}) {
    this.completionDelayMs = options.completionDelayMs ?? 0;
    this.exposeCertificateFingerprint = options.exposeCertificateFingerprint ?? true;
    this.onChange = options.onChange ?? (() => undefined);
    this.reset(false);
  }

  // ---- certificates ----

  listCertificates(environment: P1asEnvironment): object[] {
    return [...this.store(environment).certificates.values()].map((certificate) => this.certificateView(certificate));
  }

  createCertificate(environment: P1asEnvironment, body: CertificateBody, outcome: Outcome = "complete"): object {
    const store = this.store(environment);
    const checked = this.checkCertificate(body, true);
    if (store.certificates.has(body.name))
      throw new ServiceError(ERROR_STATUS.conflict, `Certificate '${body.name}' already exists.`);
    const certificate: StoredCertificate = {
      name: body.name,
      fullchain: body.fullchain,
      privkey: body.privkey,
      ...checked,
      ...this.lifecycle("creating", outcome),
    };
    store.certificates.set(body.name, certificate);
    this.onChange();
    return this.certificateView(certificate);
  }

  updateCertificate(
    environment: P1asEnvironment,
    name: string,
    body: Omit<CertificateBody, "name">,
    outcome: Outcome = "complete",
  ): object {
    const certificate = this.certificate(environment, name);
    const checked = this.checkCertificate({ name, ...body }, false);
    Object.assign(
      certificate,
      { fullchain: body.fullchain, privkey: body.privkey },
      checked,
      this.lifecycle("updating", outcome),
    );
    this.onChange();
    return this.certificateView(certificate);
  }

  /** Refused (409 here, see CERTIFICATE_IN_USE_STATUSES) while a hostname uses it, unless forced; hostnames then keep naming it. */
  deleteCertificate(environment: P1asEnvironment, name: string, forceDelete: boolean): void {
    this.certificate(environment, name);
    const users = [...this.store(environment).hostnames.values()]
      .filter((hostname) => hostname.certname === name)
      .map((h) => h.hostname);
    if (users.length > 0 && !forceDelete) {
      throw new ServiceError(
        ERROR_STATUS.conflict,
        `Certificate '${name}' is in use by hostnames: ${users.join(", ")}. Delete them first or use force_delete=true.`,
        "certificate-in-use",
      );
    }
    this.store(environment).certificates.delete(name);
    this.onChange();
  }

  // ---- hostnames ----

  listHostnames(environment: P1asEnvironment): object[] {
    return [...this.store(environment).hostnames.values()].map((hostname) => this.hostnameView(hostname));
  }

  createHostname(environment: P1asEnvironment, body: HostnameBody, outcome: Outcome = "complete"): object {
    const store = this.store(environment);
    this.checkHostname(environment, body);
    if (store.hostnames.has(body.hostname))
      throw new ServiceError(ERROR_STATUS.conflict, `Hostname '${body.hostname}' already exists.`);
    const hostname: StoredHostname = {
      hostname: body.hostname,
      product: body.product,
      certname: body.certname,
      ...this.lifecycle("creating", outcome),
    };
    store.hostnames.set(body.hostname, hostname);
    this.onChange();
    return this.hostnameView(hostname);
  }

  updateHostname(
    environment: P1asEnvironment,
    hostname: string,
    body: Omit<HostnameBody, "hostname">,
    outcome: Outcome = "complete",
  ): object {
    const stored = this.hostname(environment, hostname);
    this.checkHostname(environment, { hostname, ...body });
    Object.assign(stored, { product: body.product, certname: body.certname }, this.lifecycle("updating", outcome));
    this.onChange();
    return this.hostnameView(stored);
  }

  deleteHostname(environment: P1asEnvironment, hostname: string): void {
    this.hostname(environment, hostname);
    this.store(environment).hostnames.delete(hostname);
    this.onChange();
  }

  // ---- test and admin controls ----

  /** Forces an object's status (e.g. `error`), as a broken rollout would. */
  setStatus(environment: P1asEnvironment, kind: ObjectKind, key: string, status: ObjectStatus): void {
    const stored = kind === "certificate" ? this.certificate(environment, key) : this.hostname(environment, key);
    if (status === "creating" || status === "updating")
      Object.assign(stored, { phase: status, readyAt: null, finalStatus: "complete" });
    else Object.assign(stored, { readyAt: 0, finalStatus: status });
    this.onChange();
  }

  /** Everything, private keys included: only for the --state-file. */
  snapshot(): PersistedState {
    const environments: PersistedState["environments"] = {};
    for (const [environment, store] of this.stores) {
      environments[environment] = {
        certificates: [...store.certificates.values()],
        hostnames: [...store.hostnames.values()],
      };
    }
    return { version: 1, environments };
  }

  /** What GET /_emulator/state shows: statuses resolved, private keys and fullchains left out. */
  publicSnapshot(): Record<string, { certificates: object[]; hostnames: object[] }> {
    return Object.fromEntries(
      P1AS_ENVIRONMENTS.map((env) => [
        env,
        { certificates: this.listCertificates(env), hostnames: this.listHostnames(env) },
      ]),
    );
  }

  load(state: PersistedState): void {
    this.reset(false);
    for (const [environment, saved] of Object.entries(state.environments)) {
      const store = this.store(environment as P1asEnvironment);
      for (const certificate of saved.certificates) store.certificates.set(certificate.name, { ...certificate });
      for (const hostname of saved.hostnames) store.hostnames.set(hostname.hostname, { ...hostname });
    }
  }

  reset(notify = true): void {
    this.stores = new Map(P1AS_ENVIRONMENTS.map((env) => [env, { certificates: new Map(), hostnames: new Map() }]));
    if (notify) this.onChange();
  }

  // ---- internals ----

  private store(environment: P1asEnvironment): EnvironmentStore {
    const store = this.stores.get(environment);
    if (!store) throw new ServiceError(ERROR_STATUS.notFound, "Not Found");
    return store;
  }

  private certificate(environment: P1asEnvironment, name: string): StoredCertificate {
    const certificate = this.store(environment).certificates.get(name);
    if (!certificate) throw new ServiceError(ERROR_STATUS.notFound, `Certificate '${name}' not found.`);
    return certificate;
  }

  private hostname(environment: P1asEnvironment, hostname: string): StoredHostname {
    const stored = this.store(environment).hostnames.get(hostname);
    if (!stored) throw new ServiceError(ERROR_STATUS.notFound, `Hostname '${hostname}' not found.`);
    return stored;
  }

  private lifecycle(phase: Lifecycle["phase"], outcome: Outcome): Lifecycle {
    return {
      phase,
      readyAt: outcome === "stuck" ? null : Date.now() + this.completionDelayMs,
      finalStatus: outcome === "error" ? "error" : "complete",
    };
  }

  private status(lifecycle: Lifecycle): ObjectStatus {
    return lifecycle.readyAt !== null && Date.now() >= lifecycle.readyAt ? lifecycle.finalStatus : lifecycle.phase;
  }

  private checkCertificate(body: CertificateBody, checkName: boolean): { sha256Fingerprint: string; notAfter: string } {
    const problems: DetailItem[] = checkName ? invalid(["name"], certnameProblems(body.name)) : [];
    const pair = checkCertificatePair(body);
    if (!pair.ok) problems.push(...pair.problems.flatMap((problem) => invalid([problem.field], [problem.reason])));
    if (problems.length > 0 || !pair.ok) throw new ServiceError(ERROR_STATUS.invalid, problems);
    return { sha256Fingerprint: pair.info.sha256Fingerprint, notAfter: pair.info.notAfter.toISOString() };
  }

  private checkHostname(environment: P1asEnvironment, body: HostnameBody): void {
    const problems = [
      ...invalid(["hostname"], hostnameProblems(body.hostname)),
      ...invalid(
        ["product"],
        (PRODUCTS as readonly string[]).includes(body.product)
          ? []
          : [`Input should be ${PRODUCTS.map((p) => `'${p}'`).join(", ")}`],
      ),
      ...invalid(["certname"], certnameProblems(body.certname)),
    ];
    if (problems.length > 0) throw new ServiceError(ERROR_STATUS.invalid, problems);
    if (!this.store(environment).certificates.has(body.certname)) {
      throw new ServiceError(
        ERROR_STATUS.invalid,
        invalid(["certname"], [`Certificate '${body.certname}' does not exist.`]),
      );
    }
  }

  private certificateView(certificate: StoredCertificate): object {
    const view = { name: certificate.name, status: this.status(certificate) };
    if (!this.exposeCertificateFingerprint) return view;
    return {
      ...view,
      [CERTIFICATE_FINGERPRINT_FIELD]: certificate.sha256Fingerprint,
      [CERTIFICATE_NOT_AFTER_FIELD]: certificate.notAfter,
    };
  }

  private hostnameView(hostname: StoredHostname): object {
    return {
      hostname: hostname.hostname,
      product: hostname.product,
      certname: hostname.certname,
      status: this.status(hostname),
    };
  }
}
