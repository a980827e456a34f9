/**
 * Schemas, declared once per provider, resource and data source. The same declaration produces the protocol
 * schema (GetProviderSchema), the `terraform providers schema -json` document, the value types the codecs
 * need, and the plan rules (requiresReplace, useStateForUnknown, defaults, write-only).
 */
import type { Schema as ProtocolSchema, SchemaAttribute } from "../protocol/messages";
import type { CtyType, Value } from "../protocol/values";

export interface Attribute {
  readonly type: CtyType;
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

export interface Schema {
  /** Bump when stored state needs upgrading; the resource's `upgradeState` receives the old version. @default 0 */
  readonly version?: number;
  /** Markdown. @default - no description */
  readonly description?: string;
  readonly attributes: { readonly [name: string]: Attribute };
}

/** The cty object type of the whole schema: what configs, plans and states are encoded with. */
export function objectType(schema: Schema): CtyType {
  return ["object", Object.fromEntries(Object.entries(schema.attributes).map(([name, attribute]) => [name, attribute.type]))];
}

export function toProtocolSchema(schema: Schema): ProtocolSchema {
  const version = schema.version ?? 0;
  const attributes: SchemaAttribute[] = sortedAttributes(schema).map(([name, attribute]) => ({
    name,
    type: Buffer.from(JSON.stringify(attribute.type)),
    description: attribute.description ?? "",
    description_kind: "MARKDOWN",
    required: attribute.required ?? false,
    optional: attribute.optional ?? false,
    computed: attribute.computed ?? false,
    sensitive: attribute.sensitive ?? false,
    write_only: attribute.writeOnly ?? false,
  }));
  return { version, block: { version, attributes, description: schema.description ?? "", description_kind: "MARKDOWN" } };
}

/**
 * One schema as `terraform providers schema -json` prints it: flags only when true, descriptions only when
 * set, and the description kind we declare in the protocol (markdown) even where there is no description.
 */
export function toJsonSchema(schema: Schema): object {
  const attributes = Object.fromEntries(
    sortedAttributes(schema).map(([name, attribute]) => [
      name,
      {
        type: attribute.type,
        ...(attribute.description ? { description: attribute.description } : {}),
        description_kind: "markdown",
        ...(attribute.required ? { required: true } : {}),
        ...(attribute.optional ? { optional: true } : {}),
        ...(attribute.computed ? { computed: true } : {}),
        ...(attribute.sensitive ? { sensitive: true } : {}),
        ...(attribute.writeOnly ? { write_only: true } : {}),
      },
    ]),
  );
  return {
    version: schema.version ?? 0,
    block: {
      attributes,
      ...(schema.description ? { description: schema.description } : {}),
      description_kind: "markdown",
    },
  };
}

/**
 * Declaration mistakes that would otherwise surface as confusing terraform errors, one message each. The
 * framework checks every schema once, when the provider server is built.
 */
export function schemaProblems(owner: string, schema: Schema): string[] {
  return Object.entries(schema.attributes).flatMap(([name, a]) => {
    const where = `${owner}.${name}`;
    const problems: string[] = [];
    if (!a.required && !a.optional && !a.computed) problems.push(`${where}: set one of required, optional or computed`);
    if (a.required && (a.optional || a.computed)) problems.push(`${where}: required excludes optional and computed`);
    if (a.default !== undefined && !(a.optional && a.computed)) problems.push(`${where}: a default needs optional and computed`);
    if (a.writeOnly && (a.computed || a.requiresReplace || a.default !== undefined)) {
      problems.push(`${where}: a write-only attribute has no state, so it cannot be computed, requiresReplace or defaulted`);
    }
    if (a.useStateForUnknown && !a.computed) problems.push(`${where}: useStateForUnknown needs computed`);
    return problems;
  });
}

function sortedAttributes(schema: Schema): [string, Attribute][] {
  return Object.entries(schema.attributes).sort(([a], [b]) => a.localeCompare(b));
}
