import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PINGONE_DIRECTORY_STACK, ResolvedConfig } from "../config/schema";
import { RoleAttributes } from "../constructs/pingone/role-attributes";
import { addBackend } from "./backend";
import { addPingOneProvider } from "./pingone-provider";

export interface PingOneDirectoryStackProps {
  /** The checked config; the stack uses its `pingone` section and the environment names. */
  readonly config: ResolvedConfig;
}

/**
 * `pingone-directory`: what belongs to the PingOne environment itself and so exists once however
 * many P1AS environments there are, i.e. the P1AS role attributes of the User schema.
 */
export class PingOneDirectoryStack extends TerraformStack {
  public readonly roleAttributes: RoleAttributes;

  constructor(scope: Construct, props: PingOneDirectoryStackProps) {
    super(scope, PINGONE_DIRECTORY_STACK);
    const { pingone, environments } = props.config;
    // A retiring environment's roles are archived already, while its stack is destroyed: users keep the values
    // they hold, and nobody is given a role for an environment that is going away.
    const active = environments.filter((env) => !env.retiring).map((env) => env.name);
    const retiring = environments.filter((env) => env.retiring).map((env) => env.name);
    addBackend(this, pingone.backend);
    addPingOneProvider(this, pingone.regionCode);
    this.roleAttributes = new RoleAttributes(this, "role-attributes", {
      environmentId: pingone.environmentId,
      environments: active,
      retiredEnvironments: [...pingone.roleAttributes.retiredEnvironments, ...retiring],
      archivedRoles: pingone.roleAttributes.archivedRoles,
    });
  }
}
