/**
 * The privilege matrix of the emulated self-service API, with real tokens from the emulated PingOne's
 * token endpoint for applications made through its management API, over real loopback HTTP, in both
 * contract modes: `groups` roles per environment, audience and scope (assumed mode only), trusted
 * issuer (both), FastAPI's `{"detail": ...}` bodies.
 */
import axios, { AxiosInstance } from "axios";
import { INVALID_TOKEN_DETAIL, MISSING_ROLE_DETAIL } from "../p1as/assumptions";
import { P1asEnvironment } from "../p1as/facts";
import { CONTRACT_MODES, ContractMode } from "../emulator/contract";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { SelfServiceClient } from "../client/self-service-client";
import { TokenClient } from "../client/token-client";
import { GeneratedCertificate, makeCertificate } from "./support/certs";
import { TEST_RETRY, caught } from "./support/emulator";
import {
  ClientApp,
  TEST_PINGONE_ENV,
  createClientApp,
  literalCollection,
  managementApi,
  requestToken,
  workerSeed,
} from "./support/pingone";

/** One audience for every environment's API, so a token of one environment reaches the role check of another. */
const SHARED_AUDIENCE = "https://p1as-api.example/self-service";
const worker = workerSeed();
const http = axios.create({ validateStatus: () => true });
let emulator: RunningEmulator;
let api: AxiosInstance;
let cert: GeneratedCertificate;
const apps: Record<string, ClientApp> = {};
let serial = 0;

beforeAll(async () => {
  emulator = await startEmulator({
    seedDemoClients: false,
    pingone: { workers: [worker] },
    accept: { audiences: [SHARED_AUDIENCE] },
  });
  api = await managementApi(emulator, worker);
  cert = makeCertificate({ commonName: "*.acme.example" });
  const make = async (key: string, groups: string[], overrides: { audience?: string; scope?: string } = {}) => {
    apps[key] = await createClientApp(api, {
      resourceName: `resource-${key}`,
      applicationName: `app-${key}`,
      audience: overrides.audience ?? SHARED_AUDIENCE,
      scope: overrides.scope,
      groupsValue: literalCollection(groups),
    });
  };
  await make("devAdmin", ["dev-tls-admin"]);
  await make("devAudit", ["dev-tls-audit"]);
  await make("allAdmin", ["all-tls-admin"]);
  await make("allAudit", ["all-tls-audit"]);
  await make("otherRole", ["dev-pf-admin", "dev-tls-auditor"]);
  await make("wrongAudience", ["all-tls-admin"], { audience: "https://other-api.example/v1" });
  await make("otherScope", ["all-tls-admin"], { scope: "other-scope" });
  await make("ownApiUrl", ["dev-tls-admin"], { audience: emulator.apiUrl("dev") });
}, 60_000);
afterAll(() => emulator.close());

async function tokenOf(key: string): Promise<string> {
  const response = await requestToken(emulator, TEST_PINGONE_ENV, apps[key].clientId, apps[key].clientSecret);
  if (response.status !== 200) throw new Error(`token for ${key}: ${JSON.stringify(response.data)}`);
  return response.data.access_token;
}

const write = async (token: string, environment: P1asEnvironment) =>
  http.post(
    `${emulator.apiUrl(environment)}/certificates`,
    { name: `cert-${++serial}`, fullchain: cert.fullchain, privkey: cert.privkey },
    { headers: { Authorization: `Bearer ${token}` } },
  );
const read = async (token: string, environment: P1asEnvironment) =>
  http.get(`${emulator.apiUrl(environment)}/certificates`, { headers: { Authorization: `Bearer ${token}` } });

describe.each(CONTRACT_MODES)("%s contract", (mode: ContractMode) => {
  beforeEach(() => {
    emulator.state.settings.contract = mode;
  });

  const checksAudience = mode === "assumed";
  // [who, what, environment, expected status, expected detail]
  const matrix: [string, "write" | "read", P1asEnvironment, number, string | undefined][] = [
    ["devAdmin", "write", "dev", 201, undefined],
    ["devAdmin", "read", "dev", 200, undefined],
    ["devAdmin", "write", "prod", 403, MISSING_ROLE_DETAIL],
    ["devAdmin", "read", "prod", 403, MISSING_ROLE_DETAIL],
    ["devAudit", "read", "dev", 200, undefined],
    ["devAudit", "write", "dev", 403, MISSING_ROLE_DETAIL],
    ["devAudit", "read", "test", 403, MISSING_ROLE_DETAIL],
    ["allAdmin", "write", "dev", 201, undefined],
    ["allAdmin", "write", "prod", 201, undefined],
    ["allAdmin", "read", "stage", 200, undefined],
    ["allAudit", "read", "prod", 200, undefined],
    ["allAudit", "write", "prod", 403, MISSING_ROLE_DETAIL],
    ["otherRole", "read", "dev", 403, MISSING_ROLE_DETAIL],
    ["wrongAudience", "write", "dev", checksAudience ? 401 : 201, checksAudience ? INVALID_TOKEN_DETAIL : undefined],
    ["otherScope", "write", "dev", checksAudience ? 403 : 201, checksAudience ? MISSING_ROLE_DETAIL : undefined],
    ["ownApiUrl", "write", "dev", 201, undefined],
    [
      "ownApiUrl",
      "write",
      "prod",
      checksAudience ? 401 : 403,
      checksAudience ? INVALID_TOKEN_DETAIL : MISSING_ROLE_DETAIL,
    ],
  ];

  test.each(matrix)("%s: %s %s answers %i", async (who, what, environment, status, detail) => {
    const before = emulator.service.listCertificates(environment).length;
    const response = await (what === "write" ? write : read)(await tokenOf(who), environment);
    expect(response.status).toBe(status);
    if (detail) expect(response.data).toEqual({ detail });
    if (status === 401) expect(response.headers["www-authenticate"]).toBe("Bearer");
    // a refused write stores nothing
    expect(emulator.service.listCertificates(environment).length).toBe(
      before + (what === "write" && status === 201 ? 1 : 0),
    );
  });

  test(`a PingOne worker's token is refused by the API (${checksAudience ? "401: not its audience" : "403: no role"})`, async () => {
    const response = await requestToken(emulator, TEST_PINGONE_ENV, worker.clientId, worker.clientSecret);
    const answer = await read(response.data.access_token, "dev");
    expect(answer.status).toBe(checksAudience ? 401 : 403);
  });

  test("a token from a PingOne environment the API does not trust is refused with 401", async () => {
    const forged = await emulator.state.issuer.sign(
      { client_id: "x", scope: "p1as-self-service", groups: ["all-tls-admin"] },
      {
        issuer: `${emulator.url}/99999999-0000-4000-8000-000000000000/as`,
        audience: SHARED_AUDIENCE,
        expiresInSeconds: 300,
        type: "JWT",
      },
    );
    const response = await write(forged, "dev");
    expect(response.status).toBe(401);
    expect(response.data).toEqual({ detail: INVALID_TOKEN_DETAIL });
  });

  test("the project's client, with a PingOne application's credentials, gets a 403 error naming the refusal and never the secret", async () => {
    const tokens = new TokenClient({
      tokenUrl: emulator.tokenUrl(TEST_PINGONE_ENV),
      clientId: apps.devAudit.clientId,
      clientSecret: apps.devAudit.clientSecret,
      retry: TEST_RETRY,
      log: () => undefined,
    });
    const client = new SelfServiceClient({
      baseUrl: emulator.apiUrl("dev"),
      tokens,
      retry: TEST_RETRY,
      log: () => undefined,
    });
    expect(Array.isArray(await client.listCertificates())).toBe(true);
    const error = await caught(() =>
      client.createCertificate({ name: `cert-${++serial}`, fullchain: cert.fullchain, privkey: cert.privkey }),
    );
    expect(error.message).toMatch(/403/);
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(apps.devAudit.clientSecret);
  });
});

describe("accepted audiences and scopes at run time", () => {
  beforeEach(() => {
    emulator.state.settings.contract = "assumed";
  });
  afterEach(() => {
    emulator.state.settings.accept.audiences = [SHARED_AUDIENCE];
    emulator.state.settings.accept.scopes = [];
  });

  test("PATCH /_emulator/settings adds an audience and a scope the assumed mode then accepts", async () => {
    expect((await write(await tokenOf("wrongAudience"), "dev")).status).toBe(401);
    const patched = await http.patch(`${emulator.url}/_emulator/settings`, {
      acceptAudiences: [SHARED_AUDIENCE, "https://other-api.example/v1"],
      acceptScopes: ["other-scope"],
    });
    expect(patched.status).toBe(204);
    expect((await write(await tokenOf("wrongAudience"), "dev")).status).toBe(201);
    expect((await write(await tokenOf("otherScope"), "dev")).status).toBe(201);
    expect((await http.get(`${emulator.url}/_emulator/state`)).data.accept).toEqual({
      audiences: [SHARED_AUDIENCE, "https://other-api.example/v1"],
      scopes: ["other-scope"],
    });
  });

  test.each([
    [{ acceptAudiences: "https://x.example" }, "acceptAudiences must be a list of non-empty strings"],
    [{ acceptScopes: [""] }, "acceptScopes must be a list of non-empty strings"],
  ])("refuses %j with 400 naming the setting, changing nothing", async (body, detail) => {
    const response = await http.patch(`${emulator.url}/_emulator/settings`, body);
    expect(response).toMatchObject({ status: 400, data: { detail } });
    expect(emulator.state.settings.accept).toEqual({ audiences: [SHARED_AUDIENCE], scopes: [] });
  });
});
