/**
 * Redaction: every request, error and log line the client keeps is built from a copy in which
 * credentials are replaced by `[REDACTED]` (the @octokit/request-error approach). Raw axios errors
 * carry the Authorization header and the request body in `config`, so they are never kept.
 * Two kinds of rule: secret values the process knows (maskValues), found in any encoding whatever
 * surrounds them, and patterns for credentials it does not know (tokens, PEM keys, secret-named fields).
 */
export const REDACTED = "[REDACTED]";

/** Keys whose values are credentials wherever they appear (headers, JSON bodies, form bodies). */
const SENSITIVE_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|client_secret|clientsecret|privkey|private_key|privatekey|access_token|refresh_token|id_token|password)$/i;

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

/**
 * Values shorter than this are never masked as values: a variable such as TF_VAR_region=NA or a flag "true"
 * would otherwise blank out every occurrence of a common word. Real secrets are far longer (PingOne's client
 * secrets are 64 characters, and P1AS_PLAN_KEY must be at least 32), and each encoded form must be this long too.
 */
export const MIN_MASKED_CHARS = 8;

/**
 * Every known value's forms, by their first MIN_MASKED_CHARS characters, longest first. A lookup per position
 * is linear in the text; one regular expression of a few hundred alternatives took a second per megabyte.
 */
const knownForms = new Map<string, string[]>();
/** The forms' first two characters as numbers: most positions are passed over without building a string. */
const knownStarts = new Set<number>();
const startOf = (text: string, at: number) => text.charCodeAt(at) * 65_536 + text.charCodeAt(at + 1);

/**
 * The middles of a value's base64 encodings that do not depend on what surrounds it: the value may start
 * at any of the three byte positions of a base64 group, and the groups that hold only its bytes encode the
 * same way wherever it stands (the HTTP Basic pair is `base64(id:secret)`, the secret at an offset).
 */
function base64Middles(value: string): string[] {
  const bytes = Buffer.from(value);
  return [0, 1, 2].flatMap((offset) => {
    const start = (3 - offset) % 3;
    const whole = Math.floor((bytes.length - start) / 3) * 3;
    if (whole <= 0) return [];
    // Also without its last group: a value cut short (or followed by padding) still shows the rest.
    const middles = [bytes.subarray(start, start + whole), bytes.subarray(start, start + whole - 3)].map((part) =>
      part.toString("base64"),
    );
    return middles.flatMap((middle) => [middle, middle.replace(/\+/g, "-").replace(/\//g, "_")]);
  });
}

/**
 * The renderings of a secret value a program can print: plain, JSON-escaped, URL- and form-encoded, base64 and
 * base64url at the three alignments (of the plain and the URL-encoded value, which the Basic pair holds), each
 * line of a PEM block's body and the body joined, and a JWT's signature on its own.
 */
export function secretForms(value: string): string[] {
  if (value.length < MIN_MASKED_CHARS) return [];
  const encoded = [
    value,
    JSON.stringify(value).slice(1, -1),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
  ];
  const pemBodies = [...value.matchAll(/-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/g)].map((block) =>
    block[1]
      .split(/\r?\n|\\n/)
      .map((line) => line.trim())
      .filter(Boolean),
  );
  const jwtSignature = /^[\w-]+\.[\w-]+\.([\w-]+)$/.exec(value)?.[1];
  const forms = [
    ...encoded,
    ...base64Middles(value),
    ...base64Middles(encodeURIComponent(value)),
    ...pemBodies.flatMap((lines) => [...lines, lines.join("")]),
    ...(jwtSignature ? [jwtSignature] : []),
  ];
  return [...new Set(forms)].filter((form) => form.length >= MIN_MASKED_CHARS);
}

/**
 * Makes `values` known secrets of this process, as a CI runner's add-mask does: from now on every form of
 * them (secretForms) is replaced by `[REDACTED]` wherever redactText runs, before the pattern rules, in
 * every log line, error, plan summary, issue and result file the process writes. Values shorter than
 * MIN_MASKED_CHARS are ignored.
 */
export function maskValues(values: Iterable<string | undefined>): void {
  for (const value of values) {
    for (const form of secretForms(value ?? "")) {
      const prefix = form.slice(0, MIN_MASKED_CHARS);
      const forms = knownForms.get(prefix) ?? [];
      if (!forms.includes(form))
        knownForms.set(
          prefix,
          [...forms, form].sort((a, b) => b.length - a.length),
        );
      knownStarts.add(startOf(form, 0));
    }
  }
}

/** `text` with every known form replaced, the longest first where forms overlap. */
function maskKnownValues(text: string): string {
  if (knownForms.size === 0) return text;
  let masked = "";
  let kept = 0;
  for (let at = 0; at + MIN_MASKED_CHARS <= text.length;) {
    const form = knownStarts.has(startOf(text, at))
      ? knownForms.get(text.slice(at, at + MIN_MASKED_CHARS))?.find((candidate) => text.startsWith(candidate, at))
      : undefined;
    if (!form) {
      at++;
      continue;
    }
    masked += `${text.slice(kept, at)}${REDACTED}`;
    at += form.length;
    kept = at;
  }
  return masked + text.slice(kept);
}

export function redactText(text: string): string {
  return TEXT_PATTERNS.reduce(
    (current, [pattern, replacement]) => current.replace(pattern, replacement),
    maskKnownValues(text),
  );
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
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      isSensitiveKey(key) ? REDACTED : redactValue(item, depth + 1),
    ]),
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
        return Object.fromEntries(
          [...new URLSearchParams(body)].map(([key, item]) => [
            key,
            isSensitiveKey(key) ? REDACTED : redactValue(item),
          ]),
        );
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
  const headers =
    config.headers && typeof config.headers === "object" ? { ...(config.headers as Record<string, unknown>) } : {};
  // AxiosHeaders keeps values on the instance; spread them to a plain object before redacting.
  const plainHeaders =
    typeof (config.headers as { toJSON?: () => unknown })?.toJSON === "function"
      ? (config.headers as { toJSON: () => Record<string, unknown> }).toJSON()
      : headers;
  return {
    method: (config.method ?? "get").toUpperCase(),
    url: redactUrl(url),
    headers: redactValue(plainHeaders) as Record<string, unknown>,
    body: redactBody(config.data),
  };
}
