/**
 * The plan-scale bench's floor for an out-of-process Node provider: served exactly as the p1as provider is (our
 * server layer: grpc-js over go-plugin's mutual TLS, the same protobuf definitions), but doing nothing else. It
 * decodes no value: every call hands back the bytes it was given (a read returns the current state, a plan the
 * proposed state, an apply the planned state; an upgrade returns the stored JSON, which the protocol allows).
 * Its one resource, `minimal_thing`, has the configured attributes of `p1as_hostname`, all required, so there is
 * nothing a plan must compute. What a plan of N of these costs over N `terraform_data` is what any Node provider
 * pays for being a process that terraform talks gRPC to, before it does any work of its own.
 */
import type * as protocol from "../provider/protocol/tfplugin6-messages";
import { toProtocolSchema } from "../provider/framework/schema";
import { types } from "../provider/protocol/values";

export const MINIMAL_PROVIDER = {
  source: "terraform.local/bench/minimal",
  type: "minimal",
  version: "0.1.0",
} as const;
export const MINIMAL_RESOURCE_TYPE = "minimal_thing";

const required = { type: types.string, required: true } as const;
const SCHEMA: protocol.GetProviderSchemaResponse = {
  provider: toProtocolSchema({ attributes: {} }),
  resource_schemas: {
    [MINIMAL_RESOURCE_TYPE]: toProtocolSchema({
      attributes: { hostname: required, product: required, certname: required },
    }),
  },
  data_source_schemas: {},
  server_capabilities: { plan_destroy: true, get_provider_schema_optional: true },
  diagnostics: [],
};
const NO_DIAGNOSTICS = { diagnostics: [] } as const;

export const minimalProvider: protocol.ProtocolProvider = {
  getMetadata: async () => ({
    server_capabilities: SCHEMA.server_capabilities,
    resources: [{ type_name: MINIMAL_RESOURCE_TYPE }],
    data_sources: [],
    diagnostics: [],
  }),
  getProviderSchema: async () => SCHEMA,
  validateProviderConfig: async () => NO_DIAGNOSTICS,
  validateResourceConfig: async () => NO_DIAGNOSTICS,
  validateDataResourceConfig: async () => NO_DIAGNOSTICS,
  configureProvider: async () => NO_DIAGNOSTICS,
  upgradeResourceState: async (request) => ({ upgraded_state: { json: request.raw_state?.json }, diagnostics: [] }),
  readResource: async (request) => ({
    new_state: request.current_state ?? undefined,
    private: request.private,
    diagnostics: [],
  }),
  planResourceChange: async (request) => ({
    planned_state: request.proposed_new_state ?? undefined,
    requires_replace: [],
    planned_private: request.prior_private,
    diagnostics: [],
  }),
  applyResourceChange: async (request) => ({
    new_state: request.planned_state ?? undefined,
    private: request.planned_private,
    diagnostics: [],
  }),
  importResourceState: async () => ({ imported_resources: [], diagnostics: [] }),
  readDataSource: async () => NO_DIAGNOSTICS,
  stopProvider: async () => undefined,
};
