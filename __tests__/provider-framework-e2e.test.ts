/**
 * The provider framework through real terraform 1.11: the toy provider, bundled and installed in each
 * working directory's implied local mirror, so `terraform init` finds it offline.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformResult, runTerraform } from "../tools/terraform/run";
import { providerSchemaDocument } from "../provider/framework";
import { TOY_STORE_ENV, ToyStore, readStore, toyProvider, writeStore } from "./support/toy-provider";
import { TOY_SOURCE, TOY_VERSION, bundleToyProvider, installToyProvider } from "./support/toy-provider-harness";

let root: string;
let bundle: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "provider-e2e-"));
  bundle = bundleToyProvider(root);
});

test("initialises offline, creates, and then plans no changes", async () => {
  // GIVEN a configuration with one thing
  const ws = await workspace('resource "toy_thing" "a" {\n  name  = "alpha"\n  value = "v1"\n}');

  // WHEN it is applied and planned again
  await ws.ok("apply", "-auto-approve");
  const started = Date.now();
  const plan = await ws.tf("plan", "-detailed-exitcode");
  console.log(JSON.stringify({ measure: "no-op terraform plan, one toy_thing", ms: Date.now() - started }));

  // THEN the thing exists and the second plan finds no differences (exit 0, not 2)
  expect(Object.values(ws.store().things)).toEqual([
    expect.objectContaining({ name: "alpha", value: "v1", revision: 1 }),
  ]);
  expect(plan.exitCode).toBe(0);
  expect(plan.stdout).toContain("No changes.");
});

test("a changed requiresReplace attribute plans a replacement", async () => {
  // GIVEN an applied thing
  const ws = await workspace('resource "toy_thing" "a" {\n  name = "alpha"\n}');
  await ws.ok("apply", "-auto-approve");

  // WHEN its name changes
  ws.config('resource "toy_thing" "a" {\n  name = "beta"\n}');
  const plan = await ws.ok("plan");

  // THEN terraform plans to replace it because of the name
  expect(plan.stdout).toContain("toy_thing.a must be replaced");
  expect(plan.stdout).toMatch(/name\s+= "alpha" -> "beta" # forces replacement/);
  expect(plan.stdout).toContain("Plan: 1 to add, 0 to change, 1 to destroy.");
});

test("a write-only attribute reaches the provider but never the plan or the state", async () => {
  // GIVEN a thing whose write-only secret comes from an ephemeral variable (a literal would be kept in
  // the plan's record of the configuration, which is terraform's business, not the provider's)
  const secret = "wo-secret-7f3a";
  const ws = await workspace(
    'variable "secret" {\n  type      = string\n  ephemeral = true\n}\n' +
      'resource "toy_thing" "a" {\n  name      = "alpha"\n  secret_wo = var.secret\n}',
    { TF_VAR_secret: secret },
  );

  // WHEN it is planned to a file and applied
  const plan = await ws.ok("plan", "-out=tfplan");
  const planJson = (await ws.ok("show", "-json", "tfplan")).stdout;
  await ws.ok("apply", "tfplan");

  // THEN the provider received the secret, while terraform's plan and state hold none of it
  expect(plan.stdout).toContain("secret_wo = (write-only attribute)");
  expect(JSON.parse(planJson).resource_changes[0].change.after.secret_wo).toBeNull();
  expect(planJson).not.toContain(secret);
  expect(fs.readFileSync(path.join(ws.dir, "terraform.tfstate"), "utf8")).not.toContain(secret);
  expect(Object.values(ws.store().things)[0].secret).toBe(secret);
});

test("an import block adopts an existing object", async () => {
  // GIVEN an object that exists in the store but not in terraform's state
  const ws = await workspace(
    'import {\n  to = toy_thing.a\n  id = "thing-existing"\n}\nresource "toy_thing" "a" {\n  name  = "alpha"\n  value = "v1"\n}',
  );
  writeStore(ws.storePath, {
    things: {
      "thing-existing": { name: "alpha", value: "v1", labels: null, color: "blue", revision: 7, secret: null },
    },
    deleted: [],
  });

  // WHEN it is applied, then planned again
  const applied = await ws.ok("apply", "-auto-approve");
  const plan = await ws.tf("plan", "-detailed-exitcode");

  // THEN terraform imported it without creating anything, and the configuration matches it
  expect(applied.stdout).toContain("Apply complete! Resources: 1 imported, 0 added, 0 changed, 0 destroyed.");
  expect(Object.keys(ws.store().things)).toEqual(["thing-existing"]);
  expect(plan.exitCode).toBe(0);
});

test("a create that returns state and an error leaves a tainted object, which is deleted once removed from the configuration", async () => {
  // GIVEN a thing whose create succeeds in the store and then reports an error
  const ws = await workspace('resource "toy_thing" "a" {\n  name        = "alpha"\n  fail_create = true\n}');

  // WHEN it is applied, then removed from the configuration and applied again
  const failed = await ws.tf("apply", "-auto-approve");
  const [createdId] = Object.keys(ws.store().things);
  const stateAfterFailure = JSON.parse(fs.readFileSync(path.join(ws.dir, "terraform.tfstate"), "utf8"));
  ws.config("");
  await ws.ok("apply", "-auto-approve");

  // THEN the failure was reported, the object was kept as tainted, and the provider deleted it later
  expect(failed.exitCode).toBe(1);
  expect(failed.stderr).toContain("Thing created but not usable");
  expect(stateAfterFailure.resources[0].instances[0]).toMatchObject({
    status: "tainted",
    attributes: { id: createdId },
  });
  expect(ws.store()).toEqual({ things: {}, deleted: [createdId] });
});

test("an object deleted outside terraform is planned to be created again", async () => {
  // GIVEN an applied thing that then disappears from the store
  const ws = await workspace('resource "toy_thing" "a" {\n  name = "alpha"\n}');
  await ws.ok("apply", "-auto-approve");
  writeStore(ws.storePath, { things: {}, deleted: [] });

  // WHEN terraform plans
  const plan = await ws.tf("plan", "-detailed-exitcode");

  // THEN it has noticed and plans a create (exit 2: changes)
  expect(plan.exitCode).toBe(2);
  expect(plan.stdout).toContain("toy_thing.a will be created");
});

test("the schema document built from the declarations is the one terraform prints", async () => {
  // GIVEN a working directory that uses the toy provider
  const ws = await workspace("");

  // WHEN terraform prints the provider schemas
  const printed = JSON.parse((await ws.ok("providers", "schema", "-json")).stdout);

  // THEN the document built without terraform is identical, so cdktf bindings can come from it
  expect(providerSchemaDocument(toyProvider, TOY_SOURCE)).toEqual(printed);
});

// --- helpers ---

interface Workspace {
  readonly dir: string;
  readonly storePath: string;
  /** Replaces the resources of main.tf (the provider block stays). */
  config(resources: string): void;
  store(): ToyStore;
  tf(...args: string[]): Promise<TerraformResult>;
  /** Like tf, but throws with terraform's output unless it exits 0. */
  ok(...args: string[]): Promise<TerraformResult>;
}

/**
 * A new initialised working directory with the toy provider in its local mirror and `resources` in main.tf;
 * `env` goes to every terraform run.
 */
async function workspace(resources: string, env: NodeJS.ProcessEnv = {}): Promise<Workspace> {
  const dir = fs.mkdtempSync(path.join(root, "ws-"));
  const storePath = path.join(dir, "store.json");
  installToyProvider(dir, bundle);
  const tf = (...args: string[]) =>
    runTerraform([...args, "-no-color"], { cwd: dir, env: { ...env, [TOY_STORE_ENV]: storePath } });
  const ws: Workspace = {
    dir,
    storePath,
    config: (body) =>
      fs.writeFileSync(
        path.join(dir, "main.tf"),
        `terraform {\n  required_providers {\n    toy = { source = "${TOY_SOURCE}", version = "${TOY_VERSION}" }\n  }\n}\nprovider "toy" {}\n${body}\n`,
      ),
    store: () => readStore(storePath),
    tf,
    ok: async (...args) => {
      const result = await tf(...args);
      if (result.exitCode !== 0)
        throw new Error(`terraform ${args.join(" ")} failed (${result.exitCode}):\n${result.stdout}${result.stderr}`);
      return result;
    },
  };
  ws.config(resources);
  await ws.ok("init", "-input=false");
  return ws;
}
