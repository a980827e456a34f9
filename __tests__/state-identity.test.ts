/**
 * State identity: two spellings of one state are one place, everywhere the tools compare places. Each way two
 * stacks once shared a state (and flip-flopped it) is a case here, through each comparison:
 * - the config check (synth refuses two stacks on one state),
 * - the inventory (a respelled backend is not a new entry, nor a former location to check),
 * - the backend switch (a respelled backend is re-initialised as the same state),
 * - the tools' check before anything runs (with terraform's environment: PG_CONN_STR, PGHOST ...).
 * No terraform runs here: where one would, the case is built so that it is never reached.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { InventoryEntry, mergeInventory, undeclaredEntries } from "../config/inventory";
import { parseConfig } from "../config/load";
import type { ResolvedBackend } from "../config/schema";
import { localStatePath, stateLocation } from "../config/state-location";
import type { RebasedStatePath } from "../config/state-paths";
import { LOCAL_PATH_RULE } from "../config/schema/rules";
import { backendSwitch, backendSwitchLine } from "../stacks/backend-cache";
import { checkUndeclaredStates } from "../tools/terraform/retired-stacks";

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "p1as-state-identity-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pg = (connStr: string | undefined, schemaName = "shared"): ResolvedBackend => ({
  type: "pg",
  connStr,
  schemaName,
});

/** The pairs of spellings that name one state, each a case below. */
const PG_SPELLINGS: [string, string, string][] = [
  ["localhost and 127.0.0.1", "postgres://tf@localhost/tf", "postgres://tf@127.0.0.1/tf"],
  ["localhost and [::1]", "postgres://tf@localhost/tf", "postgres://tf@[::1]/tf"],
  ["127.0.0.1 and ::1 in key=value pairs", "host=127.0.0.1 user=tf dbname=tf", "host=::1 user=tf dbname=tf"],
  ["::1 and its long form", "postgres://tf@[::1]/tf", "postgres://tf@[0:0:0:0:0:0:0:1]/tf"],
  ["no host (the driver's default) and localhost", "postgres://tf@/tf", "postgres://tf@localhost/tf"],
  ["the default port spelled out and left out", "postgres://tf@db.example:5432/tf", "postgres://tf@db.example/tf"],
  [
    "the default port in key=value pairs",
    "host=db.example port=5432 user=tf dbname=tf",
    "host=db.example user=tf dbname=tf",
  ],
  [
    "the database spelled out and the driver's default (the user's name)",
    "postgres://tf@db.example/tf",
    "postgres://tf@db.example",
  ],
  ["the database in key=value pairs and by default", "host=db.example user=tf dbname=tf", "host=db.example user=tf"],
];

describe("stateLocation", () => {
  it.each(PG_SPELLINGS)("one pg state: %s", (_name, a, b) => {
    expect(stateLocation(pg(a))).toBe(stateLocation(pg(b)));
  });

  it("tells apart what is not one state: another host, port, database or schema, and 127.0.0.2", () => {
    const places = [
      "postgres://tf@db.example/tf",
      "postgres://tf@db2.example/tf",
      "postgres://tf@db.example:5433/tf",
      "postgres://tf@db.example/other",
      "postgres://tf@127.0.0.2/tf",
      "postgres://tf@localhost/tf",
    ];
    expect(new Set(places.map((connStr) => stateLocation(pg(connStr)))).size).toBe(places.length);
    expect(stateLocation(pg("postgres://tf@db.example/tf", "a"))).not.toBe(
      stateLocation(pg("postgres://tf@db.example/tf", "b")),
    );
  });

  it("PG_CONN_STR and connStr: without terraform's environment the place is PG_CONN_STR; with it, PG_CONN_STR's database", () => {
    const env = { PG_CONN_STR: "postgres://terraform:pw@DB.example:5432/tf?sslmode=require" };
    expect(stateLocation(pg(undefined))).toBe("pg:PG_CONN_STR#shared");
    expect(stateLocation(pg(undefined), env)).toBe(stateLocation(pg("host=db.example dbname=tf")));
    expect(stateLocation(pg(undefined), env)).toBe("pg:db.example:5432/tf#shared");
    // AND what PG_CONN_STR leaves out comes from PGHOST, PGPORT, PGDATABASE, PGUSER, as terraform's driver reads them
    expect(stateLocation(pg("dbname=tf"), { PGHOST: "db.example", PGPORT: "5432" })).toBe(
      "pg:db.example:5432/tf#shared",
    );
    expect(stateLocation(pg("host=db.example"), { PGUSER: "tf" })).toBe("pg:db.example:5432/tf#shared");
  });

  it("a local state through a symlinked folder, a symlinked file, a dangling symlink and a relative path is one file", () => {
    mkdirSync(path.join(dir, "real"));
    symlinkSync(path.join(dir, "real"), path.join(dir, "alias"));
    symlinkSync(path.join(dir, "real", "s.tfstate"), path.join(dir, "dangling.tfstate"));
    symlinkSync("real/s.tfstate", path.join(dir, "relative-link.tfstate"));
    const real = localStatePath(path.join(dir, "real", "s.tfstate"));
    for (const spelling of [
      path.join(dir, "alias", "s.tfstate"),
      path.join(dir, "dangling.tfstate"),
      path.join(dir, "relative-link.tfstate"),
      path.relative(process.cwd(), path.join(dir, "real", "s.tfstate")),
    ]) {
      expect({ spelling, place: localStatePath(spelling) }).toEqual({ spelling, place: real });
    }
    // AND a link loop ends instead of recursing for ever
    symlinkSync(path.join(dir, "loop-b"), path.join(dir, "loop-a"));
    symlinkSync(path.join(dir, "loop-a"), path.join(dir, "loop-b"));
    expect(localStatePath(path.join(dir, "loop-a"))).toEqual(expect.any(String));
  });
});

describe("the config check refuses two stacks on one state", () => {
  it.each(PG_SPELLINGS)("pg: %s", (_name, a, b) => {
    expect(() => parseConfig(twoStacks(pg(a), pg(b)), "p1as.json")).toThrow(
      /environments\[1\]\.backend: stores state at the same place as environments\[0\]\.backend \(pg:/,
    );
  });

  it("pg: one stack on PG_CONN_STR and one on connStr with the same schemaName, whatever PG_CONN_STR is here", () => {
    expect(() => parseConfig(twoStacks(pg("postgres://db.example/tf"), pg(undefined)), "p1as.json")).toThrow(
      'environments[1].backend: may store state at the same place as environments[0].backend: one of them reads its database from PG_CONN_STR, which may name the other\'s, and both use schemaName "shared"; give each stack its own schemaName',
    );
    expect(() =>
      parseConfig(twoStacks(pg("postgres://db.example/tf", "a"), pg(undefined, "b")), "p1as.json"),
    ).not.toThrow();
  });

  it("local: a dangling symlink and the file it points to", () => {
    symlinkSync(path.join(dir, "real.tfstate"), path.join(dir, "link.tfstate"));
    const local = (file: string): ResolvedBackend => ({ type: "local", path: path.join(dir, file) });
    expect(() => parseConfig(twoStacks(local("real.tfstate"), local("link.tfstate")), "p1as.json")).toThrow(
      `environments[1].backend: stores state at the same place as environments[0].backend (local:${localStatePath(path.join(dir, "real.tfstate"))})`,
    );
  });
});

describe("the config check compares local paths where the one rule puts them (from the config file's folder)", () => {
  // A config in `<cwd>/deploy`: a path written in it is read from there; prod's default stays in the folder the commands run in.
  const deploy = path.join(process.cwd(), "deploy");
  const devWrites = (file: string) => {
    const config = twoStacks({ type: "local", path: file }, pg("postgres://db.example/tf"));
    delete (config.environments[1] as { backend?: unknown }).backend;
    return config;
  };

  it("refuses a written path that leads to another stack's default state, stating the rule", () => {
    expect(() => parseConfig(devWrites("../terraform.p1as-prod.tfstate"), "p1as.json", deploy)).toThrow(
      `environments[1].backend: stores state at the same place as environments[0].backend (local:${localStatePath("terraform.p1as-prod.tfstate")}); ` +
        `give each stack its own state (${LOCAL_PATH_RULE})`,
    );
  });

  it("accepts the default's file name written in the config: it is in the config's folder, not the folder the commands run in", () => {
    const config = parseConfig(devWrites("terraform.p1as-prod.tfstate"), "p1as.json", deploy);
    expect(config.environments.map((env) => env.backend)).toEqual([
      { type: "local", path: path.join("deploy", "terraform.p1as-prod.tfstate") },
      { type: "local", path: "terraform.p1as-prod.tfstate" },
    ]);
  });
});

describe("the inventory takes a respelled backend for the one it knows", () => {
  it.each(PG_SPELLINGS)("pg: %s is no new entry and no former location", (_name, a, b) => {
    const known: InventoryEntry = { stack: "p1as-dev", environment: "dev", backend: pg(a) };
    const declared: InventoryEntry[] = [{ stack: "p1as-dev", environment: "dev", backend: pg(b) }];
    expect(mergeInventory({ stacks: [known] }, declared).added).toEqual([]);
    expect(undeclaredEntries({ stacks: [known] }, declared)).toEqual([]);
  });

  it("local: a dangling symlink for its target is no new entry and no former location", () => {
    symlinkSync(path.join(dir, "real.tfstate"), path.join(dir, "link.tfstate"));
    const known: InventoryEntry = {
      stack: "p1as-dev",
      environment: "dev",
      backend: { type: "local", path: path.join(dir, "real.tfstate") },
    };
    const declared: InventoryEntry[] = [
      { stack: "p1as-dev", environment: "dev", backend: { type: "local", path: path.join(dir, "link.tfstate") } },
    ];
    expect(mergeInventory({ stacks: [known] }, declared).added).toEqual([]);
    expect(undeclaredEntries({ stacks: [known] }, declared)).toEqual([]);
  });
});

describe("the backend switch says when a respelled backend is the same state", () => {
  it.each(PG_SPELLINGS)("pg: %s", (_name, a, b) => {
    const stack = stackDir(
      "p1as-dev",
      { pg: { conn_str: b, schema_name: "shared" } },
      { pg: { conn_str: a, schema_name: "shared" } },
    );
    const change = backendSwitch(stack, path.join(stack, "cdk.tf.json"));
    expect(change).toMatchObject({ sameState: true });
    expect(backendSwitchLine("p1as-dev", change!)).toMatch(
      /^p1as-dev: the state backend's settings changed \(.* is now written .*\) but name the same state: re-initialising \(terraform init -reconfigure\)$/,
    );
  });

  it("pg: connStr replaced by the PG_CONN_STR that names its database is the same state, judged with terraform's environment", () => {
    const stack = stackDir(
      "p1as-dev",
      { pg: { schema_name: "shared" } },
      { pg: { conn_str: "postgres://tf@db.example/tf", schema_name: "shared" } },
    );
    const configFile = path.join(stack, "cdk.tf.json");
    expect(backendSwitch(stack, configFile)).toEqual({
      from: "pg:db.example:5432/tf#shared",
      to: "pg:PG_CONN_STR#shared",
      sameState: false,
    });
    expect(backendSwitch(stack, configFile, { PG_CONN_STR: "postgresql://tf:pw@DB.example:5432/tf" })).toEqual({
      from: "pg:db.example:5432/tf#shared",
      to: "pg:PG_CONN_STR#shared",
      sameState: true,
    });
  });

  it("local: a dangling symlink for its target", () => {
    symlinkSync(path.join(dir, "real.tfstate"), path.join(dir, "link.tfstate"));
    const stack = stackDir(
      "p1as-dev",
      { local: { path: path.join(dir, "link.tfstate") } },
      { local: { path: path.join(dir, "real.tfstate") } },
    );
    expect(backendSwitch(stack, path.join(stack, "cdk.tf.json"))).toMatchObject({ sameState: true });
  });

  it("another place is still another deployment", () => {
    const stack = stackDir(
      "p1as-dev",
      { pg: { conn_str: "postgres://tf@db.example/tf", schema_name: "a" } },
      { pg: { conn_str: "postgres://tf@db.example/tf", schema_name: "b" } },
    );
    const change = backendSwitch(stack, path.join(stack, "cdk.tf.json"))!;
    expect(backendSwitchLine("p1as-dev", change)).toBe(
      "p1as-dev: the state backend changed from pg:db.example:5432/tf#b to pg:db.example:5432/tf#a: re-initialising for the new one (terraform init -reconfigure; no state is copied: another config is another deployment)",
    );
  });
});

describe("the tools' check before anything runs, with terraform's environment", () => {
  it("a former location that PG_CONN_STR makes the current one is not checked as a retired state", async () => {
    // GIVEN p1as-dev now on PG_CONN_STR, and the inventory's former location for it: connStr naming that database
    const outdir = synthOutput({ "p1as-dev": { pg: { schema_name: "p1as_dev" } } }, [
      { stack: "p1as-dev", backend: { pg: { conn_str: "postgres://tf@db.example/tf", schema_name: "p1as_dev" } } },
    ]);
    const lines: string[] = [];

    // WHEN checked with the PG_CONN_STR terraform will use (an unreachable database: a terraform init there would fail)
    await checkUndeclaredStates(outdir, {
      env: { PG_CONN_STR: "postgres://tf:pw@db.example:5432/tf?connect_timeout=1" },
      log: (line) => lines.push(line),
    });

    // THEN nothing was run there, and one line says why
    expect(lines).toEqual([
      "p1as-dev: its former state location pg:db.example:5432/tf#p1as_dev is where it keeps its state now (pg:PG_CONN_STR#p1as_dev), written another way",
    ]);
  });

  it("two declared stacks that PGHOST puts on one database and schema are refused, printed without the environment", async () => {
    const outdir = synthOutput(
      {
        "p1as-dev": { pg: { conn_str: "dbname=tf", schema_name: "shared" } },
        "p1as-prod": { pg: { conn_str: "host=db.example dbname=tf", schema_name: "shared" } },
      },
      [],
    );
    await expect(checkUndeclaredStates(outdir, { env: { PGHOST: "db.example" } })).rejects.toThrow(
      "refused: p1as-dev (pg:localhost:5432/tf#shared) and p1as-prod (pg:db.example:5432/tf#shared) keep their state in the same place once terraform's environment (PG_CONN_STR, PGHOST, PGPORT, PGDATABASE, PGUSER) is applied: each would plan to delete the other's objects. Nothing was planned or applied.",
    );
    await expect(checkUndeclaredStates(outdir, { env: { PGHOST: "db2.example" } })).resolves.toBeUndefined();
  });

  it("state left where a relative path led before the one rule is refused before terraform runs, with the move", async () => {
    // GIVEN the directory stack's state, backup and lock note where "state/d.tfstate" led from the folder the
    // commands ran in, none where it leads from the config's folder; and a former location whose check would run
    // terraform init against a database that does not answer
    const formerPath = path.join(dir, "state", "d.tfstate");
    const now = path.join(dir, "deploy", "state", "d.tfstate");
    mkdirSync(path.dirname(formerPath));
    writeFileSync(formerPath, '{"version":4}');
    writeFileSync(`${formerPath}.backup`, "{}");
    writeFileSync(path.join(dir, "state", ".d.tfstate.lock.info"), "{}");
    const rebased = {
      "pingone-directory": {
        stack: "pingone-directory",
        field: "pingone.backend.path",
        written: "state/d.tfstate",
        path: now,
        formerPath,
        keep: "../state/d.tfstate",
      },
    };
    const declared = { "pingone-directory": { local: { path: now } } };
    const outdir = synthOutput(
      declared,
      [{ stack: "p1as-dev", backend: { pg: { conn_str: "postgres://tf@127.0.0.1:1/tf?connect_timeout=1" } } }],
      rebased,
    );

    // WHEN a tool checks before running anything THEN it refuses, naming the field, both files and the move
    await expect(checkUndeclaredStates(outdir)).rejects.toThrow(
      `refused: pingone.backend.path "state/d.tfstate" is relative to the config file's folder, like every path in the config: ` +
        `pingone-directory's state is ${now}, where there is none, but ${formerPath} (the same path from the folder the commands run in, the rule for state paths before) holds one. ` +
        "Terraform would start from no state and plan to create every object again. " +
        `Move the state (its lock note is there: make sure no terraform run is using that state first): mkdir -p ${path.dirname(now)} && ` +
        `mv ${formerPath} ${now} && mv ${formerPath}.backup ${now}.backup && ` +
        `mv ${path.join(dir, "state", ".d.tfstate.lock.info")} ${path.join(dir, "deploy", "state", ".d.tfstate.lock.info")}; ` +
        `or keep it where it is with "path": "../state/d.tfstate"\nNothing was planned or applied.`,
    );

    // AND once both places hold a state it is refused as ambiguous; once only the new one does, the check goes on
    mkdirSync(path.dirname(now), { recursive: true });
    writeFileSync(now, '{"version":4}');
    await expect(checkUndeclaredStates(outdir)).rejects.toThrow(/two state files for pingone-directory/);
    rmSync(formerPath);
    await expect(checkUndeclaredStates(synthOutput(declared, [], rebased))).resolves.toBeUndefined();
  });

  it("a stack index that leads outside the output folder is refused before terraform runs there", async () => {
    const outdir = synthOutput({ "p1as-dev": { local: { path: path.join(dir, "dev.tfstate") } } }, [
      {
        stack: "p1as-dev",
        backend: { local: { path: path.join(dir, "old.tfstate") } },
        workingDirectory: "../../elsewhere",
      },
    ]);
    await expect(checkUndeclaredStates(outdir)).rejects.toThrow(
      `refused: the stack index names "../../elsewhere" for "p1as-dev", which is outside ${outdir}. Nothing was planned or applied.`,
    );
  });
});

// ---- shared setup ----------------------------------------------------------------------------

/** A config with dev and prod on the given backends (prod with explicit credentials, so it declares no PingOne object). */
function twoStacks(dev: ResolvedBackend, prod: ResolvedBackend) {
  const raw = (backend: ResolvedBackend) =>
    backend.type === "pg"
      ? { type: "pg", schemaName: backend.schemaName, ...(backend.connStr ? { connStr: backend.connStr } : {}) }
      : backend;
  return {
    customer: "acme",
    p1asRegion: "us1",
    pingone: {
      environmentId: "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
      regionCode: "NA",
      roleAttributes: { manage: false },
    },
    environments: [
      { name: "dev", backend: raw(dev) },
      { name: "prod", backend: raw(prod) },
    ],
  };
}

/** A stack directory initialised by terraform for `initialised` and now synthesized for `configured`. */
function stackDir(name: string, configured: Record<string, object>, initialised: Record<string, object>): string {
  const stack = path.join(dir, name);
  mkdirSync(path.join(stack, ".terraform"), { recursive: true });
  writeFileSync(path.join(stack, "cdk.tf.json"), JSON.stringify({ terraform: { backend: configured } }));
  const [type, config] = Object.entries(initialised)[0];
  writeFileSync(
    path.join(stack, ".terraform", "terraform.tfstate"),
    JSON.stringify({ version: 3, backend: { type, config, hash: 1 } }),
  );
  return stack;
}

/**
 * A synth output as main.ts writes it: the declared stacks' backend blocks, and the undeclared (former)
 * locations with their backend-only directories and the index naming them.
 */
function synthOutput(
  declared: Record<string, Record<string, object>>,
  former: { stack: string; backend: Record<string, object>; workingDirectory?: string }[],
  rebased: Record<string, RebasedStatePath> = {},
): string {
  const outdir = path.join(dir, "cdktf.out");
  const manifest: Record<string, object> = {};
  for (const [name, backend] of Object.entries(declared)) {
    mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
    writeFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify({ terraform: { backend } }));
    manifest[name] = { name, workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
  }
  writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify({ stacks: manifest }));
  const undeclared = former.map((entry) => {
    const workingDirectory = entry.workingDirectory ?? path.join("undeclared", "stacks", entry.stack);
    mkdirSync(path.resolve(outdir, workingDirectory), { recursive: true });
    writeFileSync(
      path.resolve(outdir, workingDirectory, "cdk.tf.json"),
      JSON.stringify({ terraform: { backend: entry.backend } }),
    );
    const [type, config] = Object.entries(entry.backend)[0] as [string, Record<string, string>];
    const location =
      type === "pg"
        ? stateLocation(pg(config.conn_str, config.schema_name))
        : stateLocation({ type: "local", path: config.path });
    return {
      stack: entry.stack,
      environment: entry.stack.replace("p1as-", ""),
      location,
      workingDirectory,
      currentLocation: "pg:PG_CONN_STR#p1as_dev",
    };
  });
  const stacks = Object.fromEntries(
    Object.keys(declared).map((name) => [
      name,
      { retiring: false, location: "", ...(rebased[name] ? { rebasedStatePath: rebased[name] } : {}) },
    ]),
  );
  writeFileSync(
    path.join(outdir, "p1as-stacks.json"),
    JSON.stringify({ inventory: path.join(dir, "p1as.inventory.json"), stacks, undeclared }),
  );
  return outdir;
}
