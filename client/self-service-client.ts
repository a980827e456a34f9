/**
 * P1AS self-service API client. Routes and fields come from an ApiContract (./contract.ts): by default
 * the guesses of p1as/assumptions.ts, or what the tenant's OpenAPI document says (discoverContract),
 * or only the confirmed facts (CONFIRMED_CONTRACT). It works with each:
 * - a create answer without status says nothing about readiness, so the list is asked;
 * - a list item without status counts as complete (STATUS_WHEN_ABSENT);
 * - without an update route in the contract, updates are refused before anything is sent;
 * - a certificate fingerprint is read only when the contract documents it.
 *
 * Failure handling:
 * - idempotent calls (GET, PUT, DELETE, and updates by PATCH, which send every field) are retried by axios-retry
 *   under the RetryPolicy;
 * - a create (POST) is never retried blindly: after a lost response or a 5xx it lists, returns the object
 *   if the create was committed, and otherwise posts again (up to the policy's retries);
 * - a 401 gets one fresh token and one more attempt;
 * - every request has a timeout, shared by its retries;
 * - redirects (307/308 only) are followed once, and only where repeating the request cannot reach
 *   something else: same origin (the bearer token never leaves the API host), and for any method but
 *   GET only to the same path with or without its trailing slash and the same query (FastAPI's
 *   redirect_slashes). Anything else fails with the Location named; 301/302/303 are never followed,
 *   as they would turn a write into a GET.
 */
import axios, { AxiosInstance, AxiosRequestConfig, AxiosResponse, isAxiosError } from "axios";
import { z } from "zod";
import {
  CERTIFICATE_FINGERPRINT_FIELD,
  CERTIFICATE_IN_USE_STATUSES,
  CERTIFICATE_NOT_AFTER_FIELD,
  FAILED_STATUS,
  FORCE_DELETE_PARAM,
  OBJECT_STATUSES,
  ObjectStatus,
  READY_STATUS,
  STATUS_FIELD,
  STATUS_WHEN_ABSENT,
} from "../p1as/assumptions";
import { sameFingerprint } from "../p1as/pem";
import {
  ASSUMED_CONTRACT,
  ApiContract,
  BODY_FIELDS,
  ResourceContract,
  ResourceName,
  fillKey,
  listItemCarries,
} from "./contract";
import {
  SelfServiceApiError,
  certificateInUse,
  conflictAfterLostResponse,
  credentialDestinationRefused,
  httpFailure,
  invalidInput,
  objectFailed,
  readinessTimeout,
  redirectRefused,
  routeMissing,
  unexpectedResponse,
  withExtraRetries,
  writeCredentialsMissing,
} from "./errors";
import { redactRequest, redactText } from "./redact";
import { RetryPolicy, installRetry, resolveRetryPolicy, retryAfterMs, retryDelayMs } from "./retry";
import { keepAliveAgents } from "./http-agents";
import { REQUEST_TIMEOUT_MS_DEFAULT } from "./defaults";
import { SharedLists } from "./shared-lists";
import { TokenClient } from "./token-client";
import { AllowedHosts, allowedHostsFrom, apiUrlDestinationProblems } from "../p1as/destinations";
import {
  CertificateInput,
  HostnameInput,
  requireSecureUrl,
  validateCertificateInput,
  validateHostnameInput,
} from "./validation";

export interface SelfServiceClientOptions {
  /**
   * `https://self-service-api.<env>-<customer>.<region>.ping.cloud/api/v1` (see `selfServiceApiUrl` in p1as/facts.ts),
   * a loopback emulator, or a host of `allowedHosts`; https unless loopback.
   */
  readonly baseUrl: string;
  /**
   * The write client's tokens (role `<env>-tls-admin`): creates, updates and deletes.
   * @default - none: every write is refused before anything is sent (a plan needs none)
   */
  readonly tokens?: TokenClient;
  /**
   * The read-only client's tokens (role `<env>-tls-audit`): every GET.
   * @default - the write client's `tokens`
   */
  readonly readTokens?: TokenClient;
  /** Where the write client's secret comes from, said when a write is refused for lack of it. @default - a generic hint */
  readonly writeCredentialsHint?: string;
  /** Hosts on other DNS zones this API may be on (p1as/destinations.ts). @default - P1AS_ALLOWED_HOSTS of this process */
  readonly allowedHosts?: AllowedHosts;
  /** Budget for one request including its retries. @default 30000 */
  readonly timeoutMs?: number;
  /** @default DEFAULT_RETRY_POLICY */
  readonly retry?: Partial<RetryPolicy>;
  /** Progress lines (retries, recoveries). Never carry secrets. @default - write to stderr */
  readonly log?: (line: string) => void;
  /** Routes and fields of the API; see discoverContract and CONFIRMED_CONTRACT in ./contract.ts. @default ASSUMED_CONTRACT */
  readonly contract?: ApiContract;
}

export interface CertificateView {
  readonly name: string;
  readonly status: ObjectStatus;
  /** Leaf SHA-256 fingerprint, when the API exposes it (an assumption; see CERTIFICATE_VIEW_EXPOSES_FINGERPRINT). */
  readonly sha256Fingerprint?: string;
  /** ISO-8601 expiry, when the API exposes it. */
  readonly notAfter?: string;
}

export interface HostnameView {
  readonly hostname: string;
  readonly product: string;
  readonly certname: string;
  readonly status: ObjectStatus;
}

export type ObjectKind = "certificate" | "hostname";

export interface ReadOptions {
  /**
   * Answer from the list this client shares between reads since its last write to the collection (one list for a
   * plan's whole refresh). Never for a check before a write or a readiness poll, which must see the API now.
   * @default false
   */
  readonly shared?: boolean;
}

export interface WaitOptions {
  /** @default 300000 */
  readonly timeoutMs?: number;
  /** @default 2000 */
  readonly pollIntervalMs?: number;
  /** @default - write to stderr */
  readonly onProgress?: (line: string) => void;
}

/** One look at an object: ready, or not yet (with what was seen). `error` status throws instead. */
export type ReadyCheck<V> =
  { readonly ready: true; readonly view: V } | { readonly ready: false; readonly status: ObjectStatus | "absent" };

export { REQUEST_TIMEOUT_MS_DEFAULT };
export const READY_TIMEOUT_MS_DEFAULT = 300_000;
export const READY_POLL_INTERVAL_MS_DEFAULT = 2_000;

const stderrLine = (line: string) => process.stderr.write(`${line}\n`);

const Status = z.enum(OBJECT_STATUSES).optional();
const CertificateItem = z
  .object({
    name: z.string(),
    [STATUS_FIELD]: Status,
    [CERTIFICATE_FINGERPRINT_FIELD]: z.string().optional(),
    [CERTIFICATE_NOT_AFTER_FIELD]: z.string().optional(),
  })
  .passthrough();
const HostnameItem = z
  .object({ hostname: z.string(), product: z.string(), certname: z.string(), [STATUS_FIELD]: Status })
  .passthrough();

/** Reads the fingerprint and expiry only where the contract documents them: an undocumented field is no contract. */
function certificateViewer(contract: ResourceContract) {
  const documented = (field: string, value: unknown) =>
    listItemCarries(contract, field) && typeof value === "string" ? value : undefined;
  return (item: z.infer<typeof CertificateItem>): CertificateView => {
    const fingerprint = documented(CERTIFICATE_FINGERPRINT_FIELD, item[CERTIFICATE_FINGERPRINT_FIELD]);
    const notAfter = documented(CERTIFICATE_NOT_AFTER_FIELD, item[CERTIFICATE_NOT_AFTER_FIELD]);
    return {
      name: item.name,
      status: item.status ?? STATUS_WHEN_ABSENT,
      ...(fingerprint ? { sha256Fingerprint: fingerprint } : {}),
      ...(notAfter ? { notAfter } : {}),
    };
  };
}

function toHostnameView(item: z.infer<typeof HostnameItem>): HostnameView {
  return {
    hostname: item.hostname,
    product: item.product,
    certname: item.certname,
    status: item.status ?? STATUS_WHEN_ABSENT,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The API base URL, refused (nothing sent) unless it is https or loopback http, and a P1AS environment's documented
 * host, loopback, or on the allow-list: bearer tokens go nowhere else. Returns it without trailing slashes.
 */
export function requireApiDestination(url: string, allowedHosts: AllowedHosts = allowedHostsFrom()): string {
  const baseUrl = requireSecureUrl("baseUrl", url).toString().replace(/\/+$/, "");
  const refused = apiUrlDestinationProblems(baseUrl, {}, allowedHosts);
  if (refused.length > 0) throw credentialDestinationRefused("baseUrl", url, refused);
  return baseUrl;
}

const REDIRECT_STATUSES = [307, 308];
const withoutTrailingSlash = (path: string) => path.replace(/(.)\/+$/, "$1");

/** How one call went so far: a 401 gets one fresh token, a redirect is followed once. */
interface Attempt {
  readonly tokenRetried: boolean;
  readonly redirected: boolean;
}

export class SelfServiceClient {
  /** The routes and fields this client uses. */
  readonly contract: ApiContract;
  private readonly http: AxiosInstance;
  private readonly toCertificateView: (item: z.infer<typeof CertificateItem>) => CertificateView;
  private readonly tokens: TokenClient | undefined;
  private readonly readTokens: TokenClient;
  private readonly writeCredentialsHint: string;
  private readonly policy: ReturnType<typeof resolveRetryPolicy>;
  private readonly log: (line: string) => void;
  private readonly lists = new SharedLists<ResourceName>();

  constructor(options: SelfServiceClientOptions) {
    const baseUrl = requireApiDestination(options.baseUrl, options.allowedHosts);
    const readTokens = options.readTokens ?? options.tokens;
    if (!readTokens)
      throw invalidInput("configure client", [
        {
          field: "tokens",
          value: undefined,
          reasons: ["give tokens (the write client), readTokens (the read-only client), or both"],
        },
      ]);
    this.tokens = options.tokens;
    this.readTokens = readTokens;
    this.writeCredentialsHint =
      options.writeCredentialsHint ?? "Give the client the write client's tokens to change anything.";
    this.policy = resolveRetryPolicy(options.retry);
    this.log = (line) => (options.log ?? stderrLine)(redactText(line));
    this.contract = options.contract ?? ASSUMED_CONTRACT;
    this.toCertificateView = certificateViewer(this.contract.certificates);
    this.http = axios.create({
      ...keepAliveAgents(),
      baseURL: baseUrl,
      timeout: options.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT,
      headers: { Accept: "application/json" },
      // Redirects are the client's decision (see followable), never axios's.
      maxRedirects: 0,
    });
    installRetry(this.http, this.policy, (event) =>
      this.log(
        `${event.operation}: ${event.reason}; retry ${event.retryNumber} of ${event.retries} in ${event.delayMs} ms`,
      ),
    );
  }

  // ---- certificates -------------------------------------------------------------------------

  async listCertificates(options: ReadOptions = {}): Promise<CertificateView[]> {
    const fetch = () =>
      this.list("list certificates", this.contract.certificates, CertificateItem, this.toCertificateView);
    return options.shared ? [...(await this.lists.get("certificates", fetch))] : fetch();
  }

  /** undefined when the certificate does not exist (GET by key goes through the list: an assumption). */
  async getCertificate(name: string, options: ReadOptions = {}): Promise<CertificateView | undefined> {
    if (options.shared)
      return this.lists.find(
        "certificates",
        name,
        (certificate: CertificateView) => certificate.name,
        () => this.listCertificates(),
      );
    return (await this.listCertificates()).find((certificate) => certificate.name === name);
  }

  async createCertificate(input: CertificateInput): Promise<CertificateView> {
    const operation = `create certificate ${input?.name}`;
    const info = validateCertificateInput(operation, input);
    const body = { name: input.name, fullchain: input.fullchain, privkey: input.privkey };
    return this.lists.writing("certificates", () =>
      this.createWithRecovery(
        operation,
        () =>
          this.post(operation, this.contract.certificates, body, CertificateItem, this.toCertificateView, () =>
            this.getCertificate(input.name),
          ),
        () => this.getCertificate(input.name),
        // Without a fingerprint in the view, "exists by name" is all we can check (see assumptions).
        (found) =>
          found.sha256Fingerprint === undefined || sameFingerprint(found.sha256Fingerprint, info.sha256Fingerprint)
            ? undefined
            : "a different certificate is stored under this name",
      ),
    );
  }

  /** Replaces the pair of an existing certificate, by the contract's update route (refused when it has none). */
  async updateCertificate(input: CertificateInput): Promise<CertificateView> {
    const operation = `update certificate ${input?.name}`;
    const route = this.updateRoute(operation, "certificates");
    validateCertificateInput(operation, input);
    return this.lists.writing("certificates", () =>
      this.update(operation, route, input.name, input, CertificateItem, this.toCertificateView),
    );
  }

  /**
   * 404 means the certificate is already gone, which is what a delete wants. A refusal because
   * hostnames use it (409 or 400: CERTIFICATE_IN_USE_STATUSES) carries reason "certificate-in-use".
   */
  async deleteCertificate(name: string, options: { forceDelete?: boolean } = {}): Promise<"deleted" | "absent"> {
    try {
      return await this.lists.writing("certificates", () =>
        this.delete(
          `delete certificate ${name}`,
          this.contract.certificates,
          name,
          options.forceDelete ? { [FORCE_DELETE_PARAM]: "true" } : undefined,
        ),
      );
    } catch (error) {
      const inUse =
        error instanceof SelfServiceApiError &&
        (CERTIFICATE_IN_USE_STATUSES as readonly number[]).includes(error.status);
      throw inUse ? certificateInUse(error) : error;
    }
  }

  // ---- hostnames ----------------------------------------------------------------------------

  async listHostnames(options: ReadOptions = {}): Promise<HostnameView[]> {
    const fetch = () => this.list("list hostnames", this.contract.hostnames, HostnameItem, toHostnameView);
    return options.shared ? [...(await this.lists.get("hostnames", fetch))] : fetch();
  }

  async getHostname(hostname: string, options: ReadOptions = {}): Promise<HostnameView | undefined> {
    if (options.shared)
      return this.lists.find(
        "hostnames",
        hostname,
        (view: HostnameView) => view.hostname,
        () => this.listHostnames(),
      );
    return (await this.listHostnames()).find((view) => view.hostname === hostname);
  }

  async createHostname(input: HostnameInput): Promise<HostnameView> {
    const operation = `create hostname ${input?.hostname}`;
    validateHostnameInput(operation, input);
    const body = { hostname: input.hostname, product: input.product, certname: input.certname };
    return this.lists.writing("hostnames", () =>
      this.createWithRecovery(
        operation,
        () =>
          this.post(operation, this.contract.hostnames, body, HostnameItem, toHostnameView, () =>
            this.getHostname(input.hostname),
          ),
        () => this.getHostname(input.hostname),
        (found) =>
          found.product === input.product && found.certname === input.certname
            ? undefined
            : `it routes to product ${found.product} with certname ${found.certname}`,
      ),
    );
  }

  /** Changes what an existing hostname routes to, by the contract's update route (refused when it has none). */
  async updateHostname(input: HostnameInput): Promise<HostnameView> {
    const operation = `update hostname ${input?.hostname}`;
    const route = this.updateRoute(operation, "hostnames");
    validateHostnameInput(operation, input);
    return this.lists.writing("hostnames", () =>
      this.update(operation, route, input.hostname, input, HostnameItem, toHostnameView),
    );
  }

  async deleteHostname(hostname: string): Promise<"deleted" | "absent"> {
    return this.lists.writing("hostnames", () =>
      this.delete(`delete hostname ${hostname}`, this.contract.hostnames, hostname),
    );
  }

  // ---- readiness: start and wait are separate steps -----------------------------------------

  /** One look: "not ready yet" is an outcome; status `error` throws ReadinessError. */
  async checkReady(kind: "certificate", key: string): Promise<ReadyCheck<CertificateView>>;
  async checkReady(kind: "hostname", key: string): Promise<ReadyCheck<HostnameView>>;
  async checkReady(
    kind: ObjectKind,
    key: string,
    waitedMs?: number,
  ): Promise<ReadyCheck<CertificateView | HostnameView>>;
  async checkReady(kind: ObjectKind, key: string, waitedMs = 0): Promise<ReadyCheck<CertificateView | HostnameView>> {
    const view = kind === "certificate" ? await this.getCertificate(key) : await this.getHostname(key);
    // Creation is eventually consistent: an object not listed yet is treated like one still creating.
    if (!view) return { ready: false, status: "absent" };
    if (view.status === FAILED_STATUS) throw objectFailed(kind, key, waitedMs);
    return view.status === READY_STATUS ? { ready: true, view } : { ready: false, status: view.status };
  }

  /** Polls until the object is complete; fails on status `error` or at the deadline. */
  async waitUntilReady(kind: "certificate", key: string, options?: WaitOptions): Promise<CertificateView>;
  async waitUntilReady(kind: "hostname", key: string, options?: WaitOptions): Promise<HostnameView>;
  async waitUntilReady(
    kind: ObjectKind,
    key: string,
    options: WaitOptions = {},
  ): Promise<CertificateView | HostnameView> {
    const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS_DEFAULT;
    const pollIntervalMs = options.pollIntervalMs ?? READY_POLL_INTERVAL_MS_DEFAULT;
    const progress = options.onProgress ?? stderrLine;
    const started = Date.now();
    let lastStatus = "";
    for (;;) {
      const waitedMs = Date.now() - started;
      const check = await this.checkReady(kind, key, waitedMs);
      if (check.ready) {
        progress(`${kind} ${key}: ${READY_STATUS} after ${Date.now() - started} ms`);
        return check.view;
      }
      if (check.status !== lastStatus) progress(`${kind} ${key}: ${check.status}, waiting (up to ${timeoutMs} ms)`);
      lastStatus = check.status;
      if (Date.now() - started + pollIntervalMs > timeoutMs)
        throw readinessTimeout(kind, key, lastStatus, Date.now() - started);
      await sleep(pollIntervalMs);
    }
  }

  // ---- transport ----------------------------------------------------------------------------

  /** One request with a bearer token; a 401 gets one fresh token and one more attempt; a safe redirect is followed once. */
  private async send(
    operation: string,
    config: AxiosRequestConfig,
    attempt: Attempt = { tokenRetried: false, redirected: false },
  ): Promise<AxiosResponse> {
    // Reads go with the read-only client, so a run that never writes never needs the write client's secret.
    const tokens = (config.method ?? "GET").toUpperCase() === "GET" ? this.readTokens : this.tokens;
    if (!tokens) throw writeCredentialsMissing(operation, this.writeCredentialsHint);
    const token = await tokens.getToken();
    try {
      return await this.http.request({
        ...config,
        operation,
        headers: { ...config.headers, Authorization: `Bearer ${token}` },
      });
    } catch (error) {
      if (!attempt.tokenRetried && isAxiosError(error) && error.response?.status === 401) {
        this.log(`${operation}: HTTP 401; fetching a fresh token and trying once more`);
        tokens.invalidate(token);
        return this.send(operation, config, { ...attempt, tokenRetried: true });
      }
      if (isAxiosError(error) && error.response && REDIRECT_STATUSES.includes(error.response.status)) {
        const location = String(error.response.headers?.location ?? "");
        const from = new URL(this.http.getUri(config));
        const target = new URL(location, from);
        const refusal = attempt.redirected
          ? "the client follows one redirect per request"
          : this.redirectRefusal(config.method ?? "GET", from, target);
        if (refusal)
          throw redirectRefused(
            operation,
            error.response.status,
            location,
            refusal,
            redactRequest(error.config ?? config),
          );
        this.log(`${operation}: HTTP ${error.response.status} to ${target.pathname}${target.search}; following it`);
        return this.send(
          operation,
          { ...config, url: target.href, params: undefined },
          { ...attempt, redirected: true },
        );
      }
      throw httpFailure("api", operation, error);
    }
  }

  /** Why a redirect may not be followed, or undefined when it may (the rule is in the module comment). */
  private redirectRefusal(method: string, from: URL, target: URL): string | undefined {
    if (target.origin !== from.origin)
      return `it leads to another origin (${target.origin}), and the access token is only ever sent to ${from.origin}`;
    if (method.toUpperCase() === "GET") return undefined;
    const samePath =
      withoutTrailingSlash(target.pathname) === withoutTrailingSlash(from.pathname) && target.search === from.search;
    return samePath
      ? undefined
      : `a ${method.toUpperCase()} is re-sent only to the same path with or without its trailing slash, and the same query`;
  }

  /** The contract's update route for a resource; refuses (nothing sent) when it has none or needs a field the client cannot fill. */
  private updateRoute(operation: string, resource: ResourceName) {
    const contract = this.contract[resource];
    const route = contract.update;
    const remedy =
      "Delete and create the object again, or give the client a contract with an update route (discoverContract, or an override of";
    if (!route)
      throw routeMissing(
        operation,
        `update route for ${resource} (PUT or PATCH ${contract.keyPath})`,
        this.contract,
        `${remedy} ${resource}.update).`,
      );
    const unknown = route.bodyFields.filter((field) => !BODY_FIELDS[resource].includes(field));
    if (unknown.length > 0 || route.bodyFields.length === 0) {
      const needs = unknown.length > 0 ? `fields it cannot fill (${unknown.join(", ")})` : "no body fields";
      throw routeMissing(
        operation,
        `usable update route for ${resource}: ${route.method} ${route.path} documents ${needs}`,
        this.contract,
        `${remedy} ${resource}.update).`,
      );
    }
    return route;
  }

  /**
   * A create. An answer without status (the confirmed contract) says nothing about readiness, so the
   * list decides; an object the list does not show yet is still creating.
   */
  private async post<S extends z.ZodTypeAny, V extends { status: ObjectStatus }>(
    operation: string,
    resource: ResourceContract,
    body: object,
    item: S,
    view: (item: z.infer<S>) => V,
    find: () => Promise<V | undefined>,
  ): Promise<V> {
    const created = this.parse(
      operation,
      item,
      await this.send(operation, { method: "POST", url: resource.collection, data: body }),
    );
    if (created[STATUS_FIELD] !== undefined) return view(created);
    return (await find()) ?? { ...view(created), status: "creating" };
  }

  private parse<S extends z.ZodTypeAny>(operation: string, schema: S, response: AxiosResponse): z.infer<S> {
    const parsed = schema.safeParse(response.data);
    if (!parsed.success)
      throw unexpectedResponse(
        operation,
        response.status,
        parsed.error.issues.map((i) => `${i.path.join(".") || "body"} ${i.message}`).join("; "),
      );
    return parsed.data;
  }

  private async list<S extends z.ZodTypeAny, V>(
    operation: string,
    resource: ResourceContract,
    item: S,
    view: (item: z.infer<S>) => V,
  ): Promise<V[]> {
    const response = await this.send(operation, { method: "GET", url: resource.collection });
    return this.parse(operation, z.array(item), response).map(view);
  }

  private async update<S extends z.ZodTypeAny, V>(
    operation: string,
    route: NonNullable<ResourceContract["update"]>,
    key: string,
    input: object,
    item: S,
    view: (item: z.infer<S>) => V,
  ): Promise<V> {
    const data = Object.fromEntries(
      route.bodyFields.map((field) => [field, (input as Record<string, unknown>)[field]]),
    );
    // Every field the route takes is sent, so a PATCH sets the same values however often it arrives: retried like a
    // PUT (a lost answer, or a kept-alive socket the server had closed, would otherwise fail the update).
    const response = await this.send(operation, {
      method: route.method,
      url: fillKey(route.path, key),
      data,
      idempotent: true,
    });
    return view(this.parse(operation, item, response));
  }

  private async delete(
    operation: string,
    resource: ResourceContract,
    key: string,
    params?: Record<string, string>,
  ): Promise<"deleted" | "absent"> {
    try {
      await this.send(operation, { method: "DELETE", url: fillKey(resource.keyPath, key), params });
      return "deleted";
    } catch (error) {
      if (error instanceof SelfServiceApiError && error.status === 404) return "absent";
      throw error;
    }
  }

  /**
   * A POST whose outcome is unknown (no response, or a 5xx: the API may have committed before failing) is
   * retried only after a list shows nothing was created; if the object is there and matches, that was our
   * create. A 429 committed nothing, so it is posted again after the wait. At most the policy's retries.
   */
  private async createWithRecovery<V>(
    operation: string,
    post: () => Promise<V>,
    find: () => Promise<V | undefined>,
    difference: (found: V) => string | undefined,
  ): Promise<V> {
    for (let retry = 1; ; retry++) {
      try {
        return await post();
      } catch (error) {
        if (!(error instanceof SelfServiceApiError)) throw error;
        const counted = retry > 1 ? withExtraRetries(error, retry - 1) : error;
        if (!this.isUncertain(error) || retry > this.policy.retries) throw counted;
        if (error.status !== 429) {
          this.log(
            `${operation}: ${error.status === 0 ? "no response" : `HTTP ${error.status}`}; listing to check whether the create was committed`,
          );
          const found = await find();
          if (found) {
            const differs = difference(found);
            if (differs) throw conflictAfterLostResponse(operation, differs);
            this.log(`${operation}: it was committed; using the existing object`);
            return found;
          }
        }
        if ((retryAfterMs(error.retryAfter) ?? 0) > this.policy.maxRetryAfterMs) throw counted;
        const delayMs = retryDelayMs(this.policy, retry, error.retryAfter);
        this.log(
          `${operation}: not committed; posting again in ${delayMs} ms (retry ${retry} of ${this.policy.retries})`,
        );
        await sleep(delayMs);
      }
    }
  }

  private isUncertain(error: SelfServiceApiError): boolean {
    return error.status === 0 || this.policy.retryStatuses.includes(error.status);
  }
}
