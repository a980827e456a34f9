/**
 * The emulator on its own, over real loopback HTTP with plain axios: token endpoint, token checks,
 * domain rules, OpenAPI agreement with the served routes, admin endpoints, state file, flags.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import axios, { AxiosResponse } from "axios";
import { InvalidArgumentError } from "commander";
import { SignJWT, decodeJwt, generateKeyPair } from "jose";
import { EXPIRED_TOKEN_DETAIL, INVALID_TOKEN_DETAIL, NOT_AUTHENTICATED_DETAIL } from "../p1as/assumptions";
import { program } from "../emulator/bin";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "../emulator/clients";
import { API_ROUTES } from "../emulator/routes";
import { RunningEmulator } from "../emulator/start";
import { GeneratedCertificate, makeCertificate } from "./support/certs";
import { seededClientToken, startTestEmulator, testClientSeed, sharedEmulator } from "./support/emulator";

let emulator: RunningEmulator;
let cert: GeneratedCertificate;
const admin = testClientSeed("emu-admin", ["dev-tls-admin"]);
const http = axios.create({ validateStatus: () => true });

const shared = sharedEmulator([admin]);
beforeEach(() => {
  ({ emulator, cert } = shared);
});

describe("token endpoint", () => {
  test("issues an RS256 token with aud, exp, scope, iss and the groups array", async () => {
    const response = await tokenRequest(
      { grant_type: "client_credentials" },
      basic(admin.clientId, admin.clientSecret),
    );
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "p1as:self-service" });
    const claims = decodeJwt(response.data.access_token);
    expect(claims).toMatchObject({
      aud: "https://self-service-api.emulator.invalid",
      scope: "p1as:self-service",
      groups: ["dev-tls-admin"],
      client_id: "emu-admin",
    });
    expect(claims.iss).toBe(`${emulator.url}/0ff1ce00-de30-4000-8000-000000000001/as`);
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    const jwks = await http.get(`${emulator.url}/0ff1ce00-de30-4000-8000-000000000001/as/jwks`);
    expect(jwks.data.keys).toEqual([
      expect.objectContaining({ kty: "RSA", alg: "RS256", kid: emulator.state.issuer.kid }),
    ]);
  });

  test.each([
    [
      "a wrong secret",
      { grant_type: "client_credentials" },
      () => basic(admin.clientId, "nope"),
      401,
      "invalid_client",
    ],
    [
      "credentials both in Basic and in the body",
      { grant_type: "client_credentials", client_id: admin.clientId },
      () => basic(admin.clientId, admin.clientSecret),
      400,
      "invalid_request",
    ],
    [
      "another grant type",
      { grant_type: "password" },
      () => basic(admin.clientId, admin.clientSecret),
      400,
      "unsupported_grant_type",
    ],
    [
      "a scope the client lacks",
      { grant_type: "client_credentials", scope: "openid" },
      () => basic(admin.clientId, admin.clientSecret),
      400,
      "invalid_scope",
    ],
  ])("refuses %s in OAuth error format", async (_label, form, headers, status, error) => {
    const response = await tokenRequest(form, headers());
    expect(response.status).toBe(status);
    expect(response.data).toEqual({ error, error_description: expect.any(String) });
  });

  test("accepts client_secret_post", async () => {
    const response = await tokenRequest(
      { grant_type: "client_credentials", client_id: admin.clientId, client_secret: admin.clientSecret },
      {},
    );
    expect(response.status).toBe(200);
  });

  test("refuses a client at another PingOne environment's token endpoint", async () => {
    const response = await http.post(
      `${emulator.url}/11111111-2222-4333-8444-555555555555/as/token`,
      "grant_type=client_credentials",
      { headers: basic(admin.clientId, admin.clientSecret) },
    );
    expect(response.data.error).toBe("invalid_client");
  });
});

describe("token checks on the API", () => {
  test.each([
    ["no token", async () => ({}), NOT_AUTHENTICATED_DETAIL],
    [
      "an expired token",
      async () =>
        bearer(
          (await emulator.state.issuer.issue(clientOf(admin), { issuer: "x", scope: [], expiresInSeconds: -60 })).token,
        ),
      EXPIRED_TOKEN_DETAIL,
    ],
    [
      "a token signed by another key with the emulator's kid",
      async () => bearer(await forgedToken()),
      INVALID_TOKEN_DETAIL,
    ],
    ["a token that is not a JWT", async () => bearer("not-a-jwt"), INVALID_TOKEN_DETAIL],
  ])("rejects %s with 401 and a FastAPI detail", async (_label, headers, detail) => {
    const response = await http.get(emulator.apiUrl("dev") + "/certificates", { headers: await headers() });
    expect(response.status).toBe(401);
    expect(response.data).toEqual({ detail });
  });
});

describe("domain rules", () => {
  test("rejects an unknown product with a FastAPI validation detail", async () => {
    const response = await api("POST", "/hostnames", {
      hostname: "auth.dev.acme.example",
      product: "pingone",
      certname: "wildcard-dev",
    });
    expect(response.status).toBe(422);
    expect(response.data.detail).toEqual([
      expect.objectContaining({ loc: ["body", "product"], type: "invalid_value" }),
    ]);
  });

  test("rejects a hostname whose certificate does not exist", async () => {
    const response = await api("POST", "/hostnames", {
      hostname: "auth.dev.acme.example",
      product: "pingdirectory",
      certname: "wildcard-dev",
    });
    expect(response.status).toBe(422);
    expect(response.data.detail).toEqual([
      { loc: ["body", "certname"], msg: "Certificate 'wildcard-dev' does not exist.", type: "value_error" },
    ]);
  });

  test("rejects an EC key and certificate, naming both fields and echoing no key material", async () => {
    const ec = makeCertificate({ commonName: "ec.dev.acme.example", keyType: "ec" });
    const certificate = await api("POST", "/certificates", {
      name: "ec",
      fullchain: ec.fullchain,
      privkey: ec.privkey,
    });
    expect(certificate.status).toBe(422);
    expect(certificate.data.detail.map((item: { loc: string[] }) => item.loc.join("."))).toEqual([
      "body.privkey",
      "body.fullchain",
    ]);
    expect(JSON.stringify(certificate.data)).not.toContain(ec.privkey.split("\n")[1]);
  });

  test("refuses a duplicate create with 409", async () => {
    expect(
      (await api("POST", "/certificates", { name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey }))
        .status,
    ).toBe(201);
    const again = await api("POST", "/certificates", {
      name: "wildcard-dev",
      fullchain: cert.fullchain,
      privkey: cert.privkey,
    });
    expect(again.status).toBe(409);
    expect(again.data).toEqual({ detail: "Certificate 'wildcard-dev' already exists." });
  });

  test("malformed JSON gets FastAPI's 422", async () => {
    const response = await http.post(emulator.apiUrl("dev") + "/hostnames", "{", {
      headers: { ...(await adminHeaders()), "Content-Type": "application/json" },
    });
    expect(response.status).toBe(422);
  });
});

describe("OpenAPI document", () => {
  test("lists exactly the route table's operations", async () => {
    const document = (await http.get(`${emulator.url}/dev/api/v1/openapi.json`)).data;
    const documented = Object.entries(document.paths as Record<string, object>).flatMap(([route, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(documented.sort()).toEqual(API_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    expect(document.servers).toEqual([{ url: "/dev/api/v1" }]);
  });

  test("every documented operation is served, and other methods are not", async () => {
    const document = (await http.get(`${emulator.url}/test/api/v1/openapi.json`)).data;
    for (const [route, operations] of Object.entries(document.paths as Record<string, object>)) {
      const url = route.replace(/\{\w+\}/g, "missing-object");
      for (const method of Object.keys(operations)) {
        const response = await http.request({ method, url: `${emulator.apiUrl("test")}${url}` });
        // Served routes check the token first; an unserved one would answer "Not Found" or 405.
        expect([method, route, response.status, response.data]).toEqual([
          method,
          route,
          401,
          { detail: NOT_AUTHENTICATED_DETAIL },
        ]);
      }
      const unserved = await http.patch(`${emulator.apiUrl("test")}${url}`);
      expect(unserved.status).toBe(405);
    }
  });

  test("the docs page lists every route", async () => {
    const page = await http.get(`${emulator.url}/stage/docs`);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    for (const route of API_ROUTES) expect(page.data).toContain(`<code>/api/v1${route.path}</code>`);
  });
});

describe("control endpoints", () => {
  test("faults can be queued over HTTP and are validated", async () => {
    const queued = await http.post(`${emulator.url}/_emulator/faults`, [
      { route: "GET /hostnames", status: 503, retryAfter: 2 },
    ]);
    expect(queued.status).toBe(201);
    const response = await api("GET", "/hostnames");
    expect([response.status, response.headers["retry-after"]]).toEqual([503, "2"]);
    const bad = await http.post(`${emulator.url}/_emulator/faults`, { route: "GET /nothing", status: 503 });
    expect(bad.status).toBe(400);
    expect(bad.data.detail).toMatch(
      /^invalid fault: route "GET \/nothing" is not served; known routes: GET \/certificates, POST \/certificates/,
    );
    expect((await http.post(`${emulator.url}/_emulator/faults`, { route: "*", status: 200 })).data.detail).toMatch(
      /status: Number must be greater than or equal to 400/,
    );
  });

  test("periodic faults take turns: every third request fails, each kind in order, the rest are handled", async () => {
    // GIVEN two kinds that share the turns of every third request: 503 on the 3rd, 9th, ...; 500 on the 6th, 12th, ...
    await http.post(`${emulator.url}/_emulator/faults`, [
      { route: "GET /hostnames", status: 503, every: 6, skip: 2, times: 100 },
      { route: "GET /hostnames", status: 500, every: 6, skip: 5, times: 100 },
    ]);
    // WHEN twelve lists are made
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await api("GET", "/hostnames")).status);
    // THEN exactly every third one failed, the kinds alternating
    expect(statuses).toEqual([200, 200, 503, 200, 200, 500, 200, 200, 503, 200, 200, 500]);
    const bad = await http.post(`${emulator.url}/_emulator/faults`, { route: "*", status: 503, every: 0 });
    expect(bad.data.detail).toMatch(/^invalid fault: every: Number must be greater than 0/);
    await http.delete(`${emulator.url}/_emulator/faults`);
  });

  test("state can be read without private keys, forced to error and reset; the request log holds no secrets", async () => {
    await api("POST", "/certificates", { name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey });
    expect(
      (
        await http.post(`${emulator.url}/_emulator/status`, {
          environment: "dev",
          kind: "certificate",
          key: "wildcard-dev",
          status: "error",
        })
      ).status,
    ).toBe(204);
    const state = await http.get(`${emulator.url}/_emulator/state`);
    expect(state.data.environments.dev.certificates).toEqual([
      expect.objectContaining({ name: "wildcard-dev", status: "error" }),
    ]);
    expect(JSON.stringify(state.data)).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    const log = await http.get(`${emulator.url}/_emulator/requests`);
    expect(
      log.data.map((entry: { method: string; path: string; status: number; clientId: string }) => [
        entry.method,
        entry.path,
        entry.status,
        entry.clientId,
      ]),
    ).toEqual([["POST", "/dev/api/v1/certificates", 201, "emu-admin"]]);
    expect(JSON.stringify(log.data)).not.toMatch(new RegExp(`${admin.clientSecret}|eyJ|PRIVATE`));
    expect((await http.delete(`${emulator.url}/_emulator/state`)).status).toBe(204);
    expect(emulator.service.listCertificates("dev")).toEqual([]);
  });

  test("settings change the completion delay and whether certificate views carry fingerprints", async () => {
    expect((await http.patch(`${emulator.url}/_emulator/settings`, { completionDelayMs: -1 })).status).toBe(400);
    await http.patch(`${emulator.url}/_emulator/settings`, {
      completionDelayMs: 60_000,
      exposeCertificateFingerprint: false,
    });
    const created = await api("POST", "/certificates", {
      name: "wildcard-dev",
      fullchain: cert.fullchain,
      privkey: cert.privkey,
    });
    expect(created.data).toEqual({ name: "wildcard-dev", status: "creating" });
    await http.patch(`${emulator.url}/_emulator/settings`, {
      completionDelayMs: 0,
      exposeCertificateFingerprint: true,
    });
  });
});

test("a state file keeps objects across restarts, is private, and the demo credentials work", async () => {
  // GIVEN an emulator with a state file and the demo clients
  const dir = mkdtempSync(path.join(tmpdir(), "p1as-emulator-"));
  const stateFile = path.join(dir, "state.json");
  try {
    const first = await startTestEmulator({ stateFile, seedDemoClients: true });
    const token = (
      await http.post(first.tokenUrl(), "grant_type=client_credentials", {
        headers: basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
      })
    ).data.access_token;
    await http.post(
      first.apiUrl("prod") + "/certificates",
      { name: "wildcard-prod", fullchain: cert.fullchain, privkey: cert.privkey },
      { headers: bearer(token) },
    );
    await first.close();
    // WHEN a new emulator starts on the same file
    const second = await startTestEmulator({ stateFile });
    try {
      // THEN the certificate is still there and the file is readable by its owner only
      expect(second.service.listCertificates("prod")).toEqual([
        expect.objectContaining({ name: "wildcard-prod", status: "complete" }),
      ]);
      expect(statSync(stateFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(stateFile, "utf8")).toContain("wildcard-prod");
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("command line flags", () => {
  test.each([
    [
      ["--port", "70000"],
      "error: option '--port <port>' argument '70000' is invalid. must be a whole number from 0 to 65535.",
    ],
    [
      ["--completion-delay-ms", "soon"],
      "error: option '--completion-delay-ms <ms>' argument 'soon' is invalid. must be a whole number from 0 to 3600000.",
    ],
    [
      ["--client", "only-an-id"],
      "error: option '--client <id:secret:groups[:pingoneEnvId]>' argument 'only-an-id' is invalid. expected id:secret:group1,group2[:pingoneEnvironmentId]",
    ],
    [
      ["--config", "/nonexistent.json"],
      "error: option '--config <file>' argument '/nonexistent.json' is invalid. cannot read /nonexistent.json.",
    ],
  ])("rejects %j", (args, message) => {
    const errors: string[] = [];
    const command = program()
      .exitOverride()
      .configureOutput({ writeErr: (text) => errors.push(text) });
    expect(() => command.parse(args, { from: "user" })).toThrow();
    expect(errors.join("").trim()).toBe(message);
  });

  test("help shows the defaults", () => {
    const help = program().helpInformation();
    expect(help).toContain("(default: 4010)");
    expect(help).toContain('(default: "127.0.0.1")');
    expect(help).toContain("(default: 1000)");
  });

  test("InvalidArgumentError is what bad values raise", () => {
    const parser = program().options.find((option) => option.long === "--port")?.parseArg;
    expect(() => parser?.("-1", undefined)).toThrow(InvalidArgumentError);
  });
});

// ---- shared setup -------------------------------------------------------------------------------

function basic(id: string, secret: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}` };
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

function tokenRequest(form: Record<string, string>, headers: Record<string, string>): Promise<AxiosResponse> {
  return http.post(emulator.tokenUrl(), new URLSearchParams(form).toString(), {
    headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
  });
}

function clientOf(seed: typeof admin) {
  const client = emulator.state.clients.get(seed.clientId);
  if (!client) throw new Error(`no client ${seed.clientId}`);
  return client;
}

async function adminHeaders(): Promise<Record<string, string>> {
  return bearer(await seededClientToken(emulator, admin.clientId));
}

async function api(method: string, route: string, data?: object): Promise<AxiosResponse> {
  return http.request({ method, url: emulator.apiUrl("dev") + route, data, headers: await adminHeaders() });
}

/** Same claims and kid as a real token, signed by a key the emulator never saw. */
async function forgedToken(): Promise<string> {
  const { privateKey } = await generateKeyPair("RS256");
  return new SignJWT({ client_id: admin.clientId, groups: ["all-tls-admin"], scope: "" })
    .setProtectedHeader({ alg: "RS256", kid: emulator.state.issuer.kid })
    .setAudience("https://self-service-api.emulator.invalid")
    .setExpirationTime("1h")
    .sign(privateKey);
}
