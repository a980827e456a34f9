export * from "./virtual-hosts";
export * from "./certificate";
export * from "./hostname";
