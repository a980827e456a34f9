import { execSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONFIG_ENV_VAR, DEFAULT_CONFIG_PATH, configPath, loadConfig, parseConfig } from "../config/load";
import { checkConfig } from "../config/schema";
import { ValidationError } from "../constructs/errors";
import { synthesize } from "../stacks/synthesize";

describe("config", () => {
  test("loads the shipped example with every documented default applied", () => {
    // GIVEN the example config (dev with defaults, prod with explicit values)
    // WHEN it is loaded
    const config = loadConfig(DEFAULT_CONFIG_PATH);

    // THEN dev gets least-privilege groups and the derived URLs
    const [dev, prod] = config.environments;
    expect(dev).toMatchObject({
      name: "dev",
      stackName: "p1as-dev",
      groups: ["dev-tls-admin"],
      resource: {
        name: "p1as-dev-self-service-api",
        audience: "https://self-service-api.dev-acme.us1.ping.cloud/api/v1",
        accessTokenValiditySeconds: 3600,
        scope: "p1as-self-service",
        orchestrationName: "OrchestrationTool",
      },
      application: { name: "p1as-dev-orchestration" },
      selfService: {
        apiUrl: "https://self-service-api.dev-acme.us1.ping.cloud/api/v1",
        tokenUrl: "https://auth.pingone.com/3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b/as/token",
      },
      backend: { type: "local", path: "terraform.p1as-dev.tfstate" },
    });
    expect(prod.backend).toEqual({ type: "pg", schemaName: "p1as_prod", connStr: undefined });
    expect(config.pingone.backend).toEqual({ type: "local", path: "terraform.pingone-directory.tfstate" });
  });

  test("reads the file named by P1AS_CONFIG, else config/example.json", () => {
    expect(configPath({ [CONFIG_ENV_VAR]: "config/other.json" })).toBe("config/other.json");
    expect(configPath({})).toBe("config/example.json");
  });

  test("omitted optional sections get defaults: local backend, managed role attributes, no virtual hosts", () => {
    const config = parseConfig(minimalConfig(), "minimal");
    expect(config.pingone.roleAttributes).toEqual({ manage: true, retiredEnvironments: [], archivedRoles: [] });
    expect(config.environments[0].virtualHosts).toEqual({ certificates: [], hostnames: [] });
    expect(config.environments[0].groups).toEqual(["test-tls-admin"]);
  });

  test("all-* roles appear only when listed explicitly, with the opt-in beside them", () => {
    const config = parseConfig(
      withEnvironment({ name: "stage", groups: ["stage-tls-audit", "all-tls-audit"], allowAllEnvironmentRoles: true }),
      "explicit-all",
    );
    expect(config.environments[0].groups).toEqual(["stage-tls-audit", "all-tls-audit"]);
    expect(config.environments[0].allowAllEnvironmentRoles).toBe(true);
  });

  test("derives tokenUrl from the region and accepts emulator overrides", () => {
    const eu = parseConfig({ ...minimalConfig(), pingone: { ...minimalConfig().pingone, regionCode: "EU" } }, "eu");
    expect(eu.environments[0].selfService.tokenUrl).toBe(`https://auth.pingone.eu/${ENV_ID}/as/token`);
    const emulated = parseConfig(
      withEnvironment({
        name: "dev",
        selfService: {
          apiUrl: "http://127.0.0.1:4010/dev/api/v1",
          tokenUrl: `http://127.0.0.1:4010/${ENV_ID}/as/token`,
        },
      }),
      "emulated",
    );
    expect(emulated.environments[0].selfService.apiUrl).toBe("http://127.0.0.1:4010/dev/api/v1");
    expect(emulated.environments[0].resource.audience).toBe("http://127.0.0.1:4010/dev/api/v1");
  });

  // Each malformed config names the bad field's path and the reason.
  test.each<[string, (config: RawConfig) => void, string, RegExp]>([
    ["empty customer", (c) => (c.customer = ""), "customer", /must not be empty/],
    [
      "customer with upper case and a trailing dash",
      (c) => (c.customer = "Acme-"),
      "customer",
      /lowercase.*; must not start or end with '-'/,
    ],
    [
      "customer too long for <env>-<customer>",
      (c) => (c.customer = "a".repeat(60)),
      "customer",
      /at most 57 characters/,
    ],
    ["p1asRegion not a DNS label", (c) => (c.p1asRegion = "us_1"), "p1asRegion", /lowercase letters, digits and '-'/],
    [
      "bad PingOne environment id",
      (c) => (c.pingone.environmentId = "not-a-uuid"),
      "pingone.environmentId",
      /must be a UUID/,
    ],
    ["unknown region", (c) => (c.pingone.regionCode = "US"), "pingone.regionCode", /Expected 'NA' \| 'EU'/],
    [
      "bad environment name",
      (c) => (c.environments[0].name = "qa"),
      "environments[0].name",
      /Expected 'dev' \| 'test' \| 'stage' \| 'prod', received 'qa'/,
    ],
    [
      "duplicate environment",
      (c) => c.environments.push({ name: "test" }),
      "environments[1].name",
      /duplicate environment "test" \(already at index 0\)/,
    ],
    ["no environments", (c) => (c.environments = []), "environments", /at least one P1AS environment/],
    [
      "unknown role in groups",
      (c) => (c.environments[0].groups = ["test-tls-root"]),
      "environments[0].groups[0]",
      /not a self-service role of environment test; allowed: test-tls-admin, test-tls-audit$/,
    ],
    [
      "all-tls-admin without the opt-in",
      (c) => (c.environments[0].groups = ["all-tls-admin"]),
      "environments[0].groups[0]",
      /is a role of every environment: .* set allowAllEnvironmentRoles: true on this environment/,
    ],
    [
      "the opt-in with explicit credentials",
      (c) => Object.assign(c.environments[0], { credentials: CREDENTIALS, allowAllEnvironmentRoles: true }),
      "environments[0].allowAllEnvironmentRoles",
      /conflicts with credentials/,
    ],
    [
      "another environment's role in groups",
      (c) => (c.environments[0].groups = ["prod-tls-admin"]),
      "environments[0].groups[0]",
      /not a self-service role of environment test/,
    ],
    [
      "empty groups",
      (c) => (c.environments[0].groups = []),
      "environments[0].groups",
      /at least one self-service role/,
    ],
    [
      "token lifetime below 300 s",
      (c) => (c.environments[0].resource = { accessTokenValiditySeconds: 60 }),
      "environments[0].resource.accessTokenValiditySeconds",
      /between 300 and 2592000/,
    ],
    [
      "token lifetime not whole",
      (c) => (c.environments[0].resource = { accessTokenValiditySeconds: 3600.5 }),
      "environments[0].resource.accessTokenValiditySeconds",
      /whole number/,
    ],
    [
      "audience with a fragment and 'pingone'",
      (c) => (c.environments[0].resource = { audience: "https://api.pingone.com/x#frag" }),
      "environments[0].resource.audience",
      /must not have a fragment.*; must not contain 'pingone' or 'pingidentity'/,
    ],
    [
      "audience not a URL",
      (c) => (c.environments[0].resource = { audience: "self-service" }),
      "environments[0].resource.audience",
      /absolute URL/,
    ],
    [
      "orchestrationName that breaks the expression literal",
      (c) => (c.environments[0].resource = { orchestrationName: "O'Brien" }),
      "environments[0].resource.orchestrationName",
      /PingOne expression literal/,
    ],
    [
      "scope with a space",
      (c) => (c.environments[0].resource = { scope: "self service" }),
      "environments[0].resource.scope",
      /no spaces/,
    ],
    [
      "empty credentials clientId",
      (c) => (c.environments[0].credentials = { clientId: " ", clientSecretVariable: "s" }),
      "environments[0].credentials.clientId",
      /must be a UUID/,
    ],
    [
      "clientSecretEnv not ours",
      (c) => (c.environments[0].credentials = { ...CREDENTIALS, clientSecretEnv: "1secret" }),
      "environments[0].credentials.clientSecretEnv",
      /must be an environment variable name .* starts with P1AS_; must start with P1AS_TEST_/,
    ],
    [
      "credentials together with resource",
      (c) => Object.assign(c.environments[0], { credentials: CREDENTIALS, resource: { scope: "x" } }),
      "environments[0].resource",
      /conflicts with credentials/,
    ],
    [
      "misspelt field",
      (c) => Object.assign(c.environments[0], { grups: ["test-tls-admin"] }),
      "environments[0].grups",
      /unknown field/,
    ],
    [
      "unknown backend type",
      (c) => (c.environments[0].backend = { type: "gcs" }),
      "environments[0].backend.type",
      /Invalid discriminator value/,
    ],
    [
      "pg connStr with a password",
      (c) => (c.environments[0].backend = { type: "pg", connStr: "postgres://tf:hunter2@db/tf" }),
      "environments[0].backend.connStr",
      /must not hold a password/,
    ],
    [
      "s3 backend without bucket",
      (c) => (c.environments[0].backend = { type: "s3", region: "eu-west-1" }),
      "environments[0].backend.bucket",
      /Required/,
    ],
    [
      "two stacks sharing one state",
      (c) => {
        c.environments.push({ name: "prod", backend: { type: "local", path: "terraform.p1as-test.tfstate" } });
      },
      "environments[1].backend",
      /same place as environments\[0\].backend/,
    ],
    [
      "retired environment still configured",
      (c) => (c.pingone.roleAttributes = { retiredEnvironments: ["test"] }),
      "pingone.roleAttributes.retiredEnvironments[0]",
      /still listed in environments; retire it with "retire": true there first/,
    ],
    [
      "unknown archived role",
      (c) => (c.pingone.roleAttributes = { archivedRoles: ["dev-xx-admin"] }),
      "pingone.roleAttributes.archivedRoles[0]",
      /not a role of any P1AS attribute/,
    ],
    [
      "hostname with an unknown product",
      (c) =>
        (c.environments[0].virtualHosts = {
          certificates: [cert()],
          hostnames: [{ hostname: "a.acme.example", product: "pingfoo", certname: "c" }],
        }),
      "environments[0].virtualHosts.hostnames[0].product",
      /Expected 'pingaccess-engines'/,
    ],
    [
      "certname that refers to no certificate",
      (c) =>
        (c.environments[0].virtualHosts = {
          certificates: [cert()],
          hostnames: [{ hostname: "a.acme.example", product: "pingdelegator", certname: "other" }],
        }),
      "environments[0].virtualHosts.hostnames[0].certname",
      /not declared in virtualHosts.certificates/,
    ],
    [
      "certificate with both key sources",
      (c) => (c.environments[0].virtualHosts = { certificates: [cert({ privateKeyVariable: "key" })] }),
      "environments[0].virtualHosts.certificates[0]",
      /exactly one of privateKeyFile or privateKeyVariable \(got both\)/,
    ],
    [
      "duplicate hostnames",
      (c) => (c.environments[0].virtualHosts = { certificates: [cert()], hostnames: [host(), host()] }),
      "environments[0].virtualHosts.hostnames[1].hostname",
      /duplicate hostname/,
    ],
  ])("fails if %s", (_name, breakIt, expectedPath, reason) => {
    // GIVEN a valid config with one field broken
    const config = minimalConfig();
    breakIt(config);

    // WHEN it is checked
    const error = rejection(config);

    // THEN the error lists that path with the reason
    const line = error.reasons.find((text) => text.startsWith(`${expectedPath}: `));
    expect(line).toBeDefined();
    expect(line).toMatch(reason);
    expect(error.message).toContain(`  - ${line}`);
  });

  test("reports every bad field in one round, not only the first", () => {
    // GIVEN a config with three independent mistakes, one of them a type error
    const config = minimalConfig();
    config.customer = "";
    config.pingone.environmentId = "123";
    config.environments.push({ name: "prod", groups: ["all-pf-admin"] }, { name: "qa" });

    // WHEN it is checked
    const error = rejection(config);

    // THEN all of them are reported with their paths
    expect(error.reasons.map((line) => line.split(": ")[0])).toEqual(
      expect.arrayContaining([
        "customer",
        "pingone.environmentId",
        "environments[1].groups[0]",
        "environments[2].name",
      ]),
    );
    expect(error.message).toMatch(/^test-config: invalid config, 4 problems \(nothing was synthesized\):/);
  });

  test("lists every broken rule of one field in one line", () => {
    const config = minimalConfig();
    config.customer = "-Bad_";
    const lines = rejection(config).reasons.filter((line) => line.startsWith("customer: "));
    expect(lines).toEqual([
      "customer: may contain only lowercase letters, digits and '-'; must not start or end with '-'",
    ]);
  });

  test("fails with the file name if the config file is missing or not JSON", () => {
    expect(() => loadConfig("/nonexistent/p1as.json")).toThrow(
      "/nonexistent/p1as.json: cannot read config: no such file. Point P1AS_CONFIG at a JSON file shaped like config/example.json.",
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-config-"));
    const file = path.join(dir, "broken.json");
    fs.writeFileSync(file, "{ customer: acme");
    expect(() => loadConfig(file)).toThrow(/cannot read config: not valid JSON/);
  });

  test("synthesizes nothing from a bad config", () => {
    // GIVEN a config with a bad environment name, and an empty output directory
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-synth-"));
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify(withEnvironment({ name: "qa" })));
    const outdir = path.join(dir, "cdktf.out");

    // WHEN the app synthesizes it
    // THEN it throws the path-named error and writes no output
    expect(() => synthesize(file, outdir)).toThrow(/environments\[0\]\.name: Invalid enum value/);
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

describe("one rule for relative paths: from the config file's folder", () => {
  // The folder the commands run in (`work`) and a config in a folder of its own (`work/deploy`), as a config kept
  // outside the project root is.
  let work: string;
  let configFile: string;
  let before: string;
  beforeEach(() => {
    before = process.cwd();
    work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "p1as-relative-")));
    fs.mkdirSync(path.join(work, "deploy"));
    configFile = path.join(work, "deploy", "p1as.json");
    process.chdir(work);
  });
  afterEach(() => {
    process.chdir(before);
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** dev writes `state/dev.tfstate`; test keeps the default; no PingOne directory stack. */
  function writeConfig(): void {
    const config = minimalConfig();
    config.pingone.roleAttributes = { manage: false };
    config.environments = [{ name: "dev", backend: { type: "local", path: "state/dev.tfstate" } }, { name: "test" }];
    fs.writeFileSync(configFile, JSON.stringify(config));
  }
  const synthesizedPath = (outdir: string, stack: string) =>
    JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")).terraform.backend.local.path;
  const newPath = () => path.join(work, "deploy", "state", "dev.tfstate");
  const oldPath = () => path.join(work, "state", "dev.tfstate");
  const writeState = (file: string, text = '{"version":4,"serial":7,"resources":[]}') => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };

  test("a written backend.path is resolved from the config file's folder; the default stays in the folder the commands run in", () => {
    writeConfig();
    const outdir = path.join(work, "out");
    synthesize(configFile, outdir, {});
    expect(synthesizedPath(outdir, "p1as-dev")).toBe(newPath());
    // A default is no path written in the config: where it always was
    expect(synthesizedPath(outdir, "p1as-test")).toBe(path.join(work, "terraform.p1as-test.tfstate"));
    // AND the inventory records it as the tools read it, from the folder the commands run in, as earlier synths did
    const inventory = JSON.parse(fs.readFileSync(path.join(work, "deploy", "p1as.inventory.json"), "utf8"));
    expect(inventory.stacks.map((entry: { backend: { path: string } }) => entry.backend.path)).toEqual([
      path.join("deploy", "state", "dev.tfstate"),
      "terraform.p1as-test.tfstate",
    ]);
  });

  test("state only where the path led before (from the folder the commands run in) is refused, naming the field, both files and the move that works", () => {
    // GIVEN dev's state (and its backup) where the old rule put state/dev.tfstate, and an empty file where the new
    // rule does (terraform leaves one when it takes the lock of a state not yet written)
    writeConfig();
    writeState(oldPath());
    writeState(`${oldPath()}.backup`, "{}");
    writeState(newPath(), "");
    const outdir = path.join(work, "out");

    // WHEN synthesized THEN refused before anything is written
    let message = "";
    expect(() => {
      try {
        synthesize(configFile, outdir, {});
      } catch (error) {
        message = (error as Error).message;
        throw error;
      }
    }).toThrow(ValidationError);
    const move =
      `mkdir -p ${path.dirname(newPath())} && mv ${oldPath()} ${newPath()} && ` +
      `mv ${oldPath()}.backup ${newPath()}.backup`;
    expect(message).toBe(
      `${configFile}: refused, nothing was synthesized:\n` +
        `  - environments[0].backend.path "state/dev.tfstate" is relative to the config file's folder, like every path in the config: ` +
        `p1as-dev's state is ${newPath()}, where there is none, but ${oldPath()} (the same path from the folder the commands run in, ` +
        "the rule for state paths before) holds one. Terraform would start from no state and plan to create every object again. " +
        `Move the state: ${move}; or keep it where it is with "path": "../state/dev.tfstate"`,
    );
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.existsSync(path.join(work, "deploy", "p1as.inventory.json"))).toBe(false);

    // AND the command given moves it, after which synth uses it where the config now says
    execSync(move, { shell: "/bin/sh" });
    synthesize(configFile, outdir, {});
    expect(synthesizedPath(outdir, "p1as-dev")).toBe(newPath());
    expect(fs.readFileSync(newPath(), "utf8")).toContain('"serial":7');
  });

  test("state at both places is refused as ambiguous, naming both", () => {
    writeConfig();
    writeState(oldPath());
    writeState(newPath());
    expect(() => synthesize(configFile, path.join(work, "out"), {})).toThrow(
      `environments[0].backend.path "state/dev.tfstate": two state files for p1as-dev: ${newPath()} (the path from the config file's folder, ` +
        `the rule for every path in the config) and ${oldPath()} (the same path from the folder the commands run in, the rule for state paths before). ` +
        `Which one is p1as-dev's state cannot be told. Compare them (both are JSON: lineage, serial, resources), keep p1as-dev's state at ${newPath()}, move the other one away, and run again`,
    );
  });

  test("nothing to check for a config in the folder the commands run in, an absolute path, or state only at the new place", () => {
    writeConfig();
    writeState(newPath());
    expect(() => synthesize(configFile, path.join(work, "out"), {})).not.toThrow();
    // The same text from a config in the folder the commands run in leads where it always did
    writeState(oldPath());
    fs.rmSync(newPath());
    const here = path.join(work, "p1as.json");
    fs.copyFileSync(configFile, here);
    expect(() => synthesize(here, path.join(work, "out2"), {})).not.toThrow();
    expect(synthesizedPath(path.join(work, "out2"), "p1as-dev")).toBe(oldPath());
    // AND an absolute path is the file it names, wherever the config is
    const config = JSON.parse(fs.readFileSync(configFile, "utf8"));
    config.environments[0].backend.path = oldPath();
    fs.writeFileSync(configFile, JSON.stringify(config));
    expect(() => synthesize(configFile, path.join(work, "out3"), {})).not.toThrow();
    expect(synthesizedPath(path.join(work, "out3"), "p1as-dev")).toBe(oldPath());
  });

  test("bad input: a backend.path that is not a non-empty string names the field and the reason", () => {
    const reasons = (bad: unknown) =>
      rejection(withEnvironment({ name: "dev", backend: { type: "local", path: bad } })).reasons;
    expect(reasons("")).toEqual(["environments[0].backend.path: must not be empty"]);
    expect(reasons(7)).toEqual(["environments[0].backend.path: Expected string, received number"]);
  });
});

describe("where a config may send credentials", () => {
  const ENV_ID = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";
  const DEV_API = "https://self-service-api.dev-acme.us1.ping.cloud/api/v1";
  const TOKEN = `https://auth.pingone.com/${ENV_ID}/as/token`;
  const issuesOf = (selfService: object, env: NodeJS.ProcessEnv = {}, name = "dev") =>
    checkConfig(withEnvironment({ name, selfService }), [], env).issues.map(
      (issue) => `${issue.path}: ${issue.reasons.join("; ")}`,
    );

  test.each([
    ["the documented hosts of the environment", { apiUrl: DEV_API, tokenUrl: TOKEN }],
    ["the documented hosts with a trailing slash", { apiUrl: `${DEV_API}/`, tokenUrl: TOKEN }],
    [
      "an emulator on 127.0.0.1",
      { apiUrl: "http://127.0.0.1:4010/dev/api/v1", tokenUrl: `http://127.0.0.1:4010/${ENV_ID}/as/token` },
    ],
    [
      "an emulator on localhost",
      { apiUrl: "http://localhost:4010/dev/api/v1", tokenUrl: `http://localhost:4010/${ENV_ID}/as/token` },
    ],
    [
      "an emulator on [::1]",
      { apiUrl: "http://[::1]:4010/dev/api/v1", tokenUrl: `http://[::1]:4010/${ENV_ID}/as/token` },
    ],
  ])("accepts %s", (_what, selfService) => {
    expect(issuesOf(selfService)).toEqual([]);
  });

  test("refuses another environment's API, naming the one it must be and the way out", () => {
    expect(issuesOf({ apiUrl: "https://self-service-api.prod-acme.us1.ping.cloud/api/v1" })).toEqual([
      `environments[0].selfService.apiUrl: must be environment dev's self-service API ${DEV_API} or a loopback emulator (127.0.0.1, [::1], localhost); a host on another DNS zone must be listed in the P1AS_ALLOWED_HOSTS environment variable as dev=<host> (set it as a GitHub variable in CI, never in the config)`,
    ]);
  });

  test("a host on another zone is accepted only for the environment P1AS_ALLOWED_HOSTS lists it under", () => {
    const env = { P1AS_ALLOWED_HOSTS: "dev=api.dev.acme.example, pingone=login.acme.example" };
    // GIVEN dev's API and a PingOne custom domain on the operator's allow-list THEN dev may use them
    expect(
      issuesOf({ apiUrl: "https://api.dev.acme.example/api/v1", tokenUrl: "https://login.acme.example/as/token" }, env),
    ).toEqual([]);
    // AND prod may not use dev's host
    expect(issuesOf({ apiUrl: "https://api.dev.acme.example/api/v1" }, env, "prod")).toEqual([
      expect.stringMatching(
        /^environments\[0\]\.selfService\.apiUrl: must be environment prod's self-service API https:\/\/self-service-api\.prod-acme\.us1\.ping\.cloud\/api\/v1/,
      ),
    ]);
    // AND without the variable dev may not either
    expect(issuesOf({ apiUrl: "https://api.dev.acme.example/api/v1" })).toHaveLength(1);
  });

  test("refuses a token endpoint of another PingOne environment or region, and a foreign host", () => {
    for (const tokenUrl of [
      `https://auth.pingone.eu/${ENV_ID}/as/token`,
      "https://auth.pingone.com/00000000-0000-4000-8000-000000000000/as/token",
      `https://auth.pingone.com.evil.example/${ENV_ID}/as/token`,
    ]) {
      expect(issuesOf({ tokenUrl })).toEqual([
        expect.stringContaining(
          `environments[0].selfService.tokenUrl: must be PingOne's token endpoint ${TOKEN} or a loopback emulator`,
        ),
      ]);
    }
  });

  test("a malformed P1AS_ALLOWED_HOSTS is an error of its own, and lets nothing through", () => {
    expect(
      issuesOf(
        { apiUrl: "https://api.dev.acme.example/api/v1" },
        { P1AS_ALLOWED_HOSTS: "dev=https://api.dev.acme.example, qa=x.example" },
      ),
    ).toEqual([
      '$P1AS_ALLOWED_HOSTS: (environment variable) "dev=https://api.dev.acme.example": host must be a lowercase DNS name, optionally with :port (no scheme, path or wildcard); (environment variable) "qa=x.example": scope must be one of dev, test, stage, prod, pingone',
      expect.stringMatching(/^environments\[0\]\.selfService\.apiUrl: must be environment dev's self-service API/),
    ]);
  });
});

// --- shared setup ---

const ENV_ID = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";
const CREDENTIALS = {
  clientId: "b6c1e2d3-0000-4000-8000-000000000001",
  audit: { clientId: "b6c1e2d3-0000-4000-8000-0000000a0d17" },
};

// Malformed configs are built by mutating plain JSON, so the type is deliberately loose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawConfig = any;

function minimalConfig(): RawConfig {
  return {
    customer: "acme",
    p1asRegion: "us1",
    pingone: { environmentId: ENV_ID, regionCode: "NA" },
    environments: [{ name: "test" }],
  };
}

function withEnvironment(environment: object): RawConfig {
  return { ...minimalConfig(), environments: [environment] };
}

function cert(extra: object = {}) {
  return { name: "c", fullchainFile: "certs/c.pem", privateKeyFile: "certs/c.key", ...extra };
}

function host() {
  return { hostname: "auth.acme.example", product: "pingfederate-engines", certname: "c" };
}

function rejection(config: RawConfig): ValidationError {
  try {
    parseConfig(config, "test-config");
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected the config to be rejected");
}
