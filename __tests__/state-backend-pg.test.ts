/**
 * Shared state in PostgreSQL, for real: a throwaway server, the config's `pg` backend, the p1as provider
 * against the emulator. Bootstrap from nothing converges and repeats; two deploys at once never both write.
 * Runs the provider bundle from dist/ (npm run build).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Client } from "pg";
import { inventoryPath } from "../config/inventory";
import { localStatePath } from "../config/state-location";
import { RunningEmulator } from "../emulator/start";
import { CliError } from "../cli-kit/errors";
import { initStack } from "../tools/terraform/init";
import { synthesizedStacks } from "../tools/terraform/synth-output";
import { runTerraform } from "../tools/terraform/run";
import { startGate, Gate } from "./support/gate";
import {
  appClient,
  AppSpec,
  createP1asApp,
  heldKeys,
  P1asApp,
  startEmulatorFor,
  TWO_HOSTNAMES,
} from "./support/p1as-app";
import { Postgres, startPostgres } from "./support/postgres";

jest.setTimeout(300_000);

describe("state in the pg backend", () => {
  it("bootstraps from an empty API and empty state to converged, twice over", async () => {
    for (const round of [1, 2]) {
      // GIVEN an empty emulator and an empty state schema
      emulator.service.reset();
      await pg.sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      app.synth(SPEC);

      // WHEN deployed
      const deployed = await app.deploy();

      // THEN the API holds exactly the declared objects, the state one row, and a re-plan is empty
      expect({ round, deployed }).toEqual({ round, deployed: ["p1as-dev"] });
      expect(heldKeys(emulator)).toEqual({
        certificates: ["wildcard-dev"],
        hostnames: ["api.dev.acme.example", "auth.dev.acme.example"],
      });
      expect(await pg.sql(`SELECT name FROM ${SCHEMA}.states`)).toBe("default");
      expect((await app.plan()).exitCode).toBe(0);
    }
  });

  it("lets one of two concurrent deploys proceed and refuses the other on the lock, leaving state intact", async () => {
    // GIVEN a deployed stack and a commit that adds a hostname
    emulator.service.reset();
    await pg.sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    app.synth(SPEC);
    await app.deploy();
    const added = { hostname: "new.dev.acme.example", product: "pingdelegator" as const, certname: "wildcard-dev" };
    app.synth({ ...SPEC, hostnames: [...SPEC.hostnames, added] });
    emulator.requestLog.clear();

    // WHEN deploy A is inside its apply (its first API write is held at the gate) and deploy B starts
    const arrived = gate.hold((method, url) => method !== "GET" && url.includes("/api/v1/"));
    const first = app.deploy();
    await Promise.race([
      arrived,
      first.then(() => Promise.reject(new Error("deploy A finished without writing to the API"))),
    ]);
    const second = await app.deploy().catch((error: unknown) => error);
    gate.release();

    // THEN B is refused with a message that says why and what to do, and A completes
    expect(second).toBeInstanceOf(CliError);
    expect((second as CliError).message).toBe(ROW_LOCKED);
    await expect(first).resolves.toEqual(["p1as-dev"]);

    // AND the state holds A's result once, the API the new hostname once, and a re-plan is empty
    expect(await pg.sql(`SELECT count(*) FROM ${SCHEMA}.states`)).toBe("1");
    const list = await app.terraform(["state", "list"]);
    expect(list.stdout).toContain("p1as_hostname.new_dev_acme_example");
    expect(heldKeys(emulator).hostnames).toEqual([
      "api.dev.acme.example",
      "auth.dev.acme.example",
      "new.dev.acme.example",
    ]);
    expect(emulator.requestLog.list(/^POST \/dev\/api\/v1\/hostnames$/)).toHaveLength(1);
    expect((await app.plan()).exitCode).toBe(0);
    // AND no advisory lock is left behind
    expect(await pg.sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).toBe("0");
  });

  it("refuses a connection string that reaches no database, naming the stack, and sends nothing to the API", async () => {
    // GIVEN a synthesized stack
    emulator.service.reset();
    app.synth(SPEC);
    emulator.requestLog.clear();

    // WHEN deployed with a PG_CONN_STR (password included) where no server listens
    const log: string[] = [];
    const connStr = "postgres://terraform:pg-pass-5ecret@127.0.0.1:1/nowhere?sslmode=disable";
    const refused = await app
      .deploy({ env: { ...app.env, PG_CONN_STR: connStr } }, (line) => log.push(line))
      .catch((error: unknown) => error);

    // THEN init fails for that stack with terraform's reason, and the API saw nothing
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).message).toMatch(
      /^p1as-dev: terraform init failed:\nError: [\s\S]*(connection refused|connect)/,
    );
    expect(emulator.requestLog.list()).toEqual([]);
    // AND the bootstrap that could not connect says so in one line, leaving the diagnosis to terraform, and no line holds the password
    expect(log.filter((line) => line.includes("could not prepare"))).toEqual([
      "p1as-dev: could not prepare the pg state before terraform init (connect ECONNREFUSED 127.0.0.1:1); terraform creates it itself",
    ]);
    expect(`${log.join("\n")}\n${(refused as CliError).message}`).not.toContain("pg-pass-5ecret");
  });

  it("creates the backend's tables once when two tools initialise one stack at once on an empty database", async () => {
    // GIVEN two checkouts of one stack (plain `terraform init` twice at once failed 4 of 11 rounds here with
    // PostgreSQL's duplicate-key error on pg_type: CREATE ... IF NOT EXISTS is not safe between sessions)
    const twin = secondCheckout();
    try {
      twin.synth(SPEC);
      const stacks = [app, twin].map((checkout) => synthesizedStacks(checkout.outdir)[0]);
      for (const round of [1, 2, 3, 4, 5, 6, 7, 8]) {
        await pg.sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; DROP SEQUENCE IF EXISTS public.global_states_id_seq`);
        stacks.forEach((stack) =>
          rmSync(path.join(stack.workingDirectory, ".terraform", "terraform.tfstate"), { force: true }),
        );

        // WHEN both initialise at once
        const inits = await Promise.all(
          stacks.map((stack) =>
            initStack(stack, {
              env: app.env,
              run: (args) => runTerraform(args, { cwd: stack.workingDirectory, env: app.env }),
            }),
          ),
        );

        // THEN both succeed, and the workspace has its one row, holding an empty state terraform accepts
        expect({ round, exitCodes: inits.map((init) => init.exitCode) }).toEqual({ round, exitCodes: [0, 0] });
        expect(inits.map((init) => init.stderr).join("")).not.toMatch(/Error|duplicate key/);
        expect(await pg.sql(`SELECT name FROM ${SCHEMA}.states`)).toBe("default");
      }
      expect((await app.terraform(["state", "list"])).exitCode).toBe(0);
    } finally {
      twin.remove();
    }
  });

  it("serialises two first deploys of one stack on its own row lock: one applies, the other waits or is refused in words, never a raw SQL error", async () => {
    // GIVEN two checkouts of one stack (the same config and certificates) and, each round, a database with no state at all
    const twin = secondCheckout();
    try {
      for (const lockTimeout of ["0s", "0s", "2m"]) {
        emulator.service.reset();
        await pg.sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; DROP SEQUENCE IF EXISTS public.global_states_id_seq`);
        app.synth(SPEC);
        twin.synth(SPEC);
        emulator.requestLog.clear();

        // WHEN both deploy at once
        const results = await Promise.all(
          [app.deploy({ lockTimeout }), twin.deploy({ lockTimeout })].map((run) =>
            run.then(() => "deployed", messageOf),
          ),
        );

        // THEN one applies; the other was refused on the row lock, or with --lock-timeout applied after waiting (with nothing left to do)
        expect({ lockTimeout, results: [...results].sort() }).toEqual({
          lockTimeout,
          results:
            lockTimeout === "0s" && results.includes(ROW_LOCKED) ? ["deployed", ROW_LOCKED] : ["deployed", "deployed"],
        });
        // AND the state is one row, the API holds every object once
        expect(await pg.sql(`SELECT count(*) FROM ${SCHEMA}.states`)).toBe("1");
        expect(emulator.requestLog.list(/^POST \/dev\/api\/v1\/(certificates|hostnames)$/)).toHaveLength(3);
        expect((await app.plan()).exitCode).toBe(0);
      }
    } finally {
      twin.remove();
    }
  });

  it("lets the first deploys of two stacks in one database run at once, even while one of them is inside its apply", async () => {
    // GIVEN another stack (its own schema, its own objects) next to p1as-dev, both without state
    const other = createP1asApp({ emulatorUrl: emulator.url, ...CLIENT, env: { PG_CONN_STR: pg.connStr } });
    const otherSpec: AppSpec = {
      certificates: [{ name: "wildcard-other" }],
      hostnames: [{ hostname: "other.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-other" }],
      backend: { type: "pg", schemaName: "p1as_other" },
    };
    const fresh = async () => {
      emulator.service.reset();
      await pg.sql(
        `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; DROP SCHEMA IF EXISTS p1as_other CASCADE; DROP SEQUENCE IF EXISTS public.global_states_id_seq`,
      );
      app.synth(SPEC);
      other.synth(otherSpec);
    };
    try {
      for (const round of [1, 2]) {
        // WHEN both first deploys start together
        await fresh();
        const results = await Promise.all(
          [app.deploy(), other.deploy()].map((run) => run.then((stacks) => stacks.join(), messageOf)),
        );
        // THEN both apply
        expect({ round, results }).toEqual({ round, results: ["p1as-dev", "p1as-dev"] });
        expect(heldKeys(emulator).hostnames).toEqual([
          "api.dev.acme.example",
          "auth.dev.acme.example",
          "other.dev.acme.example",
        ]);
      }

      // WHEN p1as-dev's first apply is held inside its first API write, and the other stack's first deploy runs meanwhile
      await fresh();
      const arrived = gate.hold((method, url) => method !== "GET" && url.includes("/api/v1/"));
      const first = app.deploy();
      await Promise.race([
        arrived,
        first.then(() => Promise.reject(new Error("p1as-dev finished without writing to the API"))),
      ]);
      // (terraform's creation lock -1 is not what p1as-dev holds: its row was created before terraform ran)
      expect(
        await pg.sql(
          "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 4294967295 AND objid = 4294967295",
        ),
      ).toBe("0");
      const second = await other.deploy().catch(messageOf);
      gate.release();

      // THEN the other stack deployed without waiting for p1as-dev, and p1as-dev completes
      expect(second).toEqual(["p1as-dev"]);
      await expect(first).resolves.toEqual(["p1as-dev"]);
      expect(
        await pg.sql(`SELECT (SELECT count(*) FROM ${SCHEMA}.states) + (SELECT count(*) FROM p1as_other.states)`),
      ).toBe("2");
      expect(await pg.sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).toBe("0");
    } finally {
      gate.release();
      other.remove();
    }
  });

  it("names the real cause when a run outside the tools holds terraform's workspace-creation lock", async () => {
    // GIVEN a stack whose state row exists, and another session holding terraform's creation lock (-1), as a
    // plain `cdktf deploy` of another new stack does for its whole first apply
    emulator.service.reset();
    await pg.sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    app.synth(SPEC);
    const holder = new Client({ connectionString: pg.connStr });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(-1)");
      emulator.requestLog.clear();

      // WHEN deployed
      const refused = await app.deploy().catch(messageOf);

      // THEN it is refused with the cause and the fix, and the API saw no write
      expect(refused).toBe(
        "p1as-dev: deploy refused: a first deploy (of this stack or another) is creating its state in this database: " +
          "terraform's pg backend allows one workspace creation at a time and holds that lock until the creating apply ends. Nothing was changed. " +
          "Wait for it and run this one again, or pass --lock-timeout 5m to wait for it. Deploy with `npm run deploy`, which creates each stack's state row " +
          "first so first deploys never hold this lock (see docs/reference/state-backends.md).",
      );
      expect(emulator.requestLog.list(/^(POST|PUT|PATCH|DELETE) /)).toEqual([]);

      // AND with --lock-timeout it waits for the lock instead, and deploys once it is released
      const waiting = app.deploy({ lockTimeout: "2m" });
      await holder.query("SELECT pg_advisory_unlock(-1)");
      await expect(waiting).resolves.toEqual(["p1as-dev"]);
    } finally {
      await holder.end();
    }
  });

  it("re-initialises a stack directory switched from a local-state config to this database, with one line", async () => {
    // GIVEN the stack deployed on local state, then synthesized for pg with the local record kept (as cdktf synth keeps it)
    emulator.service.reset();
    await pg.sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    app.synth({ ...SPEC, backend: { type: "local", path: path.join(app.dir, "p1as-dev.tfstate") } });
    await app.deploy();
    const stackDir = path.join(app.outdir, "stacks", app.stack);
    const record = readFileSync(path.join(stackDir, ".terraform", "terraform.tfstate"));
    // Another P1AS_CONFIG is another file with its own state inventory (one config's moved backend is refused
    // while the old state holds objects: retire-environment.test.ts).
    rmSync(inventoryPath(path.join(app.dir, "p1as.json")));
    app.synth(SPEC);
    mkdirSync(path.join(stackDir, ".terraform"));
    writeFileSync(path.join(stackDir, ".terraform", "terraform.tfstate"), record);
    emulator.service.reset();

    // WHEN deployed
    const log: string[] = [];
    await expect(app.deploy({}, (line) => log.push(line))).resolves.toEqual(["p1as-dev"]);

    // THEN the switch is one line naming both places, and the new state is in pg while the local one stays
    expect(log.filter((line) => line.includes("state backend changed"))).toEqual([
      `p1as-dev: the state backend changed from local:${localStatePath(path.join(app.dir, "p1as-dev.tfstate"))} to pg:PG_CONN_STR#${SCHEMA}: ` +
        "re-initialising for the new one (terraform init -reconfigure; no state is copied: another config is another deployment)",
    ]);
    expect(await pg.sql(`SELECT count(*) FROM ${SCHEMA}.states WHERE data LIKE '%p1as_hostname%'`)).toBe("1");
    expect(existsSync(path.join(app.dir, "p1as-dev.tfstate"))).toBe(true);
  });
});

// ---- shared setup ----------------------------------------------------------------------------

const SCHEMA = "p1as_dev";
const CLIENT = appClient("pg-e2e-admin");
const SPEC: AppSpec = { ...TWO_HOSTNAMES, backend: { type: "pg", schemaName: SCHEMA } };
/** The refusal when another deploy of the same stack holds its state (the row's lock). */
const ROW_LOCKED =
  "p1as-dev: deploy refused: the state is locked by another terraform run (Workspace is already locked: default). Nothing was changed. " +
  "Wait for the other deploy to finish and run this one again, or pass --lock-timeout 5m to wait for it. " +
  'If no other run is active, the lock is stale: see "Releasing a stale lock" in docs/reference/state-backends.md before unlocking anything.';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A second checkout of p1as-dev, as another CI job has it: the same config and the same certificate files. */
function secondCheckout(): P1asApp {
  app.synth(SPEC);
  const twin = createP1asApp({ emulatorUrl: emulator.url, ...CLIENT, env: { PG_CONN_STR: pg.connStr } });
  for (const [name, pem] of app.certificatePems) twin.certificatePems.set(name, pem);
  cpSync(path.join(app.dir, "certs"), path.join(twin.dir, "certs"), { recursive: true });
  return twin;
}

let pg: Postgres;
let emulator: RunningEmulator;
let gate: Gate;
let app: P1asApp;

beforeAll(async () => {
  pg = await startPostgres();
  emulator = await startEmulatorFor(CLIENT);
  gate = await startGate(emulator.url);
  app = createP1asApp({ emulatorUrl: gate.url, ...CLIENT, env: { PG_CONN_STR: pg.connStr } });
});

afterAll(async () => {
  gate?.release();
  await gate?.close();
  await emulator?.close();
  await pg?.stop();
  app?.remove();
});
