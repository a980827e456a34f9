/**
 * EVERY guess this project makes about the P1AS self-service API, in one module.
 *
 * Nothing here is confirmed by a public source (confirmed facts live in ./facts.ts). Each entry says
 * why it was guessed. A user who reads their tenant's `/api/v1/openapi.json` and finds a difference
 * corrects it here; the client, the constructs and the emulator all read these values, so the
 * emulator keeps agreeing with the client and the tests keep meaning something.
 */

/** Where a resource lives under `/api/v1`, and its key field. */
export interface RouteAssumption {
  /** Collection path: confirmed for POST/DELETE, assumed for GET (list) and update. */
  readonly collection: string;
  /** The field that names an object and appears in `/<collection>/{key}`. */
  readonly keyField: string;
  /**
   * Update method. Guess: PUT with the full mutable body. The docs say "Update" exists but name
   * neither the method nor the path; FastAPI services most often expose PUT /items/{id}.
   */
  readonly updateMethod: "PUT" | "PATCH";
  /** Fields an update sends (the key travels in the path). */
  readonly updateFields: readonly string[];
}

export const CERTIFICATE_ROUTE: RouteAssumption = {
  collection: "/certificates",
  keyField: "name",
  updateMethod: "PUT",
  // Guess: a certificate update replaces the pair; the console form has exactly these two fields.
  updateFields: ["fullchain", "privkey"],
};

export const HOSTNAME_ROUTE: RouteAssumption = {
  collection: "/hostnames",
  keyField: "hostname",
  updateMethod: "PUT",
  // Guess: the hostname is the Ingress object's name, so only what it routes to can change.
  updateFields: ["product", "certname"],
};

/**
 * Object status. The console shows blue=creating, green=complete, yellow=updating, red=error and
 * Ping's tests saw `deleting` on the k8s annotation; whether the API returns it, and under which
 * field name, is not public. Guess: a `status` field with these values.
 */
export const OBJECT_STATUSES = ["creating", "updating", "complete", "error", "deleting"] as const;
export type ObjectStatus = (typeof OBJECT_STATUSES)[number];
/**
 * The status field's name. The emulator's "confirmed" mode keeps it on list items (and only there: its
 * POST answers carry exactly the confirmed fields), because without some status nothing could be waited
 * on; it is the one guess that mode keeps, and the client copes with its absence (STATUS_WHEN_ABSENT).
 */
export const STATUS_FIELD = "status";
/** Ping's tests treat a missing status annotation as complete; the client does the same for a missing field. */
export const STATUS_WHEN_ABSENT: ObjectStatus = "complete";
/** Statuses after which waiting is over. `error` ends the wait as a failure. */
export const READY_STATUS: ObjectStatus = "complete";
export const FAILED_STATUS: ObjectStatus = "error";
/**
 * What re-deploying does for an object that a rollout left in `error`. The console's only remedy is to
 * edit the object, so the guess is that sending the same content again (PUT) starts a new rollout.
 * Without it a failed rollout could never be repaired by running the deploy again.
 */
export const RESEND_REPAIRS_FAILED_OBJECT = true;

// The next two guesses are built into the client's code rather than read from a value here, so they are
// recorded as text (a flag that nothing read would suggest they could be switched off).
//
// List responses. Guess: a plain JSON array with no pagination, because no pagination parameters
// appear anywhere public and a tenant holds a handful of virtual hosts.
//
// GET by key. No GET /certificates/{name} route is public, so the client reads one object by
// listing and picking it (costs one list per read; correct whatever the real GET-by-key looks like).

/**
 * Certificate list items. The docs confirm the API never returns fullchain or privkey; they don't say
 * what it does return. Guess: `name`, `status`, a SHA-256 fingerprint of the leaf certificate and its
 * expiry, the fingerprint written like Node's `X509Certificate.fingerprint256` (upper-case hex with colons;
 * compare with `sameFingerprint` from ./pem.ts, which ignores case and separators). Adoption and drift logic must work without them: when
 * `CERTIFICATE_VIEW_EXPOSES_FINGERPRINT` is false (or a tenant simply omits the fields) the client's
 * `CertificateView.sha256Fingerprint` is undefined and callers fall back to "exists by name".
 */
export const CERTIFICATE_VIEW_EXPOSES_FINGERPRINT = true;
export const CERTIFICATE_FINGERPRINT_FIELD = "sha256_fingerprint";
/** Guess: ISO-8601 expiry of the leaf certificate. */
export const CERTIFICATE_NOT_AFTER_FIELD = "not_after";

/**
 * Error status codes. Only the `{detail}` body and the missing-scope text are confirmed. Guesses follow
 * FastAPI conventions: 401 for a missing/bad/expired token, 403 for a valid token without the role,
 * 404 for an unknown object, 409 for a duplicate or a certificate still in use, 422 for validation
 * (FastAPI's own request-validation status, whose `detail` is a list of `{loc, msg, type}`).
 */
export const ERROR_STATUS = {
  unauthenticated: 401,
  missingRole: 403,
  notFound: 404,
  conflict: 409,
  invalid: 422,
} as const;
/** Confirmed text (Ping's test), attached to an assumed status (403). */
export const MISSING_ROLE_DETAIL = "Access token is missing required scopes.";
/** Guessed texts for the other auth failures. */
export const NOT_AUTHENTICATED_DETAIL = "Not authenticated";
export const EXPIRED_TOKEN_DETAIL = "Token has expired.";
export const INVALID_TOKEN_DETAIL = "Could not validate credentials.";

/**
 * `force_delete`. Confirmed: `DELETE /certificates/{name}?force_delete=true` returns 204. Guess:
 * without it, deleting a certificate that a hostname still uses is refused with 409; with it, the
 * certificate goes and its hostnames stay (they keep naming the missing certname).
 */
export const FORCE_DELETE_PARAM = "force_delete";
/**
 * The answer to deleting a certificate in use without force_delete is not published; 400 and 409 are
 * both plausible. The client reads either as "in use"; the emulator answers 409 in its assumed mode and
 * 400 in its confirmed mode, so both readings stay tested.
 */
export const CERTIFICATE_IN_USE_STATUSES = [409, 400] as const;

/**
 * FastAPI's (and Starlette's) framework defaults. Inferred, not confirmed: the `/docs` page and the
 * `{"detail": ...}` error body suggest a FastAPI service. The emulator's confirmed mode answers with
 * these because a FastAPI app does so without its authors writing anything:
 * - a path served for other methods answers 405 `{"detail":"Method Not Allowed"}` with an Allow header;
 * - `redirect_slashes`: a path that matches a route only without its trailing slash answers 307 with
 *   the slash-less URL in Location;
 * - HTTPBearer without credentials answers 403 `{"detail":"Not authenticated"}` (newer FastAPI
 *   releases may answer 401; the client sends a token on every call, so it depends on neither);
 * - request validation answers 422 with `detail: [{loc, msg, type}]`.
 */
export const FASTAPI_DEFAULTS = {
  methodNotAllowed: { status: 405, detail: "Method Not Allowed" },
  slashRedirectStatus: 307,
  missingBearerStatus: 403,
  validationStatus: 422,
} as const;

/**
 * Hostname rules. The hostname becomes a Kubernetes Ingress name, so it is guessed to be a lowercase
 * DNS-1123 subdomain of at most 253 characters, with at least two labels (a routable FQDN) and no
 * wildcard (a wildcard cannot be an object name). Certificate names become k8s Secret names, so the
 * same DNS-1123 subdomain rule is guessed for `name`/`certname`, without the two-label requirement.
 */
export const HOSTNAME_MAX_LENGTH = 253;
export const DNS_LABEL_MAX_LENGTH = 63;
export const HOSTNAME_MIN_LABELS = 2;
export const CERTNAME_MAX_LENGTH = 253;

/**
 * PingOne display names (custom resource, application). No public source gives a length or character
 * limit. Ours is a policy, not a fact: long enough for any name the console suggests, and a character
 * set without quotes, braces, `$`, `%` or backslashes, since such names are written into Terraform.
 */
export const PINGONE_NAME_MAX_LENGTH = 128;
export const PINGONE_NAME_CHARACTERS = /^[A-Za-z0-9 _.:()\/-]+$/;
export const PINGONE_NAME_CHARACTERS_TEXT = "letters, digits, spaces and '_', '.', ':', '(', ')', '/', '-'";

/**
 * Key types. The docs list EC/ECC certificates among things needing a service request, which implies
 * RSA only. The 2048-bit floor is a guess matching Ping's own test certificates and common CA policy.
 */
export const ACCEPTED_KEY_TYPES = ["rsa"] as const;
export const RSA_MIN_MODULUS_BITS = 2048;

/**
 * What the self-service API checks in a token besides its roles. Public sources confirm only that it
 * trusts tokens of the customer's PingOne issuer (the `customer-issuer` ConfigMap) and reads `groups`.
 * Guess: like any resource server it also checks that `aud` names it (else 401, the token is not for
 * this API) and that `scope` holds the scope of its PingOne resource (else 403, RFC 6750's
 * insufficient_scope). The emulator's assumed mode enforces both; its confirmed mode neither.
 */
export const TOKEN_AUDIENCE_CHECKED = true;
export const TOKEN_SCOPE_CHECKED = true;
