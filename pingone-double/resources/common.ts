/**
 * What every resource of the double shares: its checks of single values (the provider's validators, so
 * bad input fails at validate, before any request), the import id formats Ping documents, and the
 * provider data resources receive.
 */
import { Diagnostics, State, Value, isWhollyKnown } from "../../provider/framework";
import type { ManagementApi } from "../client";
export type { Json } from "../client";

/** What `configure` hands every resource. */
export interface DoubleData {
  readonly api: ManagementApi;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PingOne ids (pingonetypes.ResourceIDType) are UUIDs. */
export const uuid = (value: Value): string[] =>
  typeof value === "string" && UUID.test(value) ? [] : [`${JSON.stringify(value)} is not a PingOne id (a UUID)`];

export const oneOf =
  (...allowed: readonly string[]) =>
  (value: Value): string[] =>
    typeof value === "string" && allowed.includes(value)
      ? []
      : [`${JSON.stringify(value)} is not one of ${allowed.join(", ")}`];

export const eachOneOf =
  (...allowed: readonly string[]) =>
  (value: Value): string[] =>
    (value as readonly Value[]).flatMap(oneOf(...allowed));

export const notEmpty = (value: Value): string[] =>
  typeof value === "string" && value.trim().length > 0 ? [] : ["must not be empty"];

export const between =
  (min: number, max: number) =>
  (value: Value): string[] =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? []
      : [`${String(value)} is not a whole number from ${min} to ${max}`];

/** A nested value's checks, run by a resource's `validate` (the framework runs top-level ones only). */
export function checkNested(
  diagnostics: Diagnostics,
  path: string,
  value: Value | undefined,
  check: (value: Value) => readonly string[],
): void {
  // Unknown values are checked again at apply, when they are known.
  if (value === null || value === undefined || !isWhollyKnown(value)) return;
  for (const message of check(value)) diagnostics.error(`Invalid ${path}`, message, path);
}

/** Splits an import id into the parts Ping documents (`<environment_id>/<resource_id>`…), each a UUID. */
export function importParts(id: string, names: readonly string[]): string[] {
  const parts = id.split("/");
  const format = names.map((name) => `<${name}>`).join("/");
  if (parts.length !== names.length || parts.some((part) => !UUID.test(part))) {
    throw new Error(`Invalid import id ${JSON.stringify(id)}: expected ${format}, each a PingOne id (a UUID)`);
  }
  return parts;
}

/** A string attribute of a state or configuration (known by the time a resource method runs). */
export function text(state: State, name: string): string {
  return state[name] as string;
}

/** An optional API field: left out of a request body when the attribute is null. */
export function optional<T extends Value>(key: string, value: T | null | undefined): { [key: string]: T } {
  return value === null || value === undefined ? {} : { [key]: value };
}
