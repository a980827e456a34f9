/**
 * `pingone_application_resource_grant` (`/applications/{id}/grants`): every attribute forces replacement,
 * as in Ping's provider, so the double never updates a grant.
 */
import type { Resource, State, Value } from "../../provider/framework";
import { resourceSchema } from "../schema";
import { DoubleData, Json, importParts, oneOf, text, uuid } from "./common";

const RESOURCE_TYPES = ["CUSTOM", "OPENID_CONNECT", "PINGONE_API"];
const eachUuid = (value: Value): string[] => [
  ...((value as readonly Value[]).length === 0 ? ["must name at least one scope"] : []),
  ...(value as readonly Value[]).flatMap(uuid),
];

export const applicationResourceGrant: Resource<DoubleData> = {
  typeName: "pingone_application_resource_grant",
  schema: resourceSchema("pingone_application_resource_grant", {
    id: { useStateForUnknown: true },
    resource_id: { useStateForUnknown: true },
    environment_id: { requiresReplace: true, validate: uuid },
    application_id: { requiresReplace: true, validate: uuid },
    resource_type: { requiresReplace: true, validate: oneOf(...RESOURCE_TYPES) },
    custom_resource_id: { requiresReplace: true, validate: uuid },
    scopes: { requiresReplace: true, validate: eachUuid },
  }),

  validate({ config, diagnostics }) {
    const custom = config.resource_type === "CUSTOM";
    if (custom && config.custom_resource_id === null)
      diagnostics.error("Invalid custom_resource_id", "is required when resource_type is CUSTOM", "custom_resource_id");
    if (!custom && typeof config.resource_type === "string" && config.custom_resource_id !== null) {
      diagnostics.error(
        "Invalid custom_resource_id",
        `must not be set when resource_type is ${config.resource_type}`,
        "custom_resource_id",
      );
    }
  },

  async create({ planned, providerData }) {
    const environmentId = text(planned, "environment_id");
    let resourceId: string;
    if (planned.resource_type === "CUSTOM") resourceId = text(planned, "custom_resource_id");
    else {
      const system = (await providerData.api.list(environmentId, "/resources", "resources")).find(
        (item) => item.type === planned.resource_type,
      );
      if (!system) throw new Error(`environment ${environmentId} has no ${String(planned.resource_type)} resource`);
      resourceId = system.id as string;
    }
    const scopes = planned.scopes as string[];
    const created = await providerData.api.post(
      environmentId,
      `/applications/${text(planned, "application_id")}/grants`,
      {
        resource: { id: resourceId },
        scopes: scopes.map((id) => ({ id })),
      },
    );
    return toState(planned, created);
  },

  async read({ state, providerData }) {
    const found = await providerData.api.get(text(state, "environment_id"), path(state));
    return found && toState(state, found);
  },

  async delete({ state, providerData }) {
    await providerData.api.delete(text(state, "environment_id"), path(state));
  },

  async importState({ id, providerData }) {
    const [environment_id, application_id, grantId] = importParts(id, ["environment_id", "application_id", "grant_id"]);
    const grant = await providerData.api.get(environment_id, `/applications/${application_id}/grants/${grantId}`);
    if (!grant) throw new Error(`Cannot import ${id}: application ${application_id} has no grant ${grantId}`);
    const resourceId = (grant.resource as { id: string }).id;
    const owner = await providerData.api.get(environment_id, `/resources/${resourceId}`);
    const type = (owner?.type as string | undefined) ?? "CUSTOM";
    return {
      environment_id,
      application_id,
      id: grantId,
      resource_type: type,
      custom_resource_id: type === "CUSTOM" ? resourceId : null,
    };
  },
};

function path(state: State): string {
  return `/applications/${text(state, "application_id")}/grants/${text(state, "id")}`;
}

function toState(known: State, api: Json): State {
  return {
    environment_id: known.environment_id,
    application_id: known.application_id,
    resource_type: known.resource_type,
    custom_resource_id: known.custom_resource_id,
    id: api.id as string,
    resource_id: (api.resource as { id: string }).id,
    scopes: ((api.scopes as { id: string }[] | undefined) ?? []).map((scope) => scope.id),
  };
}
