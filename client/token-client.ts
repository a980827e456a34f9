/**
 * PingOne client-credentials token client: POST <tokenUrl> with grant_type=client_credentials,
 * client authentication by HTTP Basic (default) or in the body, and an in-memory token cache.
 * The client secret and the token live in private fields, so util.inspect and JSON.stringify of
 * this object never show them.
 * No redirect of the token request is followed, to any URL: the request carries the client's credentials
 * (in the Authorization header, or in the body with CLIENT_SECRET_POST, which a 307/308 would post again to
 * wherever the Location points), and PingOne's token endpoint never redirects. The refusal names the Location.
 */
import axios, { AxiosInstance, isAxiosError } from "axios";
import { z } from "zod";
import { PingOneRegionCode, pingOneAuthBaseUrl, pingOneTokenUrl } from "../p1as/facts";
import { AllowedHosts, allowedHostsFrom, tokenUrlDestinationProblems } from "../p1as/destinations";
import {
  FieldProblem,
  credentialDestinationRefused,
  httpFailure,
  invalidInput,
  redirectRefused,
  unexpectedResponse,
} from "./errors";
import { redactRequest } from "./redact";
import { RetryPolicy, installRetry, resolveRetryPolicy } from "./retry";
import { keepAliveAgents } from "./http-agents";
import { requireSecureUrl } from "./validation";

export type TokenEndpointAuthMethod = "CLIENT_SECRET_BASIC" | "CLIENT_SECRET_POST";

export interface TokenClientOptions {
  /** Full token endpoint URL (see `tokenUrlFor`): PingOne's, a loopback emulator's, or one on `allowedHosts`. https unless loopback. */
  readonly tokenUrl: string;
  /** The client id, or a function called once, at the first token request, for an id that must be looked up (from PingOne). */
  readonly clientId: string | (() => Promise<string>);
  /**
   * Secret: kept in a private field, never logged. A function is called once, at the first token request, for a
   * secret that must be looked up (from PingOne) only when a token is really needed.
   */
  readonly clientSecret: string | (() => Promise<string>);
  /** Hosts on other DNS zones the token endpoint may be on (p1as/destinations.ts). @default - P1AS_ALLOWED_HOSTS of this process */
  readonly allowedHosts?: AllowedHosts;
  /** How the client authenticates, as the PingOne application's tokenEndpointAuthMethod says. @default "CLIENT_SECRET_BASIC" */
  readonly authMethod?: TokenEndpointAuthMethod;
  /** Scopes to request, space separated. @default - every scope the application holds on its one resource */
  readonly scope?: string;
  /** Budget for one token request including its retries. @default 10000 */
  readonly timeoutMs?: number;
  /** @default DEFAULT_RETRY_POLICY */
  readonly retry?: Partial<RetryPolicy>;
  /** A cached token is replaced this long before it expires (capped at half its lifetime). @default 60000 */
  readonly refreshBeforeExpiryMs?: number;
  /** Progress lines (retries). @default - write to stderr */
  readonly log?: (line: string) => void;
}

export const TOKEN_TIMEOUT_MS_DEFAULT = 10_000;
export const TOKEN_REFRESH_BEFORE_EXPIRY_MS_DEFAULT = 60_000;

/** `https://auth.pingone.<tld>/<environmentId>/as/token`, from a region code or an explicit auth base URL. */
export function tokenUrlFor(options: {
  environmentId: string;
  region?: PingOneRegionCode;
  authBaseUrl?: string;
}): string {
  if (options.authBaseUrl) return pingOneTokenUrl(options.authBaseUrl, options.environmentId);
  if (options.region) return pingOneTokenUrl(pingOneAuthBaseUrl(options.region), options.environmentId);
  throw invalidInput("configure token client", [
    { field: "region", value: undefined, reasons: ["give a region code or an authBaseUrl"] },
  ]);
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((type) => type.toLowerCase() === "bearer", "must be Bearer"),
  expires_in: z.number().positive(),
});

export class TokenClient {
  #clientSecret: string | (() => Promise<string>);
  #clientId: string | (() => Promise<string>);
  readonly #http: AxiosInstance;
  #cached: { token: string; refreshAt: number } | undefined;
  #inflight: Promise<string> | undefined;
  #requestCount = 0;
  private readonly tokenUrl: string;
  private readonly authMethod: TokenEndpointAuthMethod;
  private readonly scope: string | undefined;
  private readonly refreshBeforeExpiryMs: number;

  constructor(options: TokenClientOptions) {
    const problems: FieldProblem[] = (["tokenUrl", "clientId", "clientSecret"] as const)
      .filter((name) => !(name !== "tokenUrl" && typeof options[name] === "function"))
      .filter((name) => typeof options[name] !== "string" || options[name].length === 0)
      .map((name) => ({
        field: name,
        value: name === "clientSecret" ? "" : (options[name] as string),
        reasons: ["is required"],
      }));
    if (
      options.authMethod !== undefined &&
      !["CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"].includes(options.authMethod)
    ) {
      problems.push({
        field: "authMethod",
        value: options.authMethod,
        reasons: ["must be CLIENT_SECRET_BASIC or CLIENT_SECRET_POST"],
      });
    }
    if (problems.length > 0) throw invalidInput("configure token client", problems);
    this.tokenUrl = requireSecureUrl("tokenUrl", options.tokenUrl).toString();
    const refused = tokenUrlDestinationProblems(this.tokenUrl, {}, options.allowedHosts ?? allowedHostsFrom());
    if (refused.length > 0) throw credentialDestinationRefused("tokenUrl", options.tokenUrl, refused);
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.authMethod = options.authMethod ?? "CLIENT_SECRET_BASIC";
    this.scope = options.scope;
    this.refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? TOKEN_REFRESH_BEFORE_EXPIRY_MS_DEFAULT;
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    // maxRedirects 0: a 3xx is an error axios hands back, never a request it sends on (see the module comment).
    this.#http = axios.create({
      ...keepAliveAgents(),
      timeout: options.timeoutMs ?? TOKEN_TIMEOUT_MS_DEFAULT,
      maxRedirects: 0,
    });
    // Minting a token changes nothing, so the token POST is as safe to repeat as a GET.
    installRetry(
      this.#http,
      resolveRetryPolicy(options.retry),
      (event) =>
        log(
          `${event.operation}: ${event.reason}; retry ${event.retryNumber} of ${event.retries} in ${event.delayMs} ms`,
        ),
      ["post"],
    );
  }

  /** Token requests sent so far (cache misses; retries of one request count once). */
  get requestCount(): number {
    return this.#requestCount;
  }

  /** A valid access token, from the cache when it is not close to expiry. */
  async getToken(): Promise<string> {
    if (this.#cached && Date.now() < this.#cached.refreshAt) return this.#cached.token;
    // Concurrent callers share one request instead of each minting a token.
    this.#inflight ??= this.fetchToken().finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  /**
   * Drops the cached token (after the API said 401). With `token`, drops it only if it is still the
   * cached one, so many requests failing with the same old token cause one refresh, not many.
   */
  invalidate(token?: string): void {
    if (token === undefined || this.#cached?.token === token) this.#cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    // A lookup that fails is tried again at the next token request: the application may exist by then.
    if (typeof this.#clientId === "function") this.#clientId = await this.#clientId();
    if (typeof this.#clientSecret === "function") this.#clientSecret = await this.#clientSecret();
    const operation = `get access token for client ${this.#clientId}`;
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (this.scope) form.set("scope", this.scope);
    const headers: Record<string, string> = {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
    };
    if (this.authMethod === "CLIENT_SECRET_BASIC") {
      // RFC 6749 2.3.1: id and secret are form-encoded before base64.
      const pair = `${encodeURIComponent(this.#clientId)}:${encodeURIComponent(this.#clientSecret)}`;
      headers.Authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    } else {
      form.set("client_id", this.#clientId);
      form.set("client_secret", this.#clientSecret);
    }
    this.#requestCount++;
    let data: unknown;
    try {
      ({ data } = await this.#http.post(this.tokenUrl, form.toString(), { headers, operation }));
    } catch (error) {
      const status = isAxiosError(error) ? (error.response?.status ?? 0) : 0;
      if (isAxiosError(error) && status >= 300 && status < 400) {
        const location = String(error.response?.headers?.location ?? "(no Location header)");
        const why = `the token request carries the client's credentials, which go only to the configured token URL's origin ${new URL(this.tokenUrl).origin}`;
        throw redirectRefused(operation, status, location, why, redactRequest(error.config ?? {}), "token");
      }
      throw httpFailure("token", operation, error);
    }
    const parsed = TokenResponse.safeParse(data);
    if (!parsed.success)
      throw unexpectedResponse(
        operation,
        200,
        parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "),
      );
    const lifetimeMs = parsed.data.expires_in * 1000;
    const margin = Math.min(this.refreshBeforeExpiryMs, lifetimeMs / 2);
    this.#cached = { token: parsed.data.access_token, refreshAt: Date.now() + lifetimeMs - margin };
    return parsed.data.access_token;
  }
}
