/**
 * The schema's plan rules, as terraform's resource-instance-change lifecycle demands them: a configured
 * value is planned as configured; an unconfigured computed value keeps its prior value while nothing
 * changes, and becomes unknown when the object is created, updated (unless useStateForUnknown) or replaced;
 * a write-only value is never planned. Nested attributes follow the same rules inside each object; the
 * objects of a set are paired with prior ones by their configured values, since sets have no index.
 */
import { CtyType, Value, isUnknown, unknown, valuesEqual } from "../protocol/values";
import type { State } from "./provider-interfaces";
import { Attribute, Schema, attributeType } from "./schema";

type Attributes = Schema["attributes"];
type PlainObject = { readonly [attribute: string]: Value };

export interface SchemaPlan {
  readonly planned: { [attribute: string]: Value };
  /** Attribute paths, nested ones dotted (`oidc_options.type`). */
  readonly requiresReplace: string[];
}

/**
 * The plan before the resource's own `modifyPlan`. `canUpdate` false means the resource has no update, so
 * any change of a configurable attribute forces replacement.
 */
export function planFromSchema(schema: Schema, prior: State | null, config: State, canUpdate: boolean): SchemaPlan {
  const attributes = Object.entries(schema.attributes);
  const planned: { [attribute: string]: Value } = {
    ...planObject(schema.attributes, config, prior ?? undefined),
    // Blocks are configuration only.
    ...Object.fromEntries(Object.keys(schema.blocks ?? {}).map((name) => [name, config[name] ?? null])),
  };
  if (prior === null) {
    return {
      planned: markUnconfiguredComputedUnknown(schema.attributes, config, planned, () => true),
      requiresReplace: [],
    };
  }
  const changed = attributes.filter(
    ([name, attribute]) => !equalAs(attributeType(attribute), planned[name], prior[name]),
  );
  const requiresReplace = [
    ...replacePaths(schema.attributes).filter(
      (path) => !equalAs(typeAt(schema.attributes, path), valueAt(planned, path), valueAt(prior, path)),
    ),
    ...changed
      .filter(([, attribute]) => !canUpdate && isConfigurable(attribute) && !attribute.requiresReplace)
      .map(([name]) => name),
  ];
  if (changed.length === 0) return { planned, requiresReplace };
  // An update may change any computed value, unless the resource promises it never does.
  return {
    planned: markUnconfiguredComputedUnknown(schema.attributes, config, planned, (a) => !a.useStateForUnknown),
    requiresReplace,
  };
}

/**
 * A replacement creates a new object, so none of the old object's computed values (not even those kept by
 * useStateForUnknown) carry over: terraform re-plans the create with no prior state at apply, and a value
 * known in this plan but unknown then would be an "inconsistent final plan".
 */
export function planForReplacement(
  schema: Schema,
  config: State,
  planned: { [attribute: string]: Value },
): { [attribute: string]: Value } {
  return markUnconfiguredComputedUnknown(schema.attributes, config, planned, () => true);
}

/** `prior` is undefined when the object (or the object holding the attribute) is to be created. */
function plannedValue(attribute: Attribute, configured: Value, prior: Value | undefined): Value {
  if (attribute.writeOnly) return null;
  if (configured === null) {
    if (!attribute.computed) return null;
    if (attribute.default !== undefined) return attribute.default;
    return prior === undefined ? unknown : prior;
  }
  if (!attribute.nested || isUnknown(configured)) return configured;
  const { nesting, attributes } = attribute.nested;
  const priorValue = prior === undefined || prior === null || isUnknown(prior) ? undefined : prior;
  if (nesting === "single")
    return planObject(attributes, configured as PlainObject, priorValue as PlainObject | undefined);
  if (nesting === "map") {
    const priorMap = priorValue as PlainObject | undefined;
    return Object.fromEntries(
      Object.entries(configured as PlainObject).map(([key, item]) => [
        key,
        planElement(attributes, item, priorMap?.[key] ?? undefined),
      ]),
    );
  }
  const priorItems = (priorValue as readonly Value[] | undefined) ?? [];
  return (configured as readonly Value[]).map((item, index) =>
    planElement(
      attributes,
      item,
      nesting === "list"
        ? priorItems[index]
        : priorItems.find((candidate) => configuredValuesMatch(attributes, item, candidate)),
    ),
  );
}

function planElement(attributes: Attributes, configured: Value, prior: Value | undefined): Value {
  if (configured === null || isUnknown(configured)) return configured;
  return planObject(
    attributes,
    configured as PlainObject,
    prior === null || isUnknown(prior) ? undefined : (prior as PlainObject | undefined),
  );
}

function planObject(
  attributes: Attributes,
  config: PlainObject,
  prior: PlainObject | undefined,
): { [attribute: string]: Value } {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, attribute]) => [
      name,
      plannedValue(attribute, config[name] ?? null, prior === undefined ? undefined : (prior[name] ?? null)),
    ]),
  );
}

/** A prior set element is the configured one when every value the configuration sets is equal. */
function configuredValuesMatch(attributes: Attributes, configured: Value, prior: Value | undefined): boolean {
  if (configured === null || prior === null || prior === undefined || isUnknown(configured) || isUnknown(prior))
    return false;
  const c = configured as PlainObject;
  const p = prior as PlainObject;
  return Object.keys(attributes).every(
    (name) => c[name] === null || c[name] === undefined || valuesEqual(c[name], p[name]),
  );
}

function markUnconfiguredComputedUnknown(
  attributes: Attributes,
  config: PlainObject,
  planned: { [attribute: string]: Value },
  applies: (attribute: Attribute) => boolean,
): { [attribute: string]: Value } {
  const result = { ...planned };
  for (const [name, attribute] of Object.entries(attributes)) {
    const configured = config[name] ?? null;
    const unconfigured = configured === null && attribute.default === undefined;
    if (attribute.computed && unconfigured && applies(attribute)) {
      if (!isUnknown(result[name])) result[name] = unknown;
    } else if (
      attribute.nested &&
      configured !== null &&
      !isUnknown(configured) &&
      result[name] !== null &&
      !isUnknown(result[name])
    ) {
      result[name] = markNested(attribute.nested, configured, result[name], applies);
    }
  }
  return result;
}

function markNested(
  nested: NonNullable<Attribute["nested"]>,
  configured: Value,
  planned: Value,
  applies: (attribute: Attribute) => boolean,
): Value {
  const mark = (c: Value, p: Value) =>
    c === null || isUnknown(c) || p === null || isUnknown(p)
      ? p
      : markUnconfiguredComputedUnknown(nested.attributes, c as PlainObject, { ...(p as PlainObject) }, applies);
  if (nested.nesting === "single") return mark(configured, planned);
  if (nested.nesting === "map") {
    const c = configured as PlainObject;
    return Object.fromEntries(
      Object.entries(planned as PlainObject).map(([key, item]) => [key, mark(c[key] ?? null, item)]),
    );
  }
  // Planned list and set elements are built from the configured ones, in the same order.
  const c = configured as readonly Value[];
  return (planned as readonly Value[]).map((item, index) => mark(c[index] ?? null, item));
}

/** Dotted paths of requiresReplace attributes, through single nested objects (collections have no fixed path). */
function replacePaths(attributes: Attributes, prefix = ""): string[] {
  return Object.entries(attributes).flatMap(([name, attribute]) => [
    ...(attribute.requiresReplace ? [`${prefix}${name}`] : []),
    ...(attribute.nested?.nesting === "single" ? replacePaths(attribute.nested.attributes, `${prefix}${name}.`) : []),
  ]);
}

/** Equality as terraform sees it: a set's order is no difference (terraform orders sets its own way). */
function equalAs(type: CtyType, a: Value, b: Value): boolean {
  if (typeof type === "string" || a === null || b === null || isUnknown(a) || isUnknown(b)) return valuesEqual(a, b);
  const [kind, element] = type;
  if (kind === "object") {
    const left = a as PlainObject;
    const right = b as PlainObject;
    return Object.entries(element).every(([name, attribute]) =>
      equalAs(attribute, left[name] ?? null, right[name] ?? null),
    );
  }
  if (kind === "map") {
    const left = a as PlainObject;
    const right = b as PlainObject;
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => key in right && equalAs(element, left[key], right[key]))
    );
  }
  const left = a as readonly Value[];
  const right = b as readonly Value[];
  if (left.length !== right.length) return false;
  if (kind === "list") return left.every((item, index) => equalAs(element, item, right[index]));
  const unmatched = [...right];
  return left.every((item) => {
    const index = unmatched.findIndex((candidate) => equalAs(element, item, candidate));
    return index >= 0 && unmatched.splice(index, 1).length === 1;
  });
}

/** The type of the attribute at a dotted path through single nested objects. */
function typeAt(attributes: Attributes, path: string): CtyType {
  const [name, ...rest] = path.split(".");
  const attribute = attributes[name];
  return rest.length === 0 ? attributeType(attribute) : typeAt(attribute.nested!.attributes, rest.join("."));
}

function valueAt(object: PlainObject, path: string): Value {
  let value: Value = object;
  for (const step of path.split(".")) {
    if (value === null || isUnknown(value) || typeof value !== "object" || Array.isArray(value))
      return value === undefined ? null : isUnknown(value) ? value : null;
    value = (value as PlainObject)[step] ?? null;
  }
  return value;
}

function isConfigurable(attribute: Attribute): boolean {
  return (attribute.required || attribute.optional) === true && !attribute.writeOnly;
}
