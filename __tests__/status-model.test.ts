/**
 * The status view's model against the emulator over real loopback HTTP: how code and API compare (in sync,
 * drifted, not managed, missing), the console's colour per status, certificate expiry and its thresholds,
 * the exit code, and bad input refused by name before anything is sent.
 */
import { X509Certificate } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import { makeCertificate } from "./support/certs";
import { startStatusFixture, StatusFixture, writesSeen } from "./support/status-fixture";
import { CliError } from "../cli-kit/errors";
import { parseArguments } from "../tools/status/main";
import { EXIT_ATTENTION, expiryOf, StatusCollector, StatusReport, StatusRow } from "../tools/status/model";
import { renderTerminal } from "../tools/status/render-terminal";
import { resolveTargets } from "../tools/status/targets";
import { EXIT_USAGE } from "../cli-kit/errors";

const rowsOf = (report: StatusReport) => report.environments.flatMap((environment) => environment.rows);
const find = (report: StatusReport, key: string) => rowsOf(report).find((row) => row.key === key) as StatusRow;
const summary = (report: StatusReport) =>
  rowsOf(report).map((row) => `${row.kind} ${row.key}: ${row.status}/${row.colour}/${row.sync}`);
const quiet = { log: () => undefined };

describe.each(["assumed", "confirmed"] as const)("status model against the emulator (%s contract)", (contract) => {
  let fixture: StatusFixture;
  const collect = () => new StatusCollector(fixture.targets(), quiet).collect();

  beforeAll(async () => {
    fixture = await startStatusFixture(`status-model-${contract}`, contract);
  });
  afterAll(() => fixture.close());
  beforeEach(() => fixture.fillAsDeclared());

  test("an API holding exactly the code is green and in sync, exit 0, read with GETs and a token request only", async () => {
    // GIVEN the API holds the declared certificate and hostnames, all complete
    // WHEN the status is collected
    const report = await collect();
    // THEN every object is green and in sync, and the run asked for nothing but reads
    expect(summary(report)).toEqual([
      "certificate wildcard-dev: complete/green/in-sync",
      "hostname api.dev.acme.example: complete/green/in-sync",
      "hostname auth.dev.acme.example: complete/green/in-sync",
      "hostname www.dev.acme.example: complete/green/in-sync",
    ]);
    expect(report.exitCode).toBe(0);
    expect(fixture.emulator.requestLog.list(/^GET .*\/(certificates|hostnames)$/).length).toBeGreaterThanOrEqual(2);
    expect(writesSeen(fixture.emulator)).toEqual([]);
    // AND the expiry comes from the API where it says one, and from the declared chain where it does not
    const certificate = find(report, "wildcard-dev");
    expect(certificate.expiry?.source).toBe(contract === "assumed" ? "api" : "code");
    const declaredChain = new X509Certificate(fixture.app.certificatePems.get("wildcard-dev")!.fullchain);
    expect(certificate.expiry?.notAfter).toBe(new Date(declaredChain.validTo).toISOString());
    expect(certificate.expiry?.level).toBe("ok");
  });

  test("a changed routing is drifted, a deleted hostname missing, an undeclared one not managed: exit 2", async () => {
    // GIVEN someone re-pointed one hostname, deleted another and added a third in the console
    fixture.emulator.service.updateHostname("dev", "auth.dev.acme.example", {
      product: "pingdirectory",
      certname: "wildcard-dev",
    });
    fixture.emulator.service.deleteHostname("dev", "api.dev.acme.example");
    fixture.addHostname("legacy.dev.acme.example", "pingaccess-engines");
    // WHEN the status is collected
    const report = await collect();
    // THEN each shows what happened, and what differs is named
    expect(summary(report)).toEqual([
      "certificate wildcard-dev: complete/green/in-sync",
      "hostname api.dev.acme.example: absent/grey/missing",
      "hostname auth.dev.acme.example: complete/green/drifted",
      "hostname www.dev.acme.example: complete/green/in-sync",
      "hostname legacy.dev.acme.example: complete/green/not-managed",
    ]);
    expect(find(report, "auth.dev.acme.example").differences).toEqual([
      "product: code pingfederate-engines, API pingdirectory",
    ]);
    expect(report.exitCode).toBe(EXIT_ATTENTION);
    expect(writesSeen(fixture.emulator)).toEqual([]);
  });

  test("a certificate replaced outside the code is drifted where the API shows its fingerprint", async () => {
    // GIVEN the API's certificate was replaced by another pair under the same name
    const other = makeCertificate({ commonName: "*.other.acme.example" });
    fixture.emulator.service.updateCertificate("dev", "wildcard-dev", other);
    // WHEN the status is collected
    const certificate = find(await collect(), "wildcard-dev");
    // THEN with a fingerprint in the API's answer it is drifted; without one (confirmed contract) only the name can be matched
    if (contract === "assumed") {
      expect(certificate.sync).toBe("drifted");
      expect(certificate.differences).toEqual([
        expect.stringMatching(/^sha256 fingerprint: code [0-9A-F:]+…, API [0-9A-F:]+…$/),
      ]);
    } else {
      expect(certificate.sync).toBe("in-sync");
    }
  });

  test.each([
    ["creating", "blue"],
    ["updating", "yellow"],
    ["error", "red"],
    ["complete", "green"],
  ] as const)("a hostname in status %s is %s", async (status, colour) => {
    // GIVEN the API reports the status for one hostname
    fixture.emulator.service.setStatus("dev", "hostname", "www.dev.acme.example", status);
    // WHEN the status is collected
    const report = await collect();
    // THEN the row has the console's colour, and only green counts as green
    const row = find(report, "www.dev.acme.example");
    expect([row.status, row.colour, row.sync]).toEqual([status, colour, "in-sync"]);
    expect(report.exitCode).toBe(status === "complete" ? 0 : EXIT_ATTENTION);
  });

  test("the report, the targets and the terminal table never carry the client secret", async () => {
    // GIVEN a collected report
    const targets = fixture.targets();
    const report = await new StatusCollector(targets, quiet).collect();
    // WHEN they are printed every way they could be
    const printed = [
      JSON.stringify(report),
      inspect(targets, { depth: 10 }),
      JSON.stringify(targets),
      renderTerminal(report, { colour: false }),
    ].join("\n");
    // THEN the secret is in none of them
    expect(printed).not.toContain(fixture.app.clientSecret);
    expect(printed).not.toContain(fixture.app.audit.clientSecret);
  });
});

describe("certificate expiry", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();

  test.each([
    [90, 90, "ok"],
    [30, 30, "ok"],
    [29.99, 29, "warning"],
    [7, 7, "warning"],
    [6.99, 6, "critical"],
    [0.5, 0, "critical"],
    [-1, -1, "critical"],
  ])("%s days ahead: %s whole days, %s", (ahead, days, level) => {
    // GIVEN an expiry `ahead` days from now; WHEN judged; THEN whole days left and the threshold's level
    expect(expiryOf(inDays(ahead), now, "api")).toEqual({ notAfter: inDays(ahead), days, level, source: "api" });
  });

  test("certificates the API holds close to expiry make a warning and a red row, and the run exit 2", async () => {
    // GIVEN (assumed contract: the API returns expiry) certificates expiring in 20 and in 5 days
    const fixture = await startStatusFixture("status-expiry", "assumed");
    try {
      fixture.fillAsDeclared();
      for (const [name, daysValid] of [
        ["soon-dev", 20],
        ["very-soon-dev", 5],
      ] as const) {
        fixture.emulator.service.createCertificate("dev", {
          name,
          ...makeCertificate({ commonName: `${name}.acme.example`, daysValid }),
        });
      }
      // WHEN the status is collected
      const report = await new StatusCollector(fixture.targets(), quiet).collect();
      // THEN their levels follow the thresholds, and neither row counts as green
      expect([find(report, "soon-dev").expiry?.level, find(report, "very-soon-dev").expiry?.level]).toEqual([
        "warning",
        "critical",
      ]);
      expect([find(report, "soon-dev").green, find(report, "very-soon-dev").green]).toEqual([false, false]);
      expect(report.exitCode).toBe(EXIT_ATTENTION);
      // AND the terminal paints them yellow and red when it may colour, and not at all in a pipe
      const coloured = renderTerminal(report, { colour: true });
      expect(coloured).toMatch(/\x1b\[33m19 days\x1b\[0m/);
      expect(coloured).toMatch(/\x1b\[31m4 days\x1b\[0m/);
      expect(renderTerminal(report, { colour: false })).not.toContain("\x1b");
    } finally {
      await fixture.close();
    }
  });
});

describe("bad input is refused by name, and nothing is sent", () => {
  let fixture: StatusFixture;
  beforeAll(async () => {
    fixture = await startStatusFixture("status-bad-input", "assumed");
    fixture.fillAsDeclared();
  });
  afterAll(() => fixture.close());

  const refused = (action: () => unknown): CliError => {
    try {
      action();
    } catch (error) {
      return error as CliError;
    }
    throw new Error("expected a refusal");
  };
  const scratch = () => mkdtempSync(path.join(tmpdir(), "status-bad-"));

  /** A copy of the synthesized outdir whose provider block is edited. */
  function outdirWithProvider(edit: (block: Record<string, unknown>) => void): string {
    const outdir = path.join(scratch(), "cdktf.out");
    cpSync(fixture.app.outdir, outdir, { recursive: true, filter: (source) => !source.includes("terraform.d") });
    const file = path.join(outdir, "stacks", "p1as-dev", "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    edit(json.provider.p1as[0]);
    writeFileSync(file, JSON.stringify(json));
    return outdir;
  }

  test.each<[string, () => Parameters<typeof resolveTargets>[0], RegExp]>([
    [
      "a config file that does not exist",
      () => ({ configFile: "/nonexistent/p1as.json", outdir: fixture.app.outdir, env: fixture.env }),
      /^invalid P1AS_CONFIG \/nonexistent\/p1as.json: .*no such file/,
    ],
    [
      "a config file that is not JSON",
      () => {
        const file = path.join(scratch(), "broken.json");
        writeFileSync(file, "{");
        return { configFile: file, outdir: fixture.app.outdir, env: fixture.env };
      },
      /^invalid P1AS_CONFIG .*broken.json: .*not valid JSON/,
    ],
    [
      "an outdir without synthesized stacks",
      () => ({ configFile: fixture.configFile, outdir: scratch(), env: fixture.env }),
      /^invalid --outdir .*: no synthesized stacks .*manifest.json is missing/,
    ],
    [
      "an outdir synthesized from another config (no stack for an environment)",
      () => {
        const file = path.join(scratch(), "prod.json");
        const config = JSON.parse(readFileSync(fixture.configFile, "utf8"));
        config.environments[0].name = "prod";
        writeFileSync(file, JSON.stringify(config));
        return { configFile: file, outdir: fixture.app.outdir, env: fixture.env };
      },
      /^invalid --outdir .*: it has no stack p1as-prod \(environment prod\)/,
    ],
    [
      "--stacks naming no stack of the config",
      () => ({ configFile: fixture.configFile, outdir: fixture.app.outdir, env: fixture.env, stacks: ["p1as-nope"] }),
      /^invalid --stacks "p1as-nope": not a stack of /,
    ],
    [
      "no client secret anywhere",
      () => ({ configFile: fixture.configFile, outdir: fixture.app.outdir, env: {} }),
      /p1as-dev: no client secret for read-only client [0-9a-f-]+: set P1AS_DEV_AUDIT_CLIENT_SECRET/,
    ],
    [
      "only the write client's secret: the status view never reads with it",
      () => ({
        configFile: fixture.configFile,
        outdir: fixture.app.outdir,
        env: { P1AS_DEV_CLIENT_SECRET: fixture.app.clientSecret },
      }),
      /p1as-dev: no client secret for read-only client [0-9a-f-]+: set P1AS_DEV_AUDIT_CLIENT_SECRET/,
    ],
    [
      "a client id only terraform could resolve, and no P1AS_READ_CLIENT_ID",
      () => ({
        configFile: fixture.configFile,
        outdir: outdirWithProvider(
          (block) => (block.read_client_id = "${pingone_application.orchestration.oidc_options.client_id}"),
        ),
        env: fixture.env,
      }),
      /^invalid p1as-dev provider p1as read_client_id \(or P1AS_READ_CLIENT_ID\) "": is required/,
    ],
    [
      "a P1AS_READ_CLIENT_ID that is no PingOne client id",
      () => ({
        configFile: fixture.configFile,
        outdir: outdirWithProvider((block) => delete block.read_client_id),
        env: { ...fixture.env, P1AS_READ_CLIENT_ID: "not-a-uuid" },
      }),
      /^invalid p1as-dev provider p1as read_client_id \(or P1AS_READ_CLIENT_ID\) "not-a-uuid": /,
    ],
    [
      "an API URL that would send the token elsewhere",
      () => ({
        configFile: fixture.configFile,
        outdir: outdirWithProvider((block) => (block.api_url = "https://127.0.0.2:9/dev/api/v1")),
        env: fixture.env,
      }),
      /^invalid p1as-dev provider p1as api_url \(or P1AS_API_URL\) "https:\/\/127\.0\.0\.2:9\/dev\/api\/v1": must be a P1AS environment's self-service API/,
    ],
    [
      "an api_contract the provider does not know",
      () => ({
        configFile: fixture.configFile,
        outdir: outdirWithProvider((block) => (block.api_contract = "guess")),
        env: fixture.env,
      }),
      /^invalid p1as-dev provider p1as api_contract \(or P1AS_API_CONTRACT\) "guess": must be one of discover, confirmed, assumed/,
    ],
  ])("%s", (_name, options, message) => {
    // GIVEN bad input; WHEN the targets are resolved
    fixture.emulator.requestLog.clear();
    const error = refused(() => resolveTargets(options()));
    // THEN the error names the field and the reason, asks for the usage exit code, and not one request reached the API
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/Nothing was sent\.$/);
    expect(error.exitCode).toBe(EXIT_USAGE);
    expect(fixture.emulator.requestLog.list()).toEqual([]);
  });

  test.each([
    [["--port", "abc"], /--port <port>' argument 'abc' is invalid\. must be a whole number from 0 to 65535/],
    [["--port", "70000"], /argument '70000' is invalid/],
    [["--stacks", "p1as-dev,,p1as-prod"], /--stacks <names>' argument .* must be stack names separated by commas/],
    [["--outdir"], /option '--outdir <dir>' argument missing/],
    [["--bogus"], /unknown option '--bogus'/],
    [["extra"], /too many arguments/],
  ])("flags %j are a usage error", (argv, message) => {
    // GIVEN bad flags; WHEN parsed
    const error = refused(() => parseArguments(argv));
    // THEN a usage error (exit 64) that names the flag
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(EXIT_USAGE);
  });
});
