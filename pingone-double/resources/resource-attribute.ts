/**
 * `pingone_resource_attribute`: a claim of a resource's tokens (`/resources/{id}/attributes`). A CUSTOM
 * resource is named by `custom_resource_id`; OPENID_CONNECT means the environment's `openid` resource.
 */
import type { Resource, State } from "../../provider/framework";
import type { ManagementApi } from "../client";
import { resourceSchema } from "../schema";
import { DoubleData, Json, importParts, notEmpty, oneOf, optional, text, uuid } from "./common";

const RESOURCE_TYPES = ["CUSTOM", "OPENID_CONNECT"];

export const resourceAttribute: Resource<DoubleData> = {
  typeName: "pingone_resource_attribute",
  schema: resourceSchema("pingone_resource_attribute", {
    id: { useStateForUnknown: true },
    resource_id: { useStateForUnknown: true },
    type: { useStateForUnknown: true },
    environment_id: { requiresReplace: true, validate: uuid },
    name: { requiresReplace: true, validate: notEmpty },
    value: { validate: notEmpty },
    resource_type: { validate: oneOf(...RESOURCE_TYPES) },
    custom_resource_id: { validate: uuid },
  }),

  validate({ config, diagnostics }) {
    if (config.resource_type === "CUSTOM" && config.custom_resource_id === null) {
      diagnostics.error("Invalid custom_resource_id", "is required when resource_type is CUSTOM", "custom_resource_id");
    }
    if (config.resource_type === "OPENID_CONNECT" && config.custom_resource_id !== null) {
      diagnostics.error(
        "Invalid custom_resource_id",
        "must not be set when resource_type is OPENID_CONNECT",
        "custom_resource_id",
      );
    }
  },

  async create({ config, planned, providerData }) {
    const resourceId = await resourceIdOf(providerData.api, planned);
    const created = await providerData.api.post(
      text(planned, "environment_id"),
      `/resources/${resourceId}/attributes`,
      body(config),
    );
    return toState(planned, resourceId, created);
  },

  async read({ state, providerData }) {
    const found = await providerData.api.get(text(state, "environment_id"), path(state));
    return found && toState(state, text(state, "resource_id"), found);
  },

  async update({ config, planned, prior, providerData }) {
    const updated = await providerData.api.put(text(planned, "environment_id"), path(prior), body(config));
    return toState(planned, text(prior, "resource_id"), updated);
  },

  async delete({ state, providerData }) {
    await providerData.api.delete(text(state, "environment_id"), path(state));
  },

  async importState({ id, providerData }) {
    const [environment_id, resourceId, attributeId] = importParts(id, [
      "environment_id",
      "resource_id",
      "resource_attribute_id",
    ]);
    const owner = await providerData.api.get(environment_id, `/resources/${resourceId}`);
    if (!owner)
      throw new Error(`Cannot import ${id}: resource ${resourceId} does not exist in environment ${environment_id}`);
    const custom = owner.type === "CUSTOM";
    return {
      environment_id,
      id: attributeId,
      resource_id: resourceId,
      resource_type: custom ? "CUSTOM" : "OPENID_CONNECT",
      custom_resource_id: custom ? resourceId : null,
    };
  },
};

function path(state: State): string {
  return `/resources/${text(state, "resource_id")}/attributes/${text(state, "id")}`;
}

async function resourceIdOf(api: ManagementApi, planned: State): Promise<string> {
  if (planned.resource_type === "CUSTOM") return text(planned, "custom_resource_id");
  const resources = await api.list(text(planned, "environment_id"), "/resources", "resources");
  const openid = resources.find((item) => item.type === "OPENID_CONNECT");
  if (!openid) throw new Error(`environment ${text(planned, "environment_id")} has no OPENID_CONNECT resource`);
  return openid.id as string;
}

/** What the configuration sets; PingOne decides the rest. */
function body(config: State): Json {
  return {
    name: config.name,
    value: config.value,
    ...optional("idToken", config.id_token_enabled as boolean | null),
    ...optional("userInfo", config.userinfo_enabled as boolean | null),
  };
}

function toState(known: State, resourceId: string, api: Json): State {
  return {
    environment_id: known.environment_id,
    resource_type: known.resource_type,
    custom_resource_id: known.custom_resource_id,
    resource_id: resourceId,
    id: api.id as string,
    name: api.name as string,
    value: api.value as string,
    type: (api.type as string | undefined) ?? "CUSTOM",
    id_token_enabled: (api.idToken as boolean | undefined) ?? null,
    userinfo_enabled: (api.userInfo as boolean | undefined) ?? null,
  };
}
