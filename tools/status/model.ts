/**
 * The status view's model: collect what each environment's self-service API holds (list requests and a
 * token request only: this view never changes anything) and compare it with the synthesized code.
 * Colours are the P1AS admin console's: blue creating, green complete, yellow updating, red error.
 */
import { connect } from "../../client/connect";
import { CertificateView, HostnameView, SelfServiceClient } from "../../client/self-service-client";
import { redactText } from "../../client/redact";
import { ObjectStatus } from "../../p1as/assumptions";
import { sameFingerprint } from "../../p1as/pem";
import { EXIT_CHANGES, EXIT_ERROR } from "../../cli-kit/errors";
import { Connection, DeclaredCertificate, DeclaredHostname, Target } from "./targets";

export type Kind = "certificate" | "hostname";
/** `absent`: declared in code, not held by the API. */
export type RowStatus = ObjectStatus | "absent";
export type Colour = "blue" | "green" | "yellow" | "red" | "grey";
export type Sync = "in-sync" | "drifted" | "not-managed" | "missing";
export type ExpiryLevel = "ok" | "warning" | "critical";

/** Expiry is a warning under this many days, and red under EXPIRY_CRITICAL_DAYS. */
export const EXPIRY_WARNING_DAYS = 30;
export const EXPIRY_CRITICAL_DAYS = 7;
/** `--once` exit code when something is not green (an object not complete, not in sync, or expiring). */
export const EXIT_ATTENTION = EXIT_CHANGES;

/** The console has no colour for `deleting` (an assumed status) or for an object that is not there: grey, with the word. */
export const STATUS_COLOURS: Readonly<Record<RowStatus, Colour>> = {
  creating: "blue",
  complete: "green",
  updating: "yellow",
  error: "red",
  deleting: "grey",
  absent: "grey",
};

export interface Expiry {
  readonly notAfter: string;
  /** Whole days left; negative once expired. */
  readonly days: number;
  readonly level: ExpiryLevel;
  /** The API's own expiry, or the declared chain's when the API does not return one. */
  readonly source: "api" | "code";
}

export interface StatusRow {
  readonly kind: Kind;
  readonly key: string;
  readonly status: RowStatus;
  readonly colour: Colour;
  readonly sync: Sync;
  /** What differs between code and API, in words ("product: code pingaccess-engines, API pingdirectory"). */
  readonly differences: readonly string[];
  /** Hostnames: where they route ("pingfederate-engines with wildcard-dev"). */
  readonly detail?: string;
  readonly expiry?: Expiry;
  /** Green, in sync and not expiring soon. */
  readonly green: boolean;
}

export interface EnvironmentStatus {
  readonly environment: string;
  readonly stack: string;
  readonly apiUrl?: string;
  readonly rows: readonly StatusRow[];
  /** Why the API could not be read (redacted). */
  readonly error?: string;
  /** Why nothing was read ("declares no virtual hosts"). */
  readonly note?: string;
}

export interface StatusReport {
  readonly generatedAt: string;
  readonly environments: readonly EnvironmentStatus[];
  /** 0 all green and in sync, EXIT_ATTENTION (2) something needs attention, 1 an API could not be read. */
  readonly exitCode: number;
}

const DAY_MS = 86_400_000;

export function expiryOf(notAfter: string, now: Date, source: Expiry["source"]): Expiry {
  const days = Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS);
  const level: ExpiryLevel = days < EXPIRY_CRITICAL_DAYS ? "critical" : days < EXPIRY_WARNING_DAYS ? "warning" : "ok";
  return { notAfter, days, level, source };
}

function row(fields: Omit<StatusRow, "colour" | "green">): StatusRow {
  const colour = STATUS_COLOURS[fields.status];
  const green = colour === "green" && fields.sync === "in-sync" && (fields.expiry?.level ?? "ok") === "ok";
  return { ...fields, colour, green };
}

const short = (fingerprint: string) => `${fingerprint.slice(0, 11)}…`;

/** Declared certificates and hostnames against what the API holds: in the synthesized order (cdktf sorts by name), then the undeclared by key. */
export function compare(
  declared: { certificates: readonly DeclaredCertificate[]; hostnames: readonly DeclaredHostname[] },
  held: { certificates: readonly CertificateView[]; hostnames: readonly HostnameView[] },
  now: Date,
): StatusRow[] {
  const rows: StatusRow[] = [];
  for (const code of declared.certificates) {
    const api = held.certificates.find((certificate) => certificate.name === code.name);
    const expiry = api?.notAfter
      ? expiryOf(api.notAfter, now, "api")
      : code.notAfter
        ? expiryOf(code.notAfter, now, "code")
        : undefined;
    // Without a fingerprint from the API (the confirmed contract), a certificate can only be matched by name.
    const differences =
      api?.sha256Fingerprint &&
      code.sha256Fingerprint &&
      !sameFingerprint(api.sha256Fingerprint, code.sha256Fingerprint)
        ? [`sha256 fingerprint: code ${short(code.sha256Fingerprint)}, API ${short(api.sha256Fingerprint)}`]
        : [];
    rows.push(
      row({
        kind: "certificate",
        key: code.name,
        status: api?.status ?? "absent",
        sync: !api ? "missing" : differences.length ? "drifted" : "in-sync",
        differences,
        expiry,
      }),
    );
  }
  for (const code of declared.hostnames) {
    const api = held.hostnames.find((hostname) => hostname.hostname === code.hostname);
    const differences = api
      ? (["product", "certname"] as const)
          .filter((field) => api[field] !== code[field])
          .map((field) => `${field}: code ${code[field]}, API ${api[field]}`)
      : [];
    rows.push(
      row({
        kind: "hostname",
        key: code.hostname,
        status: api?.status ?? "absent",
        sync: !api ? "missing" : differences.length ? "drifted" : "in-sync",
        differences,
        detail: `${(api ?? code).product} with ${(api ?? code).certname}`,
      }),
    );
  }
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  const extraCertificates = held.certificates.filter(
    (api) => !declared.certificates.some((code) => code.name === api.name),
  );
  const extraHostnames = held.hostnames.filter(
    (api) => !declared.hostnames.some((code) => code.hostname === api.hostname),
  );
  const extras = [
    ...extraCertificates.map((api) =>
      row({
        kind: "certificate",
        key: api.name,
        status: api.status,
        sync: "not-managed",
        differences: [],
        expiry: api.notAfter ? expiryOf(api.notAfter, now, "api") : undefined,
      }),
    ),
    ...extraHostnames.map((api) =>
      row({
        kind: "hostname",
        key: api.hostname,
        status: api.status,
        sync: "not-managed",
        differences: [],
        detail: `${api.product} with ${api.certname}`,
      }),
    ),
  ];
  return [...rows, ...extras.sort((a, b) => (a.kind === b.kind ? byKey(a, b) : a.kind === "certificate" ? -1 : 1))];
}

export interface CollectorOptions {
  /** Retry and progress lines of the client. @default - stderr */
  readonly log?: (line: string) => void;
  /** @default - now */
  readonly now?: () => Date;
}

/**
 * Reads every target's API and compares. Clients (and so tokens and discovered contracts) are kept between
 * calls, so a page polling every few seconds costs one token request per token lifetime, not one per poll.
 */
export class StatusCollector {
  private readonly clients = new Map<string, Promise<SelfServiceClient>>();

  constructor(
    private readonly targets: readonly Target[],
    private readonly options: CollectorOptions = {},
  ) {}

  async collect(): Promise<StatusReport> {
    const now = this.options.now?.() ?? new Date();
    const environments = await Promise.all(this.targets.map((target) => this.environment(target, now)));
    const exitCode = environments.some((environment) => environment.error)
      ? EXIT_ERROR
      : environments.some((environment) => environment.rows.some((item) => !item.green))
        ? EXIT_ATTENTION
        : 0;
    return { generatedAt: now.toISOString(), environments, exitCode };
  }

  private async environment(target: Target, now: Date): Promise<EnvironmentStatus> {
    const base = { environment: target.environment, stack: target.stack };
    if (!target.connection) return { ...base, rows: [], note: "declares no virtual hosts" };
    const apiUrl = target.connection.apiUrl;
    try {
      const client = await this.client(target.stack, target.connection);
      const [certificates, hostnames] = await Promise.all([client.listCertificates(), client.listHostnames()]);
      return { ...base, apiUrl, rows: compare(target, { certificates, hostnames }, now) };
    } catch (error) {
      // A failed discovery is tried again on the next look, not cached for ever.
      this.clients.delete(target.stack);
      return { ...base, apiUrl, rows: [], error: redactText(error instanceof Error ? error.message : String(error)) };
    }
  }

  private client(stack: string, connection: Connection): Promise<SelfServiceClient> {
    let client = this.clients.get(stack);
    if (!client) {
      client = this.connect(connection);
      this.clients.set(stack, client);
    }
    return client;
  }

  private async connect(connection: Connection): Promise<SelfServiceClient> {
    const { client } = await connect({
      apiUrl: connection.apiUrl,
      tokenUrl: connection.tokenUrl,
      read: connection.credentials(),
      scope: connection.scope,
      apiContract: connection.apiContract,
      timeoutMs: connection.requestTimeoutMs,
      maxRetries: connection.maxRetries,
      log: this.options.log,
    });
    return client;
  }
}
