/**
 * Switching P1AS_CONFIG to a config with another backend, for real: a stack directory initialised by
 * terraform against local state A, then synthesized for local state B. The tools re-initialise with one
 * line naming the stack and both locations, copy no state, and a plain `terraform init` (what `cdktf diff`
 * and `cdktf deploy` run) works after synth. And a config moved out of the folder the commands run in, whose
 * relative backend.path led to a deployed state before the one rule for relative paths: synth refuses with the
 * move, and after it terraform finds the state.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { inventoryPath } from "../config/inventory";
import { localStatePath } from "../config/state-location";
import { synthesize } from "../stacks/synthesize";
import { backendCacheFile, backendSwitch, backendSwitchLine } from "../stacks/backend-cache";
import { detectDrift } from "../tools/drift/main";
import { clientConfig } from "../tools/terraform/pg-bootstrap";
import { planStacks } from "../tools/plan-summary/plan-stacks";
import { synthesizedStacks } from "../tools/terraform/synth-output";
import { runTerraform } from "../tools/terraform/run";
import { AppSpec, sharedP1asApp, TWO_HOSTNAMES } from "./support/p1as-app";
import { cdktfCliEnv } from "./support/cdktf-node";

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, "..");

describe("backendSwitch", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "p1as-backend-cache-"));
    mkdirSync(path.join(dir, ".terraform"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const configure = (backend: Record<string, unknown>) =>
    writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify({ terraform: { backend } }));
  const initialised = (text: string) => writeFileSync(backendCacheFile(dir), text);
  const record = (type: string, config: Record<string, unknown>) =>
    JSON.stringify({ version: 3, backend: { type, config, hash: 1 } });
  const change = () => backendSwitch(dir, path.join(dir, "cdk.tf.json"));

  it("finds nothing to do in a directory terraform never initialised", () => {
    configure({ local: { path: "/srv/a.tfstate" } });
    rmSync(path.join(dir, ".terraform"), { recursive: true });
    expect(change()).toBeUndefined();
  });

  it("finds nothing to do when the record holds the same arguments, unset ones as null", () => {
    configure({ pg: { schema_name: "p1as_dev" } });
    initialised(record("pg", { schema_name: "p1as_dev", conn_str: null, skip_schema_creation: null }));
    expect(change()).toBeUndefined();
  });

  it("finds nothing to do when only the order of arguments and nested nulls differ (a remote workspace)", () => {
    configure({ remote: { workspaces: { name: "acme-p1as-dev" }, organization: "acme" } });
    initialised(
      record("remote", {
        hostname: null,
        organization: "acme",
        token: null,
        workspaces: { name: "acme-p1as-dev", prefix: null },
      }),
    );
    expect(change()).toBeUndefined();
    initialised(record("remote", { organization: "acme", workspaces: { name: "acme-p1as-prod", prefix: null } }));
    expect(change()).toEqual({
      from: "remote:app.terraform.io/acme/acme-p1as-prod",
      to: "remote:app.terraform.io/acme/acme-p1as-dev",
      sameState: false,
    });
  });

  it("names both normalised locations when the local path changed", () => {
    configure({ local: { path: path.join(dir, "b.tfstate") } });
    initialised(record("local", { path: path.join(dir, "a.tfstate"), workspace_dir: null }));
    expect(change()).toEqual({
      from: `local:${localStatePath(path.join(dir, "a.tfstate"))}`,
      to: `local:${localStatePath(path.join(dir, "b.tfstate"))}`,
      sameState: false,
    });
  });

  it("names the database and schema of a pg record, never the password it holds", () => {
    configure({ local: { path: "/srv/b.tfstate" } });
    initialised(
      record("pg", {
        conn_str: "postgres://terraform:hunter2-s3cret@DB.example:6543/state?sslmode=require",
        schema_name: "p1as_dev",
      }),
    );
    const line = backendSwitchLine("p1as-dev", change()!);
    expect(line).toBe(
      "p1as-dev: the state backend changed from pg:db.example:6543/state#p1as_dev to local:/srv/b.tfstate: re-initialising for the new one " +
        "(terraform init -reconfigure; no state is copied: another config is another deployment)",
    );
  });

  it("never echoes a conn_str it cannot parse, and calls an unreadable record stale", () => {
    configure({ pg: { schema_name: "p1as_dev", conn_str: "host=db password='hunter2 s3cret" } });
    initialised("{ half-written");
    expect(change()).toEqual({
      from: "an unreadable .terraform/terraform.tfstate",
      to: "a pg backend",
      sameState: false,
    });
    initialised(record("s3", { bucket: "acme-state", key: "p1as-dev.tfstate", region: "eu-west-1" }));
    expect(change()).toEqual({ from: "s3:acme-state/p1as-dev.tfstate", to: "a pg backend", sameState: false });
  });
});

describe("the pg bootstrap's connection, as terraform's driver would open it", () => {
  it("reads a URL, with sslmode=disable as no TLS", () => {
    expect(clientConfig("postgres://terraform@DB.example:6543/state?sslmode=disable", {})).toMatchObject({
      host: "DB.example",
      port: 6543,
      database: "state",
      user: "terraform",
      password: undefined,
      ssl: false,
    });
  });

  it("reads libpq keywords, takes what they leave out from PG* variables, and defaults to TLS without verification (lib/pq's require)", () => {
    const config = clientConfig("host=db.example dbname='terraform state'", {
      PGUSER: "ci",
      PGPASSWORD: "pg-pass-5ecret",
      PGPORT: "5433",
    });
    expect(config).toMatchObject({
      host: "db.example",
      port: 5433,
      database: "terraform state",
      user: "ci",
      password: "pg-pass-5ecret",
    });
    expect(config.ssl).toMatchObject({ rejectUnauthorized: false });
  });

  it("verifies the server for verify-full, and refuses a string that is neither form", () => {
    expect(clientConfig("postgres://db.example/state?sslmode=verify-full", {}).ssl).toMatchObject({
      rejectUnauthorized: true,
    });
    expect(() => clientConfig("host=db.example password='unterminated", {})).toThrow(/key=value/);
  });
});

describe("switching configs between two local states", () => {
  const shared = sharedP1asApp("backend-switch-admin");
  const specAt = (file: string): AppSpec => ({
    ...TWO_HOSTNAMES,
    backend: { type: "local", path: path.join(shared.app.dir, file) },
  });
  const stackDir = () => path.join(shared.app.outdir, "stacks", shared.app.stack);
  const resourcesIn = (file: string) =>
    JSON.parse(readFileSync(path.join(shared.app.dir, file), "utf8")).resources.length;

  /** Deployed on state A, then synthesized for B with A's .terraform kept, as `cdktf synth` keeps it. */
  async function switchedFromAToB(): Promise<string> {
    shared.emulator.service.reset();
    ["a.tfstate", "b.tfstate"].forEach((file) => rmSync(path.join(shared.app.dir, file), { force: true }));
    shared.app.synth(specAt("a.tfstate"));
    await shared.app.deploy();
    // Another P1AS_CONFIG is another file with its own state inventory (one config's moved backend is refused
    // while the old state holds objects: retire-environment.test.ts).
    rmSync(inventoryPath(path.join(shared.app.dir, "p1as.json")));
    const kept = path.join(shared.app.dir, "kept-terraform");
    rmSync(kept, { recursive: true, force: true });
    cpSync(path.join(stackDir(), ".terraform"), kept, { recursive: true });
    const config = shared.app.synth(specAt("b.tfstate"));
    cpSync(kept, path.join(stackDir(), ".terraform"), { recursive: true });
    shared.emulator.service.reset();
    return config;
  }
  const expectedLine = () =>
    backendSwitchLine(shared.app.stack, {
      from: `local:${localStatePath(path.join(shared.app.dir, "a.tfstate"))}`,
      to: `local:${localStatePath(path.join(shared.app.dir, "b.tfstate"))}`,
      sameState: false,
    });

  it("deploy, plan summary and drift re-initialise with one line, copy no state, and leave a directory plain terraform init accepts", async () => {
    // GIVEN a stack deployed on state A, now synthesized for state B (the record of A kept)
    await switchedFromAToB();
    const kept = readFileSync(backendCacheFile(stackDir()), "utf8");
    const restoreA = () => writeFileSync(backendCacheFile(stackDir()), kept);

    // WHEN deploy runs
    const log: string[] = [];
    const deployed = await shared.app.deploy({}, (line) => log.push(line));

    // THEN it says what changed, once, and deploys onto B; A keeps its own state untouched
    expect(deployed).toEqual(["p1as-dev"]);
    expect(log.filter((line) => line.includes("state backend changed"))).toEqual([expectedLine()]);
    expect(log).toContain("p1as-dev │ terraform init -input=false -no-color -reconfigure");
    expect(resourcesIn("a.tfstate")).toBe(resourcesIn("b.tfstate"));
    expect(resourcesIn("b.tfstate")).toBeGreaterThan(0);

    // AND plan summary and drift get past init the same way from A's record
    restoreA();
    const progress: string[] = [];
    const [planned] = await planStacks(synthesizedStacks(shared.app.outdir), {
      env: shared.app.env,
      onProgress: (line) => progress.push(line),
    });
    expect(planned).toMatchObject({ stack: "p1as-dev", status: "planned" });
    expect(progress).toContain(expectedLine());
    restoreA();
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const drift = await detectDrift({ outdir: shared.app.outdir, env: shared.app.env });
      expect(drift.stacks).toEqual([{ stack: "p1as-dev", status: "in-sync", findings: [] }]);
      expect(stderr.mock.calls.map(([chunk]) => String(chunk))).toEqual([`${expectedLine()}\n`]);
    } finally {
      stderr.mockRestore();
    }

    // AND a plain terraform init in the stack directory accepts what the tools left
    expect((await shared.app.terraform(["init", "-input=false", "-no-color"])).exitCode).toBe(0);
  });

  it("npx cdktf diff works right after a config switch (its synth drops the stale record)", async () => {
    // GIVEN a stack folder initialised on A, and P1AS_CONFIG now naming B
    const config = await switchedFromAToB();

    // WHEN the cdktf CLI diffs it (synth, then its own plain terraform init and plan)
    const diff = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(
        path.join(ROOT, "node_modules", ".bin", "cdktf"),
        ["diff", "p1as-dev", "--output", shared.app.outdir],
        {
          cwd: ROOT,
          env: cdktfCliEnv({ ...process.env, ...shared.app.env, P1AS_CONFIG: config, CHECKPOINT_DISABLE: "1" }),
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      ),
    );

    // THEN it plans the stack on B, and the user saw the switch line (cdktf shows the app's stderr)
    expect({ code: diff.code, output: diff.code === 0 ? "" : diff.output }).toEqual({ code: 0, output: "" });
    expect(diff.output).toContain(expectedLine());
    expect(JSON.parse(readFileSync(backendCacheFile(stackDir()), "utf8")).backend.config.path).toBe(
      path.join(shared.app.dir, "b.tfstate"),
    );
  });

  it("a state where a relative backend.path led before the one rule: synth refuses with the move, which works, and terraform then finds it", async () => {
    // GIVEN dev deployed on <dir>/a.tfstate, as a config that wrote "a.tfstate" got it run from <dir> before the rule,
    // and that config now in <dir>/deploy (the same text, now read from the config's folder)
    shared.emulator.service.reset();
    ["a.tfstate", "a.tfstate.backup", "deploy"].forEach((file) =>
      rmSync(path.join(shared.app.dir, file), { recursive: true, force: true }),
    );
    const config = JSON.parse(readFileSync(shared.app.synth(specAt("a.tfstate")), "utf8"));
    await shared.app.deploy();
    config.environments[0].backend.path = "a.tfstate";
    for (const certificate of config.environments[0].virtualHosts.certificates)
      for (const field of ["fullchainFile", "privateKeyFile"]) certificate[field] = `../${certificate[field]}`;
    mkdirSync(path.join(shared.app.dir, "deploy"));
    const file = path.join(shared.app.dir, "deploy", "p1as.json");
    writeFileSync(file, JSON.stringify(config));
    const outdir = path.join(shared.app.dir, "moved.out");
    const synth = () =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [path.join(ROOT, "dist", "main.js")],
          {
            cwd: shared.app.dir,
            env: { ...process.env, P1AS_CONFIG: file, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
          },
          (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
        ),
      );
    shared.emulator.requestLog.clear();

    // WHEN the app synthesizes it from <dir>
    const refused = await synth();

    // THEN refused: the field, both files, the move; nothing written, nothing sent
    const [former, now] = [path.join(shared.app.dir, "a.tfstate"), path.join(shared.app.dir, "deploy", "a.tfstate")];
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `environments[0].backend.path "a.tfstate" is relative to the config file's folder, like every path in the config: p1as-dev's state is ${now}, where there is none, but ${former} `,
    );
    const move = /Move the state: (.*); or keep it where it is with "path": "..\/a.tfstate"$/m.exec(
      refused.stderr,
    )?.[1];
    expect(move).toBe(
      `mkdir -p ${path.dirname(now)} && mv ${former} ${now}` +
        (existsSync(`${former}.backup`) ? ` && mv ${former}.backup ${now}.backup` : ""),
    );
    expect(existsSync(outdir)).toBe(false);
    expect(shared.emulator.requestLog.list()).toEqual([]);

    // AND after the move it gives, synth goes through and terraform finds the deployed state: nothing to create
    await new Promise<void>((resolve, reject) =>
      execFile("/bin/sh", ["-c", move!], (error) => (error ? reject(error) : resolve())),
    );
    expect(await synth()).toMatchObject({ code: 0 });
    expect(resourcesIn(path.join("deploy", "a.tfstate"))).toBeGreaterThan(0);
    const cwd = path.join(outdir, "stacks", shared.app.stack);
    expect((await runTerraform(["init", "-input=false", "-no-color"], { cwd, env: shared.app.env })).exitCode).toBe(0);
    const plan = await runTerraform(["plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock=false"], {
      cwd,
      env: shared.app.env,
    });
    expect({ exitCode: plan.exitCode, output: plan.exitCode === 0 ? "" : plan.stdout + plan.stderr }).toEqual({
      exitCode: 0,
      output: "",
    });
  });

  it("synth drops the stale record with the same line, so the plain terraform init of cdktf diff/deploy works", async () => {
    // GIVEN a stack directory initialised on A whose cdk.tf.json now names B
    const config = await switchedFromAToB();
    const refused = await shared.app.terraform(["init", "-input=false", "-no-color"]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("Backend configuration changed");

    // WHEN synthesized again into the same outdir (cdktf synth keeps .terraform)
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      synthesize(config, shared.app.outdir);
      expect(stderr.mock.calls.map(([chunk]) => String(chunk))).toEqual([`${expectedLine()}\n`]);
    } finally {
      stderr.mockRestore();
    }

    // THEN terraform init works on B, and a second synth has nothing to say
    expect(existsSync(backendCacheFile(stackDir()))).toBe(false);
    expect((await shared.app.terraform(["init", "-input=false", "-no-color"])).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(backendCacheFile(stackDir()), "utf8")).backend.config.path).toBe(
      path.join(shared.app.dir, "b.tfstate"),
    );
    expect(backendSwitch(stackDir(), path.join(stackDir(), "cdk.tf.json"))).toBeUndefined();
  });
});
