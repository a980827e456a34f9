/**
 * The Terraform release each stack needs, declared where the need arises. A stack's
 * `terraform { required_version }` is the highest minimum any of its constructs asked for, so a user on
 * an older terraform gets terraform's own version error at init instead of a parse error on a feature
 * it does not know (an `ephemeral` variable on 1.9, say).
 */
import { TerraformStack, TerraformVariable } from "cdktf";
import { IConstruct } from "constructs";

/** Terraform features the stacks use, and the release that brought each. */
export const TERRAFORM_RELEASES = {
  terraformData: "1.4",
  plantimestamp: "1.5",
  ephemeralVariables: "1.10",
  writeOnlyAttributes: "1.11",
} as const;

const minimums = new WeakMap<TerraformStack, string>();

/** Raises the stack's required_version to at least `release`; never lowers it, whatever the construction order. */
export function requireTerraform(scope: IConstruct, release: string): void {
  const stack = TerraformStack.of(scope);
  const current = minimums.get(stack);
  if (current !== undefined && compareReleases(current, release) >= 0) return;
  minimums.set(stack, release);
  stack.addOverride("terraform.required_version", `>= ${release}`);
}

/**
 * Secret variables feed only the provider block and write-only attributes, so they can be ephemeral: the
 * value then stays out of the plan file and the state.
 */
export function makeEphemeral(variable: TerraformVariable): void {
  variable.addOverride("ephemeral", true);
  requireTerraform(variable, TERRAFORM_RELEASES.ephemeralVariables);
}

function compareReleases(a: string, b: string): number {
  const [left, right] = [a, b].map((release) => release.split(".").map(Number));
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
