/**
 * The schema's plan rules, as terraform's resource-instance-change lifecycle demands them: a configured
 * value is planned as configured; an unconfigured computed value keeps its prior value while nothing
 * changes, and becomes unknown when the object is created, updated (unless useStateForUnknown) or replaced;
 * a write-only value is never planned.
 */
import { Value, isUnknown, unknown, valuesEqual } from "../protocol/values";
import type { State } from "./definitions";
import type { Attribute, Schema } from "./schema";

export interface SchemaPlan {
  readonly planned: { [attribute: string]: Value };
  readonly requiresReplace: string[];
}

/**
 * The plan before the resource's own `modifyPlan`. `canUpdate` false means the resource has no update, so
 * any change of a configurable attribute forces replacement.
 */
export function planFromSchema(schema: Schema, prior: State | null, config: State, canUpdate: boolean): SchemaPlan {
  const attributes = Object.entries(schema.attributes);
  const planned = Object.fromEntries(attributes.map(([name, attribute]) => [name, plannedValue(attribute, config[name], prior === null ? undefined : prior[name])]));
  if (prior === null) {
    return { planned: markUnconfiguredComputedUnknown(schema, config, planned, () => true), requiresReplace: [] };
  }
  const changed = attributes.filter(([name]) => !valuesEqual(planned[name], prior[name]));
  const requiresReplace = changed
    .filter(([, attribute]) => attribute.requiresReplace || (!canUpdate && isConfigurable(attribute)))
    .map(([name]) => name);
  if (changed.length === 0) return { planned, requiresReplace };
  // An update may change any computed value, unless the resource promises it never does.
  return { planned: markUnconfiguredComputedUnknown(schema, config, planned, (a) => !a.useStateForUnknown), requiresReplace };
}

/**
 * A replacement creates a new object, so none of the old object's computed values (not even those kept by
 * useStateForUnknown) carry over: terraform re-plans the create with no prior state at apply, and a value
 * known in this plan but unknown then would be an "inconsistent final plan".
 */
export function planForReplacement(schema: Schema, config: State, planned: { [attribute: string]: Value }): { [attribute: string]: Value } {
  return markUnconfiguredComputedUnknown(schema, config, planned, () => true);
}

/** `prior` is undefined when the object is to be created. */
function plannedValue(attribute: Attribute, configured: Value, prior: Value | undefined): Value {
  if (attribute.writeOnly) return null;
  if (configured !== null) return configured;
  if (!attribute.computed) return null;
  if (attribute.default !== undefined) return attribute.default;
  return prior === undefined ? unknown : prior;
}

function markUnconfiguredComputedUnknown(
  schema: Schema,
  config: State,
  planned: { [attribute: string]: Value },
  applies: (attribute: Attribute) => boolean,
): { [attribute: string]: Value } {
  const result = { ...planned };
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    const unconfigured = config[name] === null && attribute.default === undefined;
    if (attribute.computed && unconfigured && applies(attribute) && !isUnknown(result[name])) result[name] = unknown;
  }
  return result;
}

function isConfigurable(attribute: Attribute): boolean {
  return (attribute.required || attribute.optional) === true && !attribute.writeOnly;
}
