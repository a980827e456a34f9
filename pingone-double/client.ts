/**
 * The double's PingOne management API client: `http://<api host>/v1/environments/{envId}/…` with a worker
 * token from `http://<auth host>/{envId}/as/token` (client credentials, Basic), fetched when the first call
 * needs it. Only loopback hosts: the double exists to drive the emulator, never PingOne. Plain HTTP because
 * the emulator serves plain HTTP on loopback (Ping's provider always uses HTTPS).
 */
import axios, { AxiosError, AxiosInstance, Method } from "axios";
import { isLoopbackDestination } from "../p1as/destinations";
import { DOUBLE_VERSION } from "./source";

export interface WorkerCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly environmentId: string;
}

export interface ManagementApiOptions {
  /** `host:port` of the management API (the provider's `service_endpoints.api_hostname`). */
  readonly apiHostname: string;
  /** `host:port` of the token endpoint (`service_endpoints.auth_hostname`). */
  readonly authHostname: string;
  /** A worker token obtained elsewhere (`api_access_token`), or the worker's credentials. */
  readonly auth: { readonly accessToken: string } | WorkerCredentials;
  /** Appended to the User-Agent (`append_user_agent`). @default - none */
  readonly appendUserAgent?: string;
  /** Tries while PingOne says the actor is not authorized yet (role propagation). @default 5 */
  readonly notAuthorizedTries?: number;
  /** Pause between those tries, milliseconds. @default 500 */
  readonly notAuthorizedPauseMs?: number;
  readonly signal?: AbortSignal;
}

/** The API's answer to a failed call, as PingOne's error body puts it. */
export class ManagementApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = "ManagementApiError";
  }
}

/** "host:port" is a loopback address; the problem otherwise. */
export function loopbackHostnameProblems(hostname: string): string[] {
  const match = /^(\[[^\]]+\]|[^:/]+)(:\d{1,5})?$/.exec(hostname);
  if (!match) return [`${JSON.stringify(hostname)} is not a host name with an optional port`];
  if (!isLoopbackDestination(match[1])) {
    return [
      `${JSON.stringify(hostname)} is not a loopback host: the PingOne provider test double talks only to an emulated PingOne on 127.0.0.1, ::1 or localhost`,
    ];
  }
  return [];
}

/** PingOne's message for a worker whose role assignment has not reached every service yet. */
const NOT_AUTHORIZED = /actor attempting to perform the request is not authorized/i;

export type Json = { readonly [key: string]: unknown };

export class ManagementApi {
  private readonly http: AxiosInstance;
  private token: Promise<string> | undefined;

  constructor(private readonly options: ManagementApiOptions) {
    for (const hostname of [options.apiHostname, options.authHostname]) {
      const problems = loopbackHostnameProblems(hostname);
      if (problems.length > 0) throw new Error(problems.join("; "));
    }
    this.http = axios.create({
      // No proxy, whatever HTTP_PROXY says: the emulator is on this machine.
      proxy: false,
      timeout: 30_000,
      maxRedirects: 0,
      validateStatus: () => true,
      headers: {
        "User-Agent": `p1as-cdktf-pingone-test-double/${DOUBLE_VERSION}${options.appendUserAgent ? ` ${options.appendUserAgent}` : ""}`,
      },
    });
  }

  /** `GET` of one object; null when it is gone (404). */
  async get(environmentId: string, path: string): Promise<Json | null> {
    return this.call("GET", environmentId, path, undefined, { missing: null });
  }

  /** Every item of a list (`_embedded.<collection>`). */
  async list(environmentId: string, path: string, collection: string): Promise<Json[]> {
    const page = (await this.call("GET", environmentId, path)) as Json;
    const embedded = (page._embedded ?? {}) as { [collection: string]: Json[] | undefined };
    return embedded[collection] ?? [];
  }

  async post(environmentId: string, path: string, body: Json): Promise<Json> {
    return (await this.call("POST", environmentId, path, body)) as Json;
  }

  async put(environmentId: string, path: string, body: Json): Promise<Json> {
    return (await this.call("PUT", environmentId, path, body)) as Json;
  }

  /** Deletes; an object already gone (404) counts as deleted. */
  async delete(environmentId: string, path: string): Promise<void> {
    await this.call("DELETE", environmentId, path, undefined, { missing: null });
  }

  private async call(
    method: Method,
    environmentId: string,
    path: string,
    body?: Json,
    options: { missing?: null } = {},
  ): Promise<Json | null> {
    const url = `http://${this.options.apiHostname}/v1/environments/${encodeURIComponent(environmentId)}${path}`;
    const tries = this.options.notAuthorizedTries ?? 5;
    for (let attempt = 1; ; attempt++) {
      const response = await this.http.request({
        method,
        url,
        data: body,
        headers: { Authorization: `Bearer ${await this.accessToken()}` },
        signal: this.options.signal,
      });
      log(`${method} ${path} -> ${response.status}`);
      if (response.status === 404 && "missing" in options) return options.missing ?? null;
      if (response.status < 300) return response.status === 204 ? null : (response.data as Json);
      const error = apiError(method, path, response.status, response.data);
      // Ping's provider retries a while when a new worker's role has not propagated yet.
      if (response.status === 403 && NOT_AUTHORIZED.test(error.message) && attempt < tries) {
        await pause(this.options.notAuthorizedPauseMs ?? 500, this.options.signal);
        continue;
      }
      throw error;
    }
  }

  private accessToken(): Promise<string> {
    const auth = this.options.auth;
    if ("accessToken" in auth) return Promise.resolve(auth.accessToken);
    this.token ??= this.fetchToken(auth).catch((error: unknown) => {
      this.token = undefined;
      throw error;
    });
    return this.token;
  }

  private async fetchToken(auth: WorkerCredentials): Promise<string> {
    const url = `http://${this.options.authHostname}/${encodeURIComponent(auth.environmentId)}/as/token`;
    try {
      const response = await this.http.post(url, new URLSearchParams({ grant_type: "client_credentials" }).toString(), {
        auth: { username: auth.clientId, password: auth.clientSecret },
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        signal: this.options.signal,
      });
      log(`POST /${auth.environmentId}/as/token -> ${response.status}`);
      const token = (response.data as { access_token?: unknown } | undefined)?.access_token;
      if (response.status !== 200 || typeof token !== "string") {
        const reason = (response.data as { error?: unknown; error_description?: unknown } | undefined) ?? {};
        throw new Error(
          `the worker token request to ${url} failed with HTTP ${response.status}` +
            (typeof reason.error === "string"
              ? ` (${reason.error}${typeof reason.error_description === "string" ? `: ${reason.error_description}` : ""})`
              : "") +
            "; check PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET and PINGONE_ENVIRONMENT_ID",
        );
      }
      return token;
    } catch (error) {
      if (error instanceof AxiosError) throw new Error(`the worker token request to ${url} failed: ${error.message}`);
      throw error;
    }
  }
}

/** PingOne's error body (`{code, message, details: [{target, message}]}`) as one readable line. */
function apiError(method: string, path: string, status: number, data: unknown): ManagementApiError {
  const body = (typeof data === "object" && data !== null ? data : {}) as {
    code?: unknown;
    message?: unknown;
    details?: unknown;
  };
  const details = Array.isArray(body.details)
    ? body.details
        .map((detail: { target?: unknown; message?: unknown }) =>
          [detail.target, detail.message].filter((part) => typeof part === "string").join(": "),
        )
        .filter((line) => line.length > 0)
    : [];
  const code = typeof body.code === "string" ? body.code : undefined;
  const message = typeof body.message === "string" ? body.message : `HTTP ${status}`;
  return new ManagementApiError(
    status,
    code,
    `${method} ${path}: ${status}${code ? ` ${code}` : ""}: ${message}${details.length > 0 ? ` (${details.join("; ")})` : ""}`,
  );
}

/** Terraform shows a provider's stderr in its logs (TF_LOG); every line says whose it is. */
export function log(line: string): void {
  process.stderr.write(`[pingone test double] ${line}\n`);
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}
