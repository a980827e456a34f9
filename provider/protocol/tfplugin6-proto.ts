/**
 * The subset of Terraform's plugin protocol 6 (`tfplugin6`) and go-plugin's controller (`plugin`) that this
 * provider speaks, written by hand from the published definitions: names and field numbers are the contract.
 *
 * The definitions live in a TypeScript string rather than a `.proto` file so that they work unchanged from
 * `dist/` and from an esbuild bundle, where no file sits next to the code.
 *
 * The service names every RPC of the published protocol 6 service as of protocol 6.10/6.11 (terraform's
 * docs/plugin-protocol/tfplugin6.proto): terraform 1.12 and later call some we do not implement (identity first).
 * Those answer gRPC UNIMPLEMENTED (see UNIMPLEMENTED_RPCS), which terraform tolerates, never an error diagnostic,
 * which breaks every command. Their messages are declared without fields: we never read their requests nor send
 * content in reply, and protobuf skips fields it does not know.
 */
import type { ServiceDefinition, loadPackageDefinition as grpcPackage } from "@grpc/grpc-js";
import * as protobuf from "protobufjs";

const TFPLUGIN6 = `
syntax = "proto3";
package tfplugin6;

message DynamicValue { bytes msgpack = 1; bytes json = 2; }

message Diagnostic {
  enum Severity { INVALID = 0; ERROR = 1; WARNING = 2; }
  Severity severity = 1;
  string summary = 2;
  string detail = 3;
  AttributePath attribute = 4;
}

message AttributePath {
  message Step {
    oneof selector {
      string attribute_name = 1;
      string element_key_string = 2;
      int64 element_key_int = 3;
    }
  }
  repeated Step steps = 1;
}

message StopProvider {
  message Request {}
  message Response { string Error = 1; }
}

message RawState { bytes json = 1; map<string, string> flatmap = 2; }

enum StringKind { PLAIN = 0; MARKDOWN = 1; }

message Schema {
  message Block {
    int64 version = 1;
    repeated Attribute attributes = 2;
    repeated NestedBlock block_types = 3;
    string description = 4;
    StringKind description_kind = 5;
    bool deprecated = 6;
  }
  message Attribute {
    string name = 1;
    bytes type = 2;
    string description = 3;
    bool required = 4;
    bool optional = 5;
    bool computed = 6;
    bool sensitive = 7;
    StringKind description_kind = 8;
    bool deprecated = 9;
    Object nested_type = 10;
    bool write_only = 11;
  }
  message NestedBlock {
    enum NestingMode { INVALID = 0; SINGLE = 1; LIST = 2; SET = 3; MAP = 4; GROUP = 5; }
    string type_name = 1;
    Block block = 2;
    NestingMode nesting = 3;
    int64 min_items = 4;
    int64 max_items = 5;
  }
  message Object {
    enum NestingMode { INVALID = 0; SINGLE = 1; LIST = 2; SET = 3; MAP = 4; }
    repeated Attribute attributes = 1;
    NestingMode nesting = 3;
  }
  int64 version = 1;
  Block block = 2;
}

message ServerCapabilities {
  bool plan_destroy = 1;
  bool get_provider_schema_optional = 2;
  bool move_resource_state = 3;
}

message ClientCapabilities {
  bool deferral_allowed = 1;
  bool write_only_attributes_allowed = 2;
}

message GetMetadata {
  message Request {}
  message Response {
    ServerCapabilities server_capabilities = 1;
    repeated Diagnostic diagnostics = 2;
    repeated DataSourceMetadata data_sources = 3;
    repeated ResourceMetadata resources = 4;
  }
  message DataSourceMetadata { string type_name = 1; }
  message ResourceMetadata { string type_name = 1; }
}

message GetProviderSchema {
  message Request {}
  message Response {
    Schema provider = 1;
    map<string, Schema> resource_schemas = 2;
    map<string, Schema> data_source_schemas = 3;
    repeated Diagnostic diagnostics = 4;
    Schema provider_meta = 5;
    ServerCapabilities server_capabilities = 6;
  }
}

message ValidateProviderConfig {
  message Request { DynamicValue config = 1; }
  message Response { repeated Diagnostic diagnostics = 2; }
}

message UpgradeResourceState {
  message Request { string type_name = 1; int64 version = 2; RawState raw_state = 3; }
  message Response { DynamicValue upgraded_state = 1; repeated Diagnostic diagnostics = 2; }
}

message ValidateResourceConfig {
  message Request { string type_name = 1; DynamicValue config = 2; ClientCapabilities client_capabilities = 3; }
  message Response { repeated Diagnostic diagnostics = 1; }
}

message ValidateDataResourceConfig {
  message Request { string type_name = 1; DynamicValue config = 2; }
  message Response { repeated Diagnostic diagnostics = 1; }
}

message ConfigureProvider {
  message Request { string terraform_version = 1; DynamicValue config = 2; ClientCapabilities client_capabilities = 3; }
  message Response { repeated Diagnostic diagnostics = 1; }
}

message ReadResource {
  message Request {
    string type_name = 1;
    DynamicValue current_state = 2;
    bytes private = 3;
    DynamicValue provider_meta = 4;
    ClientCapabilities client_capabilities = 5;
  }
  message Response { DynamicValue new_state = 1; repeated Diagnostic diagnostics = 2; bytes private = 3; }
}

message PlanResourceChange {
  message Request {
    string type_name = 1;
    DynamicValue prior_state = 2;
    DynamicValue proposed_new_state = 3;
    DynamicValue config = 4;
    bytes prior_private = 5;
    DynamicValue provider_meta = 6;
    ClientCapabilities client_capabilities = 7;
  }
  message Response {
    DynamicValue planned_state = 1;
    repeated AttributePath requires_replace = 2;
    bytes planned_private = 3;
    repeated Diagnostic diagnostics = 4;
  }
}

message ApplyResourceChange {
  message Request {
    string type_name = 1;
    DynamicValue prior_state = 2;
    DynamicValue planned_state = 3;
    DynamicValue config = 4;
    bytes planned_private = 5;
    DynamicValue provider_meta = 6;
  }
  message Response { DynamicValue new_state = 1; bytes private = 2; repeated Diagnostic diagnostics = 3; }
}

message ImportResourceState {
  message Request { string type_name = 1; string id = 2; ClientCapabilities client_capabilities = 3; }
  message ImportedResource { string type_name = 1; DynamicValue state = 2; bytes private = 3; }
  message Response { repeated ImportedResource imported_resources = 1; repeated Diagnostic diagnostics = 2; }
}

message ReadDataSource {
  message Request {
    string type_name = 1;
    DynamicValue config = 2;
    DynamicValue provider_meta = 3;
    ClientCapabilities client_capabilities = 4;
  }
  message Response { DynamicValue state = 1; repeated Diagnostic diagnostics = 2; }
}

service Provider {
  rpc GetMetadata(GetMetadata.Request) returns (GetMetadata.Response);
  rpc GetProviderSchema(GetProviderSchema.Request) returns (GetProviderSchema.Response);
  rpc ValidateProviderConfig(ValidateProviderConfig.Request) returns (ValidateProviderConfig.Response);
  rpc ValidateResourceConfig(ValidateResourceConfig.Request) returns (ValidateResourceConfig.Response);
  rpc ValidateDataResourceConfig(ValidateDataResourceConfig.Request) returns (ValidateDataResourceConfig.Response);
  rpc UpgradeResourceState(UpgradeResourceState.Request) returns (UpgradeResourceState.Response);
  rpc ConfigureProvider(ConfigureProvider.Request) returns (ConfigureProvider.Response);
  rpc ReadResource(ReadResource.Request) returns (ReadResource.Response);
  rpc PlanResourceChange(PlanResourceChange.Request) returns (PlanResourceChange.Response);
  rpc ApplyResourceChange(ApplyResourceChange.Request) returns (ApplyResourceChange.Response);
  rpc ImportResourceState(ImportResourceState.Request) returns (ImportResourceState.Response);
  rpc ReadDataSource(ReadDataSource.Request) returns (ReadDataSource.Response);
  rpc StopProvider(StopProvider.Request) returns (StopProvider.Response);

  rpc GetResourceIdentitySchemas(GetResourceIdentitySchemas.Request) returns (GetResourceIdentitySchemas.Response);
  rpc UpgradeResourceIdentity(UpgradeResourceIdentity.Request) returns (UpgradeResourceIdentity.Response);
  rpc MoveResourceState(MoveResourceState.Request) returns (MoveResourceState.Response);
  rpc GenerateResourceConfig(GenerateResourceConfig.Request) returns (GenerateResourceConfig.Response);
  rpc ValidateEphemeralResourceConfig(ValidateEphemeralResourceConfig.Request) returns (ValidateEphemeralResourceConfig.Response);
  rpc OpenEphemeralResource(OpenEphemeralResource.Request) returns (OpenEphemeralResource.Response);
  rpc RenewEphemeralResource(RenewEphemeralResource.Request) returns (RenewEphemeralResource.Response);
  rpc CloseEphemeralResource(CloseEphemeralResource.Request) returns (CloseEphemeralResource.Response);
  rpc ListResource(ListResource.Request) returns (stream ListResource.Event);
  rpc ValidateListResourceConfig(ValidateListResourceConfig.Request) returns (ValidateListResourceConfig.Response);
  rpc GetFunctions(GetFunctions.Request) returns (GetFunctions.Response);
  rpc CallFunction(CallFunction.Request) returns (CallFunction.Response);
  rpc ValidateStateStoreConfig(ValidateStateStore.Request) returns (ValidateStateStore.Response);
  rpc ConfigureStateStore(ConfigureStateStore.Request) returns (ConfigureStateStore.Response);
  rpc ReadStateBytes(ReadStateBytes.Request) returns (stream ReadStateBytes.Response);
  rpc WriteStateBytes(stream WriteStateBytes.RequestChunk) returns (WriteStateBytes.Response);
  rpc GetStates(GetStates.Request) returns (GetStates.Response);
  rpc DeleteState(DeleteState.Request) returns (DeleteState.Response);
  rpc PlanAction(PlanAction.Request) returns (PlanAction.Response);
  rpc InvokeAction(InvokeAction.Request) returns (stream InvokeAction.Event);
  rpc ValidateActionConfig(ValidateActionConfig.Request) returns (ValidateActionConfig.Response);
}

// Messages of the RPCs we answer UNIMPLEMENTED: names as published, no fields (see the module comment).
message GetResourceIdentitySchemas { message Request {} message Response {} }
message UpgradeResourceIdentity { message Request {} message Response {} }
message MoveResourceState { message Request {} message Response {} }
message GenerateResourceConfig { message Request {} message Response {} }
message ValidateEphemeralResourceConfig { message Request {} message Response {} }
message OpenEphemeralResource { message Request {} message Response {} }
message RenewEphemeralResource { message Request {} message Response {} }
message CloseEphemeralResource { message Request {} message Response {} }
message ListResource { message Request {} message Event {} }
message ValidateListResourceConfig { message Request {} message Response {} }
message GetFunctions { message Request {} message Response {} }
message CallFunction { message Request {} message Response {} }
message ValidateStateStore { message Request {} message Response {} }
message ConfigureStateStore { message Request {} message Response {} }
message ReadStateBytes { message Request {} message Response {} }
message WriteStateBytes { message RequestChunk {} message Response {} }
message GetStates { message Request {} message Response {} }
message DeleteState { message Request {} message Response {} }
message PlanAction { message Request {} message Response {} }
message InvokeAction { message Request {} message Event {} }
message ValidateActionConfig { message Request {} message Response {} }
`;

/** The RPCs of the service this provider does not implement: each answers gRPC UNIMPLEMENTED. */
export const UNIMPLEMENTED_RPCS = [
  "GetResourceIdentitySchemas",
  "UpgradeResourceIdentity",
  "MoveResourceState",
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
] as const;

/** go-plugin's controller: terraform calls Shutdown when it is done with a provider process. */
const GO_PLUGIN = `
syntax = "proto3";
package plugin;

message Empty {}

service GRPCController {
  rpc Shutdown(Empty) returns (Empty);
}
`;

/**
 * keepCase keeps the protocol's snake_case field names, so code reads like the published definition;
 * longs as numbers because schema versions and list indexes are small; bytes as Buffers for msgpack.
 * The same conversion @grpc/proto-loader makes with these options.
 */
const CONVERSION: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

/**
 * The gRPC package definition of both services, for a server or (in tests) a client. Built from protobufjs
 * directly rather than by @grpc/proto-loader, which also derives a descriptor of every message for reflection:
 * terraform starts the provider three times per plan, and that derivation was a fifth of each start.
 */
export function loadPackageDefinition(): Parameters<typeof grpcPackage>[0] {
  const root = new protobuf.Root();
  protobuf.parse(TFPLUGIN6, root, { keepCase: true });
  protobuf.parse(GO_PLUGIN, root, { keepCase: true });
  return Object.fromEntries(
    [PROVIDER_SERVICE, CONTROLLER_SERVICE].map((name) => [name, serviceDefinition(root.lookupService(name), name)]),
  );
}

function serviceDefinition(service: protobuf.Service, name: string): ServiceDefinition {
  return Object.fromEntries(
    service.methodsArray.map((method) => {
      const request = method.parent!.lookupType(method.requestType);
      const response = method.parent!.lookupType(method.responseType);
      return [
        method.name,
        {
          path: `/${name}/${method.name}`,
          requestStream: Boolean(method.requestStream),
          responseStream: Boolean(method.responseStream),
          requestSerialize: serializer(request),
          requestDeserialize: deserializer(request),
          responseSerialize: serializer(response),
          responseDeserialize: deserializer(response),
          originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
        },
      ];
    }),
  );
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => Buffer.from(type.encode(type.fromObject(value)).finish());
}

function deserializer(type: protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), CONVERSION);
}
export const PROVIDER_SERVICE = "tfplugin6.Provider";
export const CONTROLLER_SERVICE = "plugin.GRPCController";
