/** The config file: its shape, its defaults, the rules that span fields, and the one check that runs them all. */
export * from "./schema/shape";
export * from "./schema/defaults";
export { formatPath } from "./schema/rules";
export * from "./schema/check";
