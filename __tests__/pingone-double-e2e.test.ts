/**
 * The PingOne provider test double through real terraform against the emulated PingOne: the objects our
 * constructs declare (constructs/pingone/*) from an empty environment, a second plan with no changes,
 * replacement by a ForceNew attribute, import by Ping's documented ids, drift, bad input that never
 * reaches the API, and destroy (which leaves an application secret alone, as Ping documents).
 */
import { TerraformStack } from "cdktf";
import { AdminApiResource } from "../constructs/pingone/admin-api-resource";
import { OrchestrationClient } from "../constructs/pingone/orchestration-client";
import { RoleAttributes } from "../constructs/pingone/role-attributes";
import { addPingOneProvider } from "../stacks/pingone-provider";
import { apply, plan } from "./support/terraform-apply";
import { runTerraform } from "../tools/terraform/run";
import { HclWorkspace, sharedDouble } from "./support/pingone-double";
import { managementApi as workerApi } from "./support/pingone";
import { TEST_DOUBLE_NOTICE } from "../pingone-double/source";
import type { PingOneEnvironmentData } from "../emulator/pingone/store";

jest.setTimeout(600_000);

const double = sharedDouble("pingone-double-e2e");

/** What AdminApiResource, OrchestrationClient and RoleAttributes declare, written as HCL. */
function stack(
  environmentId: string,
  overrides: { scopeName?: string; audience?: string; archivedRole?: boolean } = {},
): string {
  return `
resource "pingone_resource" "api" {
  environment_id                = "${environmentId}"
  name                          = "p1as-dev-self-service-api"
  description                   = "P1AS dev self-service (administrative) API; managed by p1as-cdktf"
  audience                      = "${overrides.audience ?? "https://self-service-api.dev-acme.us1.ping.cloud/api/v1"}"
  access_token_validity_seconds = 3600
}
resource "pingone_resource_attribute" "name" {
  environment_id     = "${environmentId}"
  resource_type      = "CUSTOM"
  custom_resource_id = pingone_resource.api.id
  name               = "name"
  value              = "$\${'OrchestrationTool'}"
}
resource "pingone_resource_attribute" "groups" {
  environment_id     = "${environmentId}"
  resource_type      = "CUSTOM"
  custom_resource_id = pingone_resource.api.id
  name               = "groups"
  value              = "$\${{'dev-tls-admin'}}"
}
resource "pingone_resource_scope" "scope" {
  environment_id = "${environmentId}"
  resource_id    = pingone_resource.api.id
  name           = "${overrides.scopeName ?? "p1as-self-service"}"
  description    = "Call the P1AS dev self-service API"
}
resource "pingone_application" "app" {
  environment_id           = "${environmentId}"
  name                     = "p1as-dev-orchestration"
  description              = "Automation client for the P1AS dev self-service API; managed by p1as-cdktf"
  enabled                  = true
  access_control_role_type = "ADMIN_USERS_ONLY"
  oidc_options = {
    type                       = "WEB_APP"
    grant_types                = ["CLIENT_CREDENTIALS"]
    token_endpoint_auth_method = "CLIENT_SECRET_BASIC"
  }
}
resource "pingone_application_resource_grant" "grant" {
  environment_id     = "${environmentId}"
  application_id     = pingone_application.app.id
  resource_type      = "CUSTOM"
  custom_resource_id = pingone_resource.api.id
  scopes             = [pingone_resource_scope.scope.id]
}
resource "pingone_schema_attribute" "roles" {
  environment_id = "${environmentId}"
  name           = "p1asSelfServiceRoles"
  display_name   = "P1AS self-service roles"
  description    = "P1AS roles (P1AS self-service roles); managed by p1as-cdktf"
  type           = "STRING"
  multivalued    = true
  enumerated_values = [
    { value = "dev-tls-admin", archived = false },
    { value = "dev-tls-audit", archived = ${overrides.archivedRole ? "true" : "false"} },
  ]
}
output "client_id" { value = pingone_application.app.oidc_options.client_id }
`;
}

describe("the PingOne provider test double, through terraform, against the emulated PingOne", () => {
  let workspace: HclWorkspace;
  beforeAll(() => {
    workspace = new HclWorkspace(() => double.env);
  });
  afterAll(() => workspace?.remove());

  const pingone = (): PingOneEnvironmentData =>
    double.emulator.pingone.store.snapshot().environments[double.environmentId];
  /** `terraform show -json`: each resource's attribute values by address. */
  const state = async (): Promise<Record<string, Record<string, unknown>>> => {
    const shown = await workspace.expect([0], "show", "-json");
    const resources = (JSON.parse(shown.stdout).values?.root_module?.resources ?? []) as {
      address: string;
      values: Record<string, unknown>;
    }[];
    return Object.fromEntries(resources.map((resource) => [resource.address, resource.values]));
  };
  /** A call to the emulated management API as the worker, standing for a change made outside terraform. */
  const managementApi = async (method: "PUT" | "DELETE", path: string, data?: object) => {
    const api = await workerApi(double.emulator, {
      ...double.worker,
      environmentId: double.environmentId,
      role: "full",
    });
    const response = await api.request({ method, url: path, data });
    expect(response.status).toBeLessThan(300);
    return response;
  };

  it("applies the stacks' PingOne objects from empty, then plans no changes", async () => {
    // GIVEN an empty PingOne environment and the stacks' objects
    workspace.write(stack(double.environmentId));
    const init = await workspace.expect([0], "init", "-input=false");
    expect(init.stdout).toMatch(/Installed pingidentity\/pingone v1\.21\.0/);

    // WHEN terraform applies them
    const applied = await workspace.expect([0], "apply", "-auto-approve", "-input=false");

    // THEN every object exists in the emulator, and the double said what it is
    expect(applied.stdout + applied.stderr).toContain(TEST_DOUBLE_NOTICE);
    expect(applied.stdout).toMatch(/Apply complete! Resources: 7 added, 0 changed, 0 destroyed/);
    const snapshot = JSON.stringify(pingone());
    for (const name of [
      "p1as-dev-self-service-api",
      "p1as-dev-orchestration",
      "p1as-self-service",
      "p1asSelfServiceRoles",
      "OrchestrationTool",
    ]) {
      expect(snapshot).toContain(name);
    }

    // AND a second plan has nothing to do
    const again = await workspace.run("plan", "-input=false", "-detailed-exitcode");
    expect(again.stdout).toContain("No changes.");
    expect(again.exitCode).toBe(0);
  });

  it("logs each call as the test double's, and never the worker's secret, even in terraform's trace log", async () => {
    const traced = await runTerraform(["plan", "-input=false", "-no-color", "-refresh=true"], {
      cwd: workspace.dir,
      env: { ...double.env, TF_LOG: "TRACE" },
    });
    expect(traced.exitCode).toBe(0);
    const output = traced.stdout + traced.stderr;
    expect(output).toMatch(/\[pingone test double\] GET \/resources\/[0-9a-f-]{36} -> 200/);
    expect(output).toContain(TEST_DOUBLE_NOTICE);
    expect(output).not.toContain(double.worker.clientSecret);
  });

  it("updates a scope's description in place, and replaces a resource attribute whose name changes", async () => {
    // GIVEN the applied objects
    const before = await state();
    const oldAttributeId = before["pingone_resource_attribute.name"].id;

    // WHEN the scope's description (updatable) and an attribute's name (ForceNew) change
    workspace.write(
      stack(double.environmentId)
        .replace('description    = "Call the P1AS dev self-service API"', 'description    = "Call the API"')
        .replace('name               = "name"', 'name               = "orchestrator"'),
    );
    const planned = await workspace.expect([2], "plan", "-input=false", "-detailed-exitcode");

    // THEN the plan updates the scope and replaces the attribute because of its name
    expect(planned.stdout).toMatch(/pingone_resource_scope\.scope will be updated in-place/);
    expect(planned.stdout).toMatch(/pingone_resource_attribute\.name must be replaced/);
    expect(planned.stdout).toMatch(/~ name\s+= "name" -> "orchestrator" # forces replacement/);
    expect(planned.stdout).toContain("Plan: 1 to add, 1 to change, 1 to destroy.");

    // AND applying it leaves a new attribute in the emulator and the old one gone
    await workspace.expect([0], "apply", "-auto-approve", "-input=false");
    const attributes = pingone().attributes.filter((attribute) => attribute.name !== "sub");
    expect(attributes.map((attribute) => attribute.name).sort()).toEqual(["groups", "orchestrator"]);
    expect(attributes.map((attribute) => attribute.id)).not.toContain(oldAttributeId);
    expect(pingone().scopes[0].description).toBe("Call the API");
  });

  it("plans a replacement when a nested ForceNew attribute (oidc_options.type) changes", async () => {
    workspace.write(
      stack(double.environmentId).replace(
        'type                       = "WEB_APP"',
        'type                       = "WORKER"',
      ),
    );
    const planned = await workspace.expect([2], "plan", "-input=false", "-detailed-exitcode");
    expect(planned.stdout).toMatch(/pingone_application\.app must be replaced/);
    expect(planned.stdout).toMatch(/~ type\s+= "WEB_APP" -> "WORKER" # forces replacement/);
  });

  it("shows a change made in PingOne outside terraform (drift), and puts it back", async () => {
    // GIVEN the configuration as applied, and the resource's audience changed in PingOne directly
    workspace.write(stack(double.environmentId));
    await workspace.expect([0], "apply", "-auto-approve", "-input=false");
    const resource = pingone().resources[0];
    await managementApi("PUT", `/resources/${resource.id}`, {
      name: resource.name,
      audience: "https://drifted.example/api",
      accessTokenValiditySeconds: 3600,
    });

    // WHEN terraform plans
    const planned = await workspace.expect([2], "plan", "-input=false", "-detailed-exitcode");

    // THEN it reads the drift and plans to put the configured audience back
    expect(planned.stdout).toMatch(
      /~ audience\s+= "https:\/\/drifted\.example\/api" -> "https:\/\/self-service-api\.dev-acme\.us1\.ping\.cloud\/api\/v1"/,
    );
    await workspace.expect([0], "apply", "-auto-approve", "-input=false");
    expect(pingone().resources[0].audience).toBe("https://self-service-api.dev-acme.us1.ping.cloud/api/v1");
  });

  it("plans to create again an object deleted in PingOne outside terraform", async () => {
    const scope = pingone().scopes[0];
    await managementApi("DELETE", `/resources/${scope.resourceId}/scopes/${scope.id}`);
    const planned = await workspace.expect([2], "plan", "-input=false", "-detailed-exitcode");
    expect(planned.stdout).toMatch(/pingone_resource_scope\.scope will be created/);
    await workspace.expect([0], "apply", "-auto-approve", "-input=false");
    expect(pingone().scopes).toHaveLength(1);
  });

  it("imports every object by the import ids Ping documents, and then plans no changes", async () => {
    // GIVEN the objects' ids, and a state that forgot them all
    const values = await state();
    const env = double.environmentId;
    const id = (address: string, name = "id") => values[address][name] as string;
    const imports: [string, string][] = [
      ["pingone_resource.api", `${env}/${id("pingone_resource.api")}`],
      [
        "pingone_resource_attribute.name",
        `${env}/${id("pingone_resource.api")}/${id("pingone_resource_attribute.name")}`,
      ],
      [
        "pingone_resource_attribute.groups",
        `${env}/${id("pingone_resource.api")}/${id("pingone_resource_attribute.groups")}`,
      ],
      ["pingone_resource_scope.scope", `${env}/${id("pingone_resource.api")}/${id("pingone_resource_scope.scope")}`],
      ["pingone_application.app", `${env}/${id("pingone_application.app")}`],
      [
        "pingone_application_resource_grant.grant",
        `${env}/${id("pingone_application.app")}/${id("pingone_application_resource_grant.grant")}`,
      ],
      [
        "pingone_schema_attribute.roles",
        `${env}/${id("pingone_schema_attribute.roles", "schema_id")}/${id("pingone_schema_attribute.roles")}`,
      ],
    ];
    await workspace.expect([0], "state", "rm", ...imports.map(([address]) => address));

    // WHEN each is imported
    for (const [address, importId] of imports) await workspace.expect([0], "import", "-input=false", address, importId);

    // THEN terraform holds what it held before, and has nothing to do
    const again = await workspace.run("plan", "-input=false", "-detailed-exitcode");
    expect(again.stdout).toContain("No changes.");
    expect(again.exitCode).toBe(0);
    expect(await state()).toEqual(values);
  });

  it("refuses an import id that is not in Ping's documented format, naming the format", async () => {
    await workspace.expect([0], "state", "rm", "pingone_resource_scope.scope");
    const refused = await workspace.run(
      "import",
      "-input=false",
      "pingone_resource_scope.scope",
      `${double.environmentId}/not-a-uuid`,
    );
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.replace(/\s+/g, " ")).toContain(
      "expected <environment_id>/<resource_id>/<resource_scope_id>",
    );
    const scope = pingone().scopes[0];
    await workspace.expect(
      [0],
      "import",
      "-input=false",
      "pingone_resource_scope.scope",
      `${double.environmentId}/${scope.resourceId}/${scope.id}`,
    );
  });

  it("regenerates an application secret on create, keeps it sensitive, and leaves it in PingOne on destroy", async () => {
    // GIVEN an application secret resource (our stacks no longer declare one; configurations for Ping's provider may)
    const withSecret = `${stack(double.environmentId)}
resource "pingone_application_secret" "secret" {
  environment_id = "${double.environmentId}"
  application_id = pingone_application.app.id
}
`;
    const applicationId = pingone().applications[0].id;
    const secretBefore = pingone().secrets[applicationId].secret;
    workspace.write(withSecret);

    // WHEN it is applied
    const applied = await workspace.expect([0], "apply", "-auto-approve", "-input=false");

    // THEN PingOne holds a new secret, terraform's state holds it, and no output shows it
    const secret = pingone().secrets[applicationId].secret;
    expect(secret).not.toBe(secretBefore);
    expect((await state())["pingone_application_secret.secret"].secret).toBe(secret);
    expect(applied.stdout + applied.stderr).not.toContain(secret);

    // AND removing it from the configuration destroys it in terraform only: the secret stays valid in PingOne
    workspace.write(stack(double.environmentId));
    const destroyed = await workspace.expect([0], "apply", "-auto-approve", "-input=false");
    expect(destroyed.stdout).toContain("1 destroyed");
    expect(pingone().secrets[applicationId].secret).toBe(secret);
  });

  it("refuses bad input at plan with an error naming each attribute, and sends nothing to PingOne", async () => {
    // GIVEN values Ping's provider rejects
    const bad = new HclWorkspace(() => double.env);
    try {
      bad.write(`
resource "pingone_resource" "api" {
  environment_id                = "not-an-id"
  name                          = "bad"
  access_token_validity_seconds = 10
}
resource "pingone_application" "app" {
  environment_id           = "${double.environmentId}"
  name                     = "bad"
  access_control_role_type = "EVERYONE"
  oidc_options = {
    type                       = "MAINFRAME"
    grant_types                = ["CLIENT_CREDENTIALS", "TELEPATHY"]
    token_endpoint_auth_method = "CLIENT_SECRET_BASIC"
  }
}
resource "pingone_application_resource_grant" "grant" {
  environment_id = "${double.environmentId}"
  application_id = "${double.environmentId}"
  resource_type  = "CUSTOM"
  scopes         = []
}
resource "pingone_schema_attribute" "roles" {
  environment_id = "${double.environmentId}"
  name           = "9lives"
  type           = "STRANGE"
}
`);
      await bad.expect([0], "init", "-input=false");
      double.emulator.requestLog.clear();

      // WHEN terraform plans
      const planned = await bad.run("plan", "-input=false");

      // THEN each bad value is an error that names its attribute and says why
      expect(planned.exitCode).toBe(1);
      const errors = planned.stderr.replace(/\s+/g, " ");
      for (const expected of [
        'Invalid environment_id with pingone_resource.api, on main.tf line 13, in resource "pingone_resource" "api": 13: environment_id = "not-an-id" "not-an-id" is not a PingOne id (a UUID)',
        "Invalid access_token_validity_seconds",
        "10 is not a whole number from 300 to 2592000",
        "Invalid access_control_role_type",
        '"EVERYONE" is not one of ADMIN_USERS_ONLY',
        "Invalid oidc_options.type",
        '"MAINFRAME" is not one of CUSTOM_APP',
        "Invalid oidc_options.grant_types",
        '"TELEPATHY" is not one of AUTHORIZATION_CODE',
        "Invalid custom_resource_id",
        "is required when resource_type is CUSTOM",
        "Invalid scopes",
        "must name at least one scope",
        "Invalid name",
        '"9lives" is not an attribute name',
        "Invalid type",
        '"STRANGE" is not one of STRING',
      ]) {
        expect(errors).toContain(expected);
      }
      // AND nothing reached the emulated PingOne: not even a token request
      expect(double.emulator.requestLog.list()).toEqual([]);
    } finally {
      bad.remove();
    }
  });

  it("destroys every object it created", async () => {
    await workspace.expect([0], "destroy", "-auto-approve", "-input=false");
    const left = pingone();
    expect(left.resources).toEqual([]);
    expect(left.applications).toEqual([]);
    expect(left.grants).toEqual([]);
    expect(left.scopes).toEqual([]);
    expect(left.schemaAttributes.map((attribute) => attribute.name).sort()).toEqual(["email", "username"]);
  });
});

describe("the stacks' PingOne constructs, synthesized, through terraform and the test double", () => {
  it("applies AdminApiResource, OrchestrationClient and RoleAttributes from empty, plans no changes, and destroys them", async () => {
    // GIVEN a synthesized stack with the PingOne constructs, as stacks/ builds them
    const deployed = await apply(
      (app) => {
        const stack = new TerraformStack(app, "p1as-dev");
        addPingOneProvider(stack, "NA");
        const resource = new AdminApiResource(stack, "admin-api", {
          environmentId: double.environmentId,
          environment: "dev",
          audience: "https://self-service-api.dev-acme.us1.ping.cloud/api/v1",
        });
        new OrchestrationClient(stack, "orchestration", {
          environmentId: double.environmentId,
          regionCode: "NA",
          environment: "dev",
          resource,
        });
        new RoleAttributes(stack, "roles", { environmentId: double.environmentId, environments: ["dev"] });
        return stack;
      },
      { env: double.env },
    );
    try {
      // THEN terraform created every declared object in the emulated PingOne
      expect(deployed.output).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
      const environment = double.emulator.pingone.store.snapshot().environments[double.environmentId];
      expect(environment.resources.map((item) => item.name)).toEqual(["p1as-dev-self-service-api"]);
      expect(environment.applications.map((item) => item.name)).toEqual(["p1as-dev-orchestration"]);
      expect(environment.grants).toHaveLength(1);
      expect(environment.schemaAttributes.filter((item) => item.schemaType === "CUSTOM").length).toBeGreaterThan(0);

      // AND a second plan has nothing to do
      const again = await plan(deployed.stackDir, { env: double.env });
      expect({ exitCode: again.exitCode, output: again.exitCode === 0 ? "" : again.output }).toEqual({
        exitCode: 0,
        output: "",
      });
    } finally {
      await deployed.destroy();
    }
    const left = double.emulator.pingone.store.snapshot().environments[double.environmentId];
    expect([left.resources, left.applications, left.grants]).toEqual([[], [], []]);
  });
});
