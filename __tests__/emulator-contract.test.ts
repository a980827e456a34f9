/**
 * The emulator's contract modes over real loopback HTTP: what the confirmed mode serves, that the
 * assumed mode is unchanged, that each mode's OpenAPI document matches what real requests find, and
 * how the mode is chosen (option, flag, run-time setting).
 */
import axios, { AxiosResponse } from "axios";
import { InvalidArgumentError } from "commander";
import { NOT_AUTHENTICATED_DETAIL } from "../p1as/assumptions";
import { createApp } from "../emulator/app";
import { program } from "../emulator/bin";
import { CONTRACT_MODES } from "../emulator/contract";
import { RunningEmulator, createState } from "../emulator/start";
import { GeneratedCertificate } from "./support/certs";
import { seededClientToken, startTestEmulator, testClientSeed, sharedEmulator } from "./support/emulator";

let emulator: RunningEmulator;
let cert: GeneratedCertificate;
const admin = testClientSeed("contract-admin", ["dev-tls-admin"]);
// Redirects are part of what is tested, so the test client never follows one.
const http = axios.create({ validateStatus: () => true, maxRedirects: 0 });

/** What each mode answers, one row per behaviour; the assumed column is today's behaviour. */
const EXPECTED = {
  assumed: {
    updateStatus: 200,
    keyedAllow: "PUT, DELETE",
    certificateListItem: ["name", "not_after", "sha256_fingerprint", "status"],
    certificateCreated: ["name", "not_after", "sha256_fingerprint", "status"],
    hostnameCreated: ["certname", "hostname", "product", "status"],
    inUseStatus: 409,
    trailingSlashStatus: 200,
    missingTokenStatus: 401,
  },
  confirmed: {
    updateStatus: 405,
    keyedAllow: "DELETE",
    certificateListItem: ["name", "status"],
    certificateCreated: ["name"],
    hostnameCreated: ["certname", "hostname", "product"],
    inUseStatus: 400,
    trailingSlashStatus: 307,
    missingTokenStatus: 403,
  },
} as const;

const shared = sharedEmulator([admin]);
beforeEach(() => {
  ({ emulator, cert } = shared);
});

describe.each(CONTRACT_MODES)("the %s mode", (mode) => {
  const expected = EXPECTED[mode];
  beforeEach(() => void (emulator.state.settings.contract = mode));

  test.each([
    ["PUT", "/certificates/wildcard-dev", () => ({ fullchain: cert.fullchain, privkey: cert.privkey })],
    ["PATCH", "/certificates/wildcard-dev", () => ({ fullchain: cert.fullchain, privkey: cert.privkey })],
    ["PUT", "/hostnames/auth.dev.acme.example", () => ({ product: "pingdirectory", certname: "wildcard-dev" })],
    ["PATCH", "/hostnames/auth.dev.acme.example", () => ({ product: "pingdirectory", certname: "wildcard-dev" })],
  ])(`answers %s %s with the mode's status (PUT ${expected.updateStatus}, PATCH 405)`, async (method, route, body) => {
    // GIVEN a certificate and a hostname
    await seed();
    // WHEN a valid update is sent
    const response = await api(method, route, body());
    // THEN only the assumed mode serves its guessed PUT; PATCH is served by neither
    const status = method === "PUT" ? expected.updateStatus : 405;
    expect(response.status).toBe(status);
    if (status === 405) {
      expect(response.data).toEqual({ detail: "Method Not Allowed" });
      expect(response.headers.allow).toBe(expected.keyedAllow);
    }
  });

  test("lists certificates and hostnames with the mode's fields", async () => {
    await seed();
    const certificates = await api("GET", "/certificates");
    const hostnames = await api("GET", "/hostnames");
    expect(Object.keys(certificates.data[0]).sort()).toEqual(expected.certificateListItem);
    expect(hostnames.data).toEqual([
      {
        hostname: "auth.dev.acme.example",
        product: "pingfederate-engines",
        certname: "wildcard-dev",
        status: "complete",
      },
    ]);
  });

  test("answers a create with 201 and the mode's fields", async () => {
    const certificate = await api("POST", "/certificates", {
      name: "wildcard-dev",
      fullchain: cert.fullchain,
      privkey: cert.privkey,
    });
    const hostname = await api("POST", "/hostnames", {
      hostname: "auth.dev.acme.example",
      product: "pingdirectory",
      certname: "wildcard-dev",
    });
    expect([certificate.status, Object.keys(certificate.data).sort()]).toEqual([201, expected.certificateCreated]);
    expect([hostname.status, Object.keys(hostname.data).sort()]).toEqual([201, expected.hostnameCreated]);
    expect(hostname.data).toMatchObject({
      hostname: "auth.dev.acme.example",
      product: "pingdirectory",
      certname: "wildcard-dev",
    });
  });

  test(`refuses deleting a certificate in use with ${expected.inUseStatus}; force_delete=true deletes it`, async () => {
    // GIVEN a certificate a hostname uses
    await seed();
    // WHEN it is deleted without force_delete THEN the mode's status and a detail naming the hostname
    const refused = await api("DELETE", "/certificates/wildcard-dev");
    expect(refused.status).toBe(expected.inUseStatus);
    expect(refused.data.detail).toMatch(/in use by hostnames: auth.dev.acme.example/);
    // AND with force_delete=true it goes
    expect((await api("DELETE", "/certificates/wildcard-dev?force_delete=true")).status).toBe(204);
    expect(emulator.service.listCertificates("dev")).toEqual([]);
  });

  test("answers a body that fails validation with 422 and FastAPI's detail list naming each field", async () => {
    const response = await api("POST", "/hostnames", { hostname: "auth.dev.acme.example", product: "pingone" });
    expect(response.status).toBe(422);
    expect(response.data.detail.map((item: { loc: string[] }) => item.loc.join("."))).toEqual([
      "body.product",
      "body.certname",
    ]);
    for (const item of response.data.detail)
      expect(item).toEqual({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
  });

  test(`answers a path with a trailing slash with ${expected.trailingSlashStatus}`, async () => {
    const response = await api("GET", "/hostnames/");
    expect(response.status).toBe(expected.trailingSlashStatus);
    if (mode === "confirmed") expect(response.headers.location).toBe(`${emulator.apiUrl("dev")}/hostnames`);
  });

  test(`answers a request without a token ${expected.missingTokenStatus}, and one with an expired token 401`, async () => {
    const missing = await http.get(`${emulator.apiUrl("dev")}/certificates`);
    expect([missing.status, missing.data]).toEqual([expected.missingTokenStatus, { detail: NOT_AUTHENTICATED_DETAIL }]);
    const expired = (
      await emulator.state.issuer.issue(clientOf(), { issuer: "test", scope: [], expiresInSeconds: -60 })
    ).token;
    expect(
      (await http.get(`${emulator.apiUrl("dev")}/certificates`, { headers: { Authorization: `Bearer ${expired}` } }))
        .status,
    ).toBe(401);
  });

  test("documents in openapi.json exactly the operations that real requests find served", async () => {
    // GIVEN every method on every path a client might try, probed without a token
    const served: string[] = [];
    for (const path of ["/certificates", "/certificates/{name}", "/hostnames", "/hostnames/{hostname}"]) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const response = await http.request({
          method,
          url: `${emulator.apiUrl("dev")}${path.replace(/\{\w+\}/, "probe")}`,
        });
        // A served operation checks the token; an unserved one answers 405 before that.
        if (response.data?.detail === NOT_AUTHENTICATED_DETAIL) served.push(`${method} ${path}`);
        else expect([method, path, response.status]).toEqual([method, path, 405]);
      }
    }
    // WHEN reading the mode's document
    const document = (await http.get(`${emulator.apiUrl("dev")}/openapi.json`)).data;
    // THEN its operations are exactly the served ones
    const documented = Object.entries(document.paths as Record<string, object>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(served.sort());
    expect(document.info["x-p1as-contract"]).toBe(mode);
  });

  test("documents in openapi.json exactly the response fields that real responses carry", async () => {
    // GIVEN real answers to the list and create routes
    const created = {
      "/certificates": await api("POST", "/certificates", {
        name: "wildcard-dev",
        fullchain: cert.fullchain,
        privkey: cert.privkey,
      }),
      "/hostnames": await api("POST", "/hostnames", {
        hostname: "auth.dev.acme.example",
        product: "pingdirectory",
        certname: "wildcard-dev",
      }),
    };
    const document = (await http.get(`${emulator.apiUrl("dev")}/openapi.json`)).data;
    for (const [path, createdResponse] of Object.entries(created)) {
      const listed = (await api("GET", path)).data[0];
      // WHEN comparing with the documented schemas THEN the fields match one for one
      const fields = (schema: { properties: object }) => Object.keys(schema.properties).sort();
      expect(fields(document.paths[path].get.responses["200"].content["application/json"].schema.items)).toEqual(
        Object.keys(listed).sort(),
      );
      expect(fields(document.paths[path].post.responses["201"].content["application/json"].schema)).toEqual(
        Object.keys(createdResponse.data).sort(),
      );
    }
  });

  test("the docs page lists the mode's routes only", async () => {
    const page = (await http.get(`${emulator.url}/dev/docs`)).data as string;
    expect(page).toContain(`(${mode} contract)`);
    expect(page.includes("<td>PUT</td>")).toBe(mode === "assumed");
  });
});

describe("choosing the mode", () => {
  test("startEmulator and createApp take the mode; assumed is the default", async () => {
    const state = await createState();
    expect(state.settings.contract).toBe("assumed");
    createApp(state, { contract: "confirmed" });
    expect(state.settings.contract).toBe("confirmed");
    const confirmed = await startTestEmulator({ contract: "confirmed" });
    try {
      expect((await http.get(`${confirmed.url}/_emulator/state`)).data.contract).toBe("confirmed");
    } finally {
      await confirmed.close();
    }
  });

  test("PATCH /_emulator/settings switches the mode at run time", async () => {
    expect((await http.patch(`${emulator.url}/_emulator/settings`, { contract: "confirmed" })).status).toBe(204);
    expect((await http.get(`${emulator.apiUrl("dev")}/certificates`)).status).toBe(403);
    expect((await http.patch(`${emulator.url}/_emulator/settings`, { contract: "assumed" })).status).toBe(204);
    expect((await http.get(`${emulator.apiUrl("dev")}/certificates`)).status).toBe(401);
  });

  test.each([["strict"], [true], [""]])(
    "refuses the setting contract=%j, naming the field and the allowed values, and changes nothing",
    async (contract) => {
      const response = await http.patch(`${emulator.url}/_emulator/settings`, { contract });
      expect([response.status, response.data]).toEqual([400, { detail: "contract must be one of assumed, confirmed" }]);
      expect(emulator.state.settings.contract).toBe("assumed");
      expect(emulator.requestLog.list()).toEqual([]);
    },
  );

  test("--contract parses a mode, shows its default in help, and refuses other values with InvalidArgumentError", () => {
    expect(program().parse(["--contract", "confirmed"], { from: "user" }).opts().contract).toBe("confirmed");
    expect(program().parse([], { from: "user" }).opts().contract).toBe("assumed");
    expect(program().helpInformation()).toMatch(/--contract <mode>[\s\S]*\(default: "assumed"\)/);
    const errors: string[] = [];
    const command = program()
      .exitOverride()
      .configureOutput({ writeErr: (text) => errors.push(text) });
    expect(() => command.parse(["--contract", "strict"], { from: "user" })).toThrow();
    expect(errors.join("").trim()).toBe(
      "error: option '--contract <mode>' argument 'strict' is invalid. must be one of assumed, confirmed.",
    );
    const parser = program().options.find((option) => option.long === "--contract")?.parseArg;
    expect(() => parser?.("strict", undefined)).toThrow(InvalidArgumentError);
  });
});

// ---- shared setup -------------------------------------------------------------------------------

function clientOf() {
  const client = emulator.state.clients.get(admin.clientId);
  if (!client) throw new Error(`no client ${admin.clientId}`);
  return client;
}

async function api(method: string, route: string, data?: object): Promise<AxiosResponse> {
  const token = await seededClientToken(emulator, admin.clientId);
  return http.request({
    method,
    url: emulator.apiUrl("dev") + route,
    data,
    headers: { Authorization: `Bearer ${token}` },
  });
}

/** A certificate and a hostname that uses it, straight into the service. */
async function seed(): Promise<void> {
  emulator.service.createCertificate("dev", { name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey });
  emulator.service.createHostname("dev", {
    hostname: "auth.dev.acme.example",
    product: "pingfederate-engines",
    certname: "wildcard-dev",
  });
}
