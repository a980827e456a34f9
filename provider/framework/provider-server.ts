/**
 * The framework's protocol adapter (the counterpart of terraform-plugin-framework's `fwserver`): decodes
 * each request against the schema, calls the resource, and enforces terraform's invariants on the way back
 * (every attribute present, write-only values null, no unknowns after apply, errors as diagnostics).
 */
import type * as protocol from "../protocol/tfplugin6-messages";
import {
  Value,
  decodeJson,
  decodeMsgpack,
  encodeMsgpack,
  isNullMsgpack,
  isUnknown,
  isWhollyKnown,
} from "../protocol/values";
import type { ProviderDefinition, Resource, State } from "./provider-interfaces";
import { Diagnostics, thrownDiagnostic } from "./diagnostics";
import { planForReplacement, planFromSchema } from "./plan";
import { Schema, objectType, schemaProblems, toProtocolSchema } from "./schema";

/**
 * plan_destroy: terraform sends destroy plans too, which we answer with a null plan. get_provider_schema_optional:
 * nothing here depends on GetProviderSchema having been called, so terraform (1.6 and later) may answer it from
 * the schema its first process read instead of asking each of the processes it starts per plan again.
 */
const SERVER_CAPABILITIES: protocol.ServerCapabilities = { plan_destroy: true, get_provider_schema_optional: true };

/** Builds the protocol-level provider that `serve` runs. Throws at once on a schema declaration mistake. */
export function providerServer<P>(definition: ProviderDefinition<P>): protocol.ProtocolProvider {
  const resources = byTypeName(definition.resources);
  const dataSources = byTypeName(definition.dataSources ?? []);
  const problems = [
    ...schemaProblems(definition.typeName, definition.schema),
    ...[...resources.values(), ...dataSources.values()].flatMap((r) => schemaProblems(r.typeName, r.schema)),
  ];
  if (problems.length > 0) throw new Error(`Invalid provider schema:\n${problems.join("\n")}`);

  let providerData: P | undefined;
  // Converted once: terraform asks in every process it starts, and the schemas never change.
  let providerSchema: protocol.GetProviderSchemaResponse | undefined;
  const stop = new AbortController();
  const context = (diagnostics: Diagnostics) => ({ providerData: providerData as P, diagnostics, signal: stop.signal });

  return {
    async getMetadata() {
      return {
        server_capabilities: SERVER_CAPABILITIES,
        resources: [...resources.keys()].map((type_name) => ({ type_name })),
        data_sources: [...dataSources.keys()].map((type_name) => ({ type_name })),
        diagnostics: [],
      };
    },

    async getProviderSchema() {
      return (providerSchema ??= protocolSchemas(definition, resources, dataSources));
    },

    async validateProviderConfig(request) {
      return { diagnostics: await validate(definition, request.config, stop.signal) };
    },

    async validateResourceConfig(request) {
      const found = lookup(resources, request.type_name, "resource");
      return { diagnostics: found.diagnostics ?? (await validate(found.item, request.config, stop.signal)) };
    },

    async validateDataResourceConfig(request) {
      const found = lookup(dataSources, request.type_name, "data source");
      return { diagnostics: found.diagnostics ?? (await validate(found.item, request.config, stop.signal)) };
    },

    async configureProvider(request) {
      const diagnostics = new Diagnostics();
      await guard(diagnostics, "Configuring the provider", async () => {
        const config = decodeObject(request.config?.msgpack, definition.schema);
        providerData = await definition.configure({ config, diagnostics, terraformVersion: request.terraform_version });
      });
      return { diagnostics: diagnostics.toProtocol() };
    },

    async upgradeResourceState(request) {
      const found = lookup(resources, request.type_name, "resource");
      if (found.diagnostics) return { diagnostics: found.diagnostics };
      const resource = found.item;
      const diagnostics = new Diagnostics();
      const upgraded = await guard(diagnostics, `Upgrading the stored state of ${resource.typeName}`, async () => {
        const type = objectType(resource.schema);
        if (!resource.upgradeState) return decodeJson(request.raw_state?.json, type) as State;
        const rawState = JSON.parse(Buffer.from(request.raw_state?.json ?? "{}").toString("utf8"));
        return resource.upgradeState({ version: request.version, rawState, diagnostics });
      });
      return { upgraded_state: encodeState(upgraded ?? null, resource.schema), diagnostics: diagnostics.toProtocol() };
    },

    async readResource(request) {
      const found = lookup(resources, request.type_name, "resource");
      if (found.diagnostics) return { diagnostics: found.diagnostics, new_state: request.current_state ?? undefined };
      const resource = found.item;
      const diagnostics = new Diagnostics();
      const state = decodeObject(request.current_state?.msgpack, resource.schema);
      const read = await guard(diagnostics, `Reading ${resource.typeName}`, () =>
        resource.read({ ...context(diagnostics), state }),
      );
      // A failed read keeps the stored object: reporting it gone would plan a second create.
      const newState =
        read === undefined ? state : read === null ? null : finalState(read, state, resource.schema, diagnostics);
      return {
        new_state: encodeState(newState, resource.schema),
        private: request.private,
        diagnostics: diagnostics.toProtocol(),
      };
    },

    async planResourceChange(request) {
      const found = lookup(resources, request.type_name, "resource");
      if (found.diagnostics) return { diagnostics: found.diagnostics, requires_replace: [] };
      const resource = found.item;
      const diagnostics = new Diagnostics();
      // The proposed state matters only for being null (a destroy); the plan is made from prior and config.
      if (isNullMsgpack(request.proposed_new_state?.msgpack)) {
        return {
          planned_state: encodeState(null, resource.schema),
          requires_replace: [],
          planned_private: request.prior_private,
          diagnostics: [],
        };
      }
      const prior = decodeMsgpack(request.prior_state?.msgpack, objectType(resource.schema)) as State | null;
      const config = decodeObject(request.config?.msgpack, resource.schema);
      let { planned, requiresReplace } = planFromSchema(resource.schema, prior, config, resource.update !== undefined);
      if (resource.modifyPlan) {
        const plannedNow = planned;
        await guard(diagnostics, `Planning ${resource.typeName}`, async () =>
          resource.modifyPlan!({
            ...context(diagnostics),
            prior,
            config,
            planned: plannedNow,
            requiresReplace,
            setPlanned: (attribute, value) => void (plannedNow[attribute] = value),
            replace: (attribute) => void (requiresReplace.includes(attribute) || requiresReplace.push(attribute)),
          }),
        );
      }
      if (prior !== null && requiresReplace.length > 0) planned = planForReplacement(resource.schema, config, planned);
      return {
        planned_state: encodeState(withoutWriteOnly(planned, resource.schema), resource.schema),
        requires_replace: requiresReplace.map((path) => ({
          steps: path.split(".").map((attribute_name) => ({ attribute_name })),
        })),
        planned_private: request.prior_private,
        diagnostics: diagnostics.toProtocol(),
      };
    },

    async applyResourceChange(request) {
      const found = lookup(resources, request.type_name, "resource");
      if (found.diagnostics) return { diagnostics: found.diagnostics };
      const resource = found.item;
      const diagnostics = new Diagnostics();
      const type = objectType(resource.schema);
      const prior = decodeMsgpack(request.prior_state?.msgpack, type) as State | null;
      const planned = decodeMsgpack(request.planned_state?.msgpack, type) as State | null;
      const config = decodeObject(request.config?.msgpack, resource.schema);
      const reply = (state: State | null) => ({
        new_state: encodeState(state, resource.schema),
        private: request.planned_private,
        diagnostics: diagnostics.toProtocol(),
      });

      if (planned === null) {
        // A null plan is a delete, also of a tainted object left behind by a failed create.
        const deleted = await guard(diagnostics, `Deleting ${resource.typeName}`, async () => {
          await resource.delete({ ...context(diagnostics), state: prior ?? {} });
          return true;
        });
        return reply(deleted ? null : prior);
      }
      const operation = prior === null ? "Creating" : "Updating";
      const result = await guard(diagnostics, `${operation} ${resource.typeName}`, () =>
        prior === null
          ? resource.create({ ...context(diagnostics), config, planned })
          : updateOf(resource)({ ...context(diagnostics), config, planned, prior }),
      );
      // Nothing returned: a failed create leaves no object; a failed update keeps the prior one.
      if (result === undefined) return reply(prior);
      return reply(finalState(result, planned, resource.schema, diagnostics));
    },

    async importResourceState(request) {
      const found = lookup(resources, request.type_name, "resource");
      if (found.diagnostics) return { diagnostics: found.diagnostics, imported_resources: [] };
      const resource = found.item;
      const diagnostics = new Diagnostics();
      const imported = await guard(diagnostics, `Importing ${resource.typeName} "${request.id}"`, async () =>
        resource.importState ? resource.importState({ ...context(diagnostics), id: request.id }) : { id: request.id },
      );
      if (imported === undefined || diagnostics.hasErrors)
        return { imported_resources: [], diagnostics: diagnostics.toProtocol() };
      // Terraform reads the object next; unset attributes are null until then.
      const state = encodeState(withoutWriteOnly({ ...imported }, resource.schema), resource.schema);
      return { imported_resources: [{ type_name: resource.typeName, state }], diagnostics: diagnostics.toProtocol() };
    },

    async readDataSource(request) {
      const found = lookup(dataSources, request.type_name, "data source");
      if (found.diagnostics) return { diagnostics: found.diagnostics };
      const dataSource = found.item;
      const diagnostics = new Diagnostics();
      const config = decodeObject(request.config?.msgpack, dataSource.schema);
      const read = await guard(diagnostics, `Reading data source ${dataSource.typeName}`, () =>
        dataSource.read({ ...context(diagnostics), config }),
      );
      const state = read === undefined ? null : finalState(read, config, dataSource.schema, diagnostics);
      return { state: encodeState(state, dataSource.schema), diagnostics: diagnostics.toProtocol() };
    },

    async stopProvider() {
      stop.abort();
    },
  };
}

function protocolSchemas<P>(
  definition: ProviderDefinition<P>,
  resources: Map<string, { schema: Schema }>,
  dataSources: Map<string, { schema: Schema }>,
): protocol.GetProviderSchemaResponse {
  const schemas = (items: Map<string, { schema: Schema }>) =>
    Object.fromEntries([...items].map(([name, item]) => [name, toProtocolSchema(item.schema)]));
  return {
    provider: toProtocolSchema(definition.schema),
    resource_schemas: schemas(resources),
    data_source_schemas: schemas(dataSources),
    server_capabilities: SERVER_CAPABILITIES,
    diagnostics: [],
  };
}

/** Without an update, the plan replaces on every change; reaching here means a modifyPlan planned an update anyway. */
function updateOf<P>(resource: Resource<P>): NonNullable<Resource<P>["update"]> {
  if (resource.update) return resource.update.bind(resource);
  return async () => {
    throw new Error(`${resource.typeName} cannot be updated in place; its plan should have been a replacement.`);
  };
}

function byTypeName<T extends { typeName: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.typeName, item]));
}

function lookup<T>(
  items: Map<string, T>,
  typeName: string,
  kind: string,
): { item: T; diagnostics?: undefined } | { diagnostics: readonly protocol.Diagnostic[] } {
  const item = items.get(typeName);
  if (item) return { item };
  const diagnostics = new Diagnostics();
  diagnostics.error(
    `Unknown ${kind} type ${typeName}`,
    `This provider has: ${[...items.keys()].join(", ") || "none"}.`,
  );
  return { diagnostics: diagnostics.toProtocol() };
}

/** Runs a provider, resource or data source method; a thrown error becomes an error diagnostic. */
async function guard<T>(diagnostics: Diagnostics, operation: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    thrownDiagnostic(diagnostics, operation, error);
    return undefined;
  }
}

type Validatable = {
  readonly schema: Schema;
  validate?(context: { config: State; diagnostics: Diagnostics; signal: AbortSignal }): void;
};

/** Each attribute's own rules on known values, then the cross-attribute check. Unknown values wait for plan. */
async function validate(target: Validatable, config: protocol.DynamicValue | null | undefined, signal: AbortSignal) {
  const diagnostics = new Diagnostics();
  await guard(diagnostics, "Validating the configuration", async () => {
    const decoded = decodeObject(config?.msgpack, target.schema);
    for (const [name, attribute] of Object.entries(target.schema.attributes)) {
      const value = decoded[name];
      if (!attribute.validate || value === null || !isWhollyKnown(value)) continue;
      for (const message of attribute.validate(value)) diagnostics.error(`Invalid ${name}`, message, name);
    }
    target.validate?.({ config: decoded, diagnostics, signal });
  });
  return diagnostics.toProtocol();
}

/**
 * The state terraform stores: every schema attribute present (attributes the resource left out keep their
 * planned value), write-only ones null, and no unknowns, which terraform refuses after apply or read.
 */
function finalState(returned: State, planned: State, schema: Schema, diagnostics: Diagnostics): State {
  const state: { [attribute: string]: Value } = {};
  for (const name of [...Object.keys(schema.attributes), ...Object.keys(schema.blocks ?? {})]) {
    const value = name in returned ? returned[name] : (planned[name] ?? null);
    if (!isWhollyKnown(value)) {
      diagnostics.error(
        "Provider returned an unknown value",
        `The provider left "${name}" unknown; this is a bug in the provider.`,
        name,
      );
    }
    state[name] = isUnknown(value) ? null : value;
  }
  return withoutWriteOnly(state, schema);
}

function withoutWriteOnly(state: { [attribute: string]: Value }, schema: Schema): State {
  for (const [name, attribute] of Object.entries(schema.attributes)) if (attribute.writeOnly) state[name] = null;
  return state;
}

function decodeObject(bytes: Uint8Array | undefined, schema: Schema): State {
  // Validation of a block with nothing in it can arrive as a null object; resources always get attributes.
  return (decodeMsgpack(bytes, objectType(schema)) as State | null) ?? emptyObject(schema);
}

function emptyObject(schema: Schema): State {
  return Object.fromEntries(
    [...Object.keys(schema.attributes), ...Object.keys(schema.blocks ?? {})].map((name) => [name, null]),
  );
}

function encodeState(state: State | null, schema: Schema): protocol.DynamicValue {
  return { msgpack: encodeMsgpack(state, objectType(schema)) };
}
