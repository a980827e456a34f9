/**
 * The retry policy's arithmetic and every redaction rule, without HTTP.
 */
import { describeValue, detailOf } from "../client/errors";
import { REDACTED, redactRequest, redactText } from "../client/redact";
import { DEFAULT_RETRY_POLICY, resolveRetryPolicy, retryAfterMs, retryDelayMs } from "../client/retry";
import { certnameProblems, hostnameProblems } from "../p1as/hostname";

describe("retry policy", () => {
  test("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  test("backs off exponentially with bounded jitter and never waits less than Retry-After", () => {
    const policy = resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, jitterRatio: 0.2 });
    for (const [retry, base] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [5, 1000],
    ]) {
      const delay = retryDelayMs(policy, retry);
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base * 1.2);
    }
    expect(retryDelayMs(policy, 1, "7")).toBe(7000);
  });

  test("fails if a policy value is out of range, naming it", () => {
    expect(() => resolveRetryPolicy({ retries: -1 })).toThrow("retry.retries must be a whole number >= 0 (got -1)");
    expect(() => resolveRetryPolicy({ jitterRatio: 2 })).toThrow("retry.jitterRatio must be between 0 and 1 (got 2)");
    expect(resolveRetryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
  });
});

describe("redaction", () => {
  const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
  test.each([
    ["a PEM private key", `key: ${pem("PRIVATE KEY", "MIIabc")} end`, `key: ${REDACTED} end`],
    ["an RSA PEM private key", pem("RSA PRIVATE KEY", "MII"), REDACTED],
    ["a Bearer header value", "Authorization: Bearer abc.def", `Authorization: Bearer ${REDACTED}`],
    ["a Basic header value", "Basic ZGVtbzpzZWNyZXQ=", `Basic ${REDACTED}`],
    ["a bare JWT", `token ${jwt} here`, `token ${REDACTED} here`],
    [
      "a form client_secret",
      "grant_type=client_credentials&client_secret=s3cr3t&x=1",
      `grant_type=client_credentials&client_secret=${REDACTED}&x=1`,
    ],
    [
      "a JSON access_token",
      '{"access_token":"abc","token_type":"Bearer"}',
      `{"access_token":"${REDACTED}","token_type":"Bearer"}`,
    ],
  ])("removes %s from text", (_label, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  test("redacts headers, JSON and form bodies and query strings of a request", () => {
    const request = redactRequest({
      method: "post",
      baseURL: "http://127.0.0.1:1/dev/api/v1/",
      url: "/certificates?force_delete=true&access_token=abc",
      headers: { Authorization: `Bearer ${jwt}`, Accept: "application/json" },
      data: JSON.stringify({ name: "c", fullchain: "x".repeat(500), privkey: `${pem("PRIVATE KEY", "MII")}` }),
    });
    expect(request).toEqual({
      method: "POST",
      url: `http://127.0.0.1:1/dev/api/v1/certificates?force_delete=true&access_token=${encodeURIComponent(REDACTED)}`,
      headers: { Authorization: REDACTED, Accept: "application/json" },
      body: { name: "c", fullchain: `${"x".repeat(60)}...<500 characters>`, privkey: REDACTED },
    });
    expect(redactRequest({ data: "grant_type=client_credentials&client_id=a&client_secret=b" }).body).toEqual({
      grant_type: "client_credentials",
      client_id: "a",
      client_secret: REDACTED,
    });
  });

  test("never describes a private key's or secret's value", () => {
    expect(describeValue("certificates[0].privkey", pem("PRIVATE KEY", "MII"))).toBe("<57 characters, not shown>");
    expect(describeValue("clientSecret", "abc")).toBe("<3 characters, not shown>");
    expect(describeValue("fullchain", "a\nb")).toBe("<3 characters>");
  });

  test("reads FastAPI string and list details and OAuth errors", () => {
    expect(detailOf({ detail: "nope" })).toBe("nope");
    expect(detailOf({ detail: [{ loc: ["body", "product"], msg: "bad" }] })).toBe("body.product: bad");
    expect(detailOf({ error: "invalid_client", error_description: "denied" })).toBe("invalid_client: denied");
  });
});

describe("hostname and certname rules", () => {
  test("lists every rule a hostname breaks", () => {
    expect(hostnameProblems("*.Bad_host.-x-.")).toEqual([
      "must be lowercase",
      "must not be a wildcard ('*')",
      "may contain only letters a-z, digits, '-' and '.'",
      "must not start or end with '.' or contain '..'",
      "each label must start and end with a letter or digit",
    ]);
    expect(hostnameProblems(`${"a".repeat(64)}.example.com`)).toEqual([
      "each label (part between dots) must be at most 63 characters",
    ]);
    expect(hostnameProblems(`${"abcdefghi.".repeat(26)}com`)[0]).toBe("must be at most 253 characters (got 263)");
    expect(hostnameProblems("")).toEqual(["must not be empty"]);
    expect(hostnameProblems("auth.dev.acme.example")).toEqual([]);
  });

  test("certificate names need not be fully qualified", () => {
    expect(certnameProblems("wildcard-dev")).toEqual([]);
    expect(certnameProblems("Wildcard Dev")).toEqual([
      "must be lowercase",
      "may contain only letters a-z, digits, '-' and '.'",
    ]);
  });
});

/** A PEM-shaped block built at run time, so no key-looking text is committed (none of these are keys). */
function pem(type: string, body: string): string {
  return `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----`;
}
