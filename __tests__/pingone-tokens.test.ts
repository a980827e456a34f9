/**
 * Client-credentials tokens of the emulated PingOne for applications that exist in it, read back from
 * real tokens and verified with jose against the emulator's JWKS: the granted scope, the resource's
 * audience and lifetime, the `name` and `groups` claims from the resource attributes, `kid` and `typ`;
 * authentication by the application's tokenEndpointAuthMethod; the previous secret until it expires;
 * and refusals (unknown or disabled application, scopes, expressions the emulator can't evaluate).
 */
import axios, { AxiosInstance } from "axios";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { AT_JWT_TYPE_FROM, accessTokenType } from "../p1as/facts";
import { evaluateAttribute } from "../emulator/pingone/pel";
import { RunningEmulator, startEmulator } from "../emulator/start";
import {
  ClientApp,
  TEST_PINGONE_ENV,
  createClientApp,
  literalCollection,
  managementApi,
  requestToken,
  workerSeed,
} from "./support/pingone";

const worker = workerSeed();
let now = Date.now();
let emulator: RunningEmulator;
let api: AxiosInstance;

beforeAll(async () => {
  emulator = await startEmulator({ seedDemoClients: false, pingone: { workers: [worker], clock: () => now } });
  api = await managementApi(emulator, worker);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.pingone.store.reset(false);
  now = Date.now();
});

const AUDIENCE = "https://self-service-api.dev-acme.us1.ping.cloud/api/v1";
const devApp = (overrides: Partial<Parameters<typeof createClientApp>[1]> = {}) =>
  createClientApp(api, {
    resourceName: "p1as-dev-self-service-api",
    audience: AUDIENCE,
    groupsValue: literalCollection(["dev-tls-admin", "prod-tls-audit"]),
    nameValue: "${'OrchestrationTool'}",
    accessTokenValiditySeconds: 900,
    ...overrides,
  });
const token = (app: ClientApp, options?: Parameters<typeof requestToken>[4]) =>
  requestToken(emulator, TEST_PINGONE_ENV, app.clientId, app.clientSecret, options);

describe("a token read back", () => {
  test("verifies against the JWKS and carries the declared claims, audience, lifetime, kid and typ", async () => {
    const app = await devApp();
    const response = await token(app);
    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 900,
      scope: "p1as-self-service",
    });
    const jwks = createRemoteJWKSet(new URL(`${emulator.url}/${TEST_PINGONE_ENV}/as/jwks`));
    const { payload, protectedHeader } = await jwtVerify(response.data.access_token, jwks, {
      issuer: `${emulator.url}/${TEST_PINGONE_ENV}/as`,
      audience: AUDIENCE,
      algorithms: ["RS256"],
    });
    expect(payload).toMatchObject({
      groups: ["dev-tls-admin", "prod-tls-audit"],
      name: "OrchestrationTool",
      scope: "p1as-self-service",
      client_id: app.clientId,
      sub: app.clientId,
      env: TEST_PINGONE_ENV,
    });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(protectedHeader).toEqual({ alg: "RS256", kid: emulator.state.issuer.kid, typ: accessTokenType(new Date()) });
    // sub is the core attribute's claim, not an evaluated `${user.id}`
    expect(Object.keys(payload)).not.toContain("${user.id}");
  });

  test("typ is JWT before 2027-03-02 and at+jwt from that day", () => {
    const from = Date.parse(AT_JWT_TYPE_FROM);
    expect(accessTokenType(new Date(from - 1))).toBe("JWT");
    expect(accessTokenType(new Date(from))).toBe("at+jwt");
    expect(accessTokenType(new Date("2027-06-01T00:00:00Z"))).toBe("at+jwt");
  });

  test("a single literal gives a string claim, a static value itself, a literal collection an array", async () => {
    const app = await devApp({ groupsValue: "${'dev-tls-admin'}", nameValue: "Static Name" });
    const claims = JSON.parse(Buffer.from((await token(app)).data.access_token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ groups: "dev-tls-admin", name: "Static Name" });
  });
});

describe("authentication", () => {
  test("follows the application's tokenEndpointAuthMethod", async () => {
    const basic = await devApp();
    expect((await token(basic, { via: "post" })).data.error).toBe("invalid_client");
    const post = await devApp({
      resourceName: "r-post",
      applicationName: "post-app",
      tokenEndpointAuthMethod: "CLIENT_SECRET_POST",
    });
    expect((await token(post, { via: "post" })).status).toBe(200);
    const wrongWay = await token(post);
    expect([wrongWay.status, wrongWay.data.error]).toEqual([401, "invalid_client"]);
  });

  test("the previous secret works until previous.expiresAt; a rotation without previous ends the old secret at once", async () => {
    const app = await devApp();
    const rotated = (
      await api.post(`/applications/${app.clientId}/secret`, {
        previous: { expiresAt: new Date(now + 5 * 60_000).toISOString() },
      })
    ).data;
    expect((await token(app)).status).toBe(200);
    expect((await token({ ...app, clientSecret: rotated.secret })).status).toBe(200);
    expect((await api.get(`/applications/${app.clientId}/secret`)).data.previous.lastUsed).toEqual(expect.any(String));
    now += 5 * 60_000 + 1;
    expect((await token(app)).status).toBe(401);
    const again = (await api.post(`/applications/${app.clientId}/secret`, {})).data;
    expect((await token({ ...app, clientSecret: rotated.secret })).status).toBe(401);
    expect((await token({ ...app, clientSecret: again.secret })).status).toBe(200);
  });

  test.each([
    [
      "an application id that does not exist",
      async (app: ClientApp) => ({ ...app, clientId: "00000000-0000-4000-8000-000000000000" }),
    ],
    ["a wrong secret", async (app: ClientApp) => ({ ...app, clientSecret: "wrong" })],
    ["a deleted application", async (app: ClientApp) => (await api.delete(`/applications/${app.clientId}`), app)],
    [
      "a disabled application",
      async (app: ClientApp) => {
        const current = (await api.get(`/applications/${app.clientId}`)).data;
        const { id: _id, environment: _environment, createdAt: _createdAt, updatedAt: _updatedAt, ...body } = current;
        await api.put(`/applications/${app.clientId}`, { ...body, enabled: false });
        return app;
      },
    ],
  ])("refuses %s with 401 invalid_client", async (_label, change) => {
    const app = await change(await devApp());
    const response = await token(app);
    expect(response.status).toBe(401);
    expect(response.data).toEqual({ error: "invalid_client", error_description: expect.any(String) });
  });
});

describe("scopes", () => {
  test("a requested scope must be granted; scopes of two resources need a choice", async () => {
    const app = await devApp();
    expect((await token(app, { scope: "other" })).data.error).toBe("invalid_scope");
    // grant a second resource to the same application
    const second = (await api.post("/resources", { name: "second", audience: "https://second.example/api" })).data.id;
    const secondScope = (await api.post(`/resources/${second}/scopes`, { name: "second-scope" })).data.id;
    await api.post(`/applications/${app.clientId}/grants`, { resource: { id: second }, scopes: [{ id: secondScope }] });
    const both = await token(app);
    expect([both.status, both.data.error]).toEqual([400, "invalid_scope"]);
    expect((await token(app, { scope: "p1as-self-service second-scope" })).data.error).toBe("invalid_scope");
    const chosen = await token(app, { scope: "second-scope" });
    expect(chosen.status).toBe(200);
    expect(JSON.parse(Buffer.from(chosen.data.access_token.split(".")[1], "base64url").toString())).toMatchObject({
      aud: "https://second.example/api",
      scope: "second-scope",
    });
  });

  test("an application without a grant gets no token", async () => {
    const app = (
      await api.post("/applications", {
        name: "lonely",
        enabled: true,
        type: "WEB_APP",
        protocol: "OPENID_CONNECT",
        tokenEndpointAuthMethod: "CLIENT_SECRET_BASIC",
        grantTypes: ["CLIENT_CREDENTIALS"],
      })
    ).data.id;
    const secret = (await api.get(`/applications/${app}/secret`)).data.secret;
    const response = await requestToken(emulator, TEST_PINGONE_ENV, app, secret);
    expect([response.status, response.data.error]).toEqual([400, "invalid_scope"]);
  });
});

describe("expressions the emulator can't evaluate", () => {
  test.each([
    ["a user placeholder", "${user.email}"],
    ["text mixed with an expression", "prefix-${'a'}"],
    ["a method call", "${'a'.toUpperCase()}"],
    ["a collection holding a placeholder", "${{'a', user.id}}"],
    ["an empty collection", "${{}}"],
  ])("refuses the token when groups is %s, saying so (never an empty claim)", async (_label, value) => {
    const app = await devApp({ groupsValue: value });
    const response = await token(app);
    expect(response.status).toBe(400);
    expect(response.data.error).toBe("invalid_request");
    expect(response.data.error_description).toMatch(
      /^The emulator can't evaluate the expression of resource attribute 'groups' of resource 'p1as-dev-self-service-api'/,
    );
    expect(response.data.access_token).toBeUndefined();
  });

  test.each([
    ["${'dev-tls-admin'}", "dev-tls-admin"],
    ["${ { 'a' , 'b' } }", ["a", "b"]],
    ["${{'it\\'s'}}", ["it's"]],
    ["plain", "plain"],
  ])("evaluates %s", (value, expected) => {
    expect(evaluateAttribute(value)).toEqual({ ok: true, value: expected });
  });
});

test("the seeded-client token path still answers (explicit-credentials configs)", async () => {
  const seeded = await startEmulator({
    seedDemoClients: false,
    clients: [{ clientId: "seeded", clientSecret: "seeded-secret", groups: ["dev-tls-admin"] }],
  });
  try {
    const response = await axios.post(seeded.tokenUrl(), "grant_type=client_credentials", {
      auth: { username: "seeded", password: "seeded-secret" },
    });
    expect(response.data.scope).toBe("p1as:self-service");
  } finally {
    await seeded.close();
  }
});
