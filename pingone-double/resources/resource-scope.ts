/** `pingone_resource_scope`: a scope of a custom resource (`/resources/{id}/scopes`). */
import type { Resource, State } from "../../provider/framework";
import { resourceSchema } from "../schema";
import { DoubleData, Json, importParts, notEmpty, optional, text, uuid } from "./common";

/** PingOne scope names: no spaces (they are joined by spaces in a token request). */
const scopeName = (value: unknown): string[] => [...notEmpty(value as string), ...(/\s/.test(String(value)) ? ["must not contain whitespace"] : [])];

export const resourceScope: Resource<DoubleData> = {
  typeName: "pingone_resource_scope",
  schema: resourceSchema("pingone_resource_scope", {
    id: { useStateForUnknown: true },
    environment_id: { requiresReplace: true, validate: uuid },
    resource_id: { requiresReplace: true, validate: uuid },
    name: { validate: scopeName },
  }),

  async create({ planned, providerData }) {
    return toState(planned, await providerData.api.post(text(planned, "environment_id"), `/resources/${text(planned, "resource_id")}/scopes`, body(planned)));
  },

  async read({ state, providerData }) {
    const found = await providerData.api.get(text(state, "environment_id"), path(state));
    return found && toState(state, found);
  },

  async update({ planned, prior, providerData }) {
    return toState(planned, await providerData.api.put(text(planned, "environment_id"), path(prior), body(planned)));
  },

  async delete({ state, providerData }) {
    await providerData.api.delete(text(state, "environment_id"), path(state));
  },

  async importState({ id }) {
    const [environment_id, resource_id, scopeId] = importParts(id, ["environment_id", "resource_id", "resource_scope_id"]);
    return { environment_id, resource_id, id: scopeId };
  },
};

function path(state: State): string {
  return `/resources/${text(state, "resource_id")}/scopes/${text(state, "id")}`;
}

function body(planned: State): Json {
  return { name: planned.name, ...optional("description", planned.description) };
}

function toState(known: State, api: Json): State {
  return {
    environment_id: known.environment_id,
    resource_id: known.resource_id,
    id: api.id as string,
    name: api.name as string,
    description: (api.description as string | undefined) ?? null,
  };
}
