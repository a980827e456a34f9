/**
 * The token client and the self-service client against the emulator over real loopback HTTP.
 * Retry behaviour is asserted on the emulator's request log, not on timings. Suites that hold in
 * either API contract run against both emulator modes, each with its client contract.
 */
import { ASSUMED_CONTRACT, ApiContract, CONFIRMED_CONTRACT } from "../client/contract";
import { ClientValidationError, ReadinessError, TokenError } from "../client/errors";
import { SelfServiceClient } from "../client/self-service-client";
import { TokenClient } from "../client/token-client";
import { validateRequestSet } from "../client/validation";
import { MISSING_ROLE_DETAIL } from "../p1as/assumptions";
import { ClientSeed } from "../emulator/clients";
import { CONTRACT_MODES, ContractMode } from "../emulator/contract";
import { RunningEmulator } from "../emulator/start";
import { GeneratedCertificate, makeCertificate } from "./support/certs";
import {
  TEST_RETRY,
  TestClient,
  caught,
  clientFor,
  renderings,
  startTestEmulator,
  testClientSeed,
} from "./support/emulator";

let emulator: RunningEmulator;
let certA: GeneratedCertificate;
let certB: GeneratedCertificate;
const admin = testClientSeed("dev-admin", ["dev-tls-admin"]);
const audit = testClientSeed("dev-audit", ["dev-tls-audit"]);
const prodOnly = testClientSeed("prod-admin", ["prod-tls-admin"]);
const everywhere = testClientSeed("all-admin", ["all-tls-admin"]);
/** Everything the clients logged or threw, scanned for secrets by the last test. */
const captured: unknown[] = [];
const clients: TestClient[] = [];
/** The emulator's mode and the client's contract; suites outside `inEachContract` run in the assumed one. */
let mode: ContractMode = "assumed";
const CLIENT_CONTRACT: Record<ContractMode, ApiContract> = { assumed: ASSUMED_CONTRACT, confirmed: CONFIRMED_CONTRACT };

beforeAll(async () => {
  emulator = await startTestEmulator({ clients: [admin, audit, prodOnly, everywhere] });
  certA = makeCertificate({ commonName: "*.dev.acme.example" });
  certB = makeCertificate({ commonName: "*.dev.acme.example" });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.service.reset();
  emulator.service.completionDelayMs = 0;
  emulator.faults.clear();
  emulator.requestLog.clear();
  emulator.state.settings.contract = mode;
});

describe("happy paths", () => {
  test("creates, lists, reads, updates and deletes certificates and hostnames", async () => {
    // GIVEN a dev admin client
    const { api } = client(admin);
    // WHEN it manages one certificate and one hostname
    const created = await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    const hostname = await api.createHostname({
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
    });
    // THEN the views carry the API's fields (fingerprint per the assumption)
    expect(created).toEqual({
      name: "wildcard-dev",
      status: "complete",
      sha256Fingerprint: certA.fingerprint,
      notAfter: certA.notAfter.toISOString(),
    });
    expect(hostname).toEqual({
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
      status: "complete",
    });
    expect(await api.listCertificates()).toEqual([created]);
    expect(await api.getHostname("auth.dev.acme.example")).toEqual(hostname);
    expect(await api.getCertificate("missing")).toBeUndefined();
    // AND updates go through the assumed PUT routes
    expect((await api.updateCertificate({ name: "wildcard-dev", ...pair(certB) })).sha256Fingerprint).toBe(
      certB.fingerprint,
    );
    expect(
      (
        await api.updateHostname({
          hostname: "auth.dev.acme.example",
          product: "pingaccess-engines",
          certname: "wildcard-dev",
        })
      ).product,
    ).toBe("pingaccess-engines");
    // AND deletes report what happened; deleting twice is not an error
    expect(await api.deleteHostname("auth.dev.acme.example")).toBe("deleted");
    expect(await api.deleteHostname("auth.dev.acme.example")).toBe("absent");
    expect(await api.deleteCertificate("wildcard-dev")).toBe("deleted");
    expect(await api.deleteCertificate("wildcard-dev")).toBe("absent");
    expect(apiCalls()).toEqual([
      "POST /dev/api/v1/certificates 201",
      "POST /dev/api/v1/hostnames 201",
      "GET /dev/api/v1/certificates 200",
      "GET /dev/api/v1/hostnames 200",
      "GET /dev/api/v1/certificates 200",
      "PUT /dev/api/v1/certificates/wildcard-dev 200",
      "PUT /dev/api/v1/hostnames/auth.dev.acme.example 200",
      "DELETE /dev/api/v1/hostnames/auth.dev.acme.example 204",
      "DELETE /dev/api/v1/hostnames/auth.dev.acme.example 404",
      "DELETE /dev/api/v1/certificates/wildcard-dev 204",
      "DELETE /dev/api/v1/certificates/wildcard-dev 404",
    ]);
  });

  test("fetches one token and reuses it until it nears expiry", async () => {
    // GIVEN a fresh client
    const { api, tokens } = client(admin);
    // WHEN it makes three calls
    await api.listCertificates();
    await api.listHostnames();
    await api.listCertificates();
    // THEN one token request reached the token endpoint, with this client's id
    expect(tokens.requestCount).toBe(1);
    expect(emulator.requestLog.list(/as\/token/).map((entry) => [entry.status, entry.clientId])).toEqual([
      [200, "dev-admin"],
    ]);
  });

  test("authenticates with client_secret_post when asked", async () => {
    const { api } = client(admin, { authMethod: "CLIENT_SECRET_POST" });
    await expect(api.listHostnames()).resolves.toEqual([]);
    expect(emulator.requestLog.list(/as\/token/)[0].status).toBe(200);
  });

  test("an all-tls-admin client may write in any environment", async () => {
    const { api } = client(everywhere, { environment: "prod" });
    await api.createCertificate({ name: "wildcard-prod", ...pair(certA) });
    expect(emulator.service.listCertificates("prod")).toHaveLength(1);
    expect(emulator.service.listCertificates("dev")).toHaveLength(0);
  });

  test("force_delete removes a certificate a hostname still uses; without it the API's 409 detail surfaces", async () => {
    // GIVEN a certificate in use
    const { api } = client(admin);
    await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    await api.createHostname({
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
    });
    // WHEN it is deleted without force THEN the API refuses and says why
    const error = await expectFailure(() => api.deleteCertificate("wildcard-dev"));
    expect(error).toMatchObject({
      name: "SelfServiceApiError",
      status: 409,
      operation: "delete certificate wildcard-dev",
      retries: 0,
    });
    expect(error.detail).toMatch(/in use by hostnames: auth.dev.acme.example/);
    // AND with force_delete it goes
    expect(await api.deleteCertificate("wildcard-dev", { forceDelete: true })).toBe("deleted");
  });
});

inEachContract("waiting until ready", () => {
  test("waits through creating to complete and reports progress", async () => {
    // GIVEN objects take 2 s to complete (long enough that the create's own answer is "creating" on a loaded machine)
    emulator.service.completionDelayMs = 2_000;
    const { api } = client(admin);
    const created = await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    expect(created.status).toBe("creating");
    // WHEN waiting
    const progress: string[] = [];
    const view = await api.waitUntilReady("certificate", "wildcard-dev", {
      timeoutMs: 10_000,
      pollIntervalMs: 20,
      onProgress: (line) => progress.push(line),
    });
    // THEN it ends complete, and the progress says what it waited for
    expect(view.status).toBe("complete");
    expect(progress[0]).toBe("certificate wildcard-dev: creating, waiting (up to 10000 ms)");
    expect(progress[progress.length - 1]).toMatch(/^certificate wildcard-dev: complete after \d+ ms$/);
    captured.push(progress);
  });

  test("checkReady reports 'not ready yet' as an outcome, not an error", async () => {
    const { api } = client(admin);
    await expect(api.checkReady("hostname", "auth.dev.acme.example")).resolves.toEqual({
      ready: false,
      status: "absent",
    });
  });

  test("fails with a clear timeout when an object is stuck in creating", async () => {
    // GIVEN the create leaves the object stuck
    const { api } = client(admin);
    emulator.faults.add({ route: "POST /certificates", objectStatus: "stuck" });
    await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    // WHEN waiting with a short deadline THEN the error names the object, the last status and the deadline
    const error = await expectFailure(() =>
      api.waitUntilReady("certificate", "wildcard-dev", {
        timeoutMs: 100,
        pollIntervalMs: 20,
        onProgress: () => undefined,
      }),
    );
    expect(error).toBeInstanceOf(ReadinessError);
    expect(error).toMatchObject({ reason: "timeout", lastStatus: "creating", key: "wildcard-dev" });
    expect(error.message).toMatch(/^certificate wildcard-dev was not ready after \d+ ms \(last status "creating"\)/);
  });

  test("fails when the object ends in status error", async () => {
    const { api } = client(admin);
    await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    emulator.faults.add({ route: "POST /hostnames", objectStatus: "error" });
    await api.createHostname({
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
    });
    const error = await expectFailure(() =>
      api.waitUntilReady("hostname", "auth.dev.acme.example", {
        timeoutMs: 5_000,
        pollIntervalMs: 20,
        onProgress: () => undefined,
      }),
    );
    expect(error).toMatchObject({ name: "ReadinessError", reason: "error", lastStatus: "error" });
  });
});

inEachContract("faults on idempotent calls", () => {
  test("429 with Retry-After is waited out and retried", async () => {
    const { api, lines } = client(admin);
    emulator.faults.add({ route: "GET /certificates", status: 429, retryAfter: 1 });
    await expect(api.listCertificates()).resolves.toEqual([]);
    expect(apiCalls()).toEqual(["GET /dev/api/v1/certificates 429", "GET /dev/api/v1/certificates 200"]);
    // The delay honours Retry-After (1 s), not the 5 ms test backoff.
    expect(lines).toEqual([expect.stringMatching(/^list certificates: HTTP 429; retry 1 of 3 in (\d{4}) ms$/)]);
    expect(Number(/in (\d+) ms/.exec(lines[0])?.[1])).toBeGreaterThanOrEqual(1000);
  });

  test.each([502, 503, 504])("%i twice, then success", async (status) => {
    const { api } = client(admin);
    emulator.faults.add({ route: "GET /hostnames", status, times: 2 });
    await expect(api.listHostnames()).resolves.toEqual([]);
    expect(apiCalls()).toEqual([
      `GET /dev/api/v1/hostnames ${status}`,
      `GET /dev/api/v1/hostnames ${status}`,
      "GET /dev/api/v1/hostnames 200",
    ]);
  });

  test("a persistent 503 ends after the policy's retries with the count on the error", async () => {
    const { api } = client(admin);
    emulator.faults.add({ route: "GET /hostnames", status: 503, times: 10, detail: "maintenance" });
    const error = await expectFailure(() => api.listHostnames());
    expect(error).toMatchObject({
      name: "SelfServiceApiError",
      status: 503,
      detail: "maintenance",
      retries: 3,
      operation: "list hostnames",
    });
    expect(error.message).toBe("list hostnames failed after 3 retries: HTTP 503: maintenance");
    expect(apiCalls()).toHaveLength(4);
  });

  test("a 500 is retried like the other server errors", async () => {
    const { api } = client(admin);
    emulator.faults.add({ route: "GET /hostnames", status: 500, times: 2 });
    await expect(api.listHostnames()).resolves.toEqual([]);
    expect(apiCalls()).toEqual([
      "GET /dev/api/v1/hostnames 500",
      "GET /dev/api/v1/hostnames 500",
      "GET /dev/api/v1/hostnames 200",
    ]);
  });

  test("a 501 is final: the route itself is missing, not the server busy", async () => {
    const { api } = client(admin);
    emulator.faults.add({ route: "GET /hostnames", status: 501 });
    const error = await expectFailure(() => api.listHostnames());
    expect(error).toMatchObject({ status: 501, retries: 0 });
    expect(apiCalls()).toEqual(["GET /dev/api/v1/hostnames 501"]);
  });

  test("retries stop at the request deadline even when retries are left", async () => {
    // GIVEN a budget of 400 ms and a server that answers 503 with Retry-After 1 s
    const { api } = client(admin, { timeoutMs: 400, retry: { retries: 7, baseDelayMs: 5, maxDelayMs: 50 } });
    emulator.faults.add({ route: "GET /hostnames", status: 503, retryAfter: 1, times: 10 });
    // WHEN listing THEN the call fails with the 503 after one attempt: waiting 1 s would overrun the deadline
    const error = await expectFailure(() => api.listHostnames());
    expect(error).toMatchObject({ status: 503, retries: 0 });
    expect(apiCalls()).toEqual(["GET /dev/api/v1/hostnames 503"]);
  });

  test("a dropped connection is retried", async () => {
    const { api } = client(admin);
    emulator.faults.add({ route: "GET /certificates", drop: "before-commit" });
    await expect(api.listCertificates()).resolves.toEqual([]);
    expect(apiCalls()).toEqual(["GET /dev/api/v1/certificates 0", "GET /dev/api/v1/certificates 200"]);
  });

  test("a lost DELETE response is retried and the second attempt's 404 counts as deleted", async () => {
    const { api } = client(admin);
    await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    emulator.faults.add({ route: "DELETE /certificates/{name}", drop: "after-commit" });
    expect(await api.deleteCertificate("wildcard-dev")).toBe("absent");
    expect(apiCalls().filter((call) => call.startsWith("DELETE"))).toEqual([
      "DELETE /dev/api/v1/certificates/wildcard-dev 0",
      "DELETE /dev/api/v1/certificates/wildcard-dev 404",
    ]);
  });

  test("a response slower than the timeout fails with status 0 and is not retried", async () => {
    const { api } = client(admin, { timeoutMs: 200 });
    emulator.faults.add({ route: "GET /hostnames", delayMs: 1000 });
    const error = await expectFailure(() => api.listHostnames());
    expect(error).toMatchObject({ status: 0, retries: 0 });
    expect(error.message).toMatch(/^list hostnames failed: no response \(ECONNABORTED: timeout of \d+ms exceeded\)$/);
    expect(emulator.requestLog.list(/hostnames/)).toHaveLength(1);
  });

  test("a slow response within the timeout succeeds", async () => {
    const { api } = client(admin);
    emulator.faults.add({ route: "GET /hostnames", delayMs: 100 });
    await expect(api.listHostnames()).resolves.toEqual([]);
  });
});

describe("creates are never retried blindly", () => {
  test("a create whose response was lost is found by listing, not posted twice", async () => {
    // GIVEN the API commits the create and then drops the connection
    const { api, lines } = client(admin);
    emulator.faults.add({ route: "POST /certificates", drop: "after-commit" });
    // WHEN creating
    const view = await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    // THEN the client listed, found its certificate (same fingerprint) and did not post again
    expect(view.sha256Fingerprint).toBe(certA.fingerprint);
    expect(apiCalls()).toEqual(["POST /dev/api/v1/certificates 0", "GET /dev/api/v1/certificates 200"]);
    expect(lines).toEqual([
      "create certificate wildcard-dev: no response; listing to check whether the create was committed",
      "create certificate wildcard-dev: it was committed; using the existing object",
    ]);
  });

  test("a create dropped before commit is posted exactly once more", async () => {
    const { api } = client(admin);
    await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    emulator.faults.add({ route: "POST /hostnames", drop: "before-commit" });
    await api.createHostname({
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
    });
    expect(apiCalls().slice(1)).toEqual([
      "POST /dev/api/v1/hostnames 0",
      "GET /dev/api/v1/hostnames 200",
      "POST /dev/api/v1/hostnames 201",
    ]);
  });

  test("a create answered 503 or 500 is posted again only after a list shows nothing was committed", async () => {
    const { api, lines } = client(admin);
    await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    emulator.faults.add({ route: "POST /hostnames", status: 503 }, { route: "POST /hostnames", status: 500 });
    await api.createHostname({
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
    });
    expect(apiCalls().slice(1)).toEqual([
      "POST /dev/api/v1/hostnames 503",
      "GET /dev/api/v1/hostnames 200",
      "POST /dev/api/v1/hostnames 500",
      "GET /dev/api/v1/hostnames 200",
      "POST /dev/api/v1/hostnames 201",
    ]);
    expect(lines.filter((line) => line.includes("posting again"))).toEqual([
      expect.stringMatching(
        /^create hostname auth\.dev\.acme\.example: not committed; posting again in \d+ ms \(retry 1 of 3\)$/,
      ),
      expect.stringMatching(/\(retry 2 of 3\)$/),
    ]);
  });

  test("a create answered 429 is posted again after Retry-After without a list: a 429 commits nothing", async () => {
    const { api } = client(admin);
    await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    emulator.faults.add({ route: "POST /hostnames", status: 429, retryAfter: 0 });
    await api.createHostname({
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
    });
    expect(apiCalls().slice(1)).toEqual(["POST /dev/api/v1/hostnames 429", "POST /dev/api/v1/hostnames 201"]);
  });

  test("a create answered 503 every time fails after the policy's retries, with the count", async () => {
    const { api } = client(admin);
    await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    emulator.faults.add({ route: "POST /hostnames", status: 503, times: 10 });
    const error = await expectFailure(() =>
      api.createHostname({
        hostname: "auth.dev.acme.example",
        product: "pingfederate-engines",
        certname: "wildcard-dev",
      }),
    );
    expect(error).toMatchObject({ status: 503, retries: 3, operation: "create hostname auth.dev.acme.example" });
    expect(error.message).toMatch(/^create hostname auth\.dev\.acme\.example failed after 3 retries: HTTP 503/);
    expect(
      apiCalls()
        .slice(1)
        .filter((call) => call.startsWith("POST")),
    ).toHaveLength(4);
  });

  test("fails if the object found after a lost response is not the one sent", async () => {
    // GIVEN someone else already created the hostname with another product
    const { api } = client(admin);
    await api.createCertificate({ name: "wildcard-dev", ...pair(certA) });
    emulator.service.createHostname("dev", {
      hostname: "auth.dev.acme.example",
      product: "pingaccess-engines",
      certname: "wildcard-dev",
    });
    emulator.faults.add({ route: "POST /hostnames", drop: "before-commit" });
    // WHEN our create loses its response THEN the client refuses to claim the other object
    const error = await expectFailure(() =>
      api.createHostname({
        hostname: "auth.dev.acme.example",
        product: "pingfederate-engines",
        certname: "wildcard-dev",
      }),
    );
    expect(error).toMatchObject({
      status: 409,
      detail: "it routes to product pingaccess-engines with certname wildcard-dev",
    });
  });

  test("a certificate found by name after a lost response must have the same fingerprint", async () => {
    const { api } = client(admin);
    emulator.service.createCertificate("dev", { name: "wildcard-dev", ...pair(certB) });
    emulator.faults.add({ route: "POST /certificates", drop: "before-commit" });
    const error = await expectFailure(() => api.createCertificate({ name: "wildcard-dev", ...pair(certA) }));
    expect(error).toMatchObject({ status: 409, detail: "a different certificate is stored under this name" });
  });
});

inEachContract("tokens", () => {
  test("a 401 from the API gets one fresh token and one more attempt", async () => {
    const { api, tokens } = client(admin);
    emulator.faults.add({ route: "GET /hostnames", tokenExpired: true });
    await expect(api.listHostnames()).resolves.toEqual([]);
    expect(tokens.requestCount).toBe(2);
    expect(calls()).toEqual([
      `POST /${DEMO_ENV}/as/token 200`,
      "GET /dev/api/v1/hostnames 401",
      `POST /${DEMO_ENV}/as/token 200`,
      "GET /dev/api/v1/hostnames 200",
    ]);
  });

  test("a second 401 is final", async () => {
    const { api } = client(admin);
    emulator.faults.add({ route: "GET /hostnames", tokenExpired: true, times: 2 });
    const error = await expectFailure(() => api.listHostnames());
    expect(error).toMatchObject({ status: 401, detail: "Token has expired." });
    expect(apiCalls()).toEqual(["GET /dev/api/v1/hostnames 401", "GET /dev/api/v1/hostnames 401"]);
  });

  test("the token request is retried on 503", async () => {
    const { api } = client(admin);
    emulator.faults.add({ route: "POST /as/token", status: 503 });
    await expect(api.listHostnames()).resolves.toEqual([]);
    expect(emulator.requestLog.list(/as\/token/).map((entry) => entry.status)).toEqual([503, 200]);
  });

  test("fails with a TokenError naming the OAuth error if the client secret is wrong, and calls no API", async () => {
    const { api } = client({ ...admin, clientSecret: "wrong-secret-value" });
    const error = await expectFailure(() => api.listHostnames());
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ status: 401, retries: 0, operation: "get access token for client dev-admin" });
    expect(error.detail).toBe(
      "invalid_client: Request denied: Unsupported authentication method or invalid client credentials.",
    );
    expect(apiCalls()).toEqual([]);
  });

  test("fails with the API's detail if the token lacks the environment's role", async () => {
    const { api } = client(prodOnly, { environment: "dev" });
    const error = await expectFailure(() => api.listCertificates());
    expect(error).toMatchObject({ status: 403, detail: MISSING_ROLE_DETAIL, retries: 0 });
    expect(error.message).toBe(`list certificates failed: HTTP 403: ${MISSING_ROLE_DETAIL}`);
  });

  test("an audit role may read but not write", async () => {
    const { api } = client(audit);
    await expect(api.listHostnames()).resolves.toEqual([]);
    const error = await expectFailure(() => api.createCertificate({ name: "wildcard-dev", ...pair(certA) }));
    expect(error).toMatchObject({ status: 403, detail: MISSING_ROLE_DETAIL });
  });
});

describe("local checks reject bad input before any request", () => {
  test.each([
    [
      "an upper-case wildcard hostname",
      { hostname: "*.Dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" },
      "hostname",
      "create hostname *.Dev.acme.example: invalid hostname \"*.Dev.acme.example\": must be lowercase; must not be a wildcard ('*'). Nothing was sent.",
    ],
    [
      "a single-label hostname",
      { hostname: "localhost", product: "pingfederate-engines", certname: "wildcard-dev" },
      "hostname",
      'create hostname localhost: invalid hostname "localhost": must be a fully qualified name with at least two labels, such as auth.example.com. Nothing was sent.',
    ],
    [
      "an unknown product",
      { hostname: "auth.dev.acme.example", product: "pingone", certname: "wildcard-dev" },
      "product",
      'create hostname auth.dev.acme.example: invalid product "pingone": must be one of pingaccess-engines, pingaccess-agents, pingaccess-admin-api, pingfederate-engines, pingfederate-admin-api, pingdirectory, pingdelegator. Nothing was sent.',
    ],
  ])("rejects %s", async (_label, input, field, message) => {
    const { api } = client(admin);
    const error = await expectFailure(() => api.createHostname(input));
    expect(error).toBeInstanceOf(ClientValidationError);
    expect(error).toMatchObject({ field, message });
    expect(emulator.requestLog.list()).toEqual([]);
  });

  test.each([
    [
      "an EC key and certificate",
      () => pair(makeCertificate({ commonName: "ec.dev.acme.example", keyType: "ec" })),
      "privkey",
      /is an EC key: P1AS self-service does not support EC certificates/,
    ],
    [
      "a private key that is not PEM",
      () => ({ ...pair(certA), privkey: "not a key" }),
      "privkey",
      /must be a PEM private key block \(type PRIVATE KEY or RSA PRIVATE KEY\)/,
    ],
    [
      "a key that does not match the certificate",
      () => ({ fullchain: certA.fullchain, privkey: certB.privkey }),
      "privkey",
      /does not match the leaf certificate/,
    ],
    [
      "an expired certificate",
      () => pair(makeCertificate({ commonName: "old.dev.acme.example", expired: true })),
      "fullchain",
      /leaf certificate expired on/,
    ],
    [
      "a fullchain that is not PEM",
      () => ({ ...pair(certA), fullchain: "hello" }),
      "fullchain",
      /must hold at least one PEM 'BEGIN CERTIFICATE' block/,
    ],
  ])("rejects %s", async (_label, makePair, field, reason) => {
    const { api } = client(admin);
    const error = await expectFailure(() => api.createCertificate({ name: "wildcard-dev", ...makePair() }));
    expect(error).toMatchObject({ name: "ClientValidationError", field });
    expect(error.message).toMatch(reason);
    expect(emulator.requestLog.list()).toEqual([]);
  });

  test("rejects a hostname whose certificate is missing from the request set, naming every bad field", () => {
    const error = (() => {
      try {
        validateRequestSet({
          certificates: [{ name: "wildcard-dev", ...pair(certA) }],
          hostnames: [
            { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" },
            { hostname: "api.dev.acme.example", product: "pingaccess-engines", certname: "wildcard-test" },
            { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" },
          ],
        });
      } catch (thrown) {
        return thrown as ClientValidationError;
      }
      throw new Error("expected validateRequestSet to throw");
    })();
    captured.push(error);
    expect(error.problems.map((problem) => [problem.field, problem.reasons])).toEqual([
      [
        "hostnames[1].certname",
        [
          "names no certificate of this request set (known: wildcard-dev); add the certificate or list it in existingCertnames",
        ],
      ],
      ["hostnames[2].hostname", ["appears more than once in hostnames"]],
    ]);
  });

  test("accepts a request set whose hostnames name existing certificates", () => {
    expect(() =>
      validateRequestSet({
        certificates: [],
        hostnames: [{ hostname: "auth.dev.acme.example", product: "pingdirectory", certname: "old" }],
        existingCertnames: ["old"],
      }),
    ).not.toThrow();
  });

  test.each([
    [
      "baseUrl",
      () =>
        new SelfServiceClient({
          baseUrl: "http://self-service-api.dev-acme.us1.ping.cloud/api/v1",
          tokens: client(admin).tokens,
        }),
    ],
    [
      "tokenUrl",
      () =>
        new TokenClient({
          tokenUrl: "http://auth.pingone.com/x/as/token",
          clientId: "a",
          clientSecret: admin.clientSecret,
        }),
    ],
  ])("refuses plain http to a non-loopback %s", (field, make) => {
    let error: ClientValidationError | undefined;
    try {
      make();
    } catch (thrown) {
      error = thrown as ClientValidationError;
    }
    captured.push(error);
    expect(error).toMatchObject({ name: "ClientValidationError", field });
    expect(error?.message).toMatch(/must use https \(plain http is allowed only for loopback addresses/);
  });
});

test("no client secret, access token or private key appears in any log line or error", async () => {
  // GIVEN every token any client of this suite received
  const tokens = await Promise.all(clients.map((c) => c.tokens.getToken().catch(() => undefined)));
  const secrets = [
    ...[admin, audit, prodOnly, everywhere].map((seed) => seed.clientSecret),
    "wrong-secret-value",
    ...tokens.filter((token): token is string => !!token),
    ...[certA, certB].flatMap((cert) => cert.privkey.split("\n").filter((line) => line.length > 40)),
  ];
  // WHEN rendering everything captured every way it could be printed
  const text = [
    ...captured,
    ...clients.map((c) => c.lines),
    ...clients.map((c) => c.tokens),
    ...clients.map((c) => c.api),
  ]
    .flatMap(renderings)
    .join("\n");
  // THEN none of the secrets, and nothing shaped like a JWT, is in it
  expect(captured.length).toBeGreaterThan(20);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  expect(text).toContain("[REDACTED]");
});

// ---- shared setup -------------------------------------------------------------------------------

const DEMO_ENV = "0ff1ce00-de30-4000-8000-000000000001";

/** A describe block run once per contract mode: the emulator serves it and the client uses its contract. */
function inEachContract(name: string, body: () => void): void {
  describe.each(CONTRACT_MODES)(`${name} (%s contract)`, (each) => {
    beforeEach(() => {
      mode = each;
      emulator.state.settings.contract = each;
    });
    afterAll(() => void (mode = "assumed"));
    body();
  });
}

function client(seed: ClientSeed, options: Parameters<typeof clientFor>[2] = {}): TestClient {
  const base = clientFor(emulator, seed, options);
  const created =
    mode === "assumed"
      ? base
      : {
          ...base,
          api: new SelfServiceClient({
            baseUrl: emulator.apiUrl(options.environment ?? "dev"),
            tokens: base.tokens,
            timeoutMs: options.timeoutMs,
            retry: options.retry ?? TEST_RETRY,
            log: (line) => base.lines.push(line),
            contract: CLIENT_CONTRACT[mode],
          }),
        };
  clients.push(created);
  return created;
}

function pair(cert: GeneratedCertificate): { fullchain: string; privkey: string } {
  return { fullchain: cert.fullchain, privkey: cert.privkey };
}

async function expectFailure(action: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const error = await caught(action);
  captured.push(error);
  return error;
}

/** Every request, as "METHOD path status". */
function calls(): string[] {
  return emulator.requestLog.list().map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}

/** Self-service API requests only (no token requests). */
function apiCalls(): string[] {
  return calls().filter((call) => call.includes("/api/v1/"));
}
