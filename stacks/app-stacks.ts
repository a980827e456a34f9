import { App } from "cdktf";
import type { ResolvedConfig } from "../config/schema";
import { P1asEnvironmentStack } from "./p1as-environment-stack";
import { PingOneDirectoryStack } from "./pingone-directory-stack";

export interface AppStacks {
  /** Absent when `pingone.roleAttributes.manage` is false. */
  readonly directory?: PingOneDirectoryStack;
  /** One per configured P1AS environment, in config order. */
  readonly environments: readonly P1asEnvironmentStack[];
}

/** Every stack a checked config describes. */
export function addStacks(app: App, config: ResolvedConfig): AppStacks {
  return {
    directory: config.pingone.roleAttributes.manage ? new PingOneDirectoryStack(app, { config }) : undefined,
    environments: config.environments.map((environment) => new P1asEnvironmentStack(app, { config, environment })),
  };
}
