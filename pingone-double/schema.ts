/**
 * The double's schemas are Ping's: read from the committed v1.21.0 schema document that cdktf generates the
 * bindings from (`provider-schema/pingone@1.21.0.json`), so types, required/optional/computed, sensitivity and
 * nesting cannot drift from what the stacks are written against. The double adds only behaviour, per
 * attribute path: replacement, keeping a computed value, the provider's static defaults, value checks.
 * A behaviour for a path the schema lacks is a startup error, not a silent no-op.
 */
import committed from "../provider-schema/pingone@1.21.0.json";
import type { Attribute, Block, Schema } from "../provider/framework/schema";
import type { CtyType } from "../provider/protocol/values";
import { DOUBLE_SOURCE } from "./source";

/** What the double may add to one attribute; the schema document decides everything else. */
export type Behaviour = Pick<Attribute, "requiresReplace" | "useStateForUnknown" | "default" | "validate">;

/** Behaviour by dotted attribute path (`oidc_options.type`; a set's objects share their path). */
export type Behaviours = { readonly [path: string]: Behaviour };

interface JsonAttribute {
  readonly type?: CtyType;
  readonly nested_type?: {
    readonly attributes: { readonly [name: string]: JsonAttribute };
    readonly nesting_mode: "single" | "list" | "set" | "map";
  };
  readonly description?: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
}

interface JsonBlock {
  readonly attributes?: { readonly [name: string]: JsonAttribute };
  readonly block_types?: {
    readonly [name: string]: { readonly nesting_mode: "list" | "set"; readonly block: JsonBlock };
  };
  readonly description?: string;
}

interface JsonSchema {
  readonly version: number;
  readonly block: JsonBlock;
}

interface ProviderSchemas {
  readonly provider: JsonSchema;
  readonly resource_schemas: { readonly [type: string]: JsonSchema };
  readonly data_source_schemas: { readonly [type: string]: JsonSchema };
}

/** The committed schema document's entry for Ping's provider. */
export const COMMITTED_SCHEMAS = (committed as unknown as { provider_schemas: { [source: string]: ProviderSchemas } })
  .provider_schemas[DOUBLE_SOURCE];

/** The provider block's schema, with `behaviours`. */
export function providerSchema(behaviours: Behaviours = {}): Schema {
  return fromJson("provider", COMMITTED_SCHEMAS.provider, behaviours);
}

/** One resource type's committed schema, with `behaviours`; throws for a type the document lacks. */
export function resourceSchema(typeName: string, behaviours: Behaviours = {}): Schema {
  const json = COMMITTED_SCHEMAS.resource_schemas[typeName];
  if (!json) throw new Error(`the committed PingOne schema has no resource type ${typeName}`);
  return fromJson(typeName, json, behaviours);
}

function fromJson(owner: string, json: JsonSchema, behaviours: Behaviours): Schema {
  const used = new Set<string>();
  const schema: Schema = { version: json.version, ...block(json.block, "", behaviours, used) };
  const unknownPaths = Object.keys(behaviours).filter((path) => !used.has(path));
  if (unknownPaths.length > 0)
    throw new Error(
      `${owner}: behaviour for attributes the committed PingOne schema does not have: ${unknownPaths.join(", ")}`,
    );
  return schema;
}

function block(
  json: JsonBlock,
  prefix: string,
  behaviours: Behaviours,
  used: Set<string>,
): Pick<Schema, "attributes" | "blocks" | "description"> {
  const blocks = Object.entries(json.block_types ?? {}).map(([name, nested]): [string, Block] => [
    name,
    { nesting: nested.nesting_mode, ...block(nested.block, `${prefix}${name}.`, behaviours, used) },
  ]);
  return {
    attributes: attributes(json.attributes ?? {}, prefix, behaviours, used),
    ...(blocks.length > 0 ? { blocks: Object.fromEntries(blocks) } : {}),
    ...(json.description ? { description: json.description } : {}),
  };
}

function attributes(
  json: { readonly [name: string]: JsonAttribute },
  prefix: string,
  behaviours: Behaviours,
  used: Set<string>,
): Schema["attributes"] {
  return Object.fromEntries(
    Object.entries(json).map(([name, attribute]): [string, Attribute] => {
      const path = `${prefix}${name}`;
      if (behaviours[path]) used.add(path);
      return [
        name,
        {
          ...(attribute.nested_type
            ? {
                nested: {
                  nesting: attribute.nested_type.nesting_mode,
                  attributes: attributes(attribute.nested_type.attributes, `${path}.`, behaviours, used),
                },
              }
            : { type: attribute.type }),
          ...(attribute.description ? { description: attribute.description } : {}),
          ...(attribute.required ? { required: true } : {}),
          ...(attribute.optional ? { optional: true } : {}),
          ...(attribute.computed ? { computed: true } : {}),
          ...(attribute.sensitive ? { sensitive: true } : {}),
          ...behaviours[path],
        },
      ];
    }),
  );
}
