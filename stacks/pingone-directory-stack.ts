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
    addBackend(this, pingone.backend);
    addPingOneProvider(this, pingone.regionCode);
    this.roleAttributes = new RoleAttributes(this, "role-attributes", {
      environmentId: pingone.environmentId,
      environments: environments.map((env) => env.name),
      retiredEnvironments: pingone.roleAttributes.retiredEnvironments,
      archivedRoles: pingone.roleAttributes.archivedRoles,
    });
  }
}
