/**
 * Shared state in PostgreSQL, for real: a throwaway server, the config's `pg` backend, the p1as provider
 * against the emulator. Bootstrap from nothing converges and repeats; two deploys at once never both write.
 * Runs the provider bundle from dist/ (npm run build).
 */
import { RunningEmulator } from "../emulator/start";
import { CliError } from "../tools/errors";
import { startGate, Gate } from "./support/gate";
import { appClient, AppSpec, createP1asApp, heldKeys, P1asApp, startEmulatorFor, TWO_HOSTNAMES } from "./support/p1as-app";
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
      expect(heldKeys(emulator)).toEqual({ certificates: ["wildcard-dev"], hostnames: ["api.dev.acme.example", "auth.dev.acme.example"] });
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
    await Promise.race([arrived, first.then(() => Promise.reject(new Error("deploy A finished without writing to the API")))]);
    const second = await app.deploy().catch((error: unknown) => error);
    gate.release();

    // THEN B is refused with a message that says why and what to do, and A completes
    expect(second).toBeInstanceOf(CliError);
    expect((second as CliError).message).toBe(
      "p1as-dev: deploy refused: the state is locked by another terraform run (Workspace is already locked: default). Nothing was changed. " +
        "Wait for the other deploy to finish and run this one again, or pass --lock-timeout 5m to wait for it. " +
        'If no other run is active, the lock is stale: see "Releasing a stale lock" in the README before unlocking anything.',
    );
    await expect(first).resolves.toEqual(["p1as-dev"]);

    // AND the state holds A's result once, the API the new hostname once, and a re-plan is empty
    expect(await pg.sql(`SELECT count(*) FROM ${SCHEMA}.states`)).toBe("1");
    const list = await app.terraform(["state", "list"]);
    expect(list.stdout).toContain("p1as_hostname.new_dev_acme_example");
    expect(heldKeys(emulator).hostnames).toEqual(["api.dev.acme.example", "auth.dev.acme.example", "new.dev.acme.example"]);
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

    // WHEN deployed with a PG_CONN_STR where no server listens
    const refused = await app.deploy({ env: { ...app.env, PG_CONN_STR: "postgres://127.0.0.1:1/nowhere?sslmode=disable" } }).catch((error: unknown) => error);

    // THEN init fails for that stack with terraform's reason, and the API saw nothing
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).message).toMatch(/^p1as-dev: terraform init failed:\nError: [\s\S]*(connection refused|connect)/);
    expect(emulator.requestLog.list()).toEqual([]);
  });
});

// ---- shared setup ----------------------------------------------------------------------------

const SCHEMA = "p1as_dev";
const CLIENT = appClient("pg-e2e-admin");
const SPEC: AppSpec = { ...TWO_HOSTNAMES, backend: { type: "pg", schemaName: SCHEMA } };

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
