/**
 * The PingOne lookup client (client/pingone-applications.ts) against the emulated PingOne over real loopback HTTP:
 * finding an application by name, reading its secret with a worker that may and one that may not, regenerating it
 * with a previous secret that stays valid until it expires, and refusing destinations before sending anything.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PingOneApplications, PingOneLookupError } from "../client/pingone-applications";
import { TokenClient } from "../client/token-client";
import { NO_ALLOWED_HOSTS } from "../p1as/destinations";
import type { RunningEmulator } from "../emulator/start";
import { startTestEmulator } from "./support/emulator";
import { workerSeed } from "./support/pingone";
import type { WorkerSeed } from "../emulator/pingone/workers";
import { createClient, createEnvironmentClients } from "./support/pingone-tenant";

jest.setTimeout(60_000);

const ENV_ID = "0ff1ce00-de30-4000-8000-0000000000a1";
const full = workerSeed("full", ENV_ID);
const readOnly = workerSeed("read-only", ENV_ID);
let now = Date.now();
let emulator: RunningEmulator;
const lines: string[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ pingone: { workers: [full, readOnly], clock: () => now } });
});
afterAll(() => emulator?.close());
beforeEach(() => {
  emulator.pingone.store.reset();
  lines.length = 0;
  now = Date.now();
});

function applications(worker: WorkerSeed, apiUrl = emulator.managementApiUrl): PingOneApplications {
  return new PingOneApplications({
    apiUrl,
    environmentId: ENV_ID,
    workerTokenUrl: emulator.tokenUrl(worker.environmentId),
    workerClientId: worker.clientId,
    workerClientSecret: worker.clientSecret,
    allowedHosts: NO_ALLOWED_HOSTS,
    log: (line) => lines.push(line),
  });
}

/** A client-credentials token for the application with that secret, or the failure. */
async function tokenWith(applicationId: string, secret: string): Promise<string> {
  return new TokenClient({
    tokenUrl: emulator.tokenUrl(ENV_ID),
    clientId: applicationId,
    clientSecret: secret,
    allowedHosts: NO_ALLOWED_HOSTS,
    retry: { retries: 0 },
    log: () => {},
  }).getToken();
}

const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));

describe("PingOneApplications", () => {
  test("finds an application by name: its id is the client id, its secret gets a token with the declared groups", async () => {
    // GIVEN dev's two clients, created through the management API
    const created = await createEnvironmentClients(emulator, full, "dev");
    const lookup = applications(full);

    // WHEN the write client is looked up and its secret read
    const found = await lookup.require("p1as-dev-orchestration");
    const secret = await lookup.secret(found);

    // THEN the id is the application's and the secret gets a token carrying the resource's groups
    expect(found).toEqual({ id: created.write.clientId, name: "p1as-dev-orchestration" });
    const token = await tokenWith(found.id, secret);
    expect(claims(token)).toMatchObject({
      client_id: found.id,
      groups: ["dev-tls-admin"],
      aud: emulator.apiUrl("dev"),
    });
    // AND nothing the client logged holds the secret
    expect(lines.join("\n")).not.toContain(secret);
  });

  test("an application that does not exist yet is undefined for find, and a PingOneLookupError naming it for require", async () => {
    const lookup = applications(full);
    await expect(lookup.find("p1as-dev-audit")).resolves.toBeUndefined();
    const error = await lookup.require("p1as-dev-audit").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PingOneLookupError);
    expect(error).toMatchObject({
      problem: "application-missing",
      target: { application: "p1as-dev-audit", environmentId: ENV_ID },
    });
  });

  test("two applications of one name are refused, naming both ids: PingOne does not make names unique", async () => {
    const first = await createClient(emulator, full, {
      applicationName: "twin",
      resourceName: "r1",
      audience: emulator.apiUrl("dev"),
      groups: ["dev-tls-audit"],
    });
    const second = await createClient(emulator, full, {
      applicationName: "twin",
      resourceName: "r2",
      audience: emulator.apiUrl("dev"),
      groups: ["dev-tls-audit"],
    });
    const error = await applications(full)
      .find("twin")
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ problem: "application-ambiguous" });
    expect((error as Error).message).toContain(first.clientId);
    expect((error as Error).message).toContain(second.clientId);
  });

  test("a read-only worker finds the application but may not read its secret (secret-forbidden, HTTP 403)", async () => {
    await createEnvironmentClients(emulator, full, "dev");
    const lookup = applications(readOnly);
    const found = await lookup.require("p1as-dev-audit");
    const error = await lookup.secret(found).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PingOneLookupError);
    expect(error).toMatchObject({ problem: "secret-forbidden", status: 403 });
  });

  test("a regenerated secret replaces the old one, which keeps working until its previous.expiresAt, and not after", async () => {
    // GIVEN the write client and its secret
    await createEnvironmentClients(emulator, full, "dev");
    const lookup = applications(full);
    const found = await lookup.require("p1as-dev-orchestration");
    const old = await lookup.secret(found);

    // WHEN the secret is regenerated, keeping the old one for ten minutes
    await lookup.regenerateSecret(found, new Date(now + 10 * 60_000));

    // THEN the new secret differs and both get a token
    const renewed = await lookup.secret(found);
    expect(renewed).not.toBe(old);
    await expect(tokenWith(found.id, renewed)).resolves.toMatch(/^ey/);
    await expect(tokenWith(found.id, old)).resolves.toMatch(/^ey/);
    // AND once the ten minutes have passed, the old one is refused
    now += 11 * 60_000;
    await expect(tokenWith(found.id, old)).rejects.toMatchObject({ status: 401 });
    await expect(tokenWith(found.id, renewed)).resolves.toMatch(/^ey/);
  });

  test("a read-only worker may not regenerate a secret", async () => {
    await createEnvironmentClients(emulator, full, "dev");
    const found = await applications(full).require("p1as-dev-orchestration");
    await expect(applications(readOnly).regenerateSecret(found)).rejects.toMatchObject({
      problem: "secret-forbidden",
      status: 403,
    });
  });

  test("refuses a management API that is not PingOne's, loopback or allow-listed, before anything is sent", async () => {
    // GIVEN a capture server on another loopback address
    const received: string[] = [];
    const capture = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      response.end("{}");
    });
    await new Promise<void>((resolve) => capture.listen(0, "127.0.0.2", resolve));
    try {
      const port = (capture.address() as AddressInfo).port;
      for (const apiUrl of [
        `http://127.0.0.2:${port}/v1`,
        "https://api.pingone.example.com/v1",
        "http://api.pingone.com/v1",
      ]) {
        expect(() => applications(full, apiUrl)).toThrow(/pingone_api_url/);
      }
      expect(received).toEqual([]);
    } finally {
      capture.close();
    }
  });
});
