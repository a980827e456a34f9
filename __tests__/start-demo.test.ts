/**
 * `npm start` twice from an empty `.demo`, in a copy of the built project (so the worktree's own `.demo` is left
 * alone): the first run creates the role attributes, both environments' PingOne resources, applications and
 * grants through the PingOne provider test double against the emulated PingOne, then the virtual hosts, one line
 * per object; the second prints no change. No secret reaches the output. Runs `node dist/tools/start/main.js`, what
 * `npm start` runs after its build. Port 4010, as the demo documents: run this suite alone.
 */
import execa from "execa";
import { randomBytes, randomUUID } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../constructs/virtual-hosts";
import { startEmulator } from "../emulator/start";
import { StatusCollector } from "../tools/status/model";
import { resolveTargets } from "../tools/status/targets";

jest.setTimeout(900_000);

const demo = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "config", "demo.json"), "utf8")) as {
  pingone: { environmentId: string };
  environments: {
    name: string;
    virtualHosts: { certificates: { name: string }[]; hostnames: { hostname: string }[] };
  }[];
};

const copy = mkdtempSync(path.join(os.tmpdir(), "p1as-start-demo-"));
// Set from outside through the emulator's own variables, so this suite knows the worker secret to search for.
const worker = { clientId: randomUUID(), clientSecret: `demo-worker-${randomBytes(16).toString("hex")}` };

beforeAll(() => {
  for (const entry of ["dist", "package.json", "cdktf.json"])
    cpSync(path.join(PROJECT_ROOT, entry), path.join(copy, entry), { recursive: true });
  mkdirSync(path.join(copy, "config"));
  for (const file of ["demo.json", "demo.inventory.json"])
    cpSync(path.join(PROJECT_ROOT, "config", file), path.join(copy, "config", file));
  symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

async function start() {
  const env = {
    ...process.env,
    NO_COLOR: "1",
    CHECKPOINT_DISABLE: "1",
    P1AS_EMULATOR_WORKER_CLIENT_ID: worker.clientId,
    P1AS_EMULATOR_WORKER_CLIENT_SECRET: worker.clientSecret,
  };
  const result = await execa("node", ["dist/tools/start/main.js", "--completion-delay-ms", "200"], {
    cwd: copy,
    env,
    reject: false,
    all: true,
  });
  return { exitCode: result.exitCode, output: result.all ?? "" };
}

interface PingOneState {
  resources: { name: string; id: string }[];
  attributes: { resourceId: string; name: string; value: string }[];
  scopes: { resourceId: string; name: string }[];
  applications: {
    id: string;
    name: string;
    responseTypes?: string[];
    grantTypes: string[];
    accessControl?: { role?: { type?: string } };
  }[];
  grants: { applicationId: string; resourceId: string }[];
  schemaAttributes: { name: string }[];
  secrets: Record<string, { secret: string; previous?: { secret: string } }>;
}

function emulatorState() {
  return JSON.parse(readFileSync(path.join(copy, ".demo", "emulator-state.json"), "utf8")) as {
    environments: Record<string, { certificates: { name: string }[]; hostnames: { hostname: string }[] }>;
    pingone: { environments: Record<string, PingOneState> };
  };
}

/** Every secret the demo holds: the worker's, the applications', the demo keys. */
function secrets(): string[] {
  const pingone = emulatorState().pingone.environments[demo.pingone.environmentId];
  const applicationSecrets = Object.values(pingone.secrets)
    .flatMap((entry) => [entry.secret, entry.previous?.secret ?? ""])
    .filter(Boolean);
  const certs = path.join(copy, ".demo", "certs");
  const keys = readdirSync(certs)
    .filter((file) => file.endsWith(".key"))
    .map((file) => readFileSync(path.join(certs, file), "utf8"));
  // A key's base64 body lines, so a partial print is found too.
  const keyLines = keys.flatMap((key) =>
    key.split("\n").filter((line) => line.length > 40 && !line.startsWith("-----")),
  );
  return [worker.clientSecret, ...applicationSecrets, ...keyLines];
}

describe("npm start from an empty .demo", () => {
  let first: { exitCode: number | undefined; output: string };

  test("the first run creates the PingOne side through the test double, then the virtual hosts, one line per object", async () => {
    // GIVEN no .demo WHEN npm start runs
    first = await start();
    expect(first.exitCode).toBe(0);
    const { output } = first;

    // THEN it says the PingOne side is the test double against the emulated PingOne
    expect(output).toMatch(
      /^PingOne side: runs through the test double of the PingOne provider .* against the emulated PingOne$/m,
    );
    // AND each stack, the role attributes first, reports one line per object created
    expect(output.indexOf("\npingone-directory\n")).toBeGreaterThan(0);
    expect(output.indexOf("\npingone-directory\n")).toBeLessThan(output.indexOf("\np1as-dev\n"));
    expect(output.match(/^ {2}complete {3}PingOne schema attribute role-attributes p1as\w+Roles \(/gm)).toHaveLength(6);
    for (const environment of demo.environments) {
      const section = output.slice(output.indexOf(`\np1as-${environment.name}\n`));
      for (const kind of [
        "PingOne resource admin-api-resource",
        "PingOne resource audit-api-resource",
        "PingOne application orchestration-client application",
        "PingOne application audit-client application",
        "PingOne grant orchestration-client scope-grant",
        "PingOne grant audit-client scope-grant",
        "PingOne scope admin-api-resource scope",
      ]) {
        expect(section).toContain(`  complete   ${kind} (`);
      }
      for (const certificate of environment.virtualHosts.certificates)
        expect(section).toContain(`  complete   certificate ${certificate.name} (`);
      for (const hostname of environment.virtualHosts.hostnames)
        expect(section).toContain(`  complete   hostname ${hostname.hostname} (`);
      // AND the API holds them, read back with the read-only client found in PingOne
      for (const hostname of environment.virtualHosts.hostnames)
        expect(output).toMatch(
          new RegExp(`^ {4}hostname {4}${hostname.hostname.replace(/\./g, "\\.")} +complete`, "m"),
        );
    }

    // AND the emulator holds what the stacks declare: per environment two resources with name and groups, a scope
    // each, two client-credentials applications (no response type, admin users only), their grants; the role attributes; the virtual hosts
    const state = emulatorState();
    const pingone = state.pingone.environments[demo.pingone.environmentId];
    for (const environment of demo.environments) {
      const name = environment.name;
      for (const [resourceName, applicationName, group] of [
        [`p1as-${name}-self-service-api`, `p1as-${name}-orchestration`, `${name}-tls-admin`],
        [`p1as-${name}-self-service-api-audit`, `p1as-${name}-audit`, `${name}-tls-audit`],
      ]) {
        const resource = pingone.resources.find((item) => item.name === resourceName);
        expect(resource).toBeDefined();
        const attributes = Object.fromEntries(
          pingone.attributes.filter((item) => item.resourceId === resource!.id).map((item) => [item.name, item.value]),
        );
        expect(attributes.name).toBe("${'OrchestrationTool'}");
        expect(attributes.groups).toBe(`\${{'${group}'}}`);
        expect(pingone.scopes.filter((item) => item.resourceId === resource!.id).map((item) => item.name)).toEqual([
          "p1as-self-service",
        ]);
        const application = pingone.applications.find((item) => item.name === applicationName);
        expect(application).toMatchObject({
          grantTypes: ["CLIENT_CREDENTIALS"],
          accessControl: { role: { type: "ADMIN_USERS_ONLY" } },
        });
        expect(application!.responseTypes ?? []).toEqual([]);
        expect(pingone.grants).toContainEqual(
          expect.objectContaining({ applicationId: application!.id, resourceId: resource!.id }),
        );
      }
      expect(state.environments[name].certificates.map((item) => item.name).sort()).toEqual(
        environment.virtualHosts.certificates.map((item) => item.name).sort(),
      );
      expect(state.environments[name].hostnames.map((item) => item.hostname).sort()).toEqual(
        environment.virtualHosts.hostnames.map((item) => item.hostname).sort(),
      );
    }
    expect(pingone.schemaAttributes.map((item) => item.name)).toEqual(
      expect.arrayContaining([
        "p1asSelfServiceRoles",
        "p1asPingFederateRoles",
        "p1asPingAccessRoles",
        "p1asArgoCDRoles",
        "p1asGrafanaRoles",
        "p1asOpensearchRoles",
      ]),
    );
    expect(pingone.applications).toHaveLength(4);

    // AND no secret was printed, nor is in any terraform state or synthesized stack
    for (const secret of secrets()) expect(output).not.toContain(secret);
    const demoDir = path.join(copy, ".demo");
    const stateAndSynth = [
      ...readdirSync(demoDir)
        .filter((file) => file.includes(".tfstate"))
        .map((file) => path.join(demoDir, file)),
      ...readdirSync(path.join(demoDir, "cdktf.out", "stacks")).map((stack) =>
        path.join(demoDir, "cdktf.out", "stacks", stack, "cdk.tf.json"),
      ),
    ];
    expect(stateAndSynth.length).toBeGreaterThanOrEqual(6);
    // AND the test double's throw-away mirror is gone
    expect(readdirSync(demoDir).filter((file) => file.startsWith("pingone-test-double-"))).toEqual([]);
    for (const file of stateAndSynth) {
      const text = readFileSync(file, "utf8");
      for (const secret of secrets()) expect(text).not.toContain(secret);
    }
  });

  test("the second run changes nothing and prints no change", async () => {
    expect(first?.exitCode).toBe(0);
    const before = emulatorState();
    const second = await start();
    expect(second.exitCode).toBe(0);
    expect(second.output).not.toMatch(/^ {2}(creating|updating|replacing|deleting|deleted|complete) /m);
    expect(second.output.match(/^ {2}no changes: the API matches the configuration$/gm)).toHaveLength(
      1 + demo.environments.length,
    );
    const after = emulatorState();
    expect(after.pingone.environments[demo.pingone.environmentId].applications).toEqual(
      before.pingone.environments[demo.pingone.environmentId].applications,
    );
    for (const secret of secrets()) expect(second.output).not.toContain(secret);
  });

  test("the status view the demo points to reads what was deployed, with the read-only clients it finds in the emulated PingOne", async () => {
    expect(first?.exitCode).toBe(0);
    // GIVEN the emulator again on the demo's state file, with another worker (as the printed commands do)
    const statusWorker = {
      clientId: randomUUID(),
      clientSecret: randomBytes(24).toString("base64url"),
      environmentId: demo.pingone.environmentId,
      role: "full" as const,
    };
    const emulator = await startEmulator({
      port: 4010,
      seedDemoClients: false,
      stateFile: path.join(copy, ".demo", "emulator-state.json"),
      pingone: { workers: [statusWorker] },
    });
    try {
      // WHEN the status view reads the demo's synth output with the PingOne provider's variables for that worker
      const env = {
        PINGONE_CLIENT_ID: statusWorker.clientId,
        PINGONE_CLIENT_SECRET: statusWorker.clientSecret,
        PINGONE_ENVIRONMENT_ID: statusWorker.environmentId,
        PINGONE_REGION_CODE: "NA",
      };
      const targets = resolveTargets({
        configFile: path.join(copy, "config", "demo.json"),
        outdir: path.join(copy, ".demo", "cdktf.out"),
        env,
      });
      expect(targets.map((target) => target.connection?.clientId)).toEqual(
        demo.environments.map((environment) => `PingOne application p1as-${environment.name}-audit`),
      );
      const report = await new StatusCollector(targets).collect();
      // THEN every object is green and in sync
      expect(report.environments.map((environment) => environment.error)).toEqual(
        demo.environments.map(() => undefined),
      );
      expect(report.exitCode).toBe(0);
      expect(report.environments.flatMap((environment) => environment.rows)).toHaveLength(
        demo.environments.flatMap((environment) => [
          ...environment.virtualHosts.certificates,
          ...environment.virtualHosts.hostnames,
        ]).length,
      );
    } finally {
      await emulator.close();
    }
  });

  test("without the PingOne worker's variables the status view says which to set, and sends nothing", () => {
    expect(first?.exitCode).toBe(0);
    expect(() =>
      resolveTargets({
        configFile: path.join(copy, "config", "demo.json"),
        outdir: path.join(copy, ".demo", "cdktf.out"),
        env: {},
      }),
    ).toThrow(/p1as-dev: cannot look the read-only client up in PingOne: PINGONE_CLIENT_ID is not set/);
  });

  test("a .demo from the fixed-client demo (virtual hosts, no PingOne application) is refused with the way out, before terraform", async () => {
    expect(first?.exitCode).toBe(0);
    // GIVEN the emulated PingOne without applications, as an older npm start left it
    const file = path.join(copy, ".demo", "emulator-state.json");
    const state = JSON.parse(readFileSync(file, "utf8"));
    const pingone = state.pingone.environments[demo.pingone.environmentId];
    Object.assign(pingone, { applications: [], grants: [], secrets: {} });
    writeFileSync(file, JSON.stringify(state));
    // WHEN npm start runs THEN it stops, says why and what to do, and ran no terraform apply
    const run = await start();
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(
      "npm start: .demo holds dev's virtual hosts but not the PingOne application p1as-dev-audit that reads them",
    );
    expect(run.output).toContain("Start over: rm -rf .demo && npm start");
    expect(run.output).not.toMatch(/^(pingone-directory|p1as-dev)$/m);
  });
});
