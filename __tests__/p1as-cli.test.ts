/**
 * The p1as CLI against the emulator, credentials and endpoints from the same environment variables the p1as
 * provider falls back to (P1AS_CLIENT_ID, P1AS_CLIENT_SECRET, P1AS_TOKEN_URL, P1AS_API_URL), so one shell
 * setup serves both.
 */
import { P1AS_CLI_ENV, runCli } from "../tools/p1as-cli";
import { RunningEmulator } from "../emulator/start";
import { makeCertificate } from "./support/certs";
import { startTestEmulator, testClientSeed } from "./support/emulator";

let emulator: RunningEmulator;
const reader = testClientSeed("cli-reader", ["dev-tls-audit"]);

beforeAll(async () => {
  emulator = await startTestEmulator({ clients: [reader] });
  const cert = makeCertificate({ commonName: "*.dev.acme.example" });
  emulator.service.createCertificate("dev", { name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey });
  emulator.service.createHostname("dev", { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.requestLog.clear());

test("lists hostnames as a table", async () => {
  const result = await cli(["hostnames", "list"]);
  expect(result).toEqual({
    code: 0,
    stdout: "hostname               product               certname      status\nauth.dev.acme.example  pingfederate-engines  wildcard-dev  complete\n",
    stderr: "",
  });
});

test("gets one certificate as JSON", async () => {
  const result = await cli(["certificates", "get", "wildcard-dev", "--json"]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ name: "wildcard-dev", status: "complete", sha256Fingerprint: expect.stringMatching(/^[0-9A-F:]{95}$/) })]);
});

test("lists certificates and gets a hostname", async () => {
  expect((await cli(["certificates", "list"])).stdout).toMatch(/^name\s+status\s+notAfter\s+sha256Fingerprint\nwildcard-dev\s+complete\s/);
  expect((await cli(["hostnames", "get", "auth.dev.acme.example"])).stdout).toContain("pingfederate-engines");
});

test("reads the provider's own variable names", () => {
  expect(P1AS_CLI_ENV).toMatchObject({ clientId: "P1AS_CLIENT_ID", clientSecret: "P1AS_CLIENT_SECRET", tokenUrl: "P1AS_TOKEN_URL", apiUrl: "P1AS_API_URL", scope: "P1AS_SCOPE" });
});

test("exits 1 if the object does not exist", async () => {
  expect(await cli(["hostnames", "get", "nope.dev.acme.example"])).toEqual({ code: 1, stdout: "", stderr: "hostname nope.dev.acme.example not found\n" });
});

test("fails naming every missing environment variable, and sends nothing", async () => {
  // GIVEN no endpoint variables and no client id
  const result = await cli(["hostnames", "list"], { [P1AS_CLI_ENV.clientSecret]: reader.clientSecret });
  // THEN the message names each missing variable and no request was made
  expect(result.code).toBe(2);
  expect(result.stderr).toBe(
    "p1as: cannot reach the API: P1AS_CLIENT_ID is not set; set P1AS_TOKEN_URL, or PINGONE_REGION_CODE and PINGONE_ENVIRONMENT_ID; set P1AS_API_URL, or P1AS_ENVIRONMENT, P1AS_CUSTOMER and P1AS_REGION\n",
  );
  expect(emulator.requestLog.list()).toEqual([]);
});

test("builds real-tenant URLs from region and environment variables (https, so nothing reaches the emulator)", async () => {
  const result = await cli(["hostnames", "list"], {
    [P1AS_CLI_ENV.clientId]: reader.clientId,
    [P1AS_CLI_ENV.clientSecret]: reader.clientSecret,
    [P1AS_CLI_ENV.pingOneRegion]: "XX",
    [P1AS_CLI_ENV.pingOneEnvironmentId]: "0ff1ce00-de30-4000-8000-000000000001",
    [P1AS_CLI_ENV.environment]: "dev",
    [P1AS_CLI_ENV.customer]: "acme",
    [P1AS_CLI_ENV.region]: "us1",
  });
  expect(result.stderr).toBe('p1as: cannot reach the API: PINGONE_REGION_CODE must be one of NA, EU, CA, AU, SG, AP (got "XX")\n');
});

test("lists and gets against the confirmed contract, where certificates show no fingerprint", async () => {
  // GIVEN an API that serves only the publicly confirmed fields
  emulator.state.settings.contract = "confirmed";
  try {
    // WHEN / THEN
    const certificates = await cli(["certificates", "list", "--json"]);
    expect(certificates.code).toBe(0);
    expect(JSON.parse(certificates.stdout)).toEqual([expect.objectContaining({ name: "wildcard-dev" })]);
    expect(await cli(["hostnames", "get", "auth.dev.acme.example"])).toEqual({
      code: 0,
      stdout: "hostname               product               certname      status\nauth.dev.acme.example  pingfederate-engines  wildcard-dev  complete\n",
      stderr: "",
    });
  } finally {
    emulator.state.settings.contract = "assumed";
  }
});

test("an API error is reported without the secret or the token", async () => {
  const result = await cli(["hostnames", "list"], { ...env(), [P1AS_CLI_ENV.apiUrl]: emulator.apiUrl("prod") });
  expect(result).toEqual({ code: 2, stdout: "", stderr: "p1as: list hostnames failed: HTTP 403: Access token is missing required scopes.\n" });
  expect(result.stderr).not.toContain(reader.clientSecret);
});

// ---- shared setup -------------------------------------------------------------------------------

/** What a shell set up for the provider exports. */
function env(): NodeJS.ProcessEnv {
  return {
    P1AS_CLIENT_ID: reader.clientId,
    P1AS_CLIENT_SECRET: reader.clientSecret,
    P1AS_TOKEN_URL: emulator.tokenUrl(),
    P1AS_API_URL: emulator.apiUrl("dev"),
  };
}

async function cli(args: string[], environment: NodeJS.ProcessEnv = env()): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { env: environment, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}
