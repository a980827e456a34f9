/**
 * Interruption: terraform killed with SIGKILL at seeded points of a 20-hostname apply, then a plain
 * re-deploy. Two kinds of kill, alternating by seed:
 * - the whole process group (a cancelled CI job, a closed terminal, the OOM killer taking the container):
 *   terraform and the p1as provider die mid-request;
 * - terraform alone (`kill -9 <pid>`): the provider is orphaned and may finish a request on its own.
 *   The re-deploy waits until the group has exited (nothing of the old run may still write).
 * A create the API committed but terraform never recorded (killed before the provider answered) is in the
 * API and not in state: the re-deploy must adopt it as it is (no second POST, no delete).
 * After each, the re-deploy must converge: exactly the declared objects, all complete, and an empty plan.
 * The pg backend part checks what a killed deploy leaves in PostgreSQL and how a stuck holder is released.
 * One contract mode, the emulator's default (assumed): in the confirmed mode the API shows no certificate
 * content, so an unrecorded certificate cannot be proven identical and is refused with an import block
 * (fault-matrix.test.ts covers that mode's writes). Needs `npm run build` first (the provider bundle).
 */
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PgBackend } from "cdktf";
import type { ContractMode } from "../emulator/contract";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { runTerraform, terraformEnv } from "../tools/terraform/run";
import { Postgres, startPostgres } from "./support/postgres";
import { plan, synthesize } from "./support/terraform-apply";
import { StackFixture, StackSpec, stackFixture } from "./support/virtual-hosts-stack";
import { testClientId } from "./support/emulator";

jest.setTimeout(20 * 60_000);

/** Even seeds kill the process group, odd seeds terraform alone. */
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe("interruption: bad input", () => {
  test("a readyTimeoutMs shorter than one poll is refused at synth, naming path, fields and reason; nothing is sent", () => {
    // GIVEN a fixture whose deadline is shorter than its poll interval
    emulator.requestLog.clear();
    const bad = stackFixture({
      emulator,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      timings: { pollIntervalMs: 500, readyTimeoutMs: 100, requestTimeoutMs: 1_000 },
    });
    try {
      // WHEN the stack is synthesized
      const synth = () => synthesize(bad.build(SPEC));

      // THEN synth throws with the construct path, both fields and the reason, and the emulator saw no request
      expect(synth).toThrow(
        "p1as-dev/virtual-hosts: readyTimeoutMs conflicts with pollIntervalMs: the deadline (100 ms) is shorter than one poll (500 ms)",
      );
      expect(emulator.requestLog.list()).toEqual([]);
    } finally {
      bad.remove();
    }
  });
});

describe("interruption: terraform killed with SIGKILL during a 20-hostname apply", () => {
  test.each(SEEDS)(
    "seed %i: the killed apply leaves no lock that blocks, and a plain re-deploy converges",
    async (seed) => {
      // GIVEN an empty API, empty state, and a seeded kill point (the k-th create reaching the API, plus a few ms)
      const point = killPoint(seed);
      const run = await freshStack();

      // WHEN terraform is killed there
      const killed = await applyAndKill(run.stackDir, point, localEnv());
      const left = leftovers(run.stackDir, killed);
      emulator.requestLog.clear();

      // THEN the kill really interrupted the apply
      expect(killed.interrupted).toBe(true);

      // WHEN the state file was cut short (killed while terraform rewrote it), it is put back as the deploy
      // tool's refusal says (see state-recovery.test.ts), and the same apply is run again, as a user would,
      // with no lock timeout
      const stateRecovery = left.stateReadable ? "none" : restorePreviousState(run.stackDir);
      const redeploy = await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"], {
        cwd: run.stackDir,
        env: localEnv(),
      });

      // THEN it succeeds, the API holds exactly the declared objects, all complete, and the plan is empty
      expect({
        exitCode: redeploy.exitCode,
        output: redeploy.exitCode === 0 ? "" : redeploy.stdout + redeploy.stderr,
      }).toEqual({ exitCode: 0, output: "" });
      expect(fixture.held()).toEqual(fixture.expected(SPEC));
      // AND what the killed run created without recording it was adopted: the re-deploy posted only what was
      // missing from the API, and deleted nothing
      const writes = (method: string, kind: string) =>
        emulator.requestLog.list(new RegExp(`^${method} /dev/api/v1/${kind}s`)).length;
      expect({
        certificatePosts: writes("POST", "certificate"),
        hostnamePosts: writes("POST", "hostname"),
        deletes: writes("DELETE", "(certificate|hostname)"),
      }).toEqual({
        certificatePosts: left.missing.certificates,
        hostnamePosts: left.missing.hostnames,
        deletes: 0,
      });
      expect((await plan(run.stackDir, { env: localEnv() })).exitCode).toBe(0);

      runs.push({ seed, ...point, ...left, stateRecovery });
      fs.rmSync(run.outdir, { recursive: true, force: true });
    },
  );
});

describe.each<ContractMode>(["assumed", "confirmed"])(
  "interruption: Ctrl-C (one SIGINT to terraform) during a 20-hostname apply, %s contract",
  (mode) => {
    test("what was written is recorded untainted with a warning, and the re-deploy keeps it (waits for it), deleting and re-posting nothing", async () => {
      // GIVEN an empty API whose objects take 8 s to complete, and an apply under way
      const run = await freshStack();
      emulator.state.settings.contract = mode;
      emulator.service.completionDelayMs = 8_000;
      emulator.requestLog.clear();
      try {
        const started = startApply(run.stackDir, localEnv());
        const hostnamePosts = () => emulator.requestLog.list(/^POST \/dev\/api\/v1\/hostnames$/).length;
        await until(async () => hostnamePosts() >= 3 || started.child.exitCode !== null, 120_000);

        // WHEN terraform gets one SIGINT, as the deploy tool forwards Ctrl-C
        started.child.kill("SIGINT");
        const stopped = await started.exited;
        const text = stopped.output.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");

        // THEN terraform stopped short; each hostname it was waiting for came back with a warning, not an error,
        // and the state records it untainted
        expect(text).toContain("Interrupt received");
        expect(text).toMatch(/Warning: hostname app\d\d\.dev\.acme\.example was still creating when terraform stopped/);
        expect(text).toContain("It was written and is recorded in the state, not tainted");
        expect(text).not.toMatch(/Error: .*hostname app\d\d/);
        const state = JSON.parse(fs.readFileSync(path.join(run.stackDir, "terraform.tfstate"), "utf8")) as {
          resources: {
            type: string;
            instances: { status?: string; attributes: { hostname?: string; status?: string } }[];
          }[];
        };
        const recorded = state.resources.filter((r) => r.type === "p1as_hostname").flatMap((r) => r.instances);
        expect(recorded.filter((instance) => instance.status === "tainted")).toEqual([]);
        const interrupted = recorded
          .filter((instance) => instance.attributes.status === "creating")
          .map((instance) => instance.attributes.hostname);
        expect(interrupted.length).toBeGreaterThan(0);
        const held = fixture.held().hostnames.map((h) => h.hostname);
        expect(held.length).toBeLessThan(HOSTNAMES);

        // WHEN deployed again at once, while those are still creating
        emulator.requestLog.clear();
        emulator.service.completionDelayMs = 50;
        const redeploy = await runTerraform(
          ["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"],
          { cwd: run.stackDir, env: localEnv() },
        );

        // THEN it converges without deleting anything or posting any hostname again: it posts only the missing ones
        expect({
          exitCode: redeploy.exitCode,
          output: redeploy.exitCode === 0 ? "" : redeploy.stdout + redeploy.stderr,
        }).toEqual({ exitCode: 0, output: "" });
        expect(fixture.held()).toEqual(fixture.expected(SPEC));
        const posted = emulator.requestLog.list(/^POST \/dev\/api\/v1\/hostnames$/).length;
        expect({ deletes: emulator.requestLog.list(/^DELETE /).length, hostnamePosts: posted }).toEqual({
          deletes: 0,
          hostnamePosts: HOSTNAMES - held.length,
        });
        // AND an interrupted hostname still creating at the re-deploy's refresh was planned as an in-place wait, not a replacement
        expect(redeploy.stdout).not.toContain("must be replaced");
        expect((await plan(run.stackDir, { env: localEnv() })).exitCode).toBe(0);
        sigintRuns.push({
          mode,
          postedBeforeStop: held.length,
          recordedCreating: interrupted.length,
          waitedInPlace: (redeploy.stdout.match(/will be updated in-place/g) ?? []).length,
        });
      } finally {
        emulator.state.settings.contract = "assumed";
        emulator.service.completionDelayMs = 50;
        fs.rmSync(run.outdir, { recursive: true, force: true });
      }
    });
  },
);

describe("interruption with state in the pg backend", () => {
  test("a killed deploy's advisory lock dies with its connection, so the re-deploy is not refused", async () => {
    // GIVEN a 20-hostname apply with state in PostgreSQL, holding the state lock
    const run = await freshStack(pgBackend);
    const point = { mode: "terraform" as const, afterCreates: 5, extraMs: 0 };

    // WHEN terraform alone is killed with SIGKILL in the middle of it
    const killed = await applyAndKill(run.stackDir, point, pgEnv(), async () => {
      pgObserved.locksWhileApplying = Number(await pg.sql(ADVISORY_LOCKS));
    });
    expect(killed.interrupted).toBe(true);

    // THEN PostgreSQL has already dropped its session, and with it the advisory lock
    await until(async () => Number(await pg.sql(ADVISORY_LOCKS)) === 0, 10_000);
    pgObserved.locksAfterKill = 0;

    // AND a re-deploy that refuses to wait for any lock succeeds and converges
    const redeploy = await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"], {
      cwd: run.stackDir,
      env: pgEnv(),
    });
    expect({
      exitCode: redeploy.exitCode,
      output: redeploy.exitCode === 0 ? "" : redeploy.stdout + redeploy.stderr,
    }).toEqual({ exitCode: 0, output: "" });
    expect(fixture.held()).toEqual(fixture.expected(SPEC));
    expect((await plan(run.stackDir, { env: pgEnv() })).exitCode).toBe(0);
    expect(pgObserved.locksWhileApplying).toBeGreaterThan(0);
    fs.rmSync(run.outdir, { recursive: true, force: true });
  });

  test("a lock held by a frozen deploy blocks the next one; force-unlock cannot release it, ending the holder's session does", async () => {
    // GIVEN a deploy that holds the lock and is frozen (SIGSTOP: a hung runner, a laptop put to sleep)
    const run = await freshStack(pgBackend);
    const frozen = startApply(run.stackDir, pgEnv());
    await until(async () => Number(await pg.sql(ADVISORY_LOCKS)) > 0, 30_000);
    process.kill(-frozen.child.pid!, "SIGSTOP");

    try {
      // WHEN another deploy starts
      const refused = await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"], {
        cwd: run.stackDir,
        env: pgEnv(),
      });

      // THEN it is refused on the lock and changes nothing
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain("Error acquiring the state lock");
      const lockId = /ID:\s+(\S+)/.exec(refused.stderr)?.[1] ?? "";

      // WHEN the lock is force-unlocked with the ID terraform printed
      const unlock = await runTerraform(["force-unlock", "-force", lockId], { cwd: run.stackDir, env: pgEnv() });
      pgObserved.forceUnlock = `exit ${unlock.exitCode}: ${firstLine(unlock.stdout + unlock.stderr)}`;

      // THEN terraform reports success, yet the holder's session still holds the lock (an advisory lock
      // belongs to the session that took it; force-unlock runs in a session of its own)
      expect(unlock.exitCode).toBe(0);
      expect(Number(await pg.sql(ADVISORY_LOCKS))).toBeGreaterThan(0);

      // WHEN the holder's session is ended (only after making sure the holder will never write again)
      const holders = await pg.sql(HOLDER_SESSIONS);
      pgObserved.holderSessions = holders.split("\n").filter(Boolean).length;
      process.kill(-frozen.child.pid!, "SIGKILL");
      await pg.sql(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'`);
      await until(async () => Number(await pg.sql(ADVISORY_LOCKS)) === 0, 10_000);

      // THEN the next deploy proceeds and converges
      const redeploy = await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s"], {
        cwd: run.stackDir,
        env: pgEnv(),
      });
      expect({
        exitCode: redeploy.exitCode,
        output: redeploy.exitCode === 0 ? "" : redeploy.stdout + redeploy.stderr,
      }).toEqual({ exitCode: 0, output: "" });
      expect(fixture.held()).toEqual(fixture.expected(SPEC));
      expect((await plan(run.stackDir, { env: pgEnv() })).exitCode).toBe(0);
    } finally {
      killGroup(frozen.child, "SIGKILL");
      await frozen.exited;
      fs.rmSync(run.outdir, { recursive: true, force: true });
    }
  });
});

// ---- kill points and the killing ------------------------------------------------------------------

type KillMode = "group" | "terraform";

interface KillPoint {
  readonly mode: KillMode;
  /** Kill once this many hostname/certificate creates have reached the API... */
  readonly afterCreates: number;
  /** ...and this many ms more. */
  readonly extraMs: number;
}

/** mulberry32: a tiny seeded generator, so each seed always kills at the same point. */
function killPoint(seed: number): KillPoint {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    mode: seed % 2 === 0 ? "group" : "terraform",
    afterCreates: 1 + Math.floor(next() * CREATES),
    extraMs: Math.floor(next() * 50),
  };
}

interface Started {
  readonly child: ChildProcess;
  /** Resolves when terraform has exited, with what it printed. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/** `terraform apply` as the leader of its own process group, so the group can be killed like a terminal's job. */
function startApply(stackDir: string, env: NodeJS.ProcessEnv): Started {
  const child = spawn("terraform", ["apply", "-auto-approve", "-input=false", "-no-color"], {
    cwd: stackDir,
    env: terraformEnv(env),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exited };
}

interface Killed {
  readonly interrupted: boolean;
  readonly output: string;
  /** Objects the API held once every process of the killed run had exited. */
  readonly heldAfterKill: number;
}

async function applyAndKill(
  stackDir: string,
  point: KillPoint,
  env: NodeJS.ProcessEnv,
  whileApplying?: () => Promise<void>,
): Promise<Killed> {
  emulator.requestLog.clear();
  const started = startApply(stackDir, env);
  const creates = () => emulator.requestLog.list(/^POST \/dev\/api\/v1\/(hostnames|certificates)$/).length;
  let finished = false;
  void started.exited.then(() => (finished = true));
  await until(async () => finished || creates() >= point.afterCreates, 120_000);
  await whileApplying?.();
  if (point.extraMs > 0) await sleep(point.extraMs);
  const interrupted = !finished;
  if (point.mode === "group") killGroup(started.child, "SIGKILL");
  else started.child.kill("SIGKILL");
  const { output } = await started.exited;
  // Orphaned drivers (terraform alone was killed) finish on their own; nothing of this run may still write.
  await until(async () => !groupAlive(started.child.pid!), 60_000);
  const held = fixture.held();
  return { interrupted, output, heldAfterKill: held.certificates.length + held.hostnames.length };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * What the kill left for the re-deploy to deal with. `unrecorded` counts objects the API holds that the
 * state does not record (created by the killed run before terraform wrote them down: the re-deploy adopts
 * them); `missing` what the API lacks (the re-deploy creates it).
 */
function leftovers(
  stackDir: string,
  killed: Killed,
): {
  heldAfterKill: number;
  lockInfoLeft: boolean;
  stateBytes: number;
  stateReadable: boolean;
  unrecorded: number;
  missing: { certificates: number; hostnames: number };
} {
  const file = path.join(stackDir, "terraform.tfstate");
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  type State = { resources: { mode: string; type: string; instances: { attributes: Record<string, unknown> }[] }[] };
  let state: State = { resources: [] };
  let stateReadable = true;
  try {
    if (text) state = JSON.parse(text) as State;
  } catch {
    stateReadable = false;
  }
  const recorded = (type: string, key: string) =>
    state.resources
      .filter((r) => r.mode === "managed" && r.type === type)
      .flatMap((r) => r.instances.map((i) => String(i.attributes[key])));
  const held = fixture.held();
  const certificates = held.certificates.map((c) => c.name);
  const hostnames = held.hostnames.map((h) => h.hostname);
  const unrecorded =
    certificates.filter((name) => !recorded("p1as_certificate", "name").includes(name)).length +
    hostnames.filter((hostname) => !recorded("p1as_hostname", "hostname").includes(hostname)).length;
  return {
    heldAfterKill: killed.heldAfterKill,
    lockInfoLeft: fs.existsSync(path.join(stackDir, ".terraform.tfstate.lock.info")),
    stateBytes: text.length,
    stateReadable,
    unrecorded,
    missing: {
      certificates: SPEC.certificates.filter((c) => !certificates.includes(c.name)).length,
      hostnames: SPEC.hostnames.filter((h) => !hostnames.includes(h.hostname)).length,
    },
  };
}

// ---- shared setup ------------------------------------------------------------------------------

const HOSTNAMES = 20;
const CREATES = HOSTNAMES + 1;
const SPEC: StackSpec = {
  certificates: [{ name: "wildcard-dev" }],
  hostnames: Array.from({ length: HOSTNAMES }, (_, i) => ({
    hostname: `app${String(i + 1).padStart(2, "0")}.dev.acme.example`,
    product: (["pingfederate-engines", "pingaccess-engines", "pingdelegator", "pingdirectory"] as const)[i % 4],
    certname: "wildcard-dev",
  })),
};
const ADVISORY_LOCKS = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'";
const HOLDER_SESSIONS =
  "SELECT a.pid || ' ' || coalesce(a.client_addr::text, 'local') || ':' || coalesce(a.client_port::text, '') || ' since ' || a.backend_start " +
  "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'";
const SCHEMA = "p1as_interruption";
const CLIENT_ID = testClientId("interruption-admin");
const CLIENT_SECRET = `interruption-${randomBytes(16).toString("hex")}`;
const REPORT = path.resolve(__dirname, "..", "dist", "reports", "interruption.md");

let emulator: RunningEmulator;
let fixture: StackFixture;
let pg: Postgres;
const runs: ({ seed: number; stateRecovery: string } & KillPoint & ReturnType<typeof leftovers>)[] = [];

/** The recovery cli-kit/errors.ts stateUnreadable() prescribes: the backup terraform keeps, or no state at all. */
function restorePreviousState(stackDir: string): string {
  const file = path.join(stackDir, "terraform.tfstate");
  if (fs.existsSync(`${file}.backup`)) {
    fs.copyFileSync(`${file}.backup`, file);
    return "cut short: backup restored";
  }
  fs.renameSync(file, `${file}.unreadable`);
  return "cut short: moved aside";
}
const sigintRuns: { mode: ContractMode; postedBeforeStop: number; recordedCreating: number; waitedInPlace: number }[] =
  [];
const pgObserved: {
  locksWhileApplying?: number;
  locksAfterKill?: number;
  forceUnlock?: string;
  holderSessions?: number;
} = {};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const firstLine = (text: string) =>
  text
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line.startsWith("Error") || line.includes("unlock")) ?? "";
const localEnv = () => fixture.env();
const pgEnv = () => ({ ...fixture.env(), PG_CONN_STR: pg.connStr });
const pgBackend = (stack: import("cdktf").TerraformStack) =>
  new PgBackend(stack, { schemaName: SCHEMA } as import("cdktf").PgBackendConfig);

/** Polls `condition` (an event in another process: there is nothing to await) until it holds or time runs out. */
async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Empty API, a fresh outdir (new local state, or the pg schema dropped), terraform initialised. */
async function freshStack(addBackend?: typeof pgBackend): Promise<{ outdir: string; stackDir: string }> {
  emulator.service.reset();
  if (addBackend) await pg.sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  const synthesized = synthesize(fixture.build(SPEC, addBackend));
  const init = await runTerraform(["init", "-input=false", "-no-color"], {
    cwd: synthesized.stackDir,
    env: addBackend ? pgEnv() : localEnv(),
  });
  if (init.exitCode !== 0) throw new Error(`terraform init failed:\n${init.stdout}${init.stderr}`);
  return synthesized;
}

beforeAll(async () => {
  emulator = await startEmulator({
    seedDemoClients: false,
    completionDelayMs: 50,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }],
  });
  fixture = stackFixture({
    emulator,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    timings: { pollIntervalMs: 50, readyTimeoutMs: 30_000, requestTimeoutMs: 10_000 },
  });
  pg = await startPostgres();
});

afterAll(async () => {
  const lines = [
    "| seed | kill | after creates | + ms | API objects after the kill | lock info file left | state file bytes | state recovery | in the API, not in state (adopted) | created on re-deploy | re-deploy |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...runs.map(
      (r) =>
        `| ${r.seed} | ${r.mode === "group" ? "process group" : "terraform only"} | ${r.afterCreates} | ${r.extraMs} | ${r.heldAfterKill} | ${r.lockInfoLeft ? "yes" : "no"} | ${r.stateBytes} | ${r.stateRecovery} | ${r.unrecorded} | ${r.missing.certificates + r.missing.hostnames} | converged, empty plan |`,
    ),
    "",
    `pg backend: advisory locks while applying ${pgObserved.locksWhileApplying ?? "?"}, after SIGKILL ${pgObserved.locksAfterKill ?? "?"}; ` +
      `force-unlock against a live holder: ${pgObserved.forceUnlock ?? "?"}; holder sessions found: ${pgObserved.holderSessions ?? "?"}.`,
    "",
    ...sigintRuns.map(
      (r) =>
        `Ctrl-C (${r.mode}): ${r.postedBeforeStop} hostnames posted before the stop, ${r.recordedCreating} recorded as creating (untainted), ` +
        `${r.waitedInPlace} waited for in place by the re-deploy; no delete, no second post.`,
    ),
    "",
  ].join("\n");
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  fs.writeFileSync(REPORT, lines);
  process.stdout.write(`\ninterruption runs (${REPORT}):\n\n${lines}\n`);
  fixture?.remove();
  await emulator?.close();
  await pg?.stop();
});
