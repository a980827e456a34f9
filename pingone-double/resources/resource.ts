/** `pingone_resource`: a custom resource (`/resources`), its audience and token lifetime. */
import type { Resource, State } from "../../provider/framework";
import { resourceSchema } from "../schema";
import { DoubleData, Json, between, importParts, notEmpty, oneOf, optional, text, uuid } from "./common";
import { restOperations } from "./rest";

const INTROSPECT_METHODS = ["CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST", "NONE"];

export const resource: Resource<DoubleData> = {
  typeName: "pingone_resource",
  schema: resourceSchema("pingone_resource", {
    id: { useStateForUnknown: true },
    type: { useStateForUnknown: true },
    environment_id: { requiresReplace: true, validate: uuid },
    name: { validate: notEmpty },
    access_token_validity_seconds: { default: 3600, validate: between(300, 2592000) },
    introspect_endpoint_auth_method: { default: "CLIENT_SECRET_BASIC", validate: oneOf(...INTROSPECT_METHODS) },
    application_permissions_settings: { default: { claim_enabled: false } },
  }),

  ...restOperations({
    collection: () => "/resources",
    path: (state) => `/resources/${text(state, "id")}`,
    body,
    toState,
  }),

  async importState({ id }) {
    const [environment_id, resourceId] = importParts(id, ["environment_id", "resource_id"]);
    return { environment_id, id: resourceId };
  },
};

/** What the configuration sets; the API applies its defaults to the rest (a PUT drops what it leaves out). */
function body(config: State): Json {
  const permissions = config.application_permissions_settings as { claim_enabled: boolean } | null;
  return {
    name: config.name,
    type: "CUSTOM",
    ...optional("description", config.description),
    ...optional("audience", config.audience as string | null),
    ...optional("accessTokenValiditySeconds", config.access_token_validity_seconds as number | null),
    ...optional("introspectEndpointAuthMethod", config.introspect_endpoint_auth_method as string | null),
    ...(permissions ? { applicationPermissionsSettings: { claimEnabled: permissions.claim_enabled } } : {}),
  };
}

/** The state from the API's object; fields the API leaves out read as the provider's defaults. */
function toState(known: State, api: Json): State {
  const permissions = api.applicationPermissionsSettings as { claimEnabled?: boolean } | undefined;
  return {
    environment_id: known.environment_id,
    id: api.id as string,
    name: api.name as string,
    description: (api.description as string | undefined) ?? null,
    type: (api.type as string | undefined) ?? "CUSTOM",
    audience: (api.audience as string | undefined) ?? (api.name as string),
    access_token_validity_seconds: (api.accessTokenValiditySeconds as number | undefined) ?? 3600,
    introspect_endpoint_auth_method: (api.introspectEndpointAuthMethod as string | undefined) ?? "CLIENT_SECRET_BASIC",
    application_permissions_settings: { claim_enabled: permissions?.claimEnabled ?? false },
  };
}
