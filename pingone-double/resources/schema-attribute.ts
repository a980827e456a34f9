/**
 * `pingone_schema_attribute`: an attribute of the environment's `User` schema
 * (`/schemas/{schemaId}/attributes`). As in Ping's provider: changing `type` or `multivalued`, adding
 * `enumerated_values` to an attribute created without them, or removing an enumerated value fails the plan
 * ("Immutable Attribute"; archive a value instead), and destroying a STANDARD attribute resets it by PUT.
 */
import type { Resource, State, Value } from "../../provider/framework";
import type { ManagementApi } from "../client";
import { resourceSchema } from "../schema";
import { DoubleData, Json, checkNested, importParts, oneOf, optional, text, uuid } from "./common";

/** Ping's provider always works on the schema of this name. */
const USER_SCHEMA = "User";
/** PingOne attribute names: a letter, then letters, digits and underscores. */
const attributeName = (value: Value): string[] =>
  typeof value === "string" && /^[A-Za-z][A-Za-z0-9_]{0,99}$/.test(value)
    ? []
    : [`${JSON.stringify(value)} is not an attribute name (a letter, then letters, digits or _)`];

type Enumerated = { value: string; description: string | null; archived: boolean | null };

export const schemaAttribute: Resource<DoubleData> = {
  typeName: "pingone_schema_attribute",
  schema: resourceSchema("pingone_schema_attribute", {
    id: { useStateForUnknown: true },
    schema_id: { useStateForUnknown: true },
    schema_type: { useStateForUnknown: true },
    ldap_attribute: { useStateForUnknown: true },
    required: { useStateForUnknown: true },
    environment_id: { requiresReplace: true, validate: uuid },
    name: { validate: attributeName },
    type: { default: "STRING", validate: oneOf("STRING", "JSON", "BOOLEAN", "COMPLEX") },
    enabled: { default: true },
    unique: { default: false },
    multivalued: { default: false },
    "enumerated_values.archived": { default: false },
  }),

  validate({ config, diagnostics }) {
    if (config.enumerated_values !== null && config.regex_validation !== null) {
      diagnostics.error(
        "Invalid regex_validation",
        "conflicts with enumerated_values: set one of them",
        "regex_validation",
      );
    }
    const values = config.enumerated_values as Enumerated[] | null;
    if (Array.isArray(values)) {
      const seen = new Set<string>();
      for (const item of values) {
        checkNested(diagnostics, "enumerated_values.value", item?.value, (value) =>
          seen.has(value as string) ? [`${JSON.stringify(value)} is listed twice`] : (seen.add(value as string), []),
        );
      }
    }
  },

  modifyPlan({ prior, config, diagnostics }) {
    if (prior === null) return;
    for (const name of ["type", "multivalued"]) {
      const planned = config[name] ?? (name === "type" ? "STRING" : false);
      if (planned !== prior[name]) {
        diagnostics.error(
          "Immutable Attribute",
          `${name} cannot change from ${JSON.stringify(prior[name])} to ${JSON.stringify(planned)}; plan with -replace to recreate the attribute (its values are lost)`,
          name,
        );
      }
    }
    const before = prior.enumerated_values as Enumerated[] | null;
    const after = config.enumerated_values as Enumerated[] | null;
    if (before === null && Array.isArray(after)) {
      diagnostics.error(
        "Immutable Attribute",
        "enumerated_values cannot be added to an attribute created without them",
        "enumerated_values",
      );
    }
    if (Array.isArray(before) && (after === null || Array.isArray(after))) {
      const kept = new Set((after ?? []).map((item) => item?.value));
      const removed = before.filter((item) => !kept.has(item.value)).map((item) => item.value);
      if (removed.length > 0) {
        diagnostics.error(
          "Immutable Attribute",
          `enumerated values cannot be removed (archive them instead): ${removed.join(", ")}`,
          "enumerated_values",
        );
      }
    }
  },

  async create({ config, planned, providerData }) {
    const environmentId = text(planned, "environment_id");
    const schemaId = await userSchemaId(providerData.api, environmentId);
    return toState(
      planned,
      schemaId,
      await providerData.api.post(environmentId, `/schemas/${schemaId}/attributes`, body(config, planned)),
    );
  },

  async read({ state, providerData }) {
    const found = await providerData.api.get(text(state, "environment_id"), path(state));
    return found && toState(state, text(state, "schema_id"), found);
  },

  async update({ config, planned, prior, providerData }) {
    return toState(
      planned,
      text(prior, "schema_id"),
      await providerData.api.put(text(planned, "environment_id"), path(prior), body(config, planned)),
    );
  },

  async delete({ state, providerData }) {
    if (state.schema_type === "CUSTOM" || state.schema_type === null) {
      await providerData.api.delete(text(state, "environment_id"), path(state));
      return;
    }
    // A standard attribute can't be deleted; Ping's provider resets it instead.
    await providerData.api.put(text(state, "environment_id"), path(state), {
      name: state.name,
      type: state.type,
      enabled: true,
    });
  },

  async importState({ id }) {
    const [environment_id, schema_id, attributeId] = importParts(id, ["environment_id", "schema_id", "attribute_id"]);
    return { environment_id, schema_id, id: attributeId };
  },
};

async function userSchemaId(api: ManagementApi, environmentId: string): Promise<string> {
  const schemas = await api.list(environmentId, "/schemas", "schemas");
  const user = schemas.find((schema) => schema.name === USER_SCHEMA);
  if (!user) throw new Error(`environment ${environmentId} has no ${USER_SCHEMA} schema`);
  return user.id as string;
}

function path(state: State): string {
  return `/schemas/${text(state, "schema_id")}/attributes/${text(state, "id")}`;
}

/** Defaulted settings as planned; unset optional ones (display name, description) left to PingOne. */
function body(config: State, planned: State): Json {
  const values = planned.enumerated_values as Enumerated[] | null;
  const regex = planned.regex_validation as {
    pattern: string;
    requirements: string;
    values_pattern_should_match: string[] | null;
    values_pattern_should_not_match: string[] | null;
  } | null;
  return {
    name: planned.name,
    type: planned.type,
    enabled: planned.enabled,
    unique: planned.unique,
    multiValued: planned.multivalued,
    ...optional("displayName", config.display_name as string | null),
    ...optional("description", config.description as string | null),
    ...(values
      ? {
          enumeratedValues: values.map((item) => ({
            value: item.value,
            archived: item.archived ?? false,
            ...optional("description", item.description),
          })),
        }
      : {}),
    ...(regex
      ? {
          regexValidation: {
            pattern: regex.pattern,
            requirements: regex.requirements,
            ...optional("valuesPatternShouldMatch", regex.values_pattern_should_match),
            ...optional("valuesPatternShouldNotMatch", regex.values_pattern_should_not_match),
          },
        }
      : {}),
  };
}

function toState(known: State, schemaId: string, api: Json): State {
  const values = api.enumeratedValues as { value: string; description?: string; archived?: boolean }[] | undefined;
  const regex = api.regexValidation as
    | {
        pattern: string;
        requirements: string;
        valuesPatternShouldMatch?: string[];
        valuesPatternShouldNotMatch?: string[];
      }
    | undefined;
  const subAttributes = api.subAttributes as Json[] | undefined;
  return {
    environment_id: known.environment_id,
    schema_id: schemaId,
    id: api.id as string,
    name: api.name as string,
    display_name: (api.displayName as string | undefined) ?? null,
    description: (api.description as string | undefined) ?? null,
    type: (api.type as string | undefined) ?? "STRING",
    enabled: (api.enabled as boolean | undefined) ?? true,
    unique: (api.unique as boolean | undefined) ?? false,
    multivalued: (api.multiValued as boolean | undefined) ?? false,
    required: (api.required as boolean | undefined) ?? false,
    schema_type: (api.schemaType as string | undefined) ?? "CUSTOM",
    ldap_attribute: (api.ldapAttribute as string | undefined) ?? null,
    enumerated_values:
      values && values.length > 0
        ? values.map((item) => ({
            value: item.value,
            description: item.description ?? null,
            archived: item.archived ?? false,
          }))
        : null,
    regex_validation: regex
      ? {
          pattern: regex.pattern,
          requirements: regex.requirements,
          values_pattern_should_match: regex.valuesPatternShouldMatch ?? null,
          values_pattern_should_not_match: regex.valuesPatternShouldNotMatch ?? null,
        }
      : null,
    sub_attributes: subAttributes
      ? subAttributes.map(
          (sub) =>
            ({
              name: sub.name ?? null,
              display_name: sub.displayName ?? null,
              description: sub.description ?? null,
              type: sub.type ?? null,
              enabled: sub.enabled ?? null,
              required: sub.required ?? null,
              unique: sub.unique ?? null,
              multivalued: sub.multiValued ?? null,
              schema_type: sub.schemaType ?? null,
            }) as State,
        )
      : null,
  };
}
