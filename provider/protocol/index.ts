export { CONTROLLER_SERVICE, PROVIDER_SERVICE, loadPackageDefinition } from "./tfplugin6-proto";
export type * from "./tfplugin6-messages";
export * from "./values";
