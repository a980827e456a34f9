/**
 * Terraform's value model (the counterpart of terraform-plugin-go's `tftypes`): cty types in their JSON
 * encoding, values that may be known, null or unknown, and the MessagePack and JSON codecs of
 * `DynamicValue` and `RawState`.
 */
import { Decoder, Encoder, ExtensionCodec } from "@msgpack/msgpack";

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
 * JSON state from an older schema can have either. Also turns what the decoders return into values: bigints
 * (MessagePack integers beyond 2^53) into numbers, undefined into null. Loops rather than entries().map(): a
 * plan of N objects shapes a few values per object in each of several calls.
 */
export function conform(value: unknown, type: CtyType): Value {
  if (value === undefined || value === null) return null;
  if (value instanceof UnknownValue) return value;
  if (typeof type === "string") return toValue(value);
  const [kind, element] = type;
  if (kind === "object") {
    const source = (typeof value === "object" && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
    const result: { [name: string]: Value } = {};
    for (const name of Object.keys(element)) result[name] = conform(source[name], element[name]);
    return result;
  }
  if (kind === "map") {
    const source = value as Record<string, unknown>;
    const result: { [key: string]: Value } = {};
    for (const key of Object.keys(source)) result[key] = conform(source[key], element);
    return result;
  }
  return (value as readonly unknown[]).map((item) => conform(item, element));
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

/**
 * One encoder and one decoder for the process: msgpack's encode() and decode() build a new one per call, with a
 * fresh 2 KiB buffer, several times per object of a plan. Both are re-entrant (a nested call gets a clone), and
 * encode() returns a copy of the shared buffer.
 */
const encoder = new Encoder({ extensionCodec, forceFloat32: false, ignoreUndefined: false });
const decoder = new Decoder({ extensionCodec });

export function encodeMsgpack(value: Value, type: CtyType): Uint8Array {
  return encoder.encode(conform(value, type));
}

export function decodeMsgpack(bytes: Uint8Array | undefined | null, type: CtyType): Value {
  // An absent DynamicValue and an empty one both stand for null (no prior state, a destroy plan).
  if (!bytes || bytes.length === 0) return null;
  return conform(decoder.decode(bytes), type);
}

/** MessagePack's nil: how terraform sends a null object (a destroy's proposed state). */
const MSGPACK_NIL = 0xc0;

/** True when the bytes decode to null, found without decoding them. */
export function isNullMsgpack(bytes: Uint8Array | undefined | null): boolean {
  return !bytes || bytes.length === 0 || (bytes.length === 1 && bytes[0] === MSGPACK_NIL);
}

/** Raw state JSON, as UpgradeResourceState receives it: attributes by name, no unknowns possible. */
export function decodeJson(bytes: Uint8Array | undefined | null, type: CtyType): Value {
  if (!bytes || bytes.length === 0) return null;
  return conform(JSON.parse(Buffer.from(bytes).toString("utf8")), type);
}

/** A decoded value of a type without attributes to shape (or none known): bigints become numbers, undefined null. */
function toValue(decoded: unknown): Value {
  if (typeof decoded === "bigint") return Number(decoded);
  if (decoded === undefined) return null;
  if (Array.isArray(decoded)) return decoded.map(toValue);
  if (decoded instanceof UnknownValue || decoded === null || typeof decoded !== "object") return decoded as Value;
  const result: { [key: string]: Value } = {};
  for (const key of Object.keys(decoded)) result[key] = toValue((decoded as Record<string, unknown>)[key]);
  return result;
}
