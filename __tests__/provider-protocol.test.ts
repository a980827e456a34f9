/**
 * The provider stack at the protocol level, with no terraform: the test starts the toy provider's bundle
 * the way terraform does (magic cookie, PLUGIN_CLIENT_CERT), reads the handshake line and speaks gRPC over
 * mutual TLS, sending the MessagePack values terraform would send.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";
import { objectType } from "../provider/framework/schema";
import { Value, decodeMsgpack, encodeMsgpack, unknown } from "../provider/protocol";
import { MAGIC_COOKIE_KEY } from "../provider/server";
import { TOY_STORE_ENV, readStore, toyProvider, writeStore } from "./support/toy-provider";
import {
  Call,
  StartedProvider,
  bundleToyProvider,
  connect,
  generateSelfSignedCertificate,
  readHandshake,
  startToyProvider,
  terraformPluginEnv,
} from "./support/toy-provider-harness";

const THING = objectType(toyProvider.resources[0].schema);
const THINGS = objectType(toyProvider.dataSources![0].schema);
const PROVIDER = objectType(toyProvider.schema);

let dir: string;
let bundle: string;
let storePath: string;
let provider: StartedProvider;
let call: Call;
let controller: Call;
let closeClient: () => void;
let handshake: { address: string; serverCertPem: string };
const client = generateSelfSignedCertificate();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "provider-protocol-"));
  bundle = bundleToyProvider(dir);
  storePath = path.join(dir, "store.json");
  const started = Date.now();
  provider = startToyProvider(bundle, { ...terraformPluginEnv(client), [TOY_STORE_ENV]: storePath });
  handshake = await readHandshake(provider);
  console.log(JSON.stringify({ measure: "provider start to handshake line", ms: Date.now() - started }));
  ({ call, controller, close: closeClient } = connect(handshake.address, handshake.serverCertPem, client));
  await call("ConfigureProvider", { terraform_version: "1.11.4", config: dv({ store_path: null }, PROVIDER) });
});

afterAll(() => {
  closeClient?.();
  if (provider?.child.exitCode === null) provider.child.kill();
});

describe("start-up", () => {
  test("refuses to start without the magic cookie, saying why on stderr", async () => {
    // GIVEN an environment without terraform's magic cookie
    const started = startToyProvider(bundle, { ...terraformPluginEnv(client), [MAGIC_COOKIE_KEY]: undefined });

    // WHEN the provider starts
    const code = await started.exited;

    // THEN it exits with an error and explains that it is a plugin
    expect(code).toBe(1);
    expect(started.stderr()).toContain("This binary is a plugin. These are not meant to be executed directly.");
  });

  test("announces protocol 6 on a TCP port with its certificate as unpadded base64 DER", async () => {
    // GIVEN a provider started as terraform starts it
    const started = startToyProvider(bundle, terraformPluginEnv(client));

    // WHEN it prints the handshake line
    const { fields } = await readHandshake(started);
    started.child.kill();

    // THEN the line has go-plugin's six fields and a certificate valid for localhost
    expect(fields.slice(0, 3)).toEqual(["1", "6", "tcp"]);
    expect(fields[3]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(fields[4]).toBe("grpc");
    expect(fields[5]).not.toMatch(/=/);
    expect(new X509Certificate(Buffer.from(fields[5], "base64")).subjectAltName).toContain("DNS:localhost");
  });

  test("refuses a connection without terraform's client certificate", async () => {
    // GIVEN a second client that trusts the server but presents no certificate
    const anonymous = connect(handshake.address, handshake.serverCertPem);

    // WHEN it calls the provider
    const attempt = anonymous.call("GetProviderSchema");

    // THEN the TLS handshake fails and no answer comes back
    await expect(attempt).rejects.toThrow(/UNAVAILABLE|handshake|certificate/i);
    anonymous.close();
  });
});

describe("schema", () => {
  test("GetProviderSchema describes every attribute once, with the write-only flag and plan_destroy", async () => {
    // WHEN terraform asks for the schema
    const schema = await call<any>("GetProviderSchema");

    // THEN the resource's attributes carry their cty types and flags, and destroy plans are announced
    const attributes = Object.fromEntries(
      schema.resource_schemas.toy_thing.block.attributes.map((a: any) => [a.name, a]),
    );
    expect(Object.keys(attributes).sort()).toEqual([
      "color",
      "fail_create",
      "id",
      "labels",
      "name",
      "revision",
      "secret_wo",
      "value",
    ]);
    expect(JSON.parse(Buffer.from(attributes.labels.type).toString())).toEqual(["map", "string"]);
    expect(attributes.secret_wo).toMatchObject({ write_only: true, sensitive: true, optional: true });
    expect(attributes.name).toMatchObject({ required: true, optional: false, computed: false });
    expect(Object.keys(schema.data_source_schemas)).toEqual(["toy_things"]);
    expect(schema.server_capabilities.plan_destroy).toBe(true);
  });
});

describe("validate", () => {
  test("skips unknown values and reports invalid known ones on their attribute", async () => {
    // GIVEN one configuration with an unknown name and one with an invalid name and a forbidden value
    const pending = await call<any>("ValidateResourceConfig", {
      type_name: "toy_thing",
      config: dv({ name: unknown, value: unknown }, THING),
    });
    const invalid = await call<any>("ValidateResourceConfig", {
      type_name: "toy_thing",
      config: dv({ name: "a b", value: "forbidden" }, THING),
    });

    // THEN only the known values are judged, each diagnostic pointing at its attribute
    expect(pending.diagnostics).toEqual([]);
    expect(invalid.diagnostics.map((d: any) => [d.severity, d.summary, d.attribute.steps[0].attribute_name])).toEqual([
      ["ERROR", "Invalid name", "name"],
      ["ERROR", "Forbidden value", "value"],
    ]);
  });
});

describe("values", () => {
  test("a refined unknown (MessagePack extension 12, as terraform sends file(var.x) while validating) decodes as unknown", () => {
    // GIVEN a string attribute terraform knows only to be not null: ext 12 wrapping the map {1: false}
    const refined = new Uint8Array([0x81, 0xa4, ...Buffer.from("name"), 0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2]);
    // WHEN decoded
    // THEN it is unknown, not an object standing in for the string
    expect(decodeMsgpack(refined, ["object", { name: "string" }])).toEqual({ name: unknown });
  });
});

describe("plan", () => {
  test("a create plans configured values as configured (unknown included), computed values unknown and write-only null", async () => {
    // GIVEN a new object whose value is not known yet, with a write-only secret
    const config = { name: "alpha", value: unknown, secret_wo: "s3cret" };

    // WHEN terraform plans it
    const response = await plan(null, config);

    // THEN computed values are unknown, the default applies and the secret is absent from the plan
    expect(response.diagnostics).toEqual([]);
    expect(response.planned).toEqual({
      id: unknown,
      name: "alpha",
      value: unknown,
      labels: null,
      color: "blue",
      secret_wo: null,
      revision: unknown,
      fail_create: null,
    });
  });

  test("an update keeps the id (useStateForUnknown) and makes other computed values unknown", async () => {
    // GIVEN an object whose value changes
    const prior = state({ id: "thing-1", name: "alpha", value: "v1", revision: 3 });

    // WHEN terraform plans the change
    const response = await plan(prior, { name: "alpha", value: "v2" });

    // THEN the update keeps the id, the revision is known after apply, nothing forces replacement
    expect(response.planned).toMatchObject({ id: "thing-1", value: "v2", revision: unknown });
    expect(response.requires_replace).toEqual([]);
  });

  test("no change plans the prior state exactly", async () => {
    // GIVEN an object whose configuration matches its state
    const prior = state({ id: "thing-1", name: "alpha", value: "v1", color: "blue", revision: 3 });

    // WHEN terraform plans
    const response = await plan(prior, { name: "alpha", value: "v1" });

    // THEN the plan is the prior state (terraform reports "no changes")
    expect(response.planned).toEqual(prior);
  });

  test("a changed requiresReplace attribute is a replace path, and the new object's computed values are unknown", async () => {
    // GIVEN an object whose name (requiresReplace) changes
    const prior = state({ id: "thing-1", name: "alpha", revision: 3 });

    // WHEN terraform plans
    const response = await plan(prior, { name: "beta" });

    // THEN the name forces replacement and even the id is unknown
    expect(response.requires_replace).toEqual([{ steps: [{ attribute_name: "name", selector: "attribute_name" }] }]);
    expect(response.planned).toMatchObject({ id: unknown, name: "beta", revision: unknown });
  });

  test("modifyPlan can force a replacement the schema alone would plan as an update", async () => {
    // GIVEN an object whose labels (updatable by schema, fixed by the toy store) change
    const prior = state({ id: "thing-1", name: "alpha", labels: { team: "a" }, color: "blue", revision: 3 });

    // WHEN terraform plans
    const response = await plan(prior, { name: "alpha", labels: { team: "b" } });

    // THEN the resource's hook made it a replacement, with the new object's computed values unknown
    expect(response.requires_replace).toEqual([{ steps: [{ attribute_name: "labels", selector: "attribute_name" }] }]);
    expect(response.planned).toMatchObject({ id: unknown, labels: { team: "b" }, revision: unknown });
  });

  test("a destroy plan is null", async () => {
    // WHEN terraform plans to destroy an object (proposed new state null)
    const response = await call<any>("PlanResourceChange", {
      type_name: "toy_thing",
      prior_state: dv(state({ id: "thing-1", name: "alpha" }), THING),
      proposed_new_state: dv(null, THING),
      config: dv(null, THING),
    });

    // THEN the planned state is null
    expect(decodeMsgpack(response.planned_state.msgpack, THING)).toBeNull();
  });
});

describe("apply, read, import, upgrade", () => {
  test("a create returns every attribute known, stores the write-only secret, and keeps it out of state", async () => {
    // GIVEN a planned create with a secret
    const config = { name: "gamma", secret_wo: "s3cret", value: "v1" };
    const planned = (await plan(null, config)).planned;

    // WHEN terraform applies it
    const response = await apply(null, planned, config);

    // THEN the new state is whole and known, and only the provider saw the secret
    expect(response.diagnostics).toEqual([]);
    expect(response.newState).toEqual({
      id: expect.stringMatching(/^thing-/),
      name: "gamma",
      value: "v1",
      labels: null,
      color: "blue",
      secret_wo: null,
      revision: 1,
      fail_create: null,
    });
    expect(readStore(storePath).things[String(response.newState!.id)].secret).toBe("s3cret");
  });

  test("a create that fails after creating returns both the state and the error", async () => {
    // GIVEN a thing that the toy store creates and then fails
    const config = { name: "delta", fail_create: true };
    const planned = (await plan(null, config)).planned;

    // WHEN terraform applies it
    const response = await apply(null, planned, config);

    // THEN terraform gets the object (to keep it as tainted) and the error
    expect(response.newState).toMatchObject({ id: expect.stringMatching(/^thing-/), name: "delta" });
    expect(response.diagnostics.map((d: any) => [d.severity, d.summary])).toEqual([
      ["ERROR", "Thing created but not usable"],
    ]);
  });

  test("a null planned state deletes the object", async () => {
    // GIVEN a created object
    const created = await createThing("epsilon");

    // WHEN terraform applies a null plan
    const response = await apply(created, null, null);

    // THEN the new state is null and the store recorded the delete
    expect(response.newState).toBeNull();
    expect(readStore(storePath).deleted).toContain(created.id);
  });

  test("ReadResource returns null when the object is gone", async () => {
    // GIVEN an object deleted behind terraform's back
    const created = await createThing("zeta");
    const store = readStore(storePath);
    delete store.things[String(created.id)];
    writeStore(storePath, store);

    // WHEN terraform refreshes it
    const response = await call<any>("ReadResource", {
      type_name: "toy_thing",
      current_state: dv(created, THING),
      private: Buffer.from("p1"),
    });

    // THEN the new state is null (terraform plans a new create) and private state passes through
    expect(decodeMsgpack(response.new_state.msgpack, THING)).toBeNull();
    expect(Buffer.from(response.private).toString()).toBe("p1");
  });

  test("an error thrown by a resource becomes an error diagnostic and the process keeps serving", async () => {
    // GIVEN a store file that is not JSON
    const created = await createThing("eta");
    const saved = fs.readFileSync(storePath, "utf8");
    fs.writeFileSync(storePath, "{not json");

    // WHEN terraform refreshes the object
    const response = await call<any>("ReadResource", { type_name: "toy_thing", current_state: dv(created, THING) });
    fs.writeFileSync(storePath, saved);

    // THEN it gets an error diagnostic, the stored state is kept, and the provider still answers
    expect(response.diagnostics.map((d: any) => [d.severity, d.summary])).toEqual([
      ["ERROR", "Reading toy_thing failed"],
    ]);
    expect(decodeMsgpack(response.new_state.msgpack, THING)).toEqual(created);
    await expect(call("GetProviderSchema")).resolves.toBeDefined();
  });

  test("UpgradeResourceState decodes raw JSON: missing attributes become null, unknown ones are dropped", async () => {
    // GIVEN raw state from an older schema, with an attribute that no longer exists and none of the newer ones
    const raw = { id: "thing-9", name: "old", retired_attribute: "x" };

    // WHEN terraform asks for the upgrade
    const response = await call<any>("UpgradeResourceState", {
      type_name: "toy_thing",
      version: 0,
      raw_state: { json: Buffer.from(JSON.stringify(raw)) },
    });

    // THEN the state matches the current schema
    expect(response.diagnostics).toEqual([]);
    expect(decodeMsgpack(response.upgraded_state.msgpack, THING)).toEqual(state({ id: "thing-9", name: "old" }));
  });

  test("ImportResourceState by id returns the id with every other attribute null", async () => {
    // WHEN terraform imports an id
    const response = await call<any>("ImportResourceState", { type_name: "toy_thing", id: "thing-42" });

    // THEN one object of the resource's type comes back for terraform to read
    expect(response.imported_resources).toHaveLength(1);
    expect(response.imported_resources[0].type_name).toBe("toy_thing");
    expect(decodeMsgpack(response.imported_resources[0].state.msgpack, THING)).toEqual(state({ id: "thing-42" }));
  });

  test("ReadDataSource returns the configured attributes and the computed ones", async () => {
    // GIVEN things whose names start with "the"
    await createThing("theta");

    // WHEN terraform reads the data source
    const response = await call<any>("ReadDataSource", {
      type_name: "toy_things",
      config: dv({ prefix: "the", names: null }, THINGS),
    });

    // THEN it lists them
    expect(decodeMsgpack(response.state.msgpack, THINGS)).toEqual({ prefix: "the", names: ["theta"] });
  });

  test("an unknown resource type is an error diagnostic", async () => {
    // WHEN terraform names a type the provider does not have
    const response = await call<any>("ValidateResourceConfig", { type_name: "toy_nothing", config: dv({}, THING) });

    // THEN the diagnostic lists the types there are
    expect(response.diagnostics[0]).toMatchObject({
      severity: "ERROR",
      summary: "Unknown resource type toy_nothing",
      detail: "This provider has: toy_thing.",
    });
  });
});

describe("shutdown", () => {
  test("StopProvider answers and the Shutdown RPC ends the process", async () => {
    // WHEN terraform stops and then shuts the provider down
    await expect(call("StopProvider")).resolves.toBeDefined();
    await controller("Shutdown");

    // THEN the process exits cleanly
    await expect(provider.exited).resolves.toBe(0);
  });
});

// --- helpers ---

/** A full toy_thing state: the given attributes, null elsewhere. */
function state(values: Record<string, Value>): Record<string, Value> {
  return decodeMsgpack(encodeMsgpack(values, THING), THING) as Record<string, Value>;
}

function dv(value: Value, type: typeof THING) {
  return { msgpack: Buffer.from(encodeMsgpack(value, type)) };
}

/** PlanResourceChange as terraform calls it: proposed = config, with prior values for unconfigured computed attributes. */
async function plan(prior: Record<string, Value> | null, configured: Record<string, Value>) {
  const config = state(configured);
  const proposed = prior
    ? { ...config, id: prior.id, revision: prior.revision, color: config.color ?? prior.color }
    : config;
  const response = await call<any>("PlanResourceChange", {
    type_name: "toy_thing",
    prior_state: dv(prior, THING),
    proposed_new_state: dv(proposed, THING),
    config: dv(config, THING),
  });
  return { ...response, planned: decodeMsgpack(response.planned_state.msgpack, THING) as Record<string, Value> };
}

async function apply(
  prior: Record<string, Value> | null,
  planned: Record<string, Value> | null,
  configured: Record<string, Value> | null,
) {
  const response = await call<any>("ApplyResourceChange", {
    type_name: "toy_thing",
    prior_state: dv(prior, THING),
    planned_state: dv(planned, THING),
    config: dv(configured === null ? null : state(configured), THING),
  });
  return { ...response, newState: decodeMsgpack(response.new_state.msgpack, THING) as Record<string, Value> | null };
}

async function createThing(name: string): Promise<Record<string, Value>> {
  const planned = (await plan(null, { name })).planned;
  return (await apply(null, planned, { name })).newState!;
}
