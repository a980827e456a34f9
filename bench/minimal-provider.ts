/**
 * The plan-scale bench's floor for an out-of-process Node provider: served exactly as the p1as provider is (our
 * server layer: grpc-js over go-plugin's mutual TLS, the same protobuf definitions), but doing nothing else. It
 * decodes no value: every call hands back the bytes it was given (a read returns the current state, a plan the
 * proposed state, an apply the planned state; an upgrade returns the stored JSON, which the protocol allows).
 * Its resources have the attributes of `p1as_hostname` and `p1as_certificate`'s name, with the same flags, so a
 * configuration shaped like the p1as one (each hostname referring to its certificate) costs terraform the same
 * graph and the same values. Computed attributes stay null: a plan proposes the prior value, and the echo keeps it.
 * What a plan of N of these costs over N `terraform_data` is what any Node provider on this server layer pays
 * for being a process that terraform talks gRPC to, before it does any work of its own.
 */
import type * as protocol from "../provider/protocol/tfplugin6-messages";
import { toProtocolSchema } from "../provider/framework/schema";
import { types } from "../provider/protocol/values";

export const MINIMAL_PROVIDER = {
  source: "terraform.local/bench/minimal",
  type: "minimal",
  version: "0.1.0",
} as const;
export const MINIMAL_HOSTNAME_TYPE = "minimal_hostname";
export const MINIMAL_CERTIFICATE_TYPE = "minimal_certificate";

const required = { type: types.string, required: true } as const;
const computed = { type: types.string, computed: true } as const;
const SCHEMA: protocol.GetProviderSchemaResponse = {
  provider: toProtocolSchema({ attributes: {} }),
  resource_schemas: {
    [MINIMAL_HOSTNAME_TYPE]: toProtocolSchema({
      attributes: {
        id: computed,
        hostname: required,
        product: required,
        certname: required,
        adopt: { type: types.bool, optional: true, computed: true },
        status: computed,
      },
    }),
    [MINIMAL_CERTIFICATE_TYPE]: toProtocolSchema({ attributes: { id: computed, name: required } }),
  },
  data_source_schemas: {},
  server_capabilities: { plan_destroy: true, get_provider_schema_optional: true },
  diagnostics: [],
};
const NO_DIAGNOSTICS = { diagnostics: [] } as const;

export const minimalProvider: protocol.ProtocolProvider = {
  getMetadata: async () => ({
    server_capabilities: SCHEMA.server_capabilities,
    resources: Object.keys(SCHEMA.resource_schemas).map((type_name) => ({ type_name })),
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
