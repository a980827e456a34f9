import childProcess from "node:child_process";
import { DataResource, LocalExecProvisioner, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { makeEphemeral } from "../constructs/terraform-version";
import { TerraformData } from "../constructs/virtual-hosts/terraform-data";

describe("TerraformData", () => {
  test("synthesizes the same terraform_data block as cdktf's DataResource", () => {
    // GIVEN the same props on a TerraformData and on a DataResource in two stacks
    const ours = declare(TerraformData);
    const theirs = declare(DataResource);

    // WHEN both are synthesized
    // THEN the resource blocks are identical, apart from the construct path in the metadata
    expect(withoutMetadata(resourceOf(ours))).toEqual(withoutMetadata(resourceOf(theirs)));
    expect(resourceOf(ours)).toMatchObject({ triggers_replace: { hostname: "auth.dev.acme.example" }, depends_on: ["terraform_data.first"] });
  });

  test("moves the version requirement into the stack's required_version, for terraform to check", () => {
    const stack = declare(TerraformData);
    expect(JSON.parse(Testing.synth(stack)).terraform.required_version).toBe(">= 1.4");
  });

  test("an ephemeral variable raises required_version to 1.10, whichever construct comes first", () => {
    // GIVEN an ephemeral variable declared before and after a TerraformData
    for (const variableFirst of [true, false]) {
      const stack = new TerraformStack(Testing.app(), "stack");
      const variable = () => makeEphemeral(new TerraformVariable(stack, "secret", { type: "string", sensitive: true }));
      if (variableFirst) variable();
      new TerraformData(stack, "data");
      if (!variableFirst) variable();

      // WHEN synthesized THEN terraform is asked for the newer release, which knows `ephemeral`
      const terraform = JSON.parse(Testing.synth(stack));
      expect(terraform.terraform.required_version).toBe(">= 1.10");
      expect(terraform.variable.secret.ephemeral).toBe(true);
    }
  });

  test("synth validation starts no terraform process, so synth needs no terraform binary", () => {
    // GIVEN a watch on child processes started synchronously (how cdktf asks `terraform version`)
    const execSync = jest.spyOn(childProcess, "execSync");
    try {
      // WHEN each stack runs its validations
      const ours = validationErrors(declare(TerraformData));
      const oursSpawned = execSync.mock.calls.length;
      validationErrors(declare(DataResource));

      // THEN TerraformData starts none; DataResource starts one per instance
      expect(ours).toEqual([]);
      expect(oursSpawned).toBe(0);
      expect(execSync.mock.calls.map(([command]) => command)).toEqual(["terraform version", "terraform version"]);
    } finally {
      execSync.mockRestore();
    }
  });
});

// ---- shared setup ----------------------------------------------------------------------------

type DataClass = typeof TerraformData | typeof DataResource;

function declare(Resource: DataClass): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "stack");
  const first = new Resource(stack, "first", { input: { a: "b" } });
  new Resource(stack, "second", {
    triggersReplace: { hostname: "auth.dev.acme.example" },
    input: { name: "x", nested: { adopt: false } },
    dependsOn: [first],
    provisioners: [{ type: "local-exec", command: "true", when: "destroy" } as LocalExecProvisioner],
  });
  return stack;
}

function validationErrors(stack: TerraformStack): string[] {
  return stack.node.findAll().flatMap((construct) => construct.node.validate());
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function resourceOf(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack)).resource.terraform_data.second;
}

function withoutMetadata(resource: Record<string, unknown>): Record<string, unknown> {
  const { "//": _metadata, ...rest } = resource;
  return rest;
}
