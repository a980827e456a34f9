/**
 * Terraform's built-in `terraform_data` resource, as cdktf's DataResource emits it, minus one cost:
 * DataResource adds a validation to every instance that runs `terraform version` in a child process at
 * synth. With four per stack those spawns were about 70% of the synth time of 4 environments x 40
 * hostnames (bench/synth.ts). The version requirement moves into the stack's
 * `terraform { required_version }`, which terraform itself checks at init and plan, so synth no
 * longer needs a terraform binary either.
 */
import { TerraformMetaArguments, TerraformResource, anyToTerraform, hashMapper } from "cdktf";
import { Construct } from "constructs";
import { requireTerraform, TERRAFORM_RELEASES } from "../terraform-version";

export interface TerraformDataProps extends Pick<TerraformMetaArguments, "dependsOn" | "provisioners"> {
  /** Replaces the resource, re-running its create provisioners, when any value changes. @default - never replaced */
  readonly triggersReplace?: Record<string, unknown>;
  /** Stored in state and echoed as `output`. @default - none */
  readonly input?: Record<string, unknown>;
}

export class TerraformData extends TerraformResource {
  private readonly triggersReplace?: Record<string, unknown>;
  private readonly input?: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: TerraformDataProps = {}) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
      dependsOn: props.dependsOn,
      provisioners: props.provisioners,
    });
    this.triggersReplace = props.triggersReplace;
    this.input = props.input;
    // cdktf's DataResource checks the same bound, by running terraform at synth.
    requireTerraform(this, TERRAFORM_RELEASES.terraformData);
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { input: hashMapper(anyToTerraform)(this.input), triggers_replace: hashMapper(anyToTerraform)(this.triggersReplace) };
  }
}
