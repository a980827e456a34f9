import "cdktf/lib/testing/adapters/jest";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Application } from "../.gen/providers/pingone/application";
import { ApplicationResourceGrant } from "../.gen/providers/pingone/application-resource-grant";
import { Resource } from "../.gen/providers/pingone/resource";
import { ResourceAttribute } from "../.gen/providers/pingone/resource-attribute";
import { ResourceScope } from "../.gen/providers/pingone/resource-scope";
import { SchemaAttribute } from "../.gen/providers/pingone/schema-attribute";
import { SelfServiceCredentials } from "../constructs/credentials";
import { ValidationError } from "../constructs/errors";
import { AdminApiResource, AdminApiResourceProps } from "../constructs/pingone/admin-api-resource";
import { OrchestrationClient } from "../constructs/pingone/orchestration-client";
import { RoleAttributes, RoleAttributesProps } from "../constructs/pingone/role-attributes";

describe("AdminApiResource", () => {
  test("creates the resource with audience and token lifetime, and one scope", () => {
    const synth = synthResource({ accessTokenValiditySeconds: 1800 });
    expect(synth).toHaveResourceWithProperties(Resource, {
      environment_id: ENV_ID,
      name: "p1as-dev-self-service-api",
      audience: AUDIENCE,
      access_token_validity_seconds: 1800,
    });
    expect(synth).toHaveResourceWithProperties(ResourceScope, {
      name: "p1as-self-service",
      resource_id: expect.stringMatching(/^\$\{pingone_resource\.[^.]+\.id\}$/),
    });
  });

  test("hard-codes the name and groups attributes as PingOne expression literals", () => {
    const synth = synthResource({});
    expect(synth).toHaveResourceWithProperties(ResourceAttribute, {
      name: "name",
      resource_type: "CUSTOM",
      custom_resource_id: expect.stringMatching(/^\$\{pingone_resource\./),
      value: "$${'OrchestrationTool'}",
    });
    expect(synth).toHaveResourceWithProperties(ResourceAttribute, {
      name: "groups",
      resource_type: "CUSTOM",
      value: "$${{'dev-tls-admin'}}",
    });
  });

  test("escapes the expression's ${ as $${ in the synthesized Terraform JSON", () => {
    // GIVEN a resource with two groups WHEN synthesized THEN the raw JSON text carries $${, never a bare ${'
    const synth = synthResource({ groups: ["dev-tls-audit", "all-tls-audit"], allowAllEnvironmentRoles: true });
    expect(synth).toContain(`"value": "$\${{'dev-tls-audit','all-tls-audit'}}"`);
    expect(synth).toContain(`"value": "$\${'OrchestrationTool'}"`);
    expect(synth).not.toMatch(/[^$]\$\{'/);
  });

  test("grants least privilege by default: only the environment's own admin role", () => {
    const resource = resourceIn({
      environment: "prod",
      audience: "https://self-service-api.prod-acme.us1.ping.cloud/api/v1",
    });
    expect(resource.groups).toEqual(["prod-tls-admin"]);
    const values = attributeValues(Testing.synth(TerraformStack.of(resource)));
    expect(values.groups).toBe("$${{'prod-tls-admin'}}");
    expect(values.groups).not.toContain("all-");
  });

  test("exposes typed outputs for clients", () => {
    const resource = resourceIn({ scope: "p1as:admin" });
    expect(resource.scope).toBe("p1as:admin");
    expect(resource.environmentId).toBe(ENV_ID);
    expect(resource.resourceId).toMatch(/^\$\{TfToken\[/);
    expect(resource.scopeId).toMatch(/^\$\{TfToken\[/);
  });

  test.each<[string, Partial<AdminApiResourceProps>, string]>([
    [
      "audience contains pingone",
      { audience: "https://api.pingone.com/p1as" },
      `Default/resource: invalid audience "https://api.pingone.com/p1as": must not contain 'pingone' or 'pingidentity' (PingOne rejects it)`,
    ],
    [
      "token lifetime too long",
      { accessTokenValiditySeconds: 2592001 },
      "Default/resource: invalid accessTokenValiditySeconds 2592001: must be between 300 and 2592000 seconds",
    ],
    [
      "groups hold another environment's role",
      { groups: ["prod-tls-admin"] },
      `Default/resource: invalid groups ["prod-tls-admin"]: "prod-tls-admin" is not a self-service role of environment dev; allowed: dev-tls-admin, dev-tls-audit`,
    ],
    [
      "groups hold an all-environment role without the opt-in",
      { groups: ["dev-tls-admin", "all-tls-admin"] },
      `Default/resource: invalid groups ["dev-tls-admin","all-tls-admin"]: "all-tls-admin" is a role of every environment: a client holding it acts on all of them, past their own approvals; set allowAllEnvironmentRoles: true on this environment to grant it on purpose`,
    ],
    ["groups empty", { groups: [] }, "Default/resource: invalid groups []: must hold at least one self-service role"],
    [
      "environment id is not a UUID",
      { environmentId: "env" },
      `Default/resource: invalid environmentId "env": must be a UUID such as 3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b`,
    ],
  ])("fails if %s", (_name, props, message) => {
    expect(() => resourceIn(props)).toThrow(new ValidationError("", "", [], message));
  });

  test("fails with one line per bad field when several are bad", () => {
    expect(() => resourceIn({ audience: "x#y", orchestrationName: "a'b" })).toThrow(
      /invalid audience "x#y": must not have a fragment .*; must be an absolute URL .*\n.*invalid orchestrationName "a'b"/,
    );
  });
});

describe("AdminApiResource for read-only clients", () => {
  test("access audit: its own name, the environment's audit role only, same audience", () => {
    const synth = synthResource({ access: "audit" });
    expect(synth).toHaveResourceWithProperties(Resource, {
      name: "p1as-dev-self-service-api-audit",
      audience: AUDIENCE,
    });
    expect(attributeValues(synth).groups).toBe("$${{'dev-tls-audit'}}");
  });

  test("access audit refuses a role that writes", () => {
    expect(() => resourceIn({ access: "audit", groups: ["dev-tls-admin"] })).toThrow(
      `"dev-tls-admin" is not an audit role, and access is "audit"`,
    );
  });
});

describe("OrchestrationClient", () => {
  test("is an enabled OIDC web app with exactly the client-credentials grant and no response types", () => {
    const synth = synthClient();
    expect(synth).toHaveResourceWithProperties(Application, {
      name: "p1as-dev-orchestration",
      enabled: true,
      oidc_options: {
        type: "WEB_APP",
        grant_types: ["CLIENT_CREDENTIALS"],
        token_endpoint_auth_method: "CLIENT_SECRET_BASIC",
      },
    });
    const [application] = resourcesOf(synth, Application.tfResourceType);
    expect(application.oidc_options.grant_types).toEqual(["CLIENT_CREDENTIALS"]);
    expect(application.oidc_options).not.toHaveProperty("response_types");
  });

  test("is restricted to PingOne administrators", () => {
    expect(synthClient()).toHaveResourceWithProperties(Application, { access_control_role_type: "ADMIN_USERS_ONLY" });
  });

  test("writes oidc_options as an object (nested attribute), not as a block list", () => {
    const [application] = resourcesOf(synthClient(), Application.tfResourceType);
    expect(Array.isArray(application.oidc_options)).toBe(false);
    expect(typeof application.oidc_options).toBe("object");
  });

  test("is granted the resource's scope, and declares no secret: PingOne generates it with the application", () => {
    const synth = synthClient();
    expect(synth).toHaveResourceWithProperties(ApplicationResourceGrant, {
      resource_type: "CUSTOM",
      application_id: expect.stringMatching(/^\$\{pingone_application\.[^.]+\.id\}$/),
      custom_resource_id: expect.stringMatching(/^\$\{pingone_resource\.[^.]+\.id\}$/),
      scopes: [expect.stringMatching(/^\$\{pingone_resource_scope\.[^.]+\.id\}$/)],
    });
    expect(synth).not.toMatch(/pingone_application_secret/);
  });

  test("exposes how the provider finds it (literals: PingOne environment and application name), token URL, scope and its dependables", () => {
    const { client, stack } = clientIn();
    expect(client.tokenUrl).toBe(`https://auth.pingone.com/${ENV_ID}/as/token`);
    expect(client.scope).toBe("p1as-self-service");
    expect(client.pingOneApplication).toEqual({ environmentId: ENV_ID, name: "p1as-dev-orchestration" });
    expect((client as { clientId?: string }).clientId).toBeUndefined();
    expect(client.clientSecretEnv).toBe("P1AS_DEV_CLIENT_SECRET");
    expect(resolved(stack, client.applicationId)).toMatch(/^\$\{pingone_application\.[^.]+\.id\}$/);
    expect(client.dependables).toEqual([expect.any(Application), expect.any(ApplicationResourceGrant)]);
  });

  test("an audit client is named p1as-<env>-audit and reads its secret override from P1AS_<ENV>_AUDIT_CLIENT_SECRET", () => {
    const { client } = clientIn({ access: "audit" });
    expect(client.pingOneApplication.name).toBe("p1as-dev-audit");
    expect(client.clientSecretEnv).toBe("P1AS_DEV_AUDIT_CLIENT_SECRET");
  });

  test("fails if the application name or PingOne environment would be unknown at plan (a Terraform reference)", () => {
    const stack = new TerraformStack(Testing.app(), "refs");
    const variable = new TerraformVariable(stack, "name", { type: "string" });
    const resource = new AdminApiResource(stack, "resource", {
      environmentId: ENV_ID,
      environment: "dev",
      audience: "https://self-service-api.dev-acme.us1.ping.cloud/api/v1",
    });
    expect(
      () =>
        new OrchestrationClient(stack, "client", {
          environmentId: ENV_ID,
          regionCode: "NA",
          environment: "dev",
          resource,
          name: variable.stringValue,
        }),
    ).toThrow(/invalid name .*must be known at synth \(a literal\), not a Terraform reference/);
  });

  test("uses the token URL override (emulator)", () => {
    expect(clientIn({ tokenUrl: "http://127.0.0.1:4010/x/as/token" }).client.tokenUrl).toBe(
      "http://127.0.0.1:4010/x/as/token",
    );
  });

  test("fails if the token URL is not a URL", () => {
    expect(() => clientIn({ tokenUrl: "auth.pingone.com" })).toThrow(
      `Default/client: invalid tokenUrl "auth.pingone.com": must be an absolute URL`,
    );
  });
});

describe("SelfServiceCredentials.fromEnvironment", () => {
  test("names the environment variable the provider reads, and declares no Terraform variable", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "explicit");
    const credentials = SelfServiceCredentials.fromEnvironment(stack, {
      clientId: "b6c1e2d3-0000-4000-8000-000000000001",
      clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
      tokenUrl: `https://auth.pingone.com/${ENV_ID}/as/token`,
    });
    expect(credentials).toEqual({
      clientId: "b6c1e2d3-0000-4000-8000-000000000001",
      clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
      tokenUrl: `https://auth.pingone.com/${ENV_ID}/as/token`,
      scope: undefined,
    });
    expect(JSON.parse(Testing.synth(stack)).variable).toBeUndefined();
  });

  test("fails if the variable is not one of ours", () => {
    const stack = new TerraformStack(Testing.app(), "explicit");
    expect(() =>
      SelfServiceCredentials.fromEnvironment(stack, {
        clientId: "b6c1e2d3-0000-4000-8000-000000000001",
        clientSecretEnv: "PINGONE_CLIENT_SECRET",
        tokenUrl: `https://auth.pingone.com/${ENV_ID}/as/token`,
      }),
    ).toThrow(
      `explicit/PINGONE_CLIENT_SECRET: invalid clientSecretEnv "PINGONE_CLIENT_SECRET": must be an environment variable name of upper-case letters, digits and '_' that starts with P1AS_`,
    );
  });

  test("fails if the token URL would send the secret to a host that is not PingOne's", () => {
    const stack = new TerraformStack(Testing.app(), "explicit");
    expect(() =>
      SelfServiceCredentials.fromEnvironment(stack, {
        clientId: "b6c1e2d3-0000-4000-8000-000000000001",
        clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
        tokenUrl: `https://auth.pingone.evil.example/${ENV_ID}/as/token`,
      }),
    ).toThrow(
      `explicit/P1AS_DEV_CLIENT_SECRET: invalid tokenUrl "https://auth.pingone.evil.example/${ENV_ID}/as/token": must be PingOne's token endpoint https://auth.pingone.<tld>/<environmentId>/as/token`,
    );
  });
});

describe("RoleAttributes", () => {
  test("declares every catalogue attribute as a multi-valued STRING", () => {
    const synth = synthRoles({});
    for (const name of [
      "p1asSelfServiceRoles",
      "p1asPingFederateRoles",
      "p1asPingAccessRoles",
      "p1asArgoCDRoles",
      "p1asOpensearchRoles",
      "p1asGrafanaRoles",
    ]) {
      expect(synth).toHaveResourceWithProperties(SchemaAttribute, {
        name,
        type: "STRING",
        multivalued: true,
        environment_id: ENV_ID,
      });
    }
    expect(resourcesOf(synth, SchemaAttribute.tfResourceType)).toHaveLength(6);
  });

  test("enumerates the roles of the configured environments only", () => {
    const values = enumeratedValues(synthRoles({ environments: ["dev", "prod"] }), "p1asSelfServiceRoles");
    expect(values).toEqual([
      { value: "dev-tls-admin", archived: false },
      { value: "dev-tls-audit", archived: false },
      { value: "prod-tls-admin", archived: false },
      { value: "prod-tls-audit", archived: false },
      { value: "all-tls-admin", archived: false },
      { value: "all-tls-audit", archived: false },
    ]);
  });

  test("keeps a retired environment's roles as archived values instead of removing them", () => {
    // GIVEN test was configured before and is now retired
    const values = enumeratedValues(
      synthRoles({ environments: ["dev"], retiredEnvironments: ["test"] }),
      "p1asPingAccessRoles",
    );
    // THEN its roles are still there, archived; dev's stay active
    expect(values).toEqual(
      expect.arrayContaining([
        { value: "dev-pa-admin", archived: false },
        { value: "test-pa-admin", archived: true },
        { value: "test-pa-audit", archived: true },
        { value: "test-pa-platform", archived: true },
      ]),
    );
    expect(values).toHaveLength(6);
  });

  test("archives individual roles, also of active environments", () => {
    const values = enumeratedValues(
      synthRoles({ environments: ["dev"], archivedRoles: ["dev-pf-crypto", "argo-configteam"] }),
      "p1asPingFederateRoles",
    );
    expect(values).toContainEqual({ value: "dev-pf-crypto", archived: true });
    expect(values).toContainEqual({ value: "dev-pf-audit", archived: false });
    expect(enumeratedValues(synthRoles({ archivedRoles: ["argo-configteam"] }), "p1asArgoCDRoles")).toEqual([
      { value: "argo-configteam", archived: true },
    ]);
  });

  test("fails if an environment is both configured and retired, or an archived role is unknown", () => {
    expect(() =>
      synthRoles({ environments: ["dev"], retiredEnvironments: ["dev"], archivedRoles: ["nobody"] }),
    ).toThrow(
      `Default/roles: invalid retiredEnvironments ["dev"]: dev is also in environments; an environment is either configured or retired\n` +
        `Default/roles: invalid archivedRoles ["nobody"]: "nobody" is not a role of any P1AS attribute`,
    );
  });
});

// --- shared setup ---

const ENV_ID = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";
const AUDIENCE = "https://self-service-api.dev-acme.us1.ping.cloud/api/v1";

function resourceIn(props: Partial<AdminApiResourceProps>): AdminApiResource {
  const stack = new TerraformStack(Testing.app(), "Default");
  return new AdminApiResource(stack, "resource", {
    environmentId: ENV_ID,
    environment: "dev",
    audience: AUDIENCE,
    ...props,
  });
}

function synthResource(props: Partial<AdminApiResourceProps>): string {
  return Testing.synthScope((scope) => {
    new AdminApiResource(scope, "resource", {
      environmentId: ENV_ID,
      environment: "dev",
      audience: AUDIENCE,
      ...props,
    });
  });
}

function clientIn(extra: { tokenUrl?: string; access?: "admin" | "audit" } = {}) {
  const stack = new TerraformStack(Testing.app(), "Default");
  const resource = new AdminApiResource(stack, "resource", {
    environmentId: ENV_ID,
    environment: "dev",
    audience: AUDIENCE,
  });
  const client = new OrchestrationClient(stack, "client", {
    environmentId: ENV_ID,
    regionCode: "NA",
    environment: "dev",
    resource,
    ...extra,
  });
  return { stack, client };
}

function synthClient(): string {
  return Testing.synth(clientIn().stack);
}

function synthRoles(props: Partial<RoleAttributesProps>): string {
  const stack = new TerraformStack(Testing.app(), "Default");
  new RoleAttributes(stack, "roles", { environmentId: ENV_ID, environments: ["dev"], ...props });
  return Testing.synth(stack);
}

/** What a token becomes in Terraform JSON (TerraformStack has no resolve() in cdktf 0.21). */
function resolved(stack: TerraformStack, token: string): string {
  const id = `resolved${stack.node.children.length}`;
  new TerraformOutput(stack, id, { value: token, sensitive: true });
  return JSON.parse(Testing.synth(stack)).output[id].value;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function resourcesOf(synth: string, type: string): any[] {
  return Object.values(JSON.parse(synth).resource?.[type] ?? {});
}

function attributeValues(synth: string): Record<string, string> {
  return Object.fromEntries(
    resourcesOf(synth, ResourceAttribute.tfResourceType).map((attribute) => [attribute.name, attribute.value]),
  );
}

function enumeratedValues(synth: string, attributeName: string): { value: string; archived: boolean }[] {
  return resourcesOf(synth, SchemaAttribute.tfResourceType).find((attribute) => attribute.name === attributeName)
    .enumerated_values;
}
