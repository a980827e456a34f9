/**
 * What terraform 1.12-1.17 asks of the p1as provider, with no terraform binary (only 1.11.4 runs here): the built
 * provider bundle is started as terraform starts it and driven over gRPC with mutual TLS through the call sequence
 * those versions make (from terraform's public source: the schema pass with GetResourceIdentitySchemas, validate,
 * configure, refresh with UpgradeResourceState and ReadResource, data sources, plan, apply, stop), against the
 * emulator. Every RPC of the published service we do not implement must answer gRPC UNIMPLEMENTED, which terraform
 * tolerates; an error diagnostic or any other code would break every command. Needs `npm run build` first.
 */
import * as grpc from "@grpc/grpc-js";
import { objectType } from "../provider/framework/schema";
import { PROVIDER_BUNDLE } from "../provider/install";
import { PROVIDER_SERVICE, UNIMPLEMENTED_RPCS, loadPackageDefinition } from "../provider/protocol/tfplugin6-proto";
import { Value, decodeMsgpack, encodeMsgpack, unknown } from "../provider/protocol";
import { hostname as hostnameResource } from "../provider/resources/hostname-resource";
import { certificates as certificatesDataSource } from "../provider/resources/data-sources";
import { p1asProvider } from "../provider/resources/provider";
import { RunningEmulator } from "../emulator/start";
import { makeCertificate } from "./support/certs";
import { startTestEmulator, testClientId } from "./support/emulator";
import {
  Call,
  StartedProvider,
  connect,
  generateSelfSignedCertificate,
  readHandshake,
  startToyProvider,
  terraformPluginEnv,
} from "./support/toy-provider-harness";

jest.setTimeout(120_000);

const HOSTNAME = objectType(hostnameResource.schema);
const CERTIFICATES = objectType(certificatesDataSource.schema);
const PROVIDER = objectType(p1asProvider.schema);
const CLIENT_ID = testClientId("protocol-newer-admin");
const SECRET = `protocol-newer-${Math.random().toString(36).slice(2)}`;
const client = generateSelfSignedCertificate();

let emulator: RunningEmulator;
let provider: StartedProvider;
let call: Call;
let close: () => void;
let address: string;
let serverCertPem: string;

beforeAll(async () => {
  emulator = await startTestEmulator({
    clients: [{ clientId: CLIENT_ID, clientSecret: SECRET, groups: ["dev-tls-admin"] }],
  });
  const cert = makeCertificate({ commonName: "*.dev.acme.example" });
  emulator.service.createCertificate("dev", { name: "wildcard-dev", fullchain: cert.fullchain, privkey: cert.privkey });
  emulator.service.completionDelayMs = 0;
  provider = startToyProvider(PROVIDER_BUNDLE, { ...terraformPluginEnv(client), P1AS_CLIENT_SECRET: SECRET });
  ({ address, serverCertPem } = await readHandshake(provider));
  ({ call, close } = connect(address, serverCertPem, client));
});

afterAll(async () => {
  close?.();
  if (provider?.child.exitCode === null) provider.child.kill();
  await emulator?.close();
});

const dv = (value: Value, type: typeof HOSTNAME) => ({ msgpack: Buffer.from(encodeMsgpack(value, type)) });
const decoded = (value: { msgpack?: Uint8Array } | null | undefined, type: typeof HOSTNAME) =>
  decodeMsgpack(value!.msgpack!, type) as Record<string, Value>;
const nulls = (type: typeof HOSTNAME, values: Record<string, Value>) =>
  ({
    ...Object.fromEntries(Object.keys((type as [string, Record<string, unknown>])[1]).map((name) => [name, null])),
    ...values,
  }) as Record<string, Value>;

test("the call sequence of terraform 1.12-1.17 plans and applies a hostname, with UNIMPLEMENTED for identity and no error diagnostic", async () => {
  // GIVEN the schema pass: terraform 1.12+ asks for identity schemas right after the provider schema
  const schema = await call<any>("GetProviderSchema");
  expect(Object.keys(schema.resource_schemas).sort()).toEqual(["p1as_certificate", "p1as_hostname"]);
  await expect(call("GetResourceIdentitySchemas")).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  const metadata = await call<any>("GetMetadata");
  expect(metadata.diagnostics).toEqual([]);

  // AND the validate walk
  const config = nulls(PROVIDER, {
    api_url: emulator.apiUrl("dev"),
    token_url: emulator.tokenUrl(),
    client_id: CLIENT_ID,
    api_contract: "discover",
  });
  const desired = nulls(HOSTNAME, {
    hostname: "auth.dev.acme.example",
    product: "pingfederate-engines",
    certname: "wildcard-dev",
  });
  expect((await call<any>("ValidateProviderConfig", { config: dv(config, PROVIDER) })).diagnostics).toEqual([]);
  expect(
    (
      await call<any>("ValidateResourceConfig", {
        type_name: "p1as_hostname",
        config: dv(desired, HOSTNAME),
        client_capabilities: { write_only_attributes_allowed: true },
      })
    ).diagnostics,
  ).toEqual([]);
  expect(
    (
      await call<any>("ValidateDataResourceConfig", {
        type_name: "p1as_certificates",
        config: dv(nulls(CERTIFICATES, {}), CERTIFICATES),
      })
    ).diagnostics,
  ).toEqual([]);

  // WHEN the plan walk configures, reads the data source and plans a create
  const configured = await call<any>("ConfigureProvider", {
    terraform_version: "1.17.0",
    config: dv(config, PROVIDER),
    client_capabilities: { deferral_allowed: true, write_only_attributes_allowed: true },
  });
  expect(configured.diagnostics).toEqual([]);
  const read = await call<any>("ReadDataSource", {
    type_name: "p1as_certificates",
    config: dv(nulls(CERTIFICATES, {}), CERTIFICATES),
  });
  expect(read.diagnostics).toEqual([]);
  expect(decoded(read.state, CERTIFICATES).certificates).toEqual([
    expect.objectContaining({ name: "wildcard-dev", status: "complete" }),
  ]);
  const planned = await call<any>("PlanResourceChange", {
    type_name: "p1as_hostname",
    prior_state: dv(null, HOSTNAME),
    proposed_new_state: dv(desired, HOSTNAME),
    config: dv(desired, HOSTNAME),
  });
  expect(planned.diagnostics).toEqual([]);
  expect(decoded(planned.planned_state, HOSTNAME)).toMatchObject({
    hostname: "auth.dev.acme.example",
    id: unknown,
    status: unknown,
  });

  // AND the apply walk creates it
  const applied = await call<any>("ApplyResourceChange", {
    type_name: "p1as_hostname",
    prior_state: dv(null, HOSTNAME),
    planned_state: planned.planned_state,
    config: dv(desired, HOSTNAME),
  });
  expect(applied.diagnostics).toEqual([]);
  const created = decoded(applied.new_state, HOSTNAME);
  expect(created).toMatchObject({ id: "auth.dev.acme.example", status: "complete" });

  // AND the next refresh upgrades the stored state and reads it back unchanged
  const upgraded = await call<any>("UpgradeResourceState", {
    type_name: "p1as_hostname",
    version: 0,
    raw_state: { json: Buffer.from(JSON.stringify(created)) },
  });
  expect(upgraded.diagnostics).toEqual([]);
  const refreshed = await call<any>("ReadResource", {
    type_name: "p1as_hostname",
    current_state: upgraded.upgraded_state,
    client_capabilities: { deferral_allowed: true },
  });
  expect(refreshed.diagnostics).toEqual([]);
  expect(decoded(refreshed.new_state, HOSTNAME)).toEqual(created);

  // THEN the API holds the hostname, and the provider stops when asked
  expect(emulator.service.listHostnames("dev")).toEqual([
    expect.objectContaining({ hostname: "auth.dev.acme.example", status: "complete" }),
  ]);
  expect(await call<any>("StopProvider")).toEqual({ Error: "" });
});

test("bad input: a hostname that is no DNS name is refused by ValidateResourceConfig on its attribute, naming the reason; nothing is sent", async () => {
  emulator.requestLog.clear();
  const bad = nulls(HOSTNAME, { hostname: "Bad_Host", product: "pingfederate-engines", certname: "wildcard-dev" });
  const response = await call<any>("ValidateResourceConfig", { type_name: "p1as_hostname", config: dv(bad, HOSTNAME) });
  expect(response.diagnostics.length).toBeGreaterThan(0);
  expect(
    new Set(response.diagnostics.map((d: any) => `${d.severity} ${d.attribute?.steps?.[0]?.attribute_name}`)),
  ).toEqual(new Set(["ERROR hostname"]));
  expect(response.diagnostics.map((d: any) => d.detail).join(" ")).toMatch(/lowercase/);
  expect(emulator.requestLog.list()).toEqual([]);
});

test.each(UNIMPLEMENTED_RPCS.map((rpc) => [rpc]))(
  "%s answers gRPC UNIMPLEMENTED, not an error diagnostic",
  async (rpc) => {
    // GIVEN the RPC as the published service declares it (unary or streaming)
    const packages = grpc.loadPackageDefinition(loadPackageDefinition());
    const Client = (packages.tfplugin6 as grpc.GrpcObject).Provider as grpc.ServiceClientConstructor;
    const definition = Client.service[rpc];
    const stub = new Client(
      address,
      grpc.credentials.createSsl(Buffer.from(serverCertPem), Buffer.from(client.keyPem), Buffer.from(client.certPem)),
    );
    try {
      // WHEN terraform calls it
      const status = await new Promise<grpc.ServiceError | undefined>((resolve) => {
        const method = (stub as unknown as Record<string, Function>)[rpc].bind(stub);
        const deadline = Date.now() + 10_000;
        if (definition.requestStream && !definition.responseStream) {
          const stream = method({ deadline }, (error: grpc.ServiceError | null) => resolve(error ?? undefined));
          stream.end();
        } else if (definition.responseStream) {
          const stream = method({}, { deadline });
          stream.on("error", (error: grpc.ServiceError) => resolve(error));
          stream.on("end", () => resolve(undefined));
          stream.on("data", () => undefined);
        } else {
          method({}, { deadline }, (error: grpc.ServiceError | null) => resolve(error ?? undefined));
        }
      });
      // THEN the status is UNIMPLEMENTED and names the RPC
      expect({ rpc, code: status?.code, details: status?.details }).toEqual({
        rpc,
        code: grpc.status.UNIMPLEMENTED,
        details: `the p1as provider does not implement ${rpc}`,
      });
    } finally {
      stub.close();
    }
  },
);

test("the service names every RPC of the published protocol 6 service, each implemented or answering UNIMPLEMENTED", () => {
  const packages = grpc.loadPackageDefinition(loadPackageDefinition());
  const [pkg, name] = PROVIDER_SERVICE.split(".");
  const rpcs = Object.keys(((packages[pkg] as grpc.GrpcObject)[name] as grpc.ServiceClientConstructor).service).sort();
  // Names as published in terraform's docs/plugin-protocol/tfplugin6.proto (protocol 6.10/6.11).
  expect(rpcs).toEqual(
    [
      "GetMetadata",
      "GetProviderSchema",
      "ValidateProviderConfig",
      "ValidateResourceConfig",
      "ValidateDataResourceConfig",
      "UpgradeResourceState",
      "GetResourceIdentitySchemas",
      "UpgradeResourceIdentity",
      "ConfigureProvider",
      "ReadResource",
      "PlanResourceChange",
      "ApplyResourceChange",
      "ImportResourceState",
      "MoveResourceState",
      "ReadDataSource",
      "GenerateResourceConfig",
      "ValidateEphemeralResourceConfig",
      "OpenEphemeralResource",
      "RenewEphemeralResource",
      "CloseEphemeralResource",
      "ListResource",
      "ValidateListResourceConfig",
      "GetFunctions",
      "CallFunction",
      "ValidateStateStoreConfig",
      "ConfigureStateStore",
      "ReadStateBytes",
      "WriteStateBytes",
      "GetStates",
      "DeleteState",
      "PlanAction",
      "InvokeAction",
      "ValidateActionConfig",
      "StopProvider",
    ].sort(),
  );
});
