/**
 * P1AS self-service API client. Confirmed routes are used as confirmed; everything guessed (update
 * routes, status field, list shape, GET-by-key) comes from p1as/assumptions.ts.
 *
 * Failure handling:
 * - idempotent calls (GET, PUT, DELETE) are retried by axios-retry under the RetryPolicy;
 * - a create (POST) is never retried blindly: after a lost response it lists, returns the object if
 *   the create was committed, and otherwise posts once more;
 * - a 401 gets one fresh token and one more attempt;
 * - every request has a timeout, shared by its retries.
 */
import axios, { AxiosInstance, AxiosRequestConfig, AxiosResponse, isAxiosError } from "axios";
import { z } from "zod";
import {
  CERTIFICATE_FINGERPRINT_FIELD,
  CERTIFICATE_NOT_AFTER_FIELD,
  CERTIFICATE_ROUTE,
  CERTIFICATE_VIEW_EXPOSES_FINGERPRINT,
  FAILED_STATUS,
  FORCE_DELETE_PARAM,
  HOSTNAME_ROUTE,
  OBJECT_STATUSES,
  ObjectStatus,
  READY_STATUS,
  RouteAssumption,
  STATUS_WHEN_ABSENT,
} from "../p1as/assumptions";
import { sameFingerprint } from "../p1as/pem";
import {
  SelfServiceApiError,
  conflictAfterLostResponse,
  httpFailure,
  objectFailed,
  readinessTimeout,
  unexpectedResponse,
  withExtraRetries,
} from "./errors";
import { redactText } from "./redact";
import { RetryPolicy, installRetry, resolveRetryPolicy, retryAfterMs, retryDelayMs } from "./retry";
import { TokenClient } from "./token-client";
import { CertificateInput, HostnameInput, requireSecureUrl, validateCertificateInput, validateHostnameInput } from "./validation";

export interface SelfServiceClientOptions {
  /** `https://self-service-api.<env>-<customer>.<region>.ping.cloud/api/v1` (see `selfServiceApiUrl` in p1as/facts.ts). https unless loopback. */
  readonly baseUrl: string;
  readonly tokens: TokenClient;
  /** Budget for one request including its retries. @default 30000 */
  readonly timeoutMs?: number;
  /** @default DEFAULT_RETRY_POLICY */
  readonly retry?: Partial<RetryPolicy>;
  /** Progress lines (retries, recoveries). Never carry secrets. @default - write to stderr */
  readonly log?: (line: string) => void;
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

export interface WaitOptions {
  /** @default 300000 */
  readonly timeoutMs?: number;
  /** @default 2000 */
  readonly pollIntervalMs?: number;
  /** @default - write to stderr */
  readonly onProgress?: (line: string) => void;
}

/** One look at an object: ready, or not yet (with what was seen). `error` status throws instead. */
export type ReadyCheck<V> = { readonly ready: true; readonly view: V } | { readonly ready: false; readonly status: ObjectStatus | "absent" };

export const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;
export const READY_TIMEOUT_MS_DEFAULT = 300_000;
export const READY_POLL_INTERVAL_MS_DEFAULT = 2_000;

const stderrLine = (line: string) => process.stderr.write(`${line}\n`);

const Status = z.enum(OBJECT_STATUSES).optional();
const CertificateItem = z
  .object({
    name: z.string(),
    status: Status,
    [CERTIFICATE_FINGERPRINT_FIELD]: z.string().optional(),
    [CERTIFICATE_NOT_AFTER_FIELD]: z.string().optional(),
  })
  .passthrough();
const HostnameItem = z.object({ hostname: z.string(), product: z.string(), certname: z.string(), status: Status }).passthrough();

function toCertificateView(item: z.infer<typeof CertificateItem>): CertificateView {
  const fingerprint = item[CERTIFICATE_FINGERPRINT_FIELD] as string | undefined;
  const notAfter = item[CERTIFICATE_NOT_AFTER_FIELD] as string | undefined;
  return {
    name: item.name,
    status: item.status ?? STATUS_WHEN_ABSENT,
    ...(CERTIFICATE_VIEW_EXPOSES_FINGERPRINT && fingerprint ? { sha256Fingerprint: fingerprint } : {}),
    ...(CERTIFICATE_VIEW_EXPOSES_FINGERPRINT && notAfter ? { notAfter } : {}),
  };
}

function toHostnameView(item: z.infer<typeof HostnameItem>): HostnameView {
  return { hostname: item.hostname, product: item.product, certname: item.certname, status: item.status ?? STATUS_WHEN_ABSENT };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SelfServiceClient {
  private readonly http: AxiosInstance;
  private readonly tokens: TokenClient;
  private readonly policy: ReturnType<typeof resolveRetryPolicy>;
  private readonly log: (line: string) => void;

  constructor(options: SelfServiceClientOptions) {
    const baseUrl = requireSecureUrl("baseUrl", options.baseUrl).toString().replace(/\/+$/, "");
    this.tokens = options.tokens;
    this.policy = resolveRetryPolicy(options.retry);
    this.log = (line) => (options.log ?? stderrLine)(redactText(line));
    this.http = axios.create({
      baseURL: baseUrl,
      timeout: options.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT,
      headers: { Accept: "application/json" },
    });
    installRetry(this.http, this.policy, (event) =>
      this.log(`${event.operation}: ${event.reason}; retry ${event.retryNumber} of ${event.retries} in ${event.delayMs} ms`),
    );
  }

  // ---- certificates -------------------------------------------------------------------------

  async listCertificates(): Promise<CertificateView[]> {
    return this.list("list certificates", CERTIFICATE_ROUTE, CertificateItem, toCertificateView);
  }

  /** undefined when the certificate does not exist (GET by key goes through the list: an assumption). */
  async getCertificate(name: string): Promise<CertificateView | undefined> {
    return (await this.listCertificates()).find((certificate) => certificate.name === name);
  }

  async createCertificate(input: CertificateInput): Promise<CertificateView> {
    const operation = `create certificate ${input?.name}`;
    const info = validateCertificateInput(operation, input);
    const body = { name: input.name, fullchain: input.fullchain, privkey: input.privkey };
    return this.createWithRecovery(
      operation,
      async () => toCertificateView(this.parse(operation, CertificateItem, await this.send(operation, { method: "POST", url: CERTIFICATE_ROUTE.collection, data: body }))),
      () => this.getCertificate(input.name),
      // Without a fingerprint in the view, "exists by name" is all we can check (see assumptions).
      (found) => (found.sha256Fingerprint === undefined || sameFingerprint(found.sha256Fingerprint, info.sha256Fingerprint) ? undefined : "a different certificate is stored under this name"),
    );
  }

  /** Replaces the pair of an existing certificate (assumed route: PUT /certificates/{name}). */
  async updateCertificate(input: CertificateInput): Promise<CertificateView> {
    const operation = `update certificate ${input?.name}`;
    validateCertificateInput(operation, input);
    return this.update(operation, CERTIFICATE_ROUTE, input.name, { fullchain: input.fullchain, privkey: input.privkey }, CertificateItem, toCertificateView);
  }

  /** 404 means the certificate is already gone, which is what a delete wants. */
  async deleteCertificate(name: string, options: { forceDelete?: boolean } = {}): Promise<"deleted" | "absent"> {
    return this.delete(`delete certificate ${name}`, CERTIFICATE_ROUTE, name, options.forceDelete ? { [FORCE_DELETE_PARAM]: "true" } : undefined);
  }

  // ---- hostnames ----------------------------------------------------------------------------

  async listHostnames(): Promise<HostnameView[]> {
    return this.list("list hostnames", HOSTNAME_ROUTE, HostnameItem, toHostnameView);
  }

  async getHostname(hostname: string): Promise<HostnameView | undefined> {
    return (await this.listHostnames()).find((view) => view.hostname === hostname);
  }

  async createHostname(input: HostnameInput): Promise<HostnameView> {
    const operation = `create hostname ${input?.hostname}`;
    validateHostnameInput(operation, input);
    const body = { hostname: input.hostname, product: input.product, certname: input.certname };
    return this.createWithRecovery(
      operation,
      async () => toHostnameView(this.parse(operation, HostnameItem, await this.send(operation, { method: "POST", url: HOSTNAME_ROUTE.collection, data: body }))),
      () => this.getHostname(input.hostname),
      (found) =>
        found.product === input.product && found.certname === input.certname
          ? undefined
          : `it routes to product ${found.product} with certname ${found.certname}`,
    );
  }

  /** Changes what an existing hostname routes to (assumed route: PUT /hostnames/{hostname}). */
  async updateHostname(input: HostnameInput): Promise<HostnameView> {
    const operation = `update hostname ${input?.hostname}`;
    validateHostnameInput(operation, input);
    return this.update(operation, HOSTNAME_ROUTE, input.hostname, { product: input.product, certname: input.certname }, HostnameItem, toHostnameView);
  }

  async deleteHostname(hostname: string): Promise<"deleted" | "absent"> {
    return this.delete(`delete hostname ${hostname}`, HOSTNAME_ROUTE, hostname);
  }

  // ---- readiness: start and wait are separate steps -----------------------------------------

  /** One look: "not ready yet" is an outcome; status `error` throws ReadinessError. */
  async checkReady(kind: "certificate", key: string): Promise<ReadyCheck<CertificateView>>;
  async checkReady(kind: "hostname", key: string): Promise<ReadyCheck<HostnameView>>;
  async checkReady(kind: ObjectKind, key: string, waitedMs?: number): Promise<ReadyCheck<CertificateView | HostnameView>>;
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
  async waitUntilReady(kind: ObjectKind, key: string, options: WaitOptions = {}): Promise<CertificateView | HostnameView> {
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
      if (Date.now() - started + pollIntervalMs > timeoutMs) throw readinessTimeout(kind, key, lastStatus, Date.now() - started);
      await sleep(pollIntervalMs);
    }
  }

  // ---- transport ----------------------------------------------------------------------------

  /** One request with a bearer token; a 401 gets one fresh token and one more attempt. */
  private async send(operation: string, config: AxiosRequestConfig, tokenRetried = false): Promise<AxiosResponse> {
    const token = await this.tokens.getToken();
    try {
      return await this.http.request({ ...config, operation, headers: { ...config.headers, Authorization: `Bearer ${token}` } });
    } catch (error) {
      if (!tokenRetried && isAxiosError(error) && error.response?.status === 401) {
        this.log(`${operation}: HTTP 401; fetching a fresh token and trying once more`);
        this.tokens.invalidate(token);
        return this.send(operation, config, true);
      }
      throw httpFailure("api", operation, error);
    }
  }

  private parse<S extends z.ZodTypeAny>(operation: string, schema: S, response: AxiosResponse): z.infer<S> {
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) throw unexpectedResponse(operation, response.status, parsed.error.issues.map((i) => `${i.path.join(".") || "body"} ${i.message}`).join("; "));
    return parsed.data;
  }

  private async list<S extends z.ZodTypeAny, V>(operation: string, route: RouteAssumption, item: S, view: (item: z.infer<S>) => V): Promise<V[]> {
    const response = await this.send(operation, { method: "GET", url: route.collection });
    return this.parse(operation, z.array(item), response).map(view);
  }

  private async update<S extends z.ZodTypeAny, V>(
    operation: string,
    route: RouteAssumption,
    key: string,
    data: object,
    item: S,
    view: (item: z.infer<S>) => V,
  ): Promise<V> {
    const response = await this.send(operation, { method: route.updateMethod, url: `${route.collection}/${encodeURIComponent(key)}`, data });
    return view(this.parse(operation, item, response));
  }

  private async delete(operation: string, route: RouteAssumption, key: string, params?: Record<string, string>): Promise<"deleted" | "absent"> {
    try {
      await this.send(operation, { method: "DELETE", url: `${route.collection}/${encodeURIComponent(key)}`, params });
      return "deleted";
    } catch (error) {
      if (error instanceof SelfServiceApiError && error.status === 404) return "absent";
      throw error;
    }
  }

  /**
   * A POST whose outcome is unknown (no response, 429, 502/503/504) may or may not have been committed.
   * List first: if the object is there and matches, that was our create; otherwise post once more.
   */
  private async createWithRecovery<V>(
    operation: string,
    post: () => Promise<V>,
    find: () => Promise<V | undefined>,
    difference: (found: V) => string | undefined,
  ): Promise<V> {
    try {
      return await post();
    } catch (error) {
      if (!(error instanceof SelfServiceApiError) || !this.isUncertain(error)) throw error;
      this.log(`${operation}: ${error.status === 0 ? "no response" : `HTTP ${error.status}`}; listing to check whether the create was committed`);
      const found = await find();
      if (found) {
        const differs = difference(found);
        if (differs) throw conflictAfterLostResponse(operation, differs);
        this.log(`${operation}: it was committed; using the existing object`);
        return found;
      }
      if ((retryAfterMs(error.retryAfter) ?? 0) > this.policy.maxRetryAfterMs) throw error;
      const delayMs = retryDelayMs(this.policy, 1, error.retryAfter);
      this.log(`${operation}: not committed; posting once more in ${delayMs} ms`);
      await sleep(delayMs);
      try {
        return await post();
      } catch (second) {
        throw second instanceof SelfServiceApiError ? withExtraRetries(second, 1) : second;
      }
    }
  }

  private isUncertain(error: SelfServiceApiError): boolean {
    return error.status === 0 || this.policy.retryStatuses.includes(error.status);
  }
}
