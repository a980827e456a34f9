/**
 * The emulated PingOne management API over real loopback HTTP: worker authentication and permission
 * levels, CRUD with PingOne's status codes and `_embedded` envelopes, PUT replacing, name uniqueness,
 * the regenerating secret with `previous`, the User schema, PingOne error bodies for every bad input
 * (naming the field, storing nothing), state, and seeding workers from the environment.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import axios, { AxiosInstance } from "axios";
import execa from "execa";
import { WORKER_ENV, workerFromEnvironment } from "../emulator/pingone/workers";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { TEST_PINGONE_ENV, managementApi, requestToken, workerSeed } from "./support/pingone";

const full = workerSeed("full");
const readOnly = workerSeed("read-only");
const otherEnvWorker = workerSeed("full", "5e7e0000-0000-4000-8000-0000000000b2");
let now = Date.now();
let emulator: RunningEmulator;
let api: AxiosInstance;
const http = axios.create({ validateStatus: () => true });

beforeAll(async () => {
  emulator = await startEmulator({
    seedDemoClients: false,
    pingone: { workers: [full, readOnly, otherEnvWorker], clock: () => now },
  });
  api = await managementApi(emulator, full);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.pingone.store.reset(false);
  now = Date.now();
});

const APPLICATION = {
  name: "p1as-dev-orchestration",
  enabled: true,
  type: "WEB_APP",
  protocol: "OPENID_CONNECT",
  tokenEndpointAuthMethod: "CLIENT_SECRET_BASIC",
  grantTypes: ["CLIENT_CREDENTIALS"],
  accessControl: { role: { type: "ADMIN_USERS_ONLY" } },
};
const anError = (code: string) => ({ id: expect.any(String), code, message: expect.any(String) });

describe("worker authentication", () => {
  test.each([
    ["no token", {}],
    ["a token that is not a JWT", { Authorization: "Bearer nope" }],
  ])("answers %s with 401 and PingOne's error body", async (_label, headers) => {
    const response = await http.get(`${emulator.managementApiUrl}/environments/${TEST_PINGONE_ENV}/resources`, {
      headers,
    });
    expect(response.status).toBe(401);
    expect(response.data).toEqual(anError("ACCESS_FAILED"));
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer/);
  });

  test("refuses a client-credentials token of an application (not a worker) with 401", async () => {
    const resource = (await api.post("/resources", { name: "r", audience: "https://api.example/x" })).data;
    const scope = (await api.post(`/resources/${resource.id}/scopes`, { name: "s" })).data;
    const app = (await api.post("/applications", APPLICATION)).data;
    await api.post(`/applications/${app.id}/grants`, { resource: { id: resource.id }, scopes: [{ id: scope.id }] });
    const secret = (await api.get(`/applications/${app.id}/secret`)).data.secret;
    const token = (await requestToken(emulator, TEST_PINGONE_ENV, app.id, secret)).data.access_token;
    const response = await http.get(`${emulator.managementApiUrl}/environments/${TEST_PINGONE_ENV}/resources`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
  });

  test("answers a worker of another environment with 403", async () => {
    const other = await managementApi(emulator, otherEnvWorker);
    const response = await other.get(`${emulator.managementApiUrl}/environments/${TEST_PINGONE_ENV}/resources`);
    expect(response.status).toBe(403);
    expect(response.data).toEqual(anError("ACCESS_FAILED"));
  });

  test("a read-only worker reads everything but secrets and changes nothing", async () => {
    const app = (await api.post("/applications", APPLICATION)).data;
    const reader = await managementApi(emulator, readOnly);
    expect((await reader.get("/applications")).status).toBe(200);
    expect((await reader.get(`/applications/${app.id}`)).status).toBe(200);
    const secret = await reader.get(`/applications/${app.id}/secret`);
    expect(secret.status).toBe(403);
    expect(secret.data.message).toMatch(/applications:read:secret/);
    expect(JSON.stringify(secret.data)).not.toContain((await api.get(`/applications/${app.id}/secret`)).data.secret);
    for (const [method, url] of [
      ["post", "/resources"],
      ["put", `/applications/${app.id}`],
      ["delete", `/applications/${app.id}`],
      ["post", `/applications/${app.id}/secret`],
    ] as const) {
      const response = await reader.request({ method, url, data: method === "delete" ? undefined : { name: "x" } });
      expect([method, url, response.status]).toEqual([method, url, 403]);
    }
    expect(emulator.pingone.store.data(TEST_PINGONE_ENV).resources).toEqual([]);
    expect(emulator.pingone.store.applications(TEST_PINGONE_ENV)).toHaveLength(1);
  });

  test("worker tokens carry the management API audience, never groups", async () => {
    const response = await requestToken(emulator, TEST_PINGONE_ENV, full.clientId, full.clientSecret);
    expect(response.status).toBe(200);
    const claims = JSON.parse(Buffer.from(response.data.access_token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ aud: ["https://api.pingone.com"], client_id: full.clientId, env: TEST_PINGONE_ENV });
    expect(claims.groups).toBeUndefined();
    expect((await requestToken(emulator, TEST_PINGONE_ENV, full.clientId, "wrong")).status).toBe(401);
    expect((await requestToken(emulator, otherEnvWorker.environmentId, full.clientId, full.clientSecret)).status).toBe(
      401,
    );
  });
});

describe("resources, attributes, scopes", () => {
  test("create 201 with PingOne's defaults and a core sub attribute; read 200; list in an _embedded envelope; delete 204, then 404", async () => {
    const created = await api.post("/resources", { name: "p1as-dev-self-service-api", description: "d" });
    expect(created.status).toBe(201);
    expect(created.data).toEqual({
      id: expect.any(String),
      environment: { id: TEST_PINGONE_ENV },
      type: "CUSTOM",
      name: "p1as-dev-self-service-api",
      description: "d",
      audience: "p1as-dev-self-service-api",
      accessTokenValiditySeconds: 3600,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = created.data.id;
    expect((await api.get(`/resources/${id}`)).data).toEqual(created.data);
    const list = await api.get("/resources");
    expect(list.data).toEqual({
      _links: { self: { href: expect.stringMatching(/\/v1\/environments\/.*\/resources$/) } },
      _embedded: { resources: [created.data] },
      count: 1,
      size: 1,
    });
    const attributes = (await api.get(`/resources/${id}/attributes`)).data._embedded.attributes;
    expect(attributes).toEqual([
      expect.objectContaining({ name: "sub", value: "${user.id}", type: "CORE", resource: { id } }),
    ]);
    expect((await api.delete(`/resources/${id}/attributes/${attributes[0].id}`)).status).toBe(400);
    expect((await api.delete(`/resources/${id}`)).status).toBe(204);
    const gone = await api.get(`/resources/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.data).toEqual(anError("NOT_FOUND"));
  });

  test("PUT replaces: omitted fields are dropped or fall back to their defaults", async () => {
    const id = (
      await api.post("/resources", {
        name: "r1",
        description: "d",
        audience: "https://api.example/r1",
        accessTokenValiditySeconds: 600,
      })
    ).data.id;
    const replaced = await api.put(`/resources/${id}`, { name: "r1" });
    expect(replaced.status).toBe(200);
    expect(replaced.data).toMatchObject({ name: "r1", audience: "r1", accessTokenValiditySeconds: 3600 });
    expect(replaced.data).not.toHaveProperty("description");
  });

  test("names are unique: a second resource, attribute or scope of the same name is a 400 UNIQUENESS_VIOLATION on name", async () => {
    const id = (await api.post("/resources", { name: "r1" })).data.id;
    const other = (await api.post("/resources", { name: "r2" })).data.id;
    await api.post(`/resources/${id}/attributes`, { name: "groups", value: "${'a'}" });
    await api.post(`/resources/${id}/scopes`, { name: "s" });
    for (const [url, body, method] of [
      ["/resources", { name: "r1" }, "post"],
      [`/resources/${other}`, { name: "r1" }, "put"],
      [`/resources/${id}/attributes`, { name: "groups", value: "${'b'}" }, "post"],
      [`/resources/${id}/scopes`, { name: "s" }, "post"],
    ] as const) {
      const response = await api.request({ method, url, data: body });
      expect(response.status).toBe(400);
      expect(response.data).toMatchObject({
        code: "INVALID_DATA",
        details: [{ code: "UNIQUENESS_VIOLATION", target: "name" }],
      });
    }
    expect(
      emulator.pingone.store
        .data(TEST_PINGONE_ENV)
        .resources.map((resource) => resource.name)
        .sort(),
    ).toEqual(["r1", "r2"]);
  });

  test("attributes and scopes: read, replace, delete", async () => {
    const id = (await api.post("/resources", { name: "r1" })).data.id;
    const attribute = (await api.post(`/resources/${id}/attributes`, { name: "name", value: "${'OrchestrationTool'}" }))
      .data;
    expect(attribute).toMatchObject({
      name: "name",
      value: "${'OrchestrationTool'}",
      type: "CUSTOM",
      resource: { id },
    });
    expect(
      (await api.put(`/resources/${id}/attributes/${attribute.id}`, { name: "name", value: "${'Other'}" })).data.value,
    ).toBe("${'Other'}");
    const scope = (await api.post(`/resources/${id}/scopes`, { name: "p1as-self-service", description: "d" })).data;
    const replaced = (await api.put(`/resources/${id}/scopes/${scope.id}`, { name: "p1as-self-service" })).data;
    expect(replaced).not.toHaveProperty("description");
    expect((await api.delete(`/resources/${id}/scopes/${scope.id}`)).status).toBe(204);
    expect((await api.delete(`/resources/${id}/attributes/${attribute.id}`)).status).toBe(204);
    expect((await api.get(`/resources/${id}/scopes`)).data).toMatchObject({ _embedded: { scopes: [] }, count: 0 });
  });
});

describe("applications, secrets, grants", () => {
  test("an application is created with a secret that only the secret route returns; PUT drops omitted fields", async () => {
    const created = await api.post("/applications", { ...APPLICATION, description: "d" });
    expect(created.status).toBe(201);
    const secret = await api.get(`/applications/${created.data.id}/secret`);
    expect(secret.status).toBe(200);
    expect(secret.data).toEqual({ secret: expect.stringMatching(/^.{32,}$/) });
    expect(JSON.stringify(created.data)).not.toContain(secret.data.secret);
    const { description: _dropped, accessControl: _alsoDropped, ...rest } = { ...APPLICATION, description: "d" };
    const replaced = await api.put(`/applications/${created.data.id}`, rest);
    expect(replaced.status).toBe(200);
    expect(replaced.data).not.toHaveProperty("description");
    expect(replaced.data).not.toHaveProperty("accessControl");
    expect((await api.get(`/applications/${created.data.id}/secret`)).data.secret).toBe(secret.data.secret);
  });

  test("POST /secret regenerates; with previous.expiresAt the old secret is kept until then, DELETE removes it", async () => {
    const id = (await api.post("/applications", APPLICATION)).data.id;
    const first = (await api.get(`/applications/${id}/secret`)).data.secret;
    const expiresAt = new Date(now + 10 * 60_000).toISOString();
    const rotated = await api.post(`/applications/${id}/secret`, { previous: { expiresAt } });
    expect(rotated.status).toBe(200);
    expect(rotated.data).toEqual({ secret: expect.any(String), previous: { secret: first, expiresAt } });
    expect(rotated.data.secret).not.toBe(first);
    // WHEN the clock passes expiresAt THEN previous is gone
    now += 11 * 60_000;
    expect((await api.get(`/applications/${id}/secret`)).data).toEqual({ secret: rotated.data.secret });
    // a regeneration without previous drops the old secret at once
    const again = await api.post(`/applications/${id}/secret`, {});
    expect(again.data).toEqual({ secret: expect.any(String) });
    // DELETE removes only previous
    await api.post(`/applications/${id}/secret`, { previous: { expiresAt: new Date(now + 120_000).toISOString() } });
    const current = (await api.get(`/applications/${id}/secret`)).data.secret;
    expect((await api.delete(`/applications/${id}/secret`)).status).toBe(204);
    expect((await api.get(`/applications/${id}/secret`)).data).toEqual({ secret: current });
  });

  test("a grant names one resource and its scopes; another resource's scope or a second grant for the resource is refused", async () => {
    const app = (await api.post("/applications", APPLICATION)).data.id;
    const r1 = (await api.post("/resources", { name: "r1" })).data.id;
    const r2 = (await api.post("/resources", { name: "r2" })).data.id;
    const s1 = (await api.post(`/resources/${r1}/scopes`, { name: "s" })).data.id;
    const s2 = (await api.post(`/resources/${r2}/scopes`, { name: "s" })).data.id;
    const grant = await api.post(`/applications/${app}/grants`, { resource: { id: r1 }, scopes: [{ id: s1 }] });
    expect(grant.status).toBe(201);
    expect(grant.data).toMatchObject({ application: { id: app }, resource: { id: r1 }, scopes: [{ id: s1 }] });
    const foreign = await api.post(`/applications/${app}/grants`, { resource: { id: r2 }, scopes: [{ id: s1 }] });
    expect(foreign.data).toMatchObject({ code: "INVALID_DATA", details: [{ target: "scopes[0].id" }] });
    const twice = await api.post(`/applications/${app}/grants`, { resource: { id: r1 }, scopes: [{ id: s1 }] });
    expect(twice.data).toMatchObject({ details: [{ code: "UNIQUENESS_VIOLATION", target: "resource.id" }] });
    expect((await api.get(`/applications/${app}/grants`)).data).toMatchObject({
      _embedded: { grants: [{ id: grant.data.id }] },
      count: 1,
    });
    expect(
      (await api.put(`/applications/${app}/grants/${grant.data.id}`, { resource: { id: r2 }, scopes: [{ id: s2 }] }))
        .data.details[0].target,
    ).toBe("resource.id");
    expect((await api.delete(`/applications/${app}/grants/${grant.data.id}`)).status).toBe(204);
  });

  test("deleting an application deletes its grants and secret; deleting a resource deletes its scopes and grants", async () => {
    const app = (await api.post("/applications", APPLICATION)).data.id;
    const r1 = (await api.post("/resources", { name: "r1" })).data.id;
    const s1 = (await api.post(`/resources/${r1}/scopes`, { name: "s" })).data.id;
    await api.post(`/applications/${app}/grants`, { resource: { id: r1 }, scopes: [{ id: s1 }] });
    expect((await api.delete(`/resources/${r1}`)).status).toBe(204);
    expect((await api.get(`/applications/${app}/grants`)).data.count).toBe(0);
    expect((await api.delete(`/applications/${app}`)).status).toBe(204);
    expect((await api.get(`/applications/${app}/secret`)).status).toBe(404);
  });
});

describe("the User schema", () => {
  test("is found by name; custom attributes with enumerated values are created, replaced and deleted; name and type can't change", async () => {
    const schemas = (await api.get("/schemas")).data;
    expect(schemas).toMatchObject({ _embedded: { schemas: [{ name: "User" }] }, count: 1 });
    const schemaId = schemas._embedded.schemas[0].id;
    const body = {
      name: "p1asSelfServiceRoles",
      displayName: "P1AS Self-Service Roles",
      description: "d",
      enabled: true,
      type: "STRING",
      multiValued: true,
      enumeratedValues: [{ value: "dev-tls-admin" }, { value: "dev-tls-audit" }],
    };
    const created = await api.post(`/schemas/${schemaId}/attributes`, body);
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ ...body, schema: { id: schemaId }, schemaType: "CUSTOM" });
    const { description: _d, ...withoutDescription } = body;
    const replaced = await api.put(`/schemas/${schemaId}/attributes/${created.data.id}`, {
      ...withoutDescription,
      enumeratedValues: [...body.enumeratedValues, { value: "prod-tls-audit", archived: true }],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.data).not.toHaveProperty("description");
    expect(replaced.data.enumeratedValues).toHaveLength(3);
    expect(
      (await api.put(`/schemas/${schemaId}/attributes/${created.data.id}`, { ...body, name: "renamed" })).data
        .details[0].target,
    ).toBe("name");
    expect(
      (
        await api.put(`/schemas/${schemaId}/attributes/${created.data.id}`, {
          ...body,
          type: "JSON",
          enumeratedValues: undefined,
        })
      ).data.details[0].target,
    ).toBe("type");
    const standard = (await api.get(`/schemas/${schemaId}/attributes`)).data._embedded.attributes.find(
      (attribute: { name: string }) => attribute.name === "email",
    );
    expect((await api.delete(`/schemas/${schemaId}/attributes/${standard.id}`)).status).toBe(400);
    expect((await api.delete(`/schemas/${schemaId}/attributes/${created.data.id}`)).status).toBe(204);
  });
});

describe("bad input", () => {
  // Each row: a request whose body breaks one field, and the field the error must name.
  const cases: [
    string,
    (ids: { schemaId: string; resourceId: string; appId: string }) => [string, string, unknown],
    string,
  ][] = [
    ["resource without name", () => ["post", "/resources", { description: "x" }], "name"],
    ["resource with an empty name", () => ["post", "/resources", { name: " " }], "name"],
    [
      "resource with a pingone audience",
      () => ["post", "/resources", { name: "r", audience: "https://api.pingone.com/x" }],
      "audience",
    ],
    [
      "resource with an audience fragment",
      () => ["post", "/resources", { name: "r", audience: "https://a.example/#x" }],
      "audience",
    ],
    [
      "resource token lifetime below 300",
      () => ["post", "/resources", { name: "r", accessTokenValiditySeconds: 299 }],
      "accessTokenValiditySeconds",
    ],
    [
      "resource token lifetime as text",
      () => ["post", "/resources", { name: "r", accessTokenValiditySeconds: "3600" }],
      "accessTokenValiditySeconds",
    ],
    ["resource with an unknown field", () => ["post", "/resources", { name: "r", audiance: "x" }], "audiance"],
    ["resource body that is not an object", () => ["post", "/resources", ["r"]], "(body)"],
    [
      "attribute without value",
      ({ resourceId }) => ["post", `/resources/${resourceId}/attributes`, { name: "groups" }],
      "value",
    ],
    [
      "attribute with a reserved name",
      ({ resourceId }) => ["post", `/resources/${resourceId}/attributes`, { name: "aud", value: "x" }],
      "name",
    ],
    [
      "attribute with a space in its name",
      ({ resourceId }) => ["post", `/resources/${resourceId}/attributes`, { name: "my groups", value: "x" }],
      "name",
    ],
    ["scope with whitespace", ({ resourceId }) => ["post", `/resources/${resourceId}/scopes`, { name: "a b" }], "name"],
    ["application without enabled", () => ["post", "/applications", { ...APPLICATION, enabled: undefined }], "enabled"],
    [
      "application with a SAML protocol",
      () => ["post", "/applications", { ...APPLICATION, protocol: "SAML" }],
      "protocol",
    ],
    [
      "application with an unknown auth method",
      () => ["post", "/applications", { ...APPLICATION, tokenEndpointAuthMethod: "BASIC" }],
      "tokenEndpointAuthMethod",
    ],
    [
      "application with no grant types",
      () => ["post", "/applications", { ...APPLICATION, grantTypes: [] }],
      "grantTypes",
    ],
    [
      "application with an unknown grant type",
      () => ["post", "/applications", { ...APPLICATION, grantTypes: ["PASSWORD"] }],
      "grantTypes.0",
    ],
    [
      "application with another access control role",
      () => ["post", "/applications", { ...APPLICATION, accessControl: { role: { type: "ANY" } } }],
      "accessControl.role.type",
    ],
    [
      "secret previous expiring in 30 s",
      ({ appId }) => [
        "post",
        `/applications/${appId}/secret`,
        { previous: { expiresAt: new Date(Date.now() + 30_000).toISOString() } },
      ],
      "previous.expiresAt",
    ],
    [
      "secret previous expiring in 31 days",
      ({ appId }) => [
        "post",
        `/applications/${appId}/secret`,
        { previous: { expiresAt: new Date(Date.now() + 31 * 86_400_000).toISOString() } },
      ],
      "previous.expiresAt",
    ],
    [
      "secret previous that is not a date",
      ({ appId }) => ["post", `/applications/${appId}/secret`, { previous: { expiresAt: "tomorrow" } }],
      "previous.expiresAt",
    ],
    [
      "grant of an unknown resource",
      ({ appId }) => ["post", `/applications/${appId}/grants`, { resource: { id: "nope" }, scopes: [{ id: "nope" }] }],
      "resource.id",
    ],
    [
      "grant without scopes",
      ({ appId, resourceId }) => [
        "post",
        `/applications/${appId}/grants`,
        { resource: { id: resourceId }, scopes: [] },
      ],
      "scopes",
    ],
    [
      "schema attribute with a dash in its name",
      ({ schemaId }) => [
        "post",
        `/schemas/${schemaId}/attributes`,
        { name: "p1as-roles", enabled: true, type: "STRING" },
      ],
      "name",
    ],
    [
      "schema attribute with an unknown type",
      ({ schemaId }) => ["post", `/schemas/${schemaId}/attributes`, { name: "roles", enabled: true, type: "TEXT" }],
      "type",
    ],
    [
      "schema attribute with duplicate enumerated values",
      ({ schemaId }) => [
        "post",
        `/schemas/${schemaId}/attributes`,
        { name: "roles", enabled: true, type: "STRING", enumeratedValues: [{ value: "a" }, { value: "a" }] },
      ],
      "enumeratedValues.value",
    ],
    [
      "schema attribute with an enumerated value without value",
      ({ schemaId }) => [
        "post",
        `/schemas/${schemaId}/attributes`,
        { name: "roles", enabled: true, type: "STRING", enumeratedValues: [{ description: "a" }] },
      ],
      "enumeratedValues.0.value",
    ],
  ];

  test.each(cases)(
    "refuses %s with 400 INVALID_DATA naming the field, and stores nothing",
    async (_label, build, target) => {
      const resourceId = (await api.post("/resources", { name: "base" })).data.id;
      const appId = (await api.post("/applications", APPLICATION)).data.id;
      const schemaId = (await api.get("/schemas")).data._embedded.schemas[0].id;
      const before = JSON.stringify(emulator.pingone.store.snapshot());
      const [method, url, data] = build({ schemaId, resourceId, appId });
      const response = await api.request({
        method,
        url,
        data: JSON.stringify(data),
        headers: { "Content-Type": "application/json" },
      });
      expect(response.status).toBe(400);
      expect(response.data).toEqual({
        id: expect.any(String),
        code: "INVALID_DATA",
        message: expect.any(String),
        details: expect.arrayContaining([expect.objectContaining({ target })]),
      });
      expect(response.data.details.map((detail: { message: string }) => detail.message).join(" ")).toMatch(
        new RegExp(
          target
            .split(".")
            .pop()!
            .replace(/[()[\]]/g, "\\$&") + "|body",
        ),
      );
      expect(JSON.stringify(emulator.pingone.store.snapshot())).toBe(before);
    },
  );

  test("answers JSON that does not parse with 400 INVALID_DATA on the body", async () => {
    const response = await api.post("/resources", "{not json", { headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(400);
    expect(response.data).toMatchObject({ code: "INVALID_DATA", details: [{ target: "(body)" }] });
  });

  test("answers an unknown id with 404 NOT_FOUND, and an unknown path with 404", async () => {
    expect((await api.get("/applications/nope")).data).toEqual(anError("NOT_FOUND"));
    expect((await api.get("/populations")).status).toBe(404);
  });
});

describe("faults", () => {
  afterEach(() => emulator.faults.clear());

  test("a queued fault answers once in PingOne's error body (the role-propagation 403 the provider retries), then the route works", async () => {
    const detail = "The actor attempting to perform the request is not authorized.";
    expect(
      (await http.post(`${emulator.url}/_emulator/faults`, { route: "POST /resources", status: 403, detail })).status,
    ).toBe(201);
    const refused = await api.post("/resources", { name: "r1" });
    expect(refused.status).toBe(403);
    expect(refused.data).toEqual({ id: expect.any(String), code: "ACCESS_FAILED", message: detail });
    expect(emulator.pingone.store.data(TEST_PINGONE_ENV).resources).toEqual([]);
    expect((await api.post("/resources", { name: "r1" })).status).toBe(201);
  });

  test("fault keys name the routes by path template; a key the API does not serve is refused", async () => {
    const app = (await api.post("/applications", APPLICATION)).data.id;
    emulator.faults.add({ route: "GET /applications/{applicationId}/secret", status: 503, retryAfter: 1 });
    const unavailable = await api.get(`/applications/${app}/secret`);
    expect([unavailable.status, unavailable.headers["retry-after"], unavailable.data.code]).toEqual([
      503,
      "1",
      "UNEXPECTED_SERVER_ERROR",
    ]);
    expect(() => emulator.faults.add({ route: "POST /populations", status: 500 })).toThrow(
      /is not served; known routes: .*POST \/resources/,
    );
  });
});

describe("state", () => {
  test("GET /_emulator/state shows the PingOne objects without any secret; DELETE empties them", async () => {
    const id = (await api.post("/applications", APPLICATION)).data.id;
    const secret = (await api.get(`/applications/${id}/secret`)).data.secret;
    const state = (await http.get(`${emulator.url}/_emulator/state`)).data;
    expect(state.pingone[TEST_PINGONE_ENV].applications).toEqual([
      expect.objectContaining({ id, name: APPLICATION.name }),
    ]);
    expect(state.pingone[TEST_PINGONE_ENV].secrets).toEqual({ [id]: { previousExpiresAt: null } });
    expect(JSON.stringify(state)).not.toContain(secret);
    expect((await http.delete(`${emulator.url}/_emulator/state`)).status).toBe(204);
    expect((await api.get("/applications")).data.count).toBe(0);
  });

  test("the state file keeps the PingOne objects and secrets across a restart; workers are seeded again", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pingone-state-"));
    const stateFile = path.join(dir, "state.json");
    try {
      const first = await startEmulator({ seedDemoClients: false, stateFile, pingone: { workers: [full] } });
      const firstApi = await managementApi(first, full);
      const id = (await firstApi.post("/applications", APPLICATION)).data.id;
      const secret = (await firstApi.get(`/applications/${id}/secret`)).data.secret;
      await first.close();
      expect(
        JSON.parse(readFileSync(stateFile, "utf8")).pingone.environments[TEST_PINGONE_ENV].applications,
      ).toHaveLength(1);
      expect(readFileSync(stateFile, "utf8")).not.toContain(full.clientSecret);
      const second = await startEmulator({ seedDemoClients: false, stateFile, pingone: { workers: [full] } });
      try {
        expect((await (await managementApi(second, full)).get(`/applications/${id}/secret`)).data.secret).toBe(secret);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("seeding a worker", () => {
  test("from the environment, with errors that name the variable and never the secret", () => {
    expect(workerFromEnvironment({}, "env")).toBeUndefined();
    expect(workerFromEnvironment({ [WORKER_ENV.clientId]: "w", [WORKER_ENV.clientSecret]: "s3cret" }, "env")).toEqual({
      clientId: "w",
      clientSecret: "s3cret",
      environmentId: "env",
      role: "full",
    });
    expect(() => workerFromEnvironment({ [WORKER_ENV.clientSecret]: "s3cret" }, "env")).toThrow(
      new RegExp(`^${WORKER_ENV.clientId} must be set`),
    );
    expect(() => workerFromEnvironment({ [WORKER_ENV.clientId]: "w" }, "env")).toThrow(
      new RegExp(`^${WORKER_ENV.clientSecret} must be set`),
    );
    const wrongRole = () =>
      workerFromEnvironment(
        { [WORKER_ENV.clientId]: "w", [WORKER_ENV.clientSecret]: "s3cret", [WORKER_ENV.role]: "admin" },
        "env",
      );
    expect(wrongRole).toThrow(/P1AS_EMULATOR_WORKER_ROLE must be one of full, read-only/);
    expect(() => wrongRole()).not.toThrow(/s3cret/);
  });

  test("the bin refuses half a worker with exit 2, naming the missing variable and not the secret", async () => {
    const result = await execa("node", ["dist/emulator/bin.js", "--port", "0", "--no-demo-clients"], {
      env: { [WORKER_ENV.clientSecret]: "half-worker-secret" },
      reject: false,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`p1as-emulator: ${WORKER_ENV.clientId} must be set with ${WORKER_ENV.clientSecret}.`);
    expect(result.stdout + result.stderr).not.toContain("half-worker-secret");
  });

  test("the bin seeds the worker from its environment, prints its id and role but not its secret", async () => {
    const worker = workerSeed("read-only");
    const child = execa("node", ["dist/emulator/bin.js", "--port", "0", "--no-demo-clients"], {
      env: {
        [WORKER_ENV.clientId]: worker.clientId,
        [WORKER_ENV.clientSecret]: worker.clientSecret,
        [WORKER_ENV.environmentId]: worker.environmentId,
        [WORKER_ENV.role]: "read-only",
      },
      reject: false,
    });
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout?.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes("state:")) resolve(text);
        });
        child.on("exit", () => reject(new Error(`bin exited: ${text}`)));
      });
      expect(banner).toContain(`${worker.clientId} (${worker.environmentId}, read-only)`);
      expect(banner).not.toContain(worker.clientSecret);
      const url = /listening on (\S+)/.exec(banner)![1];
      const token = await axios.post(`${url}/${worker.environmentId}/as/token`, "grant_type=client_credentials", {
        auth: { username: worker.clientId, password: worker.clientSecret },
        validateStatus: () => true,
      });
      expect(token.status).toBe(200);
      const secretRead = await axios.get(`${url}/v1/environments/${worker.environmentId}/applications/x/secret`, {
        headers: { Authorization: `Bearer ${token.data.access_token}` },
        validateStatus: () => true,
      });
      expect(secretRead.status).toBe(403);
    } finally {
      child.kill("SIGTERM");
      await child;
    }
  });
});
