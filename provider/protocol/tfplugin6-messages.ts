/**
 * TypeScript shapes of the tfplugin6 messages in tfplugin6-proto.ts, as tfplugin6-proto.ts decodes them
 * (snake_case fields, enums as names, bytes as Buffers). Only the fields this provider reads or writes.
 */

export interface DynamicValue {
  readonly msgpack?: Uint8Array;
  readonly json?: Uint8Array;
}

export type AttributePathStep =
  { readonly attribute_name: string } | { readonly element_key_string: string } | { readonly element_key_int: number };

export interface AttributePath {
  readonly steps: readonly AttributePathStep[];
}

export type Severity = "ERROR" | "WARNING";

export interface Diagnostic {
  readonly severity: Severity;
  readonly summary: string;
  readonly detail?: string;
  readonly attribute?: AttributePath;
}

export type StringKind = "PLAIN" | "MARKDOWN";

export interface SchemaAttribute {
  readonly name: string;
  /** The JSON encoding of the attribute's cty type, as bytes. */
  readonly type: Uint8Array;
  readonly description?: string;
  readonly description_kind?: StringKind;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
  readonly write_only?: boolean;
  /** A nested attribute's objects; `type` is empty then. */
  readonly nested_type?: {
    readonly attributes: readonly SchemaAttribute[];
    readonly nesting: "SINGLE" | "LIST" | "SET" | "MAP";
  };
}

export interface SchemaBlock {
  readonly version: number;
  readonly attributes: readonly SchemaAttribute[];
  readonly block_types?: readonly {
    readonly type_name: string;
    readonly block: SchemaBlock;
    readonly nesting: "LIST" | "SET";
  }[];
  readonly description?: string;
  readonly description_kind?: StringKind;
}

export interface Schema {
  readonly version: number;
  readonly block: SchemaBlock;
}

export interface ServerCapabilities {
  readonly plan_destroy?: boolean;
  readonly get_provider_schema_optional?: boolean;
}

interface WithDiagnostics {
  readonly diagnostics: readonly Diagnostic[];
}

export interface GetMetadataResponse extends WithDiagnostics {
  readonly server_capabilities: ServerCapabilities;
  readonly resources: readonly { readonly type_name: string }[];
  readonly data_sources: readonly { readonly type_name: string }[];
}

export interface GetProviderSchemaResponse extends WithDiagnostics {
  readonly provider: Schema;
  readonly resource_schemas: Readonly<Record<string, Schema>>;
  readonly data_source_schemas: Readonly<Record<string, Schema>>;
  readonly server_capabilities: ServerCapabilities;
}

export interface ConfigRequest {
  readonly config?: DynamicValue | null;
}

export interface TypedConfigRequest extends ConfigRequest {
  readonly type_name: string;
}

export interface ConfigureProviderRequest extends ConfigRequest {
  readonly terraform_version: string;
}

export interface UpgradeResourceStateRequest {
  readonly type_name: string;
  readonly version: number;
  readonly raw_state?: { readonly json?: Uint8Array } | null;
}

export interface UpgradeResourceStateResponse extends WithDiagnostics {
  readonly upgraded_state?: DynamicValue;
}

export interface ReadResourceRequest {
  readonly type_name: string;
  readonly current_state?: DynamicValue | null;
  readonly private?: Uint8Array;
}

export interface ReadResourceResponse extends WithDiagnostics {
  readonly new_state?: DynamicValue;
  readonly private?: Uint8Array;
}

export interface PlanResourceChangeRequest {
  readonly type_name: string;
  readonly prior_state?: DynamicValue | null;
  readonly proposed_new_state?: DynamicValue | null;
  readonly config?: DynamicValue | null;
  readonly prior_private?: Uint8Array;
}

export interface PlanResourceChangeResponse extends WithDiagnostics {
  readonly planned_state?: DynamicValue;
  readonly requires_replace: readonly AttributePath[];
  readonly planned_private?: Uint8Array;
}

export interface ApplyResourceChangeRequest {
  readonly type_name: string;
  readonly prior_state?: DynamicValue | null;
  readonly planned_state?: DynamicValue | null;
  readonly config?: DynamicValue | null;
  readonly planned_private?: Uint8Array;
}

export interface ApplyResourceChangeResponse extends WithDiagnostics {
  readonly new_state?: DynamicValue;
  readonly private?: Uint8Array;
}

export interface ImportResourceStateRequest {
  readonly type_name: string;
  readonly id: string;
}

export interface ImportResourceStateResponse extends WithDiagnostics {
  readonly imported_resources: readonly {
    readonly type_name: string;
    readonly state: DynamicValue;
    readonly private?: Uint8Array;
  }[];
}

export interface ReadDataSourceResponse extends WithDiagnostics {
  readonly state?: DynamicValue;
}

/**
 * What a provider implements at the protocol level, one method per RPC (the counterpart of
 * terraform-plugin-go's `tfprotov6.ProviderServer`). The server layer needs nothing else.
 */
export interface ProtocolProvider {
  getMetadata(): Promise<GetMetadataResponse>;
  getProviderSchema(): Promise<GetProviderSchemaResponse>;
  validateProviderConfig(request: ConfigRequest): Promise<WithDiagnostics>;
  validateResourceConfig(request: TypedConfigRequest): Promise<WithDiagnostics>;
  validateDataResourceConfig(request: TypedConfigRequest): Promise<WithDiagnostics>;
  configureProvider(request: ConfigureProviderRequest): Promise<WithDiagnostics>;
  upgradeResourceState(request: UpgradeResourceStateRequest): Promise<UpgradeResourceStateResponse>;
  readResource(request: ReadResourceRequest): Promise<ReadResourceResponse>;
  planResourceChange(request: PlanResourceChangeRequest): Promise<PlanResourceChangeResponse>;
  applyResourceChange(request: ApplyResourceChangeRequest): Promise<ApplyResourceChangeResponse>;
  importResourceState(request: ImportResourceStateRequest): Promise<ImportResourceStateResponse>;
  readDataSource(request: TypedConfigRequest): Promise<ReadDataSourceResponse>;
  /** Terraform asks running operations to stop (Ctrl-C); the process keeps serving. */
  stopProvider(): Promise<void>;
}
