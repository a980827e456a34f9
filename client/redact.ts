/**
 * Redaction: every request, error and log line the client keeps is built from a copy in which
 * credentials are replaced by `[REDACTED]` (the @octokit/request-error approach). Raw axios errors
 * carry the Authorization header and the request body in `config`, so they are never kept.
 */
export const REDACTED = "[REDACTED]";

/** Keys whose values are credentials wherever they appear (headers, JSON bodies, form bodies). */
const SENSITIVE_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|client_secret|clientsecret|privkey|private_key|privatekey|access_token|refresh_token|id_token|password)$/i;

/** Long public values (a PEM fullchain) are summarised so errors stay readable. */
const LONG_VALUE_CHARS = 200;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Patterns for credentials inside free text: JWTs, auth schemes, PEM private keys, form fields. */
const TEXT_PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\b(client_secret|access_token|privkey|password)=([^&\s"']*)/gi, `$1=${REDACTED}`],
  [/("(?:client_secret|access_token|privkey|password|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
];

export function redactText(text: string): string {
  return TEXT_PATTERNS.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
}

/** A deep copy with sensitive keys replaced and long strings summarised. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    const clean = redactText(value);
    return clean.length > LONG_VALUE_CHARS ? `${clean.slice(0, 60)}...<${clean.length} characters>` : clean;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth > 6) return "[...]";
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, isSensitiveKey(key) ? REDACTED : redactValue(item, depth + 1)]),
  );
}

/** The parts of a request worth keeping on an error, credentials removed. */
export interface RedactedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, unknown>;
  readonly body?: unknown;
}

function redactUrl(url: string): string {
  const [path, query] = url.split("?", 2);
  if (query === undefined) return redactText(path);
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) if (isSensitiveKey(key)) params.set(key, REDACTED);
  return `${redactText(path)}?${params.toString()}`;
}

function redactBody(body: unknown): unknown {
  if (body === undefined || body === null || body === "") return undefined;
  if (body instanceof URLSearchParams) return redactBody(body.toString());
  if (typeof body === "string") {
    try {
      return redactValue(JSON.parse(body));
    } catch {
      // Form bodies (token requests) are `a=b&c=d`; anything else is free text.
      if (/^[\w.-]+=/.test(body)) {
        return Object.fromEntries([...new URLSearchParams(body)].map(([key, item]) => [key, isSensitiveKey(key) ? REDACTED : redactValue(item)]));
      }
      return redactValue(body);
    }
  }
  return redactValue(body);
}

/** Accepts an axios request config (or anything shaped like one) and keeps a redacted copy. */
export function redactRequest(config: {
  method?: string;
  url?: string;
  baseURL?: string;
  headers?: unknown;
  data?: unknown;
  params?: unknown;
}): RedactedRequest {
  const base = (config.baseURL ?? "").replace(/\/+$/, "");
  const path = config.url ?? "";
  const url = /^https?:/i.test(path) ? path : `${base}${path}`;
  const headers = config.headers && typeof config.headers === "object" ? { ...(config.headers as Record<string, unknown>) } : {};
  // AxiosHeaders keeps values on the instance; spread them to a plain object before redacting.
  const plainHeaders = typeof (config.headers as { toJSON?: () => unknown })?.toJSON === "function"
    ? ((config.headers as { toJSON: () => Record<string, unknown> }).toJSON())
    : headers;
  return {
    method: (config.method ?? "get").toUpperCase(),
    url: redactUrl(url),
    headers: redactValue(plainHeaders) as Record<string, unknown>,
    body: redactBody(config.data),
  };
}
