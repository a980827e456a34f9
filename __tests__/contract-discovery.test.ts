/**
 * Contract discovery and the client under each contract, against the emulator in both modes over real
 * loopback HTTP. What was sent is asserted on the emulator's request log.
 */
import {
  ASSUMED_CONTRACT,
  ApiContract,
  CONFIRMED_CONTRACT,
  ContractOverride,
  discoverContract,
} from "../client/contract";
import { ClientValidationError, UnsupportedOperationError } from "../client/errors";
import { SelfServiceClient } from "../client/self-service-client";
import { CONTRACT_MODES, ContractMode } from "../emulator/contract";
import { RunningEmulator } from "../emulator/start";
import { GeneratedCertificate } from "./support/certs";
import {
  TEST_RETRY,
  TestClient,
  caught,
  clientFor,
  renderings,
  testClientSeed,
  sharedEmulator,
} from "./support/emulator";

let emulator: RunningEmulator;
let cert: GeneratedCertificate;
const admin = testClientSeed("contract-client", ["dev-tls-admin"]);
const captured: unknown[] = [];
const clients: TestClient[] = [];
const HOSTNAME = { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" };

/** The contract each mode's own document should yield, and what each mode's list shows of a certificate. */
const EXPECTED: Record<ContractMode, { contract: ApiContract; fingerprint: boolean }> = {
  assumed: { contract: ASSUMED_CONTRACT, fingerprint: true },
  confirmed: { contract: CONFIRMED_CONTRACT, fingerprint: false },
};

const shared = sharedEmulator([admin]);
beforeEach(() => {
  ({ emulator, cert } = shared);
});

describe("discoverContract", () => {
  test.each(CONTRACT_MODES)("reads the %s mode's document into the contract that mode serves", async (mode) => {
    // GIVEN the emulator in the mode
    emulator.state.settings.contract = mode;
    // WHEN discovering without a token
    const contract = await discoverContract(emulator.apiUrl("dev"), { log: quiet });
    // THEN routes and fields match the mode, and the one request was the document
    expect(contract).toEqual({
      ...EXPECTED[mode].contract,
      origin: "discovered",
      reason: `read from ${emulator.apiUrl("dev")}/openapi.json`,
    });
    expect(apiCalls()).toEqual(["GET /dev/api/v1/openapi.json 200"]);
  });

  test("the confirmed mode's document has no update route, no GET by key and no fingerprint or expiry on certificates", async () => {
    emulator.state.settings.contract = "confirmed";
    const { certificates, hostnames } = await discoverContract(emulator.apiUrl("dev"), { log: quiet });
    expect([certificates.update, hostnames.update, certificates.getByKey]).toEqual([undefined, undefined, undefined]);
    expect(certificates.listItemFields).toEqual(["name", "status"]);
  });

  test.each([
    [
      "is absent (404)",
      () => `${emulator.url}/nowhere/api/v1`,
      () => undefined,
      "answered HTTP 404",
      ["GET /nowhere/api/v1/openapi.json 404"],
    ],
    [
      "needs a token (403)",
      () => emulator.apiUrl("dev"),
      () => emulator.faults.add({ route: "GET /openapi.json", status: 403, detail: "Not authenticated" }),
      "answered HTTP 403",
      ["GET /dev/api/v1/openapi.json 403"],
    ],
    [
      "is not JSON",
      () => emulator.apiUrl("dev"),
      () => emulator.faults.add({ route: "GET /openapi.json", rawBody: "<html>maintenance" }),
      "is not JSON",
      ["GET /dev/api/v1/openapi.json 200"],
    ],
    [
      "is JSON but not OpenAPI",
      () => emulator.apiUrl("dev"),
      () => emulator.faults.add({ route: "GET /openapi.json", rawBody: '{"hello":"world"}' }),
      "is not an OpenAPI document (openapi: Required; paths: Required)",
      ["GET /dev/api/v1/openapi.json 200"],
    ],
    [
      "fails with 500 on every attempt",
      () => emulator.apiUrl("dev"),
      () => emulator.faults.add({ route: "GET /openapi.json", status: 500, times: 10 }),
      "answered HTTP 500",
      Array.from({ length: 4 }, () => "GET /dev/api/v1/openapi.json 500"),
    ],
    [
      "drops the connection on every attempt",
      () => emulator.apiUrl("dev"),
      () => emulator.faults.add({ route: "GET /openapi.json", drop: "before-commit", times: 10 }),
      "could not be read",
      Array.from({ length: 4 }, () => "GET /dev/api/v1/openapi.json 0"),
    ],
  ])(
    "fails, naming the URL and every place the contract can be pinned, when the document %s: no silent fallback",
    async (_label, apiUrl, arrange, reason, requests) => {
      // GIVEN a document that cannot be used
      arrange();
      // WHEN discovering
      const error = await expectFailure(() => discoverContract(apiUrl(), { log: quiet, retry: TEST_RETRY }));
      // THEN no contract is chosen: the error names the URL, why, and the settings that pin the contract
      const url = `${apiUrl()}/openapi.json`;
      expect(error).toMatchObject({ name: "ContractDiscoveryError", url });
      expect(error.message).toContain(`discover API contract: ${url} ${reason}`);
      expect(error.message).toContain(
        "a wrong guess would turn an update into a delete and create; nothing else was sent",
      );
      for (const setting of [
        "environments[].selfService.apiContract",
        "apiContract of VirtualHosts",
        "api_contract",
        "P1AS_API_CONTRACT",
        '"confirmed"',
        '"assumed"',
      ]) {
        expect(error.message).toContain(setting);
      }
      expect(apiCalls()).toEqual(requests);
    },
  );

  test("a 503 on the document is retried before anything is concluded", async () => {
    emulator.faults.add({ route: "GET /openapi.json", status: 503 });
    const contract = await discoverContract(emulator.apiUrl("dev"), { log: quiet, retry: TEST_RETRY });
    expect(contract.origin).toBe("discovered");
    expect(apiCalls()).toEqual(["GET /dev/api/v1/openapi.json 503", "GET /dev/api/v1/openapi.json 200"]);
  });

  test("with discovery off it answers CONFIRMED_CONTRACT and sends nothing", async () => {
    expect(await discoverContract(emulator.apiUrl("dev"), { enabled: false })).toEqual({
      ...CONFIRMED_CONTRACT,
      reason: "discovery is off",
    });
    expect(emulator.requestLog.list()).toEqual([]);
  });

  test("an override replaces discovery, laid over the confirmed routes, and sends nothing", async () => {
    const update = { method: "PATCH" as const, path: "/certificates/{certname}", bodyFields: ["fullchain", "privkey"] };
    const contract = await discoverContract(emulator.apiUrl("dev"), { override: { certificates: { update } } });
    expect(contract).toEqual({
      ...CONFIRMED_CONTRACT,
      origin: "override",
      reason: "set by the caller instead of discovery",
      certificates: { ...CONFIRMED_CONTRACT.certificates, update },
    });
    expect(emulator.requestLog.list()).toEqual([]);
  });

  test.each([
    [
      "an update method other than PUT or PATCH",
      { certificates: { update: { method: "POST", path: "/certificates/{name}", bodyFields: ["fullchain"] } } },
      "contract.certificates.update.method",
      "Invalid enum value. Expected 'PUT' | 'PATCH', received 'POST'",
    ],
    [
      "an update path without a key parameter",
      { hostnames: { update: { method: "PUT", path: "/hostnames", bodyFields: ["product"] } } },
      "contract.hostnames.update.path",
      "must be a path under the API base URL ending in one {key} parameter, such as /hostnames/{key}",
    ],
    [
      "a body field the client cannot fill",
      { hostnames: { update: { method: "PUT", path: "/hostnames/{hostname}", bodyFields: ["tls_secret"] } } },
      "contract.hostnames.update.bodyFields.0",
      "Invalid enum value. Expected 'hostname' | 'product' | 'certname', received 'tls_secret'",
    ],
    ["an unknown resource", { secrets: {} }, "contract", "Unrecognized key(s) in object: 'secrets'"],
    [
      "a collection with a parameter",
      { certificates: { collection: "/certificates/{name}" } },
      "contract.certificates.collection",
      "must be a path under the API base URL without parameters, such as /certificates",
    ],
  ])(
    "refuses an override with %s, naming the field and the reason, and sends nothing",
    async (_label, override, field, reason) => {
      const error = await expectFailure(() =>
        discoverContract(emulator.apiUrl("dev"), { override: override as ContractOverride }),
      );
      expect(error).toBeInstanceOf(ClientValidationError);
      expect(error).toMatchObject({ field });
      expect(error.message).toContain(reason);
      expect(error.message).toMatch(/Nothing was sent\.$/);
      expect(emulator.requestLog.list()).toEqual([]);
    },
  );

  test("refuses plain http to a non-loopback apiUrl and sends nothing", async () => {
    const error = await expectFailure(() => discoverContract("http://self-service-api.dev-acme.us1.ping.cloud/api/v1"));
    expect(error).toMatchObject({ name: "ClientValidationError", field: "apiUrl" });
    expect(emulator.requestLog.list()).toEqual([]);
  });
});

describe.each(CONTRACT_MODES)("the client against the %s mode, with the contract it discovers", (mode) => {
  beforeEach(() => void (emulator.state.settings.contract = mode));

  test("creates, waits until ready, lists and deletes a certificate and a hostname", async () => {
    // GIVEN objects take 2 s to complete (so a create still reads "creating" on a loaded machine), and a client
    // with the discovered contract
    emulator.service.completionDelayMs = 2_000;
    const { api } = await discoveredClient();
    emulator.requestLog.clear();
    // WHEN it runs the lifecycle
    const created = await api.createCertificate({
      name: "wildcard-dev",
      fullchain: cert.fullchain,
      privkey: cert.privkey,
    });
    const ready = await api.waitUntilReady("certificate", "wildcard-dev", {
      timeoutMs: 10_000,
      pollIntervalMs: 20,
      onProgress: quiet,
    });
    await api.createHostname(HOSTNAME);
    const hostname = await api.waitUntilReady("hostname", HOSTNAME.hostname, {
      timeoutMs: 10_000,
      pollIntervalMs: 20,
      onProgress: quiet,
    });
    const listed = await api.listCertificates();
    expect(await api.deleteHostname(HOSTNAME.hostname)).toBe("deleted");
    expect(await api.deleteCertificate("wildcard-dev")).toBe("deleted");
    // THEN creates start as creating (read from the answer, or from the list when the answer has no status) and end complete
    expect(created.status).toBe("creating");
    expect([ready.status, hostname]).toEqual(["complete", { ...HOSTNAME, status: "complete" }]);
    expect(listed).toEqual([
      {
        name: "wildcard-dev",
        status: "complete",
        ...(EXPECTED[mode].fingerprint
          ? { sha256Fingerprint: cert.fingerprint, notAfter: cert.notAfter.toISOString() }
          : {}),
      },
    ]);
    // AND only a create answer without status costs a list
    const afterCreate = mode === "confirmed" ? ["GET /dev/api/v1/certificates 200"] : [];
    expect(apiCalls().slice(0, 1 + afterCreate.length)).toEqual(["POST /dev/api/v1/certificates 201", ...afterCreate]);
    expect(apiCalls().slice(-2)).toEqual([
      "DELETE /dev/api/v1/hostnames/auth.dev.acme.example 204",
      "DELETE /dev/api/v1/certificates/wildcard-dev 204",
    ]);
  });

  test("a certificate delete refused because a hostname uses it is marked in use, whatever the status", async () => {
    // GIVEN a certificate in use
    const { api } = await discoveredClient();
    seed();
    // WHEN deleting it without force THEN the refusal (409 or 400) reads as in use
    const error = await expectFailure(() => api.deleteCertificate("wildcard-dev"));
    expect(error).toMatchObject({
      name: "SelfServiceApiError",
      status: mode === "confirmed" ? 400 : 409,
      reason: "certificate-in-use",
      operation: "delete certificate wildcard-dev",
    });
    expect(error.message).toMatch(
      /The certificate is in use by a hostname: delete or re-point those hostnames first, or delete with forceDelete/,
    );
    expect(await api.deleteCertificate("wildcard-dev", { forceDelete: true })).toBe("deleted");
  });

  test("a create whose response was lost is found by listing, not posted twice", async () => {
    const { api } = await discoveredClient();
    emulator.requestLog.clear();
    emulator.faults.add({ route: "POST /certificates", drop: "after-commit" });
    const view = await api.createCertificate({
      name: "wildcard-dev",
      fullchain: cert.fullchain,
      privkey: cert.privkey,
    });
    expect(view.name).toBe("wildcard-dev");
    expect(apiCalls()).toEqual(["POST /dev/api/v1/certificates 0", "GET /dev/api/v1/certificates 200"]);
  });
});

describe("status", () => {
  test("a list item without status counts as complete (STATUS_WHEN_ABSENT), so waiting ends at once", async () => {
    // GIVEN a tenant whose list items carry no status at all
    emulator.faults.add({ route: "GET /certificates", rawBody: '[{"name":"wildcard-dev"}]' });
    // WHEN waiting for the certificate THEN it is ready after one list
    const view = await client(CONFIRMED_CONTRACT).api.waitUntilReady("certificate", "wildcard-dev", {
      timeoutMs: 1_000,
      pollIntervalMs: 20,
      onProgress: quiet,
    });
    expect(view).toEqual({ name: "wildcard-dev", status: "complete" });
    expect(apiCalls()).toEqual(["GET /dev/api/v1/certificates 200"]);
  });

  test("a create answered without status, for an object the list does not show yet, reads as creating", async () => {
    // GIVEN the confirmed mode, and a list that lags behind the create
    emulator.state.settings.contract = "confirmed";
    emulator.faults.add({ route: "GET /hostnames", rawBody: "[]" });
    seed();
    emulator.service.deleteHostname("dev", HOSTNAME.hostname);
    // WHEN creating THEN the view says creating, learnt from one list
    expect(await client(CONFIRMED_CONTRACT).api.createHostname(HOSTNAME)).toEqual({ ...HOSTNAME, status: "creating" });
    expect(apiCalls()).toEqual(["POST /dev/api/v1/hostnames 201", "GET /dev/api/v1/hostnames 200"]);
  });
});

describe("updates under a contract without an update route", () => {
  test.each([
    [
      "certificate",
      (api: SelfServiceClient) =>
        api.updateCertificate({ name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey }),
      "update certificate wildcard-dev: the API contract in use (confirmed: only the publicly confirmed routes and fields (p1as/facts.ts)) has no update route for certificates (PUT or PATCH /certificates/{name}). Nothing was sent. Delete and create the object again, or give the client a contract with an update route (discoverContract, or an override of certificates.update).",
    ],
    [
      "hostname",
      (api: SelfServiceClient) => api.updateHostname(HOSTNAME),
      "update hostname auth.dev.acme.example: the API contract in use (confirmed: only the publicly confirmed routes and fields (p1as/facts.ts)) has no update route for hostnames (PUT or PATCH /hostnames/{hostname}). Nothing was sent. Delete and create the object again, or give the client a contract with an update route (discoverContract, or an override of hostnames.update).",
    ],
  ])(
    "a %s update is refused locally, naming the missing route, and nothing is sent",
    async (_kind, update, message) => {
      const { api } = client(CONFIRMED_CONTRACT);
      const error = await expectFailure(() => update(api));
      expect(error).toBeInstanceOf(UnsupportedOperationError);
      expect(error.message).toBe(message);
      expect(emulator.requestLog.list()).toEqual([]);
    },
  );

  test("an update route whose body needs a field the client cannot fill is refused locally", async () => {
    const contract = {
      ...CONFIRMED_CONTRACT,
      hostnames: {
        ...CONFIRMED_CONTRACT.hostnames,
        update: { method: "PUT" as const, path: "/hostnames/{hostname}", bodyFields: ["tls_secret"] },
      },
    };
    const error = await expectFailure(() => client(contract).api.updateHostname(HOSTNAME));
    expect(error).toMatchObject({
      name: "UnsupportedOperationError",
      route:
        "usable update route for hostnames: PUT /hostnames/{hostname} documents fields it cannot fill (tls_secret)",
    });
    expect(emulator.requestLog.list()).toEqual([]);
  });

  test("an override's update route is used with its own method, path and body", async () => {
    // GIVEN the assumed mode (which serves PUT) and an override naming it
    seed();
    const contract = await discoverContract(emulator.apiUrl("dev"), {
      override: {
        hostnames: { update: { method: "PUT", path: "/hostnames/{hostname}", bodyFields: ["product", "certname"] } },
      },
    });
    // WHEN updating THEN the request goes there
    const view = await client(contract).api.updateHostname({ ...HOSTNAME, product: "pingaccess-engines" });
    expect(view.product).toBe("pingaccess-engines");
    expect(apiCalls()).toEqual(["PUT /dev/api/v1/hostnames/auth.dev.acme.example 200"]);
  });
});

describe("redirects", () => {
  test("FastAPI's trailing-slash redirect is followed for a list and for a create (same path minus the slash)", async () => {
    // GIVEN the confirmed mode and a contract whose collections end in a slash
    emulator.state.settings.contract = "confirmed";
    seed();
    const { api, lines } = client({
      ...CONFIRMED_CONTRACT,
      hostnames: { ...CONFIRMED_CONTRACT.hostnames, collection: "/hostnames/" },
    });
    // WHEN listing and creating
    expect((await api.listHostnames()).map((view) => view.hostname)).toEqual([HOSTNAME.hostname]);
    await api.createHostname({ ...HOSTNAME, hostname: "api.dev.acme.example" });
    // THEN each 307 was followed once, to the slash-less path
    expect(apiCalls().slice(0, 4)).toEqual([
      "GET /dev/api/v1/hostnames/ 307",
      "GET /dev/api/v1/hostnames 200",
      "POST /dev/api/v1/hostnames/ 307",
      "POST /dev/api/v1/hostnames 201",
    ]);
    expect(lines).toContain("create hostname api.dev.acme.example: HTTP 307 to /dev/api/v1/hostnames; following it");
  });

  test("a GET is followed to another URL of the same origin, given as a relative Location", async () => {
    emulator.faults.add({ route: "GET /certificates", redirect: "/dev/api/v1/certificates?page=1" });
    await expect(client(ASSUMED_CONTRACT).api.listCertificates()).resolves.toEqual([]);
    expect(apiCalls()).toEqual(["GET /dev/api/v1/certificates 307", "GET /dev/api/v1/certificates 200"]);
  });

  test.each([
    [
      "a POST to another path",
      "POST /certificates",
      () => `${emulator.apiUrl("dev")}/certificates-v2`,
      (api: SelfServiceClient) =>
        api.createCertificate({ name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey }),
      "a POST is re-sent only to the same path with or without its trailing slash, and the same query",
    ],
    [
      "a DELETE to the same path with force_delete added",
      "DELETE /certificates/{name}",
      () => `${emulator.apiUrl("dev")}/certificates/wildcard-dev?force_delete=true`,
      (api: SelfServiceClient) => api.deleteCertificate("wildcard-dev"),
      "a DELETE is re-sent only to the same path with or without its trailing slash, and the same query",
    ],
    [
      "a GET to another origin",
      "GET /hostnames",
      () => `${emulator.url.replace("127.0.0.1", "localhost")}/dev/api/v1/hostnames`,
      (api: SelfServiceClient) => api.listHostnames(),
      "it leads to another origin",
    ],
  ])(
    "%s is not followed: the error names the Location and nothing more is sent",
    async (_label, route, location, call, why) => {
      emulator.faults.add({ route, redirect: location() });
      const error = await expectFailure(() => call(client(ASSUMED_CONTRACT).api));
      expect(error).toMatchObject({ name: "SelfServiceApiError", status: 307, reason: "redirect-refused" });
      expect(error.message).toContain(`redirect to ${location()} not followed: ${why}`);
      expect(apiCalls()).toHaveLength(1);
    },
  );
});

test("no client secret, access token or private key appears in any log line or error", async () => {
  const tokens = await Promise.all(clients.map((c) => c.tokens.getToken().catch(() => undefined)));
  const secrets = [
    admin.clientSecret,
    ...tokens.filter((token): token is string => !!token),
    ...cert.privkey.split("\n").filter((line) => line.length > 40),
  ];
  const text = [...captured, ...clients.map((c) => c.lines), ...clients.map((c) => c.api)]
    .flatMap(renderings)
    .join("\n");
  expect(captured.length).toBeGreaterThan(10);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
});

// ---- shared setup -------------------------------------------------------------------------------

const quiet = () => undefined;

/** A client for the dev API with this contract, sharing the suite's token client set-up. */
function client(contract: ApiContract): TestClient {
  const base = clientFor(emulator, admin);
  const api = new SelfServiceClient({
    baseUrl: emulator.apiUrl("dev"),
    tokens: base.tokens,
    retry: TEST_RETRY,
    log: (line) => base.lines.push(line),
    contract,
  });
  const created = { ...base, api };
  clients.push(created);
  return created;
}

async function discoveredClient(): Promise<TestClient> {
  return client(await discoverContract(emulator.apiUrl("dev"), { log: quiet }));
}

/** A certificate and a hostname that uses it, straight into the service. */
function seed(): void {
  emulator.service.createCertificate("dev", { name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey });
  emulator.service.createHostname("dev", HOSTNAME);
}

async function expectFailure(action: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const error = await caught(action);
  captured.push(error);
  return error;
}

/** Self-service API requests as "METHOD path status" (no token requests). */
function apiCalls(): string[] {
  return emulator.requestLog
    .list()
    .filter((entry) => entry.path.includes("/api/v1/"))
    .map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}
