/**
 * The client error catalogue: every error the token client and the self-service client throw comes
 * from a factory here. Errors are built from redacted copies only: no header, token, client secret or
 * private key survives into a message, a field, a `cause` or a stack.
 */
import { isAxiosError } from "axios";
import { RedactedRequest, redactRequest, redactText } from "./redact";
import { retriesOf } from "./retry";

export interface FieldProblem {
  /** The field in the API's words (`privkey`, `hostnames[1].certname`). */
  readonly field: string;
  readonly value: unknown;
  readonly reasons: readonly string[];
}

/** Bad input caught before any request was sent. */
export class ClientValidationError extends Error {
  public override readonly name = "ClientValidationError";
  /** The first field at fault; `problems` lists every one. */
  public readonly field: string;
  /** Every field at fault; `value` is a printable description, never the raw value. */
  public readonly problems: readonly FieldProblem[];
  constructor(
    public readonly operation: string,
    problems: readonly FieldProblem[],
  ) {
    // Values are kept only as descriptions: the raw value could be a private key.
    const described = problems.map((p) => ({
      field: p.field,
      value: describeValue(p.field, p.value),
      reasons: p.reasons,
    }));
    super(
      `${operation}: ${described.map((p) => `invalid ${p.field} ${p.value}: ${p.reasons.join("; ")}`).join(". ")}. Nothing was sent.`,
    );
    this.problems = described;
    this.field = problems[0]?.field ?? "";
  }
}

export interface ApiErrorFields {
  /** The call, in words: "create hostname auth.dev.acme.example". */
  readonly operation: string;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** The API's `{detail}` (or OAuth `error: error_description`), when it sent one. */
  readonly detail?: string;
  /** Retries performed before giving up. */
  readonly retries: number;
  /** The last request, redacted. */
  readonly request?: RedactedRequest;
  /** The server's Retry-After header, when it sent one. */
  readonly retryAfter?: string;
  /** `{name, code, message}` of the transport error, redacted; never the raw axios error. */
  readonly cause?: { readonly name: string; readonly code?: string; readonly message: string };
  /** What the failure means when the status alone does not say it. */
  readonly reason?: "certificate-in-use" | "redirect-refused";
}

/** A failed HTTP exchange, after retries. `status` is 0 when no response arrived. */
export class SelfServiceApiError extends Error {
  public override readonly name: string = "SelfServiceApiError";
  public readonly operation: string;
  public readonly status: number;
  public readonly detail: string | undefined;
  public readonly retries: number;
  public readonly request: RedactedRequest | undefined;
  public readonly retryAfter: string | undefined;
  public readonly reason: ApiErrorFields["reason"];
  constructor(message: string, fields: ApiErrorFields) {
    super(message, fields.cause ? { cause: fields.cause } : undefined);
    this.operation = fields.operation;
    this.status = fields.status;
    this.detail = fields.detail;
    this.retries = fields.retries;
    this.request = fields.request;
    this.retryAfter = fields.retryAfter;
    this.reason = fields.reason;
  }

  /** The fields, for building a changed copy. */
  fields(): ApiErrorFields {
    const { operation, status, detail, retries, request, retryAfter, reason } = this;
    return {
      operation,
      status,
      detail,
      retries,
      request,
      retryAfter,
      reason,
      cause: this.cause as ApiErrorFields["cause"],
    };
  }
}

/** The token endpoint refused or could not be reached. */
export class TokenError extends SelfServiceApiError {
  public override readonly name = "TokenError";
}

/** The API contract in use has no route for the call, so nothing was sent. */
export class UnsupportedOperationError extends Error {
  public override readonly name = "UnsupportedOperationError";
  constructor(
    message: string,
    public readonly operation: string,
    /** The route that is missing, in words: "PUT or PATCH /certificates/{name}". */
    public readonly route: string,
    /** Where the contract came from and why (ApiContract origin and reason). */
    public readonly contract: { readonly origin: string; readonly reason: string },
  ) {
    super(message);
  }
}

/** The tenant's OpenAPI document could not be read or used, so no contract was chosen and nothing else was sent. */
export class ContractDiscoveryError extends Error {
  public override readonly name = "ContractDiscoveryError";
  constructor(
    message: string,
    /** The document's URL. */
    public readonly url: string,
    /** Why it could not be used, in words. */
    public readonly reason: string,
  ) {
    super(message);
  }
}

/** The call needs credentials this client was not given (a plan holds the read-only client only), so nothing was sent. */
export class MissingCredentialsError extends Error {
  public override readonly name = "MissingCredentialsError";
  constructor(
    message: string,
    public readonly operation: string,
  ) {
    super(message);
  }
}

/** Waiting for an object ended without it becoming ready. */
export class ReadinessError extends Error {
  public override readonly name = "ReadinessError";
  constructor(
    message: string,
    public readonly kind: string,
    public readonly key: string,
    /** Last status seen (`absent` when the object was not listed). */
    public readonly lastStatus: string,
    public readonly reason: "error" | "timeout",
    public readonly waitedMs: number,
  ) {
    super(message);
  }
}

/** Never prints a private key, and never dumps long or multi-line values. */
export function describeValue(field: string, value: unknown): string {
  // A token URL is an address, not a token: it is shown, so a refused one can be recognised.
  if (/privkey|secret|token(?!url)/i.test(field))
    return typeof value === "string" ? `<${value.length} characters, not shown>` : "<not shown>";
  if (typeof value === "string")
    return value.includes("\n") || value.length > 120 ? `<${value.length} characters>` : JSON.stringify(value);
  return value === undefined ? "(missing)" : (JSON.stringify(value) ?? String(value));
}

/** FastAPI sends `detail` as a string or as a list of `{loc, msg}`; OAuth sends `error` + `error_description`. */
export function detailOf(body: unknown): string | undefined {
  if (!body || typeof body !== "object")
    return typeof body === "string" && body.length > 0 && body.length < 500 ? body : undefined;
  const { detail, error, error_description: description } = body as Record<string, unknown>;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        const { loc, msg } = (item ?? {}) as { loc?: unknown[]; msg?: string };
        return `${Array.isArray(loc) ? loc.join(".") : "?"}: ${msg ?? "invalid"}`;
      })
      .join("; ");
  }
  if (typeof error === "string") return typeof description === "string" ? `${error}: ${description}` : error;
  return undefined;
}

/** Builds the catalogue's HTTP error from whatever axios (or anything else) threw. */
export function httpFailure(kind: "api" | "token", operation: string, error: unknown): SelfServiceApiError {
  const ErrorType = kind === "token" ? TokenError : SelfServiceApiError;
  if (error instanceof SelfServiceApiError) return error;
  if (!isAxiosError(error)) {
    const message = redactText(error instanceof Error ? error.message : String(error));
    return new ErrorType(`${operation} failed: ${message}`, {
      operation,
      status: 0,
      retries: 0,
      cause: { name: "Error", message },
    });
  }
  const status = error.response?.status ?? 0;
  const detail = detailOf(error.response?.data);
  const retries = retriesOf(error);
  const request = error.config ? redactRequest(error.config) : undefined;
  const cause = { name: error.name, code: error.code, message: redactText(error.message) };
  const what =
    status === 0
      ? `no response (${error.code ?? "error"}: ${cause.message})`
      : `HTTP ${status}${detail ? `: ${redactText(detail)}` : ""}`;
  const after = retries > 0 ? ` after ${retries} ${retries === 1 ? "retry" : "retries"}` : "";
  const retryAfter = error.response?.headers?.["retry-after"];
  return new ErrorType(`${operation} failed${after}: ${what}`, {
    operation,
    status,
    detail: detail && redactText(detail),
    retries,
    request,
    retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
    cause,
  });
}

/** The same failure, with the retries the caller itself made added to the count. */
export function withExtraRetries(error: SelfServiceApiError, extra: number): SelfServiceApiError {
  const retries = error.retries + extra;
  const message = error.message.replace(
    / failed( after \d+ retr(y|ies))?:/,
    ` failed after ${retries} ${retries === 1 ? "retry" : "retries"}:`,
  );
  const ErrorType = error instanceof TokenError ? TokenError : SelfServiceApiError;
  return new ErrorType(message, { ...error.fields(), retries });
}

export function invalidInput(operation: string, problems: readonly FieldProblem[]): ClientValidationError {
  return new ClientValidationError(operation, problems);
}

export function insecureUrl(field: string, url: string): ClientValidationError {
  return invalidInput("configure client", [
    {
      field,
      value: url,
      reasons: ["must use https (plain http is allowed only for loopback addresses such as 127.0.0.1 or localhost)"],
    },
  ]);
}

/** A URL that would carry a credential to a host it does not belong to (p1as/destinations.ts). */
export function credentialDestinationRefused(
  field: string,
  url: string,
  reasons: readonly string[],
): ClientValidationError {
  return invalidInput("configure client", [{ field, value: url, reasons }]);
}

/** A write through a client that holds only the read-only credentials. `hint` names where the write secret comes from. */
export function writeCredentialsMissing(operation: string, hint: string): MissingCredentialsError {
  return new MissingCredentialsError(
    `${operation}: not sent: this run holds only the read-only client's credentials. ${hint}`,
    operation,
  );
}

export function unexpectedResponse(operation: string, status: number, problem: string): SelfServiceApiError {
  return new SelfServiceApiError(
    `${operation} failed: unexpected response (${problem}). The API may differ from p1as/assumptions.ts; compare with /api/v1/openapi.json`,
    { operation, status, retries: 0 },
  );
}

/** A create whose response was lost left an object behind that is not the one we sent. */
export function conflictAfterLostResponse(operation: string, difference: string): SelfServiceApiError {
  return new SelfServiceApiError(
    `${operation} failed: the response was lost and the object that now exists differs from the request (${difference}). ` +
      "Someone else may have created it; inspect it before retrying.",
    { operation, status: 409, detail: difference, retries: 0 },
  );
}

/** A certificate delete refused because hostnames use it (409 or 400: CERTIFICATE_IN_USE_STATUSES). */
export function certificateInUse(error: SelfServiceApiError): SelfServiceApiError {
  return new SelfServiceApiError(
    `${error.message.replace(/\.$/, "")}. The certificate is in use by a hostname: delete or re-point those hostnames first, or delete with forceDelete (their certname then names a missing certificate)`,
    { ...error.fields(), reason: "certificate-in-use" },
  );
}

/**
 * A redirect the client would not follow (see SelfServiceClient's redirect rule, and the token client's: it
 * follows none). `kind` "token" makes it a TokenError, like every other failure of the token request.
 */
export function redirectRefused(
  operation: string,
  status: number,
  location: string,
  why: string,
  request: RedactedRequest,
  kind: "api" | "token" = "api",
): SelfServiceApiError {
  const target = redactText(location);
  const ErrorType = kind === "token" ? TokenError : SelfServiceApiError;
  return new ErrorType(
    `${operation} failed: HTTP ${status} redirect to ${target} not followed: ${why}. Nothing was sent there`,
    {
      operation,
      status,
      detail: `redirect to ${target} not followed: ${why}`,
      retries: 0,
      request,
      reason: "redirect-refused",
    },
  );
}

/**
 * Discovery that could not read the document: the plan stops rather than guess (a wrong guess turns an update into
 * a delete and create). The advice names every place the contract can be pinned.
 */
export function discoveryFailed(url: string, why: string): ContractDiscoveryError {
  const reason = redactText(why);
  return new ContractDiscoveryError(
    `discover API contract: ${reason}. Without ${url} the provider cannot tell whether this API updates objects in place or replaces them, ` +
      "and a wrong guess would turn an update into a delete and create; nothing else was sent. If the document is only briefly unavailable, run again. " +
      'Otherwise pin the contract: environments[].selfService.apiContract in the JSON config, apiContract of VirtualHosts, api_contract of the p1as provider block or P1AS_API_CONTRACT: "confirmed" (no update routes: changes replace objects) or "assumed" (the project\'s guessed update routes).',
    url,
    reason,
  );
}

/** An update the contract has no route for: refused before anything is sent. */
export function routeMissing(
  operation: string,
  route: string,
  contract: { origin: string; reason: string },
  remedy: string,
): UnsupportedOperationError {
  return new UnsupportedOperationError(
    `${operation}: the API contract in use (${contract.origin}: ${redactText(contract.reason)}) has no ${route}. Nothing was sent. ${remedy}`,
    operation,
    route,
    { origin: contract.origin, reason: redactText(contract.reason) },
  );
}

function duration(ms: number): string {
  return ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export function objectFailed(kind: string, key: string, waitedMs: number): ReadinessError {
  return new ReadinessError(
    `${kind} ${key} ended in status "error" after ${duration(waitedMs)}; P1AS could not apply it. Check why in the self-service console, then deploy again: the deploy sends the declared content once more.`,
    kind,
    key,
    "error",
    "error",
    waitedMs,
  );
}

export function readinessTimeout(kind: string, key: string, lastStatus: string, waitedMs: number): ReadinessError {
  return new ReadinessError(
    `${kind} ${key} was not ready after ${duration(waitedMs)} (last status "${lastStatus}"). ` +
      "The change may still complete: deploy again later (the deploy waits for it again), or allow longer (the waitUntilReady timeoutMs; in a stack, environments[].selfService.readyTimeoutMs of the JSON config).",
    kind,
    key,
    lastStatus,
    "timeout",
    waitedMs,
  );
}
