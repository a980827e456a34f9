/**
 * Schemas, declared once per provider, resource and data source. The same declaration produces the protocol
 * schema (GetProviderSchema), the `terraform providers schema -json` document, the value types the codecs
 * need, and the plan rules (requiresReplace, useStateForUnknown, defaults, write-only).
 */
import type { Schema as ProtocolSchema, SchemaAttribute, SchemaBlock } from "../protocol/tfplugin6-messages";
import type { CtyType, Value } from "../protocol/values";

export interface Attribute {
  /** The value's type; a nested attribute's type follows from `nested` instead. @default - from `nested` */
  readonly type?: CtyType;
  /**
   * A nested attribute (`oidc_options = { type = "WEB_APP" }`): an object, or a list, set or map of
   * objects, each with attributes of its own and the same rules as top-level ones.
   * @default - not nested: `type` describes the value
   */
  readonly nested?: NestedAttributes;
  /** Markdown. @default - no description */
  readonly description?: string;
  /** Exactly one of required, optional and computed (or optional + computed) describes who sets the value. */
  readonly required?: boolean;
  /** @default false */
  readonly optional?: boolean;
  /** The provider sets the value (unknown in a plan until apply). @default false */
  readonly computed?: boolean;
  /** Hidden in plan output. @default false */
  readonly sensitive?: boolean;
  /**
   * The value reaches the provider in the configuration at plan and apply, and is never stored: planned
   * state and state always hold null. Requires terraform >= 1.11.
   * @default false
   */
  readonly writeOnly?: boolean;
  /** A change of this attribute replaces the object (destroy, then create). @default false */
  readonly requiresReplace?: boolean;
  /**
   * For a computed attribute: keep the prior value in the plan of an update instead of "known after apply",
   * because the API never changes it after create (an id, a creation time).
   * @default false
   */
  readonly useStateForUnknown?: boolean;
  /** The planned value when the configuration leaves the attribute null; requires `optional` and `computed`. @default - none */
  readonly default?: Value;
  /**
   * Problems with a known, non-null configured value, one message per broken rule. Unknown and null values
   * are never passed: they are checked again at plan or apply, when they are known.
   * @default - no check beyond the type
   */
  readonly validate?: (value: Value) => readonly string[];
}

/** What a nested attribute holds: one object, or a list, set or map of objects. */
export interface NestedAttributes {
  readonly nesting: "single" | "list" | "set" | "map";
  readonly attributes: { readonly [name: string]: Attribute };
}

/**
 * A nested block (`service_endpoints { ... }`), as providers that predate nested attributes declare
 * settings. Blocks are configuration only: they are planned as configured and never computed.
 */
export interface Block {
  readonly nesting: "list" | "set";
  /** Markdown. @default - no description */
  readonly description?: string;
  readonly attributes: { readonly [name: string]: Attribute };
  /** @default - none */
  readonly blocks?: { readonly [name: string]: Block };
}

export interface Schema {
  /** Bump when stored state needs upgrading; the resource's `upgradeState` receives the old version. @default 0 */
  readonly version?: number;
  /** Markdown. @default - no description */
  readonly description?: string;
  readonly attributes: { readonly [name: string]: Attribute };
  /** @default - none */
  readonly blocks?: { readonly [name: string]: Block };
}

const objectTypes = new WeakMap<Schema, CtyType>();

/**
 * The cty object type of the whole schema: what configs, plans and states are encoded with. Derived once per
 * schema: every RPC of a plan decodes and encodes with it, and a plan of N objects makes several RPCs each.
 */
export function objectType(schema: Schema): CtyType {
  let type = objectTypes.get(schema);
  if (type === undefined) objectTypes.set(schema, (type = blockType(schema.attributes, schema.blocks)));
  return type;
}

/** An attribute's cty type; a nested one's is its objects' type, wrapped in its nesting's collection. */
export function attributeType(attribute: Attribute): CtyType {
  if (!attribute.nested) return attribute.type ?? "string";
  const object = blockType(attribute.nested.attributes);
  return attribute.nested.nesting === "single" ? object : [attribute.nested.nesting, object];
}

function blockType(attributes: Schema["attributes"], blocks: Schema["blocks"] = {}): CtyType {
  return [
    "object",
    {
      ...Object.fromEntries(Object.entries(attributes).map(([name, attribute]) => [name, attributeType(attribute)])),
      ...Object.fromEntries(
        Object.entries(blocks).map(([name, block]) => [
          name,
          [block.nesting, blockType(block.attributes, block.blocks)] as const,
        ]),
      ),
    },
  ];
}

export function toProtocolSchema(schema: Schema): ProtocolSchema {
  const version = schema.version ?? 0;
  return {
    version,
    block: {
      version,
      ...protocolBlock(schema.attributes, schema.blocks),
      description: schema.description ?? "",
      description_kind: "MARKDOWN",
    },
  };
}

function protocolBlock(
  attributes: Schema["attributes"],
  blocks: Schema["blocks"] = {},
): Pick<SchemaBlock, "attributes" | "block_types"> {
  return {
    attributes: sortedEntries(attributes).map(([name, attribute]) => protocolAttribute(name, attribute)),
    block_types: sortedEntries(blocks).map(([type_name, block]) => ({
      type_name,
      nesting: block.nesting.toUpperCase() as "LIST" | "SET",
      block: {
        version: 0,
        ...protocolBlock(block.attributes, block.blocks),
        description: block.description ?? "",
        description_kind: "MARKDOWN" as const,
      },
    })),
  };
}

function protocolAttribute(name: string, attribute: Attribute): SchemaAttribute {
  return {
    name,
    // Terraform derives a nested attribute's type from nested_type; the type field stays empty.
    type: attribute.nested ? Buffer.alloc(0) : Buffer.from(JSON.stringify(attribute.type)),
    ...(attribute.nested
      ? {
          nested_type: {
            attributes: sortedEntries(attribute.nested.attributes).map(([nestedName, nested]) =>
              protocolAttribute(nestedName, nested),
            ),
            nesting: attribute.nested.nesting.toUpperCase() as "SINGLE" | "LIST" | "SET" | "MAP",
          },
        }
      : {}),
    description: attribute.description ?? "",
    description_kind: "MARKDOWN",
    required: attribute.required ?? false,
    optional: attribute.optional ?? false,
    computed: attribute.computed ?? false,
    sensitive: attribute.sensitive ?? false,
    write_only: attribute.writeOnly ?? false,
  };
}

/**
 * One schema as `terraform providers schema -json` prints it: flags only when true, descriptions only when
 * set, and the description kind we declare in the protocol (markdown) even where there is no description.
 */
export function toJsonSchema(schema: Schema): object {
  return { version: schema.version ?? 0, block: jsonBlock(schema.attributes, schema.blocks, schema.description) };
}

function jsonBlock(attributes: Schema["attributes"], blocks: Schema["blocks"] = {}, description?: string): object {
  const blockTypes = sortedEntries(blocks).map(([name, block]) => [
    name,
    { nesting_mode: block.nesting, block: jsonBlock(block.attributes, block.blocks, block.description) },
  ]);
  return {
    attributes: Object.fromEntries(
      sortedEntries(attributes).map(([name, attribute]) => [name, jsonAttribute(attribute)]),
    ),
    ...(blockTypes.length > 0 ? { block_types: Object.fromEntries(blockTypes) } : {}),
    ...(description ? { description } : {}),
    description_kind: "markdown",
  };
}

function jsonAttribute(attribute: Attribute): object {
  return {
    ...(attribute.nested
      ? {
          nested_type: {
            attributes: Object.fromEntries(
              sortedEntries(attribute.nested.attributes).map(([name, nested]) => [name, jsonAttribute(nested)]),
            ),
            nesting_mode: attribute.nested.nesting,
          },
        }
      : { type: attribute.type }),
    ...(attribute.description ? { description: attribute.description } : {}),
    description_kind: "markdown",
    ...(attribute.required ? { required: true } : {}),
    ...(attribute.optional ? { optional: true } : {}),
    ...(attribute.computed ? { computed: true } : {}),
    ...(attribute.sensitive ? { sensitive: true } : {}),
    ...(attribute.writeOnly ? { write_only: true } : {}),
  };
}

/**
 * Declaration mistakes that would otherwise surface as confusing terraform errors, one message each. The
 * framework checks every schema once, when the provider server is built.
 */
export function schemaProblems(owner: string, schema: Schema): string[] {
  return [
    ...attributeProblems(owner, schema.attributes),
    ...Object.entries(schema.blocks ?? {}).flatMap(([name, block]) => schemaProblems(`${owner}.${name}`, block)),
  ];
}

function attributeProblems(owner: string, attributes: Schema["attributes"]): string[] {
  return Object.entries(attributes).flatMap(([name, a]) => {
    const where = `${owner}.${name}`;
    const problems: string[] = [];
    if ((a.type === undefined) === (a.nested === undefined))
      problems.push(`${where}: set exactly one of type and nested`);
    if (a.nested) problems.push(...attributeProblems(where, a.nested.attributes));
    if (!a.required && !a.optional && !a.computed) problems.push(`${where}: set one of required, optional or computed`);
    if (a.required && (a.optional || a.computed)) problems.push(`${where}: required excludes optional and computed`);
    if (a.default !== undefined && !(a.optional && a.computed))
      problems.push(`${where}: a default needs optional and computed`);
    if (a.writeOnly && (a.computed || a.requiresReplace || a.default !== undefined)) {
      problems.push(
        `${where}: a write-only attribute has no state, so it cannot be computed, requiresReplace or defaulted`,
      );
    }
    if (a.useStateForUnknown && !a.computed) problems.push(`${where}: useStateForUnknown needs computed`);
    return problems;
  });
}

function sortedEntries<T>(items: { readonly [name: string]: T }): [string, T][] {
  return Object.entries(items).sort(([a], [b]) => a.localeCompare(b));
}
