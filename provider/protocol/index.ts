export { CONTROLLER_SERVICE, PROVIDER_SERVICE, loadPackageDefinition } from "./definitions";
export type * from "./messages";
export * from "./values";
