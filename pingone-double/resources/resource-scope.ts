/** `pingone_resource_scope`: a scope of a custom resource (`/resources/{id}/scopes`). */
import type { Resource, State } from "../../provider/framework";
import { resourceSchema } from "../schema";
import { DoubleData, Json, importParts, notEmpty, optional, text, uuid } from "./common";
import { restOperations } from "./rest";

/** PingOne scope names: no spaces (they are joined by spaces in a token request). */
const scopeName = (value: unknown): string[] => [
  ...notEmpty(value as string),
  ...(/\s/.test(String(value)) ? ["must not contain whitespace"] : []),
];

export const resourceScope: Resource<DoubleData> = {
  typeName: "pingone_resource_scope",
  schema: resourceSchema("pingone_resource_scope", {
    id: { useStateForUnknown: true },
    environment_id: { requiresReplace: true, validate: uuid },
    resource_id: { requiresReplace: true, validate: uuid },
    name: { validate: scopeName },
  }),

  ...restOperations({
    collection: (planned) => `/resources/${text(planned, "resource_id")}/scopes`,
    path,
    body,
    toState,
  }),

  async importState({ id }) {
    const [environment_id, resource_id, scopeId] = importParts(id, [
      "environment_id",
      "resource_id",
      "resource_scope_id",
    ]);
    return { environment_id, resource_id, id: scopeId };
  },
};

function path(state: State): string {
  return `/resources/${text(state, "resource_id")}/scopes/${text(state, "id")}`;
}

function body(config: State): Json {
  return { name: config.name, ...optional("description", config.description) };
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
