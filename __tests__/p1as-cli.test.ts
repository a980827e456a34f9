/**
 * The p1as CLI against the emulator, credentials and endpoints from the same environment variables the p1as
 * provider falls back to (P1AS_CLIENT_ID, P1AS_CLIENT_SECRET, P1AS_TOKEN_URL, P1AS_API_URL), so one shell
 * setup serves both.
 */
import { EXIT_NOT_FOUND, P1AS_CLI_ENV, runCli, tokenUrlFromEnv } from "../tools/p1as/main";
import { EXIT_ERROR, EXIT_USAGE } from "../cli-kit/errors";
import { RunningEmulator } from "../emulator/start";
import { makeCertificate } from "./support/certs";
import { startTestEmulator, testClientSeed } from "./support/emulator";

let emulator: RunningEmulator;
const reader = testClientSeed("cli-reader", ["dev-tls-audit"]);
const writer = testClientSeed("cli-writer", ["dev-tls-admin"]);

beforeAll(async () => {
  emulator = await startTestEmulator({ clients: [reader, writer] });
  const cert = makeCertificate({ commonName: "*.dev.acme.example" });
  emulator.service.createCertificate("dev", { name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey });
  emulator.service.createHostname("dev", {
    hostname: "auth.dev.acme.example",
    product: "pingfederate-engines",
    certname: "wildcard-dev",
  });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.requestLog.clear());

test("lists hostnames as a table", async () => {
  const result = await cli(["hostnames", "list"]);
  expect(result).toEqual({
    code: 0,
    stdout:
      "hostname               product               certname      status\nauth.dev.acme.example  pingfederate-engines  wildcard-dev  complete\n",
    stderr: "",
  });
});

test("gets one certificate as JSON", async () => {
  const result = await cli(["certificates", "get", "wildcard-dev", "--json"]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual([
    expect.objectContaining({
      name: "wildcard-dev",
      status: "complete",
      sha256Fingerprint: expect.stringMatching(/^[0-9A-F:]{95}$/),
    }),
  ]);
});

test("lists certificates and gets a hostname", async () => {
  expect((await cli(["certificates", "list"])).stdout).toMatch(
    /^name\s+status\s+notAfter\s+sha256Fingerprint\nwildcard-dev\s+complete\s/,
  );
  expect((await cli(["hostnames", "get", "auth.dev.acme.example"])).stdout).toContain("pingfederate-engines");
});

test("reads the provider's own variable names", () => {
  expect(P1AS_CLI_ENV).toMatchObject({
    clientId: "P1AS_CLIENT_ID",
    clientSecret: "P1AS_CLIENT_SECRET",
    tokenUrl: "P1AS_TOKEN_URL",
    apiUrl: "P1AS_API_URL",
    scope: "P1AS_SCOPE",
    apiContract: "P1AS_API_CONTRACT",
  });
});

test("exits 3 (not found, distinct from an error and from a usage error) if the object does not exist", async () => {
  expect(EXIT_NOT_FOUND).toBe(3);
  expect(await cli(["hostnames", "get", "nope.dev.acme.example"])).toEqual({
    code: EXIT_NOT_FOUND,
    stdout: "",
    stderr: "hostname nope.dev.acme.example not found\n",
  });
});

test.each([
  [["hostnames", "list", "--bogus"], "p1as: unknown option '--bogus'. See --help.\n"],
  [["hostnames", "frobnicate"], "p1as: unknown command 'frobnicate'. See --help.\n"],
  [["hostnames", "get"], "p1as: missing required argument 'hostname'. See --help.\n"],
  [
    ["hostnames", "list", "extra"],
    "p1as: too many arguments for 'list'. Expected 0 arguments but got 1. See --help.\n",
  ],
  [[], "p1as: a command is required. See --help.\n"],
])("a bad command line %j exits 64 naming what is wrong, and sends nothing", async (argv, message) => {
  expect(await cli(argv)).toEqual({ code: EXIT_USAGE, stdout: "", stderr: message });
  expect(emulator.requestLog.list()).toEqual([]);
});

test.each([[["--help"]], [["hostnames", "--help"]], [["help", "certificates"]]])(
  "%j prints the usage, exits 0 and sends nothing",
  async (argv) => {
    const result = await cli(argv);
    expect(result).toEqual({ code: 0, stdout: expect.stringMatching(/^Usage: p1as /), stderr: "" });
    expect(emulator.requestLog.list()).toEqual([]);
  },
);

test("fails naming every missing environment variable, and sends nothing", async () => {
  // GIVEN no endpoint variables and no client id
  const result = await cli(["hostnames", "list"], { [P1AS_CLI_ENV.clientSecret]: reader.clientSecret });
  // THEN the message names each missing variable and no request was made
  expect(result.code).toBe(EXIT_ERROR);
  expect(result.stderr).toBe(
    "p1as: cannot reach the API: P1AS_CLIENT_ID is not set; set P1AS_TOKEN_URL, or P1AS_PINGONE_REGION_CODE and P1AS_PINGONE_ENVIRONMENT_ID; set P1AS_API_URL, or P1AS_ENVIRONMENT, P1AS_CUSTOMER and P1AS_REGION\n",
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
  expect(result.stderr).toBe(
    'p1as: cannot reach the API: P1AS_PINGONE_REGION_CODE must be one of NA, EU, CA, AU, SG, AP (got "XX")\n',
  );
});

describe("the token URL comes from the P1AS environment's own PingOne environment, never the PingOne provider's", () => {
  const workerEnvironment = "0ff1ce00-de30-4000-8000-0000000000aa";
  const p1asEnvironment = "0ff1ce00-de30-4000-8000-000000000001";

  test("P1AS_PINGONE_REGION_CODE and P1AS_PINGONE_ENVIRONMENT_ID build it; PINGONE_ENVIRONMENT_ID (the worker's) is not used", () => {
    const problems: string[] = [];
    const url = tokenUrlFromEnv(
      {
        P1AS_PINGONE_REGION_CODE: "EU",
        P1AS_PINGONE_ENVIRONMENT_ID: p1asEnvironment,
        PINGONE_REGION_CODE: "NA",
        PINGONE_ENVIRONMENT_ID: workerEnvironment,
      },
      problems,
    );
    expect([url, problems]).toEqual([`https://auth.pingone.eu/${p1asEnvironment}/as/token`, []]);
  });

  test("with only the PingOne provider's variables set, the CLI refuses, says why, and sends nothing", async () => {
    const result = await cli(["hostnames", "list"], {
      ...env(),
      P1AS_TOKEN_URL: "",
      PINGONE_REGION_CODE: "NA",
      PINGONE_ENVIRONMENT_ID: workerEnvironment,
    });
    expect(result).toEqual({
      code: EXIT_ERROR,
      stdout: "",
      stderr:
        "p1as: cannot reach the API: set P1AS_TOKEN_URL, or P1AS_PINGONE_REGION_CODE and P1AS_PINGONE_ENVIRONMENT_ID (PINGONE_ENVIRONMENT_ID is not used: it names the PingOne provider's worker environment)\n",
    });
    expect(emulator.requestLog.list()).toEqual([]);
  });

  test("a P1AS_PINGONE_ENVIRONMENT_ID that is not a UUID is refused naming the variable", async () => {
    const result = await cli(["hostnames", "list"], {
      ...env(),
      P1AS_TOKEN_URL: "",
      P1AS_PINGONE_REGION_CODE: "NA",
      P1AS_PINGONE_ENVIRONMENT_ID: "../../evil",
    });
    expect(result.code).toBe(EXIT_ERROR);
    expect(result.stderr).toBe(
      'p1as: cannot reach the API: P1AS_PINGONE_ENVIRONMENT_ID must be a UUID such as 3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b (got "../../evil")\n',
    );
    expect(emulator.requestLog.list()).toEqual([]);
  });

  test("against the emulator: P1AS_TOKEN_URL (the P1AS environment's) gets the token while the worker's PINGONE_* are set too", async () => {
    const result = await cli(["hostnames", "list"], {
      ...env(),
      PINGONE_REGION_CODE: "NA",
      PINGONE_ENVIRONMENT_ID: workerEnvironment,
    });
    expect(result.code).toBe(0);
    expect(emulator.requestLog.list(/as\/token/).map((entry) => entry.path)).toEqual([
      new URL(emulator.tokenUrl()).pathname,
    ]);
  });
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
      stdout:
        "hostname               product               certname      status\nauth.dev.acme.example  pingfederate-engines  wildcard-dev  complete\n",
      stderr: "",
    });
  } finally {
    emulator.state.settings.contract = "assumed";
  }
});

describe("the contract comes from P1AS_API_CONTRACT, as for the provider", () => {
  test("unset, the CLI reads the tenant's OpenAPI document once, and says nothing about it", async () => {
    const result = await cli(["hostnames", "list"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(emulator.requestLog.list(/openapi\.json/).map((entry) => entry.path)).toEqual([
      `${new URL(emulator.apiUrl("dev")).pathname}/openapi.json`,
    ]);
  });

  test("confirmed: no document is read", async () => {
    const result = await cli(["hostnames", "list"], { ...env(), [P1AS_CLI_ENV.apiContract]: "confirmed" });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(emulator.requestLog.list(/openapi\.json/)).toEqual([]);
  });

  test("a value that is no contract is refused, naming the variable, and nothing is sent", async () => {
    const result = await cli(["hostnames", "list"], { ...env(), [P1AS_CLI_ENV.apiContract]: "guess" });
    expect(result).toEqual({
      code: EXIT_ERROR,
      stdout: "",
      stderr:
        'p1as: cannot reach the API: P1AS_API_CONTRACT must be one of discover, confirmed, assumed (got "guess")\n',
    });
    expect(emulator.requestLog.list()).toEqual([]);
  });
});

test("an API error is reported without the secret or the token", async () => {
  const result = await cli(["hostnames", "list"], { ...env(), [P1AS_CLI_ENV.apiUrl]: emulator.apiUrl("prod") });
  expect(result).toEqual({
    code: EXIT_ERROR,
    stdout: "",
    stderr: "p1as: list hostnames failed: HTTP 403: Access token is missing required scopes.\n",
  });
  expect(result.stderr).not.toContain(reader.clientSecret);
});

describe.each(["assumed", "confirmed"] as const)(
  "delete, %s contract: the command the deploy prints for an object no configuration declares",
  (contract) => {
    beforeEach(() => {
      emulator.state.settings.contract = contract;
      emulator.service.createHostname("dev", {
        hostname: "left-over.dev.acme.example",
        product: "pingaccess-engines",
        certname: "wildcard-dev",
      });
      emulator.requestLog.clear();
    });
    afterEach(() => {
      emulator.state.settings.contract = "assumed";
      if (
        emulator.service
          .listHostnames("dev")
          .some((h) => (h as { hostname: string }).hostname === "left-over.dev.acme.example")
      )
        emulator.service.deleteHostname("dev", "left-over.dev.acme.example");
    });
    const writeEnv = () => ({ ...env(), P1AS_CLIENT_ID: writer.clientId, P1AS_CLIENT_SECRET: writer.clientSecret });

    test("with the write client it deletes the hostname: one DELETE, then exit 3 for a second delete", async () => {
      expect(await cli(["hostnames", "delete", "left-over.dev.acme.example"], writeEnv())).toEqual({
        code: 0,
        stdout: "hostname left-over.dev.acme.example deleted\n",
        stderr: "",
      });
      expect(emulator.service.listHostnames("dev").map((h) => (h as { hostname: string }).hostname)).toEqual([
        "auth.dev.acme.example",
      ]);
      expect(emulator.requestLog.list(/^DELETE /).map((entry) => `${entry.method} ${entry.path}`)).toEqual([
        "DELETE /dev/api/v1/hostnames/left-over.dev.acme.example",
      ]);
      expect(await cli(["hostnames", "delete", "left-over.dev.acme.example"], writeEnv())).toEqual({
        code: EXIT_NOT_FOUND,
        stdout: "",
        stderr: "hostname left-over.dev.acme.example not found\n",
      });
    });

    test("it never deletes with the read-only client, even when the read-only variables are set too", async () => {
      const result = await cli(["hostnames", "delete", "left-over.dev.acme.example"], {
        ...writeEnv(),
        P1AS_READ_CLIENT_ID: reader.clientId,
        P1AS_READ_CLIENT_SECRET: reader.clientSecret,
      });
      expect(result.code).toBe(0);
      expect(emulator.requestLog.list(/as\/token/)).toHaveLength(1);
      // AND with only the read-only client's pair it is refused naming the write client's variables, and sends nothing
      const refused = await cli(["hostnames", "delete", "left-over.dev.acme.example"], {
        P1AS_READ_CLIENT_ID: reader.clientId,
        P1AS_READ_CLIENT_SECRET: reader.clientSecret,
        P1AS_TOKEN_URL: emulator.tokenUrl(),
        P1AS_API_URL: emulator.apiUrl("dev"),
      });
      expect(refused).toEqual({
        code: EXIT_ERROR,
        stdout: "",
        stderr: "p1as: cannot reach the API: P1AS_CLIENT_ID is not set; P1AS_CLIENT_SECRET is not set\n",
      });
    });

    test("a certificate a hostname uses is refused by the API, named, and kept", async () => {
      const result = await cli(["certificates", "delete", "wildcard-dev"], writeEnv());
      expect(result.code).toBe(EXIT_ERROR);
      expect(result.stderr).toMatch(/^p1as: .*wildcard-dev/);
      expect(emulator.service.listCertificates("dev").map((c) => (c as { name: string }).name)).toEqual([
        "wildcard-dev",
      ]);
    });

    test.each([
      [["hostnames", "delete", "Bad_Name"], /^p1as: invalid <hostname> "Bad_Name": it .+\. Nothing was sent\.\n$/],
      [
        ["hostnames", "delete", "*.dev.acme.example"],
        /^p1as: invalid <hostname> "\*\.dev\.acme\.example": it .*wildcard.*\. Nothing was sent\.\n$/i,
      ],
      [["certificates", "delete", "../x"], /^p1as: invalid <name> "\.\.\/x": it .+\. Nothing was sent\.\n$/],
      [["hostnames", "delete"], /^p1as: missing required argument 'hostname'\. See --help\.\n$/],
    ])("bad input %j exits 64 naming the argument and reason, and sends nothing", async (argv, message) => {
      const result = await cli(argv, writeEnv());
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: EXIT_USAGE,
        stderr: expect.stringMatching(message),
      });
      expect(emulator.requestLog.list()).toEqual([]);
    });

    test("an API URL on a foreign host is refused by the destination rules before any secret is sent", async () => {
      const result = await cli(["hostnames", "delete", "left-over.dev.acme.example"], {
        ...writeEnv(),
        P1AS_API_URL: "https://self-service-api.example.net/api/v1",
      });
      expect(result.code).toBe(EXIT_ERROR);
      expect(result.stderr).toMatch(/self-service API .*loopback emulator/);
      expect(emulator.requestLog.list()).toEqual([]);
    });
  },
);

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

async function cli(
  args: string[],
  environment: NodeJS.ProcessEnv = env(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    env: environment,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}
