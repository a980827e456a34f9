export * from "./provider-interfaces";
export { Diagnostics } from "./diagnostics";
export { providerServer } from "./provider-server";
export { providerSchemaDocument } from "./schema-document";
export type { Attribute, Schema } from "./schema";
export { isUnknown, isWhollyKnown, types, unknown, valuesEqual } from "../protocol/values";
export type { CtyType, Value } from "../protocol/values";
