/** The config file: its shape, its defaults, the rules that span fields, and the one check that runs them all. */
export * from "./shape";
export * from "./defaults";
export { formatPath } from "./rules";
export * from "./check";
