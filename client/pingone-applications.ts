/**
 * The few PingOne management API calls the p1as provider and the rotation tool make: find an application by name
 * (its id is the OAuth client id), read its secret, regenerate it keeping the previous one for a while. They run
 * with a PingOne worker's token (client credentials at the worker environment's token endpoint), the same worker
 * the PingOne provider uses (PINGONE_CLIENT_ID, ...).
 *
 * Every URL is judged before anything is sent: the management API only at `https://api.pingone.<tld>/v1`, loopback
 * (the emulator) or a `pingone=` host of P1AS_ALLOWED_HOSTS; the worker token endpoint by the token URL rules. No
 * redirect is followed. The secret is returned to the caller only, never put in a message.
 */
import axios, { AxiosInstance, isAxiosError } from "axios";
import { z } from "zod";
import { AllowedHosts, allowedHostsFrom, pingOneApiUrlDestinationProblems } from "../p1as/destinations";
import { credentialDestinationRefused, httpFailure, SelfServiceApiError, unexpectedResponse } from "./errors";
import { installRetry, resolveRetryPolicy } from "./retry";
import { keepAliveAgents } from "./http-agents";
import { TokenClient } from "./token-client";
import { requireSecureUrl } from "./validation";

/** What went wrong in a lookup, for callers that explain it in their own words (which variable, which permission). */
export type PingOneLookupProblem =
  "application-missing" | "application-ambiguous" | "secret-forbidden" | "worker-forbidden";

/** A lookup that PingOne answered, but not with what is needed. */
export class PingOneLookupError extends SelfServiceApiError {
  public override readonly name = "PingOneLookupError";
  constructor(
    message: string,
    public readonly problem: PingOneLookupProblem,
    fields: { operation: string; status: number },
    /** The application and the PingOne environment it was looked for in. */
    public readonly target?: { readonly application: string; readonly environmentId: string },
  ) {
    super(message, { ...fields, retries: 0 });
  }
}

export interface PingOneApplicationsOptions {
  /** The management API base, `https://api.pingone.<tld>/v1` (or an emulator's `/v1` on loopback). */
  readonly apiUrl: string;
  /** The PingOne environment that holds the applications. */
  readonly environmentId: string;
  /** The worker's token endpoint, `https://auth.pingone.<tld>/<workerEnvironmentId>/as/token`. */
  readonly workerTokenUrl: string;
  readonly workerClientId: string;
  readonly workerClientSecret: string;
  /** @default - P1AS_ALLOWED_HOSTS of this process */
  readonly allowedHosts?: AllowedHosts;
  /** One request, retries included. @default 30000 */
  readonly timeoutMs?: number;
  /** @default - stderr */
  readonly log?: (line: string) => void;
}

export interface PingOneApplication {
  /** The application id, which is its OAuth client id. */
  readonly id: string;
  readonly name: string;
}

const ApplicationList = z.object({
  _embedded: z
    .object({ applications: z.array(z.object({ id: z.string().min(1), name: z.string() }).passthrough()).default([]) })
    .default({ applications: [] }),
});
const SecretBody = z.object({ secret: z.string().min(1) }).passthrough();

export class PingOneApplications {
  private readonly http: AxiosInstance;
  private readonly worker: TokenClient;
  private readonly environmentId: string;

  constructor(options: PingOneApplicationsOptions) {
    const base = requireSecureUrl("pingone_api_url", options.apiUrl).toString().replace(/\/+$/, "");
    const refused = pingOneApiUrlDestinationProblems(base, {}, options.allowedHosts ?? allowedHostsFrom());
    if (refused.length > 0) throw credentialDestinationRefused("pingone_api_url", options.apiUrl, refused);
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    this.environmentId = options.environmentId;
    this.worker = new TokenClient({
      tokenUrl: options.workerTokenUrl,
      clientId: options.workerClientId,
      clientSecret: options.workerClientSecret,
      allowedHosts: options.allowedHosts,
      timeoutMs: options.timeoutMs,
      log,
    });
    this.http = axios.create({
      ...keepAliveAgents(),
      baseURL: `${base}/environments/${encodeURIComponent(options.environmentId)}`,
      timeout: options.timeoutMs ?? 30_000,
      maxRedirects: 0,
      headers: { Accept: "application/json" },
    });
    installRetry(this.http, resolveRetryPolicy(), (event) =>
      log(`${event.operation}: ${event.reason}; retry ${event.retryNumber} of ${event.retries} in ${event.delayMs} ms`),
    );
  }

  /** The application of that name, or undefined when the environment has none. */
  async find(name: string): Promise<PingOneApplication | undefined> {
    const operation = `find PingOne application ${JSON.stringify(name)} in environment ${this.environmentId}`;
    const data = await this.request(operation, "GET", "/applications");
    const parsed = ApplicationList.safeParse(data);
    if (!parsed.success)
      throw unexpectedResponse(
        operation,
        200,
        parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "),
      );
    const found = parsed.data._embedded.applications.filter((application) => application.name === name);
    // PingOne documents no uniqueness rule for application names: a second one would be a guess between two clients.
    if (found.length > 1) {
      throw new PingOneLookupError(
        `${operation} failed: ${found.length} applications have this name (ids ${found.map((application) => application.id).join(", ")}); rename or delete all but the one this configuration manages`,
        "application-ambiguous",
        { operation, status: 200 },
        { application: name, environmentId: this.environmentId },
      );
    }
    return found[0] && { id: found[0].id, name: found[0].name };
  }

  /** The application of that name; a PingOneLookupError (application-missing) when there is none. */
  async require(name: string): Promise<PingOneApplication> {
    const found = await this.find(name);
    if (found) return found;
    throw new PingOneLookupError(
      `application ${JSON.stringify(name)} does not exist in PingOne environment ${this.environmentId}`,
      "application-missing",
      {
        operation: `find PingOne application ${JSON.stringify(name)}`,
        status: 200,
      },
      { application: name, environmentId: this.environmentId },
    );
  }

  /** The application's current secret. A worker without permission to read secrets gets a PingOneLookupError (secret-forbidden). */
  async secret(application: PingOneApplication): Promise<string> {
    const operation = `read the secret of PingOne application ${JSON.stringify(application.name)}`;
    const data = await this.request(
      operation,
      "GET",
      `/applications/${encodeURIComponent(application.id)}/secret`,
      undefined,
      "secret-forbidden",
    );
    const parsed = SecretBody.safeParse(data);
    if (!parsed.success) throw unexpectedResponse(operation, 200, "no secret in the response");
    return parsed.data.secret;
  }

  /**
   * Generates a new secret. With `keepPreviousUntil`, PingOne keeps accepting the old one until then (1 minute to
   * 30 days ahead), so clients holding it keep working while they move over. Returns nothing: the caller never
   * needs the new secret, the p1as provider reads it when it next needs a token.
   */
  async regenerateSecret(application: PingOneApplication, keepPreviousUntil?: Date): Promise<void> {
    const operation = `regenerate the secret of PingOne application ${JSON.stringify(application.name)}`;
    const body = keepPreviousUntil ? { previous: { expiresAt: keepPreviousUntil.toISOString() } } : {};
    await this.request(
      operation,
      "POST",
      `/applications/${encodeURIComponent(application.id)}/secret`,
      body,
      "secret-forbidden",
    );
  }

  private async request(
    operation: string,
    method: "GET" | "POST",
    url: string,
    body?: unknown,
    forbidden: PingOneLookupProblem = "worker-forbidden",
  ): Promise<unknown> {
    const token = await this.worker.getToken();
    try {
      const response = await this.http.request({
        method,
        url,
        data: body,
        operation,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      });
      return response.data;
    } catch (error) {
      const status = isAxiosError(error) ? (error.response?.status ?? 0) : 0;
      if (status === 403) {
        throw new PingOneLookupError(`${operation} failed: HTTP 403: the PingOne worker may not do this`, forbidden, {
          operation,
          status,
        });
      }
      throw httpFailure("api", operation, error);
    }
  }
}
