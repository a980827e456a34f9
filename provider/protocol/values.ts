/**
 * Terraform's value model (the counterpart of terraform-plugin-go's `tftypes`): cty types in their JSON
 * encoding, values that may be known, null or unknown, and the MessagePack and JSON codecs of
 * `DynamicValue` and `RawState`.
 */
import { ExtensionCodec, decode, encode } from "@msgpack/msgpack";

/** The JSON encoding of a cty type, exactly as the protocol's `Schema.Attribute.type` bytes carry it. */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | readonly ["list" | "set" | "map", CtyType]
  | readonly ["object", { readonly [name: string]: CtyType }];

export const types = {
  string: "string",
  number: "number",
  bool: "bool",
  list: (element: CtyType) => ["list", element],
  set: (element: CtyType) => ["set", element],
  map: (element: CtyType) => ["map", element],
  object: (attributes: { readonly [name: string]: CtyType }) => ["object", attributes],
} as const satisfies Record<string, CtyType | ((...args: never[]) => CtyType)>;

/** A value terraform does not know yet ("known after apply"). One instance; compare with `isUnknown`. */
export class UnknownValue {
  static readonly instance = new UnknownValue();
  private constructor() {}
  toJSON(): string {
    return "<unknown>";
  }
}

export const unknown = UnknownValue.instance;

export type Value =
  null | UnknownValue | string | number | boolean | readonly Value[] | { readonly [key: string]: Value };

/** An object value: a resource's config, plan or state, one entry per schema attribute. */
export type ObjectValue = { readonly [attribute: string]: Value };

export function isUnknown(value: Value | undefined): value is UnknownValue {
  return value instanceof UnknownValue;
}

/** True when no part of the value is unknown, which terraform requires of every state after apply. */
export function isWhollyKnown(value: Value): boolean {
  if (isUnknown(value)) return false;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  if (value !== null && typeof value === "object") return Object.values(value).every(isWhollyKnown);
  return true;
}

export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (isUnknown(a) || isUnknown(b) || a == null || b == null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]))
    );
  }
  if (typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const ao = a as ObjectValue;
    const bo = b as ObjectValue;
    return [...keys].every((key) => valuesEqual(ao[key] ?? null, bo[key] ?? null));
  }
  return false;
}

/**
 * Shapes a decoded value to a type: objects get every attribute of their type (null where absent) and lose
 * attributes the type does not have. Terraform rejects an object with missing or extra attributes, and raw
 * JSON state from an older schema can have either.
 */
export function conform(value: Value | undefined, type: CtyType): Value {
  if (value === undefined || value === null || isUnknown(value)) return value ?? null;
  if (typeof type === "string") return value;
  const [kind, element] = type;
  if (kind === "object") {
    const source = (typeof value === "object" && !Array.isArray(value) ? value : {}) as ObjectValue;
    return Object.fromEntries(Object.entries(element).map(([name, t]) => [name, conform(source[name], t)]));
  }
  if (kind === "map") {
    const source = value as ObjectValue;
    return Object.fromEntries(Object.entries(source).map(([key, item]) => [key, conform(item, element)]));
  }
  return (value as readonly Value[]).map((item) => conform(item, element));
}

/** Terraform encodes an unknown value as MessagePack extension type 0 (it ignores the payload). */
const UNKNOWN_EXTENSION_TYPE = 0;
/**
 * An unknown that terraform knows something about (cty "refinements": not null, a string prefix, a number
 * range), e.g. `file(var.path)` while validating, when variables are not known yet. Its payload is a map of
 * those facts; it is still unknown, and nothing here uses the facts.
 */
const REFINED_UNKNOWN_EXTENSION_TYPE = 12;

const extensionCodec = new ExtensionCodec();
extensionCodec.register({
  type: UNKNOWN_EXTENSION_TYPE,
  encode: (input: unknown) => (isUnknown(input as Value) ? new Uint8Array([0]) : null),
  decode: () => unknown,
});
extensionCodec.register({ type: REFINED_UNKNOWN_EXTENSION_TYPE, encode: () => null, decode: () => unknown });

export function encodeMsgpack(value: Value, type: CtyType): Uint8Array {
  return encode(conform(value, type), { extensionCodec, forceFloat32: false, ignoreUndefined: false });
}

export function decodeMsgpack(bytes: Uint8Array | undefined | null, type: CtyType): Value {
  // An absent DynamicValue and an empty one both stand for null (no prior state, a destroy plan).
  if (!bytes || bytes.length === 0) return null;
  return conform(toValue(decode(bytes, { extensionCodec })), type);
}

/** Raw state JSON, as UpgradeResourceState receives it: attributes by name, no unknowns possible. */
export function decodeJson(bytes: Uint8Array | undefined | null, type: CtyType): Value {
  if (!bytes || bytes.length === 0) return null;
  return conform(toValue(JSON.parse(Buffer.from(bytes).toString("utf8"))), type);
}

/** MessagePack decodes integers beyond 2^53 as bigint; cty numbers here are ordinary JS numbers. */
function toValue(decoded: unknown): Value {
  if (typeof decoded === "bigint") return Number(decoded);
  if (decoded === undefined) return null;
  if (Array.isArray(decoded)) return decoded.map(toValue);
  if (decoded instanceof UnknownValue || decoded === null || typeof decoded !== "object") return decoded as Value;
  return Object.fromEntries(Object.entries(decoded).map(([key, item]) => [key, toValue(item)]));
}
