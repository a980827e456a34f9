/**
 * `pingone_application`, OIDC applications only (`/applications`): SAML, WS-Fed and external-link
 * applications and the mobile, CORS, certificate and signing settings are refused at validate, because the
 * emulated PingOne has none of them. The client id is the application id, as in Ping's GA build.
 */
import type { Resource, State, Value } from "../../provider/framework";
import { Behaviours, resourceSchema } from "../schema";
import { DoubleData, Json, checkNested, eachOneOf, importParts, notEmpty, oneOf, optional, text, uuid } from "./common";
import { restOperations } from "./rest";

/** The provider's static defaults of oidc_options (terraform plans them when the configuration is silent). */
const OIDC_DEFAULTS: { readonly [attribute: string]: Value } = {
  additional_refresh_token_replay_protection_enabled: true,
  allow_wildcard_in_redirect_uris: false,
  device_polling_interval: 5,
  device_timeout: 600,
  idp_signoff: false,
  include_x5t: false,
  op_session_check_enabled: false,
  par_requirement: "OPTIONAL",
  par_timeout: 60,
  pkce_enforcement: "OPTIONAL",
  refresh_token_duration: 2592000,
  refresh_token_rolling_duration: 15552000,
  request_scopes_for_multiple_resources_enabled: false,
  require_signed_request_object: false,
  support_unsigned_request_object: false,
};

/** oidc_options settings the emulated PingOne has no counterpart for. */
const UNSUPPORTED_OIDC = ["certificate_based_authentication", "cors_settings", "mobile_app", "signing"];
/** Application kinds other than OIDC; exactly one kind may be set, and only OIDC is emulated. */
const OTHER_KINDS = ["saml_options", "wsfed_options", "external_link_options"];
/** Not derived from the API's field names (`client_id` is the id, `type` the application's type). */
const OIDC_SPECIAL = new Set(["client_id", "type", ...UNSUPPORTED_OIDC]);

const behaviours: Behaviours = {
  id: { useStateForUnknown: true },
  environment_id: { requiresReplace: true, validate: uuid },
  name: { validate: notEmpty },
  enabled: { default: false },
  hidden_from_app_portal: { default: false },
  access_control_role_type: { validate: oneOf("ADMIN_USERS_ONLY") },
  "oidc_options.client_id": { useStateForUnknown: true },
  "oidc_options.type": {
    requiresReplace: true,
    validate: oneOf("CUSTOM_APP", "NATIVE_APP", "SERVICE", "SINGLE_PAGE_APP", "WEB_APP", "WORKER"),
  },
  "oidc_options.grant_types": {
    validate: eachOneOf(
      "AUTHORIZATION_CODE",
      "CIBA",
      "CLIENT_CREDENTIALS",
      "DEVICE_CODE",
      "IMPLICIT",
      "REFRESH_TOKEN",
      "TOKEN_EXCHANGE",
    ),
  },
  "oidc_options.token_endpoint_auth_method": {
    validate: oneOf("CLIENT_SECRET_BASIC", "CLIENT_SECRET_JWT", "CLIENT_SECRET_POST", "NONE", "PRIVATE_KEY_JWT"),
  },
  "oidc_options.response_types": { validate: eachOneOf("CODE", "ID_TOKEN", "TOKEN") },
  ...Object.fromEntries(
    Object.entries(OIDC_DEFAULTS).map(([name, value]) => [`oidc_options.${name}`, { default: value }]),
  ),
};

const schema = resourceSchema("pingone_application", behaviours);
const oidcAttributes = Object.keys(schema.attributes.oidc_options.nested!.attributes);

export const application: Resource<DoubleData> = {
  typeName: "pingone_application",
  schema,

  validate({ config, diagnostics }) {
    const kinds = ["oidc_options", ...OTHER_KINDS].filter((kind) => config[kind] !== null);
    if (kinds.length !== 1) {
      diagnostics.error(
        "Invalid application kind",
        `exactly one of oidc_options, ${OTHER_KINDS.join(", ")} must be set; ${kinds.length === 0 ? "none is" : `${kinds.join(" and ")} are`}`,
        kinds[1] ?? "oidc_options",
      );
    }
    for (const kind of OTHER_KINDS) {
      checkNested(diagnostics, kind, config[kind], () => [
        "the PingOne provider test double implements OIDC applications only",
      ]);
    }
    const oidc = config.oidc_options as { [name: string]: Value } | null;
    if (oidc === null || typeof oidc !== "object") return;
    for (const name of UNSUPPORTED_OIDC) {
      checkNested(diagnostics, `oidc_options.${name}`, oidc[name], () => [
        "is not implemented by the PingOne provider test double",
      ]);
    }
    for (const [path, behaviour] of Object.entries(behaviours)) {
      if (path.startsWith("oidc_options.") && behaviour.validate)
        checkNested(diagnostics, path, oidc[path.slice("oidc_options.".length)], behaviour.validate);
    }
  },

  modifyPlan({ prior, config, replace }) {
    // RequiresReplaceIfExistenceChanges: adding or removing an application kind makes a new application.
    if (prior === null) return;
    for (const kind of ["oidc_options", ...OTHER_KINDS])
      if ((prior[kind] === null) !== (config[kind] === null)) replace(kind);
  },

  ...restOperations({
    collection: () => "/applications",
    path: (state) => `/applications/${text(state, "id")}`,
    body,
    toState,
  }),

  async importState({ id }) {
    const [environment_id, applicationId] = importParts(id, ["environment_id", "application_id"]);
    return { environment_id, id: applicationId };
  },
};

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** The request body: what the configuration sets; the API fills in the rest (PUT drops what is left out). */
function body(config: State): Json {
  const oidc = config.oidc_options as { [name: string]: Value };
  const groups = config.access_control_group_options as { type: string; groups: string[] } | null;
  const icon = config.icon as { id: string; href: string } | null;
  const accessControl = {
    ...(config.access_control_role_type !== null ? { role: { type: config.access_control_role_type } } : {}),
    ...(groups ? { group: { type: groups.type, groups: groups.groups.map((groupId) => ({ id: groupId })) } } : {}),
  };
  return {
    name: config.name,
    protocol: "OPENID_CONNECT",
    type: oidc.type,
    enabled: config.enabled ?? false,
    ...optional("description", config.description),
    ...optional("hiddenFromAppPortal", config.hidden_from_app_portal),
    ...optional("loginPageUrl", config.login_page_url),
    ...optional("tags", config.tags),
    ...(icon ? { icon: { id: icon.id, href: icon.href } } : {}),
    ...(Object.keys(accessControl).length > 0 ? { accessControl } : {}),
    ...Object.fromEntries(
      oidcAttributes
        .filter((name) => !OIDC_SPECIAL.has(name) && oidc[name] !== null)
        .map((name) => [camel(name), oidc[name]]),
    ),
  };
}

/** The state from the API's object; settings the API leaves out read as the provider's defaults. */
function toState(known: State, api: Json): State {
  const accessControl = (api.accessControl ?? {}) as {
    role?: { type?: string };
    group?: { type: string; groups: { id: string }[] };
  };
  const icon = api.icon as { id: string; href: string } | undefined;
  const oidc = Object.fromEntries(
    oidcAttributes.map((name): [string, Value] => {
      if (name === "client_id") return [name, api.id as string];
      if (name === "type") return [name, api.type as string];
      return [name, (api[camel(name)] as Value | undefined) ?? OIDC_DEFAULTS[name] ?? null];
    }),
  );
  return {
    environment_id: known.environment_id,
    id: api.id as string,
    name: api.name as string,
    description: (api.description as string | undefined) ?? null,
    enabled: (api.enabled as boolean | undefined) ?? false,
    hidden_from_app_portal: (api.hiddenFromAppPortal as boolean | undefined) ?? false,
    login_page_url: (api.loginPageUrl as string | undefined) ?? null,
    tags: (api.tags as string[] | undefined) ?? null,
    icon: icon ? { id: icon.id, href: icon.href } : null,
    access_control_role_type: accessControl.role?.type ?? null,
    access_control_group_options: accessControl.group
      ? { type: accessControl.group.type, groups: accessControl.group.groups.map((group) => group.id) }
      : null,
    oidc_options: api.protocol === "OPENID_CONNECT" ? oidc : null,
    saml_options: null,
    wsfed_options: null,
    external_link_options: null,
  };
}
