/**
 * The `retire` flag in the config and the state inventory synth keeps next to it: what synth writes, what it
 * refuses, and what it tells the tools (p1as-stacks.json and the backend-only directories). No terraform here;
 * retire-environment.test.ts runs the tools on all of it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  FROZEN_INVENTORY_ENV_VAR,
  InventoryEntry,
  inventoryDigest,
  inventoryPath,
  RESEAL_INVENTORY_ENV_VAR,
} from "../config/inventory";
import { parseConfig } from "../config/load";
import { synthesize } from "../stacks/synthesize";
import { STACK_INDEX_FILE } from "../stacks/stack-index";
import { planModeArgs, selectStacks, synthesizedStacks } from "../tools/terraform/synth-output";

const EXAMPLE = JSON.parse(fs.readFileSync("config/example.json", "utf8"));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawConfig = any;
const example = (): RawConfig => JSON.parse(JSON.stringify(EXAMPLE));
/** The example with local state in `dir` for every stack, so locations are the test's own. */
function localConfig(dir: string, edit: (config: RawConfig) => void = () => {}): RawConfig {
  const config = example();
  config.pingone.backend = { type: "local", path: path.join(dir, "directory.tfstate") };
  for (const env of config.environments) env.backend = { type: "local", path: path.join(dir, `${env.name}.tfstate`) };
  edit(config);
  return config;
}
const withoutProd = (config: RawConfig) =>
  (config.environments = config.environments.filter((env: { name: string }) => env.name !== "prod"));

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-inventory-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function synth(config: RawConfig, env: NodeJS.ProcessEnv = {}, outdir = path.join(dir, "cdktf.out")): string {
  const file = path.join(dir, "p1as.json");
  fs.writeFileSync(file, JSON.stringify(config));
  fs.rmSync(outdir, { recursive: true, force: true });
  synthesize(file, outdir, env);
  return outdir;
}
const inventoryText = () => fs.readFileSync(path.join(dir, "p1as.inventory.json"), "utf8");
const inventoryStacks = () =>
  JSON.parse(inventoryText()).stacks as {
    stack: string;
    environment?: string;
    backend: { type: string; path?: string };
  }[];

describe('the "retire" flag', () => {
  const check = (edit: (config: RawConfig) => void) => () => parseConfig(localConfig(dir, edit), "p1as.json");

  it("must be a boolean", () => {
    expect(check((config) => (config.environments[1].retire = "yes"))).toThrow(
      "environments[1].retire: Expected boolean, received string",
    );
  });

  it("clashes with retiredEnvironments: an environment is listed there only once its stack is destroyed and it left environments", () => {
    expect(
      check((config) => {
        config.environments[1].retire = true;
        config.pingone.roleAttributes.retiredEnvironments = ["prod"];
      }),
    ).toThrow(
      'pingone.roleAttributes.retiredEnvironments[0]: "prod" is still in environments with "retire": true; list it here only after a deploy has destroyed its stack',
    );
    expect(check((config) => (config.pingone.roleAttributes.retiredEnvironments = ["prod"]))).toThrow(
      '"prod" is still listed in environments; retire it with "retire": true there first (docs/tasks/retire-an-environment.md)',
    );
  });

  it("cannot retire every environment while the role attributes are managed (they need one active environment)", () => {
    const allRetiring = (config: RawConfig) =>
      config.environments.forEach((env: { retire?: boolean }) => (env.retire = true));
    expect(check(allRetiring)).toThrow('environments: every environment has "retire": true');
    expect(check((config) => (allRetiring(config), (config.pingone.roleAttributes = { manage: false })))).not.toThrow();
  });

  it("keeps the retiring stack's full declaration, marks it retiring for the tools, and archives its roles on the directory stack", () => {
    const outdir = synth(localConfig(dir, (config) => (config.environments[1].retire = true)));
    const stacks = synthesizedStacks(outdir);
    expect(stacks.map((stack) => [stack.name, stack.retiring, planModeArgs(stack)])).toEqual([
      ["p1as-dev", false, []],
      ["p1as-prod", true, ["-destroy"]],
      ["pingone-directory", false, []],
    ]);
    // The PingOne application is still declared: the p1as provider's credentials come from it.
    const prod = JSON.parse(fs.readFileSync(stacks[1].configFile, "utf8"));
    expect(Object.keys(prod.resource)).toEqual(expect.arrayContaining(["pingone_application", "pingone_resource"]));
    const directory = fs.readFileSync(stacks[2].configFile, "utf8");
    expect(directory).toMatch(
      /"archived":\s*true,\s*"value":\s*"prod-tls-admin"|"value":\s*"prod-tls-admin",\s*"archived":\s*true/,
    );
    expect(directory).toMatch(
      /"archived":\s*false,\s*"value":\s*"dev-tls-admin"|"value":\s*"dev-tls-admin",\s*"archived":\s*false/,
    );
  });
});

describe("the state inventory", () => {
  it("lives next to the config: config/example.json -> config/example.inventory.json", () => {
    expect(inventoryPath("config/example.json")).toBe(path.join("config", "example.inventory.json"));
    expect(inventoryPath("/tmp/x/p1as.json")).toBe("/tmp/x/p1as.inventory.json");
  });

  it("is committed for the example and demo configs, and synthesizing the example does not change it", () => {
    const committed = fs.readFileSync("config/example.inventory.json", "utf8");
    synthesize("config/example.json", path.join(dir, "out"), { [FROZEN_INVENTORY_ENV_VAR]: "1" });
    expect(fs.readFileSync("config/example.inventory.json", "utf8")).toBe(committed);
    expect(fs.existsSync("config/demo.inventory.json")).toBe(true);
  });

  it("records every declared stack's backend, with no secret, and only ever adds entries", () => {
    synth(localConfig(dir));
    expect(inventoryStacks()).toEqual([
      { stack: "pingone-directory", backend: { type: "local", path: path.join(dir, "directory.tfstate") } },
      { stack: "p1as-dev", environment: "dev", backend: { type: "local", path: path.join(dir, "dev.tfstate") } },
      { stack: "p1as-prod", environment: "prod", backend: { type: "local", path: path.join(dir, "prod.tfstate") } },
    ]);

    // WHEN dev's state moves and prod is retired
    synth(
      localConfig(dir, (config) => {
        config.environments[0].backend.path = path.join(dir, "dev-2.tfstate");
        withoutProd(config);
        config.pingone.roleAttributes.retiredEnvironments = ["prod"];
      }),
    );
    // THEN both old locations stay known
    expect(inventoryStacks().map((entry) => `${entry.stack} ${entry.backend.path}`)).toEqual([
      `pingone-directory ${path.join(dir, "directory.tfstate")}`,
      `p1as-dev ${path.join(dir, "dev.tfstate")}`,
      `p1as-prod ${path.join(dir, "prod.tfstate")}`,
      `p1as-dev ${path.join(dir, "dev-2.tfstate")}`,
    ]);
  });

  it("gives the tools a backend-only terraform directory for every location no declared stack uses", () => {
    synth(localConfig(dir));
    const outdir = synth(
      localConfig(dir, (config) => {
        config.environments[0].backend.path = path.join(dir, "dev-2.tfstate");
        withoutProd(config);
        config.pingone.roleAttributes.retiredEnvironments = ["prod"];
      }),
    );
    const index = JSON.parse(fs.readFileSync(path.join(outdir, STACK_INDEX_FILE), "utf8"));
    expect(index.undeclared).toEqual([
      {
        stack: "p1as-dev",
        environment: "dev",
        location: `local:${path.join(dir, "dev.tfstate")}`,
        workingDirectory: "undeclared/stacks/p1as-dev",
        currentLocation: `local:${path.join(dir, "dev-2.tfstate")}`,
      },
      {
        stack: "p1as-prod",
        environment: "prod",
        location: `local:${path.join(dir, "prod.tfstate")}`,
        workingDirectory: "undeclared/stacks/p1as-prod",
      },
    ]);
    const backendOnly = JSON.parse(
      fs.readFileSync(path.join(outdir, "undeclared/stacks/p1as-prod/cdk.tf.json"), "utf8"),
    );
    expect(backendOnly.terraform.backend).toEqual({ local: { path: path.join(dir, "prod.tfstate") } });
    expect(backendOnly.resource).toBeUndefined();
    expect(backendOnly.provider).toBeUndefined();
    // The tools never select it as a stack of the config
    expect(selectStacks(outdir, undefined).stacks.map((stack) => stack.name)).toEqual([
      "p1as-dev",
      "pingone-directory",
    ]);
  });

  it("keeps what an earlier synth wrote for a relative backend.path, and makes the place the path led before a former location the tools check", () => {
    // GIVEN a config in its own folder whose dev writes "state/dev.tfstate", run from `dir`, and the inventory an
    // earlier synth wrote when that path was relative to the folder the commands run in
    const before = process.cwd();
    process.chdir(dir);
    try {
      fs.mkdirSync(path.join(dir, "deploy"));
      const file = path.join(dir, "deploy", "p1as.json");
      fs.writeFileSync(
        file,
        JSON.stringify(localConfig(dir, (config) => (config.environments[0].backend.path = "state/dev.tfstate"))),
      );
      const earlier: InventoryEntry[] = [
        { stack: "pingone-directory", backend: { type: "local", path: path.join(dir, "directory.tfstate") } },
        { stack: "p1as-dev", environment: "dev", backend: { type: "local", path: "state/dev.tfstate" } },
        { stack: "p1as-prod", environment: "prod", backend: { type: "local", path: path.join(dir, "prod.tfstate") } },
      ];
      fs.writeFileSync(
        path.join(dir, "deploy", "p1as.inventory.json"),
        JSON.stringify({ sha256: inventoryDigest(earlier), stacks: earlier }),
      );

      // WHEN synthesized (no state at either place: nothing to move)
      const outdir = path.join(dir, "cdktf.out");
      synthesize(file, outdir, {});

      // THEN the entry keeps its text and meaning, the path from the config's folder is a new entry in the same form,
      // and the old place is a former location of dev, which the tools check holds nothing
      const entries = JSON.parse(fs.readFileSync(path.join(dir, "deploy", "p1as.inventory.json"), "utf8")).stacks;
      expect(
        entries.map((entry: InventoryEntry) => `${entry.stack} ${(entry.backend as { path: string }).path}`),
      ).toEqual([
        `pingone-directory ${path.join(dir, "directory.tfstate")}`,
        "p1as-dev state/dev.tfstate",
        `p1as-prod ${path.join(dir, "prod.tfstate")}`,
        `p1as-dev ${path.join("deploy", "state", "dev.tfstate")}`,
      ]);
      const index = JSON.parse(fs.readFileSync(path.join(outdir, STACK_INDEX_FILE), "utf8"));
      expect(index.undeclared).toEqual([
        {
          stack: "p1as-dev",
          environment: "dev",
          location: `local:${path.join(dir, "state", "dev.tfstate")}`,
          workingDirectory: "undeclared/stacks/p1as-dev",
          currentLocation: `local:${path.join(dir, "deploy", "state", "dev.tfstate")}`,
        },
      ]);
      // AND the index tells the tools where the path led before, so they refuse while state is left there
      expect(index.stacks["p1as-dev"].rebasedStatePath).toEqual({
        stack: "p1as-dev",
        field: "environments[0].backend.path",
        written: "state/dev.tfstate",
        path: path.join(dir, "deploy", "state", "dev.tfstate"),
        formerPath: path.join(dir, "state", "dev.tfstate"),
        keep: "../state/dev.tfstate",
      });
    } finally {
      process.chdir(before);
    }
  });

  it("refuses a config that drops a known environment without listing it under retiredEnvironments (its roles would go)", () => {
    synth(localConfig(dir));
    const outdir = path.join(dir, "cdktf.out");
    expect(() => synth(localConfig(dir, withoutProd))).toThrow(
      /prod is in the state inventory .*p1as\.inventory\.json but neither in environments nor in pingone\.roleAttributes\.retiredEnvironments: synthesizing would remove their roles/,
    );
    expect(fs.existsSync(outdir)).toBe(false);
    // With unmanaged role attributes there are no roles to lose
    expect(() =>
      synth(localConfig(dir, (config) => (withoutProd(config), (config.pingone.roleAttributes = { manage: false })))),
    ).not.toThrow();
  });

  it(`with ${FROZEN_INVENTORY_ENV_VAR}=1 (CI) refuses a synth that would change the inventory and writes nothing, as npm ci refuses a stale lock file`, () => {
    synth(localConfig(dir, withoutProd), {}, path.join(dir, "first"));
    const before = inventoryText();
    const outdir = path.join(dir, "cdktf.out");
    expect(() => synth(localConfig(dir), { [FROZEN_INVENTORY_ENV_VAR]: "1" })).toThrow(
      `the state inventory ${path.join(dir, "p1as.inventory.json")} is out of date (missing: p1as-prod at local:${path.join(dir, "prod.tfstate")}) and P1AS_FROZEN_INVENTORY=1 forbids changing it here. Run npm run synth locally and commit the inventory with the config. Nothing was synthesized.`,
    );
    expect(inventoryText()).toBe(before);
    expect(fs.existsSync(outdir)).toBe(false);
    // An unchanged inventory synthesizes as usual
    expect(() => synth(localConfig(dir, withoutProd), { [FROZEN_INVENTORY_ENV_VAR]: "1" })).not.toThrow();
  });

  it("refuses an unreadable inventory, naming it", () => {
    fs.writeFileSync(
      path.join(dir, "p1as.inventory.json"),
      JSON.stringify({ stacks: [{ stack: "p1as-dev", environment: "dev", backend: { type: "ftp" } }] }),
    );
    expect(() => synth(localConfig(dir))).toThrow(
      `${path.join(dir, "p1as.inventory.json")}: invalid state inventory, 1 problem (nothing was synthesized):\n  - stacks[0].backend.type: Invalid discriminator value. Expected 'local' | 'pg' | 's3' | 'remote' | 'cloud'\n` +
        `Restore it from git (git checkout -- ${path.join(dir, "p1as.inventory.json")}): synth writes it, and only ever adds entries.`,
    );
  });
});

describe("the state inventory is checked like a config before synth writes anything", () => {
  const file = () => path.join(dir, "p1as.inventory.json");
  /** An inventory holding `entries`, with the sha256 synth would write unless `sha256` says otherwise. */
  function writeInventory(
    entries: object[],
    sha256: string | null = inventoryDigest(entries as InventoryEntry[]),
  ): void {
    fs.writeFileSync(file(), JSON.stringify({ ...(sha256 === null ? {} : { sha256 }), stacks: entries }, null, 2));
  }
  const local = (name: string) => ({ type: "local", path: path.join(dir, name) });
  /** Synth is refused with `expected`, and wrote nothing: no output, the inventory as it was, no file outside. */
  function expectRefused(config: RawConfig, expected: string | RegExp, env: NodeJS.ProcessEnv = {}): void {
    const before = fs.readFileSync(file(), "utf8");
    const outdir = path.join(dir, "cdktf.out");
    expect(() => synth(config, env, outdir)).toThrow(expected);
    expect({
      outdir: fs.existsSync(outdir),
      inventory: fs.readFileSync(file(), "utf8"),
      escaped: fs.existsSync(path.join(dir, "escaped")),
    }).toEqual({ outdir: false, inventory: before, escaped: false });
  }

  it.each([
    [
      "a path",
      "../../escaped",
      "stacks[0].stack: Invalid enum value. Expected 'pingone-directory' | 'p1as-dev' | 'p1as-test' | 'p1as-stage' | 'p1as-prod', received '../../escaped'",
    ],
    ["a space", "p1as dev", "stacks[0].stack: Invalid enum value."],
    ["another tool's name", "p1as-qa", "received 'p1as-qa'"],
  ])(
    "refuses a stack name with %s (a name becomes a folder under the synth output), naming the entry",
    (_name, stack, expected) => {
      writeInventory([{ stack, backend: local("escaped.tfstate") }]);
      expectRefused(localConfig(dir), expected);
    },
  );

  it("refuses an environment that is not the stack's own, and one on the directory stack", () => {
    writeInventory([
      { stack: "p1as-dev", environment: "prod", backend: local("dev.tfstate") },
      { stack: "pingone-directory", environment: "dev", backend: local("directory.tfstate") },
    ]);
    expectRefused(
      localConfig(dir),
      /stacks\[0\]\.environment: must be "dev", the environment of p1as-dev\n {2}- stacks\[1\]\.environment: must be absent: pingone-directory belongs to no P1AS environment/,
    );
  });

  it.each([
    [
      "a pg connStr naming a key file",
      { type: "pg", connStr: "postgres://tf@db.example/tf?sslkey=/dev/zero", schemaName: "p1as_prod" },
      "stacks[0].backend.connStr: must not name a file (found: sslkey)",
    ],
    [
      "a pg connStr with a password",
      { type: "pg", connStr: "postgres://tf:hunter2@db.example/tf", schemaName: "p1as_prod" },
      "stacks[0].backend.connStr: must not hold a password (found: password)",
    ],
    [
      "an S3 key with '..'",
      { type: "s3", bucket: "acme-tf", key: "a/../b", region: "eu-west-1", encrypt: true },
      "stacks[0].backend.key: must not contain '.' or '..' segments",
    ],
    [
      "a backend without its resolved defaults",
      { type: "pg" },
      "stacks[0].backend.schemaName: Required (synth writes every backend with its defaults filled in)",
    ],
    [
      "a string with a control character",
      { type: "local", path: "a\nb.tfstate" },
      "stacks[0].backend.path: must not contain control characters",
    ],
  ])("refuses %s, by the config's own rules", (_name, backend, expected) => {
    writeInventory([{ stack: "p1as-prod", environment: "prod", backend }]);
    expectRefused(localConfig(dir), expected);
  });

  it("refuses a key given twice in an entry (JSON keeps the last one, a reviewer reads the first)", () => {
    fs.writeFileSync(
      file(),
      `{"stacks":[{"stack":"p1as-dev","stack":"p1as-prod","environment":"prod","backend":${JSON.stringify(local("prod.tfstate"))}}]}`,
    );
    expectRefused(localConfig(dir), /stacks\[0\]\.stack: duplicate key "stack" \(line 1, column 32\)/);
  });

  it("refuses a removed entry (its sha256 no longer matches), frozen or not; P1AS_RESEAL_INVENTORY=1 accepts it once, and never in CI", () => {
    // GIVEN an inventory synth wrote, with prod's old state location in it
    synth(localConfig(dir, (config) => (config.environments[1].backend.path = path.join(dir, "prod-old.tfstate"))));
    synth(localConfig(dir));
    expect(inventoryStacks()).toHaveLength(4);
    // WHEN the old location's entry is deleted by hand
    const written = JSON.parse(inventoryText());
    fs.writeFileSync(
      file(),
      JSON.stringify(
        {
          ...written,
          stacks: written.stacks.filter(
            (entry: { backend: { path: string } }) => !entry.backend.path.endsWith("prod-old.tfstate"),
          ),
        },
        null,
        2,
      ),
    );
    // THEN synth refuses it, frozen or not, saying how to restore it and how to remove an entry on purpose
    const edited = `the state inventory ${file()} was edited: its entries do not match its sha256: an entry was removed or changed by hand since synth wrote it, so the tools could no longer find a state it listed. Nothing was synthesized.`;
    expectRefused(localConfig(dir), edited);
    expectRefused(localConfig(dir), edited, { [FROZEN_INVENTORY_ENV_VAR]: "1" });
    expectRefused(
      localConfig(dir),
      `(${RESEAL_INVENTORY_ENV_VAR}=1 would rewrite its sha256) and ${FROZEN_INVENTORY_ENV_VAR}=1 forbids changing it here`,
      { [FROZEN_INVENTORY_ENV_VAR]: "1", [RESEAL_INVENTORY_ENV_VAR]: "1" },
    );
    // AND a deliberate removal is accepted once, with P1AS_RESEAL_INVENTORY=1, and hashed again
    synth(localConfig(dir), { [RESEAL_INVENTORY_ENV_VAR]: "1" });
    expect(inventoryStacks()).toHaveLength(3);
    expect(() => synth(localConfig(dir), { [FROZEN_INVENTORY_ENV_VAR]: "1" })).not.toThrow();
  });

  it("refuses an inventory without the entries of an environment the config lists as retired, even with its sha256 recomputed", () => {
    writeInventory([{ stack: "p1as-dev", environment: "dev", backend: local("dev.tfstate") }]);
    const retiredProd = (config: RawConfig) => (
      withoutProd(config),
      (config.pingone.roleAttributes.retiredEnvironments = ["prod"])
    );
    expectRefused(
      localConfig(dir, retiredProd),
      `${path.join(dir, "p1as.json")}: pingone.roleAttributes.retiredEnvironments lists prod, but the state inventory ${file()} has no entry for p1as-prod: it was removed, so the tools could no longer check that the retired state is empty. Nothing was synthesized.`,
    );
  });

  it("seals an inventory an older synth wrote (no sha256) when it may change it, and refuses it when frozen", () => {
    const declared = [
      { stack: "pingone-directory", backend: local("directory.tfstate") },
      { stack: "p1as-dev", environment: "dev", backend: local("dev.tfstate") },
      { stack: "p1as-prod", environment: "prod", backend: local("prod.tfstate") },
    ];
    writeInventory(declared, null);
    expectRefused(
      localConfig(dir),
      "is out of date (it has no sha256: written by an older synth) and P1AS_FROZEN_INVENTORY=1 forbids changing it here",
      { [FROZEN_INVENTORY_ENV_VAR]: "1" },
    );
    synth(localConfig(dir));
    expect(JSON.parse(inventoryText()).sha256).toBe(inventoryDigest(inventoryStacks() as InventoryEntry[]));
  });
});
