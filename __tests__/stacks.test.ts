import "cdktf/lib/testing/adapters/jest";
import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "path";
import { makeCertificate } from "../emulator/demo-certs";
import { Testing } from "cdktf";
import { Application } from "../.gen/providers/pingone/application";
import { PingoneProvider } from "../.gen/providers/pingone/provider";
import { Resource } from "../.gen/providers/pingone/resource";
import { ResourceAttribute } from "../.gen/providers/pingone/resource-attribute";
import { SchemaAttribute } from "../.gen/providers/pingone/schema-attribute";
import { DataP1AsCertificates } from "../.gen/providers/p1as/data-p1as-certificates";
import { DataP1AsHostnames } from "../.gen/providers/p1as/data-p1as-hostnames";
import { P1AsProvider } from "../.gen/providers/p1as/provider";
import { DEFAULT_CONFIG_PATH, loadConfig, parseConfig } from "../config/load";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/public-face";
import { AppStacks, addStacks } from "../stacks/app-stacks";

describe("stacks", () => {
  test("the example config gives one directory stack and one stack per P1AS environment", () => {
    const { directory, environments } = exampleStacks();
    expect(directory?.node.id).toBe("pingone-directory");
    expect(environments.map((stack) => stack.node.id)).toEqual(["p1as-dev", "p1as-prod"]);
  });

  test("role attributes exist once, in the directory stack only", () => {
    const { directory, environments } = exampleStacks();
    expect(Testing.synth(directory!)).toHaveResource(SchemaAttribute);
    for (const stack of environments) expect(Testing.synth(stack)).not.toHaveResource(SchemaAttribute);
  });

  test("each environment stack has its own resource, client and least-privilege groups", () => {
    const { environments } = exampleStacks();
    const [dev, prod] = environments.map((stack) => Testing.synth(stack));
    expect(dev).toHaveResourceWithProperties(ResourceAttribute, { name: "groups", value: "$${{'dev-tls-admin'}}" });
    expect(prod).toHaveResourceWithProperties(ResourceAttribute, { name: "groups", value: "$${{'prod-tls-admin'}}" });
    expect(dev).toHaveResourceWithProperties(Application, { name: "p1as-dev-orchestration" });
    expect(prod).toHaveResourceWithProperties(Application, { name: "p1as-prod-orchestration" });
  });

  test("the provider block holds only the region, never credentials, even when they are in the environment", () => {
    // GIVEN provider credentials in this process's environment
    const secret = "s3cret-provider-value-0f9e8d";
    const saved = { ...process.env };
    Object.assign(process.env, {
      PINGONE_CLIENT_ID: "a1b2c3d4-0000-4000-8000-00000000000a",
      PINGONE_CLIENT_SECRET: secret,
    });
    try {
      // WHEN every stack is synthesized
      const { directory, environments } = exampleStacks();
      const synths = [directory!, ...environments].map((stack) => Testing.synth(stack));
      // THEN the provider block has only region_code and no synthesized text contains the secret
      for (const synth of synths.slice(0, 3)) {
        expect(JSON.parse(synth).provider.pingone).toEqual([{ region_code: "NA" }]);
        expect(synth).not.toContain(secret);
      }
    } finally {
      process.env = saved;
    }
  });

  test("an environment with explicit credentials declares no pingone provider or resource, and names both clients' variables", () => {
    // GIVEN dev uses two existing clients: the write client and the read-only one
    const stacks = stacksFor({
      environments: [
        {
          name: "dev",
          credentials: {
            clientId: "b6c1e2d3-0000-4000-8000-000000000001",
            audit: { clientId: "b6c1e2d3-0000-4000-8000-0000000a0d17" },
          },
        },
      ],
    });
    const [dev] = stacks.environments;
    const synth = Testing.synth(dev);

    // THEN the stack has no pingone_* at all: only the p1as provider, naming each client and its own variable
    expect(synth).not.toHaveProvider(PingoneProvider);
    expect(synth).not.toMatch(/pingone_/);
    expect(JSON.parse(synth).terraform.required_providers).toEqual({
      p1as: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION },
    });
    expect(synth).toHaveProviderWithProperties(P1AsProvider, {
      client_id: "b6c1e2d3-0000-4000-8000-000000000001",
      client_secret_env: "P1AS_DEV_CLIENT_SECRET",
      read_client_id: "b6c1e2d3-0000-4000-8000-0000000a0d17",
      read_client_secret_env: "P1AS_DEV_AUDIT_CLIENT_SECRET",
    });
    // AND no secret and no Terraform variable for one: the provider reads the variables where terraform runs
    expect(JSON.parse(synth).provider.p1as[0].client_secret).toBeUndefined();
    expect(JSON.parse(synth).variable).toBeUndefined();
    expect(dev.readCredentials?.clientId).toBe("b6c1e2d3-0000-4000-8000-0000000a0d17");
    expect(dev.adminApiResource).toBeUndefined();
    expect(dev.credentials.clientId).toBe("b6c1e2d3-0000-4000-8000-000000000001");
    expect(dev.credentials.tokenUrl).toBe(`https://auth.pingone.com/${ENV_ID}/as/token`);
  });

  test("each environment's p1as provider finds its two clients in PingOne by name: every setting a literal, no secret anywhere", () => {
    // GIVEN the example config WHEN its environment stacks are synthesized
    const { environments } = exampleStacks();
    for (const stack of environments) {
      const synth = Testing.synth(stack);
      const env = stack.environment.name;
      const [provider] = JSON.parse(synth).provider.p1as;
      // THEN the provider block points at the environment's API and names the applications the stack creates
      expect(provider).toEqual({
        api_url: stack.selfServiceApiUrl,
        token_url: `https://auth.pingone.com/${ENV_ID}/as/token`,
        pingone_environment_id: ENV_ID,
        pingone_application: `p1as-${env}-orchestration`,
        pingone_read_application: `p1as-${env}-audit`,
        pingone_api_url: "https://api.pingone.com/v1",
        client_secret_env: `P1AS_${env.toUpperCase()}_CLIENT_SECRET`,
        read_client_secret_env: `P1AS_${env.toUpperCase()}_AUDIT_CLIENT_SECRET`,
        scope: "p1as-self-service",
        poll_interval_ms: expect.any(Number),
        ready_timeout_ms: expect.any(Number),
        request_timeout_ms: expect.any(Number),
        max_retries: 7,
      });
      // AND nothing in it refers to another object (unknown at a plan from zero), and no secret resource exists
      expect(JSON.stringify(provider)).not.toContain("${");
      expect(synth).not.toMatch(/pingone_application_secret|client_secret"/);
      // AND the stack lists what the API holds, and needs the terraform that knows write-only attributes
      expect(synth).toHaveDataSource(DataP1AsCertificates);
      expect(synth).toHaveDataSource(DataP1AsHostnames);
      expect(JSON.parse(synth).terraform.required_version).toBe(">= 1.11");
    }
  });

  test("PingOne mode declares a write and a read resource, each with its own application and grant", () => {
    const [dev] = exampleStacks().environments;
    const synth = Testing.synth(dev);
    expect(synth).toHaveResourceWithProperties(Resource, {
      name: "p1as-dev-self-service-api",
      audience: "https://self-service-api.dev-acme.us1.ping.cloud/api/v1",
    });
    expect(synth).toHaveResourceWithProperties(Resource, {
      name: "p1as-dev-self-service-api-audit",
      audience: "https://self-service-api.dev-acme.us1.ping.cloud/api/v1",
    });
    expect(synth).toHaveResourceWithProperties(ResourceAttribute, { name: "groups", value: "$${{'dev-tls-audit'}}" });
    expect(synth).toHaveResourceWithProperties(Application, { name: "p1as-dev-audit" });
    const grants = Object.values(JSON.parse(synth).resource.pingone_application_resource_grant) as {
      application_id: string;
      custom_resource_id: string;
    }[];
    expect(grants).toHaveLength(2);
    // Each application is granted its own resource: the read-only client never gets the write resource's scope.
    const pairs = grants.map(
      (grant) =>
        `${grant.application_id.split(".")[1].split("_")[0]} -> ${grant.custom_resource_id.split(".")[1].split("_")[0]}`,
    );
    expect(pairs.sort()).toEqual(["audit-client -> audit-api-resource", "orchestration-client -> admin-api-resource"]);
  });

  test("every p1as resource depends on both clients' applications and grants; the listing data sources depend on nothing", () => {
    // GIVEN dev with a certificate and a hostname in PingOne mode
    const dir = mkdtempSync(path.join(os.tmpdir(), "stacks-"));
    writeFileSync(path.join(dir, "any.pem"), makeCertificate({ commonName: "*.dev.acme.example" }).fullchain);
    const [dev] = stacksFor({
      environments: [
        {
          name: "dev",
          virtualHosts: {
            certificates: [
              {
                name: "wildcard-dev",
                fullchainFile: path.join(dir, "any.pem"),
                privateKeyVariable: "p1as_dev_wildcard_key",
              },
            ],
            hostnames: [
              { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" },
            ],
          },
        },
      ],
    }).environments;
    const json = JSON.parse(Testing.synth(dev));
    const p1asResources = [
      ...Object.values(json.resource.p1as_certificate),
      ...Object.values(json.resource.p1as_hostname),
    ] as { depends_on?: string[] }[];
    expect(p1asResources).toHaveLength(2);
    // Bare addresses: terraform refuses an interpolation ("${…}") in depends_on at init.
    for (const resource of p1asResources) {
      expect(resource.depends_on).toEqual([
        expect.stringMatching(/^pingone_application\.orchestration-client_application_\w+$/),
        expect.stringMatching(/^pingone_application_resource_grant\.orchestration-client_scope-grant_\w+$/),
        expect.stringMatching(/^pingone_application\.audit-client_application_\w+$/),
        expect.stringMatching(/^pingone_application_resource_grant\.audit-client_scope-grant_\w+$/),
        expect.stringMatching(/^pingone_resource_attribute\.admin-api-resource_name-attribute_\w+$/),
        expect.stringMatching(/^pingone_resource_attribute\.admin-api-resource_groups-attribute_\w+$/),
        expect.stringMatching(/^pingone_resource_attribute\.audit-api-resource_name-attribute_\w+$/),
        expect.stringMatching(/^pingone_resource_attribute\.audit-api-resource_groups-attribute_\w+$/),
      ]);
    }
    // A data source that depends on a resource with changes is read only at apply: the plan could not list the API.
    for (const data of [...Object.values(json.data.p1as_certificates), ...Object.values(json.data.p1as_hostnames)] as {
      depends_on?: string[];
    }[]) {
      expect(data.depends_on).toBeUndefined();
    }
  });

  test("a retiring PingOne-mode environment keeps its whole PingOne side declared, so its -destroy plan removes it; its roles are archived", () => {
    // GIVEN prod retiring in PingOne mode
    const stacks = stacksFor({ environments: [{ name: "dev" }, { name: "prod", retire: true }] });
    const prod = stacks.environments[1];
    expect(prod.environment.retiring).toBe(true);
    // THEN its stack still declares both resources with scopes and attributes, both applications and grants
    // (a plan with -destroy removes exactly what is declared and in state), and the provider finds its clients by name
    const json = JSON.parse(Testing.synth(prod));
    const count = (type: string) => Object.keys(json.resource[type] ?? {}).length;
    expect([
      count("pingone_resource"),
      count("pingone_resource_scope"),
      count("pingone_resource_attribute"),
      count("pingone_application"),
      count("pingone_application_resource_grant"),
    ]).toEqual([2, 2, 4, 2, 2]);
    expect(json.provider.p1as[0]).toMatchObject({
      pingone_application: "p1as-prod-orchestration",
      pingone_read_application: "p1as-prod-audit",
    });
    // AND the directory stack keeps prod's roles, archived
    const attributes = Object.values(
      JSON.parse(Testing.synth(stacks.directory!)).resource.pingone_schema_attribute,
    ) as { name: string; enumerated_values: { value: string; archived: boolean }[] }[];
    const attribute = attributes.find((item) => item.name === "p1asSelfServiceRoles")!;
    expect(attribute.enumerated_values).toContainEqual({ value: "prod-tls-admin", archived: true });
  });

  test("exposes credentials and the self-service API URL for later constructs", () => {
    const [dev] = exampleStacks().environments;
    expect(dev.selfServiceApiUrl).toBe("https://self-service-api.dev-acme.us1.ping.cloud/api/v1");
    expect(dev.credentials).toBe(dev.orchestrationClient);
    expect(dev.readCredentials).toBe(dev.auditClient);
    expect(dev.credentials.scope).toBe("p1as-self-service");
    expect(dev.baseDir).toBe(path.resolve("config"));
  });

  test("no directory stack when role attributes are not managed here", () => {
    const stacks = stacksFor({
      pingone: { environmentId: ENV_ID, regionCode: "NA", roleAttributes: { manage: false } },
    });
    expect(stacks.directory).toBeUndefined();
  });

  test.each([
    [{ type: "local", path: "state/dev.tfstate" }, { backend: { local: { path: path.resolve("state/dev.tfstate") } } }],
    [{ type: "pg" }, { backend: { pg: { schema_name: "p1as_dev" } } }],
    [
      { type: "s3", bucket: "acme-tf", region: "eu-west-1" },
      {
        backend: {
          s3: {
            bucket: "acme-tf",
            key: "acme/p1as-dev.tfstate",
            region: "eu-west-1",
            encrypt: true,
            use_lockfile: true,
          },
        },
      },
    ],
    [
      { type: "s3", bucket: "acme-tf", region: "eu-west-1", dynamodbTable: "tf-locks" },
      {
        backend: {
          s3: {
            bucket: "acme-tf",
            key: "acme/p1as-dev.tfstate",
            region: "eu-west-1",
            encrypt: true,
            dynamodb_table: "tf-locks",
          },
        },
      },
    ],
    [
      { type: "remote", organization: "acme" },
      { backend: { remote: { organization: "acme", workspaces: { name: "acme-p1as-dev" } } } },
    ],
    [
      { type: "cloud", organization: "acme", workspace: "p1as-dev" },
      { cloud: { organization: "acme", workspaces: { name: "p1as-dev" } } },
    ],
  ])("configures the %o backend without secrets", (backend, expected) => {
    // GIVEN the backend in the config WHEN synthesized THEN the terraform block names it, and nothing else
    const [dev] = stacksFor({ environments: [{ name: "dev", backend }] }).environments;
    const {
      required_providers: _providers,
      required_version: _version,
      ...terraform
    } = JSON.parse(Testing.synth(dev)).terraform;
    expect(terraform).toEqual(expected);
  });
});

// --- shared setup ---

const ENV_ID = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";

describe("the config's request settings and file paths", () => {
  test("selfService.requestTimeoutMs, maxRetries, readyTimeoutMs and apiContract reach the p1as provider block", () => {
    const { environments } = stacksFor({
      environments: [
        {
          name: "dev",
          selfService: { requestTimeoutMs: 45_000, maxRetries: 3, readyTimeoutMs: 900_000, apiContract: "confirmed" },
        },
      ],
    });
    expect(Testing.synth(environments[0])).toHaveProviderWithProperties(P1AsProvider, {
      request_timeout_ms: 45_000,
      max_retries: 3,
      ready_timeout_ms: 900_000,
      api_contract: "confirmed",
    });
  });

  test("bad input: two local states at one place are refused, stating the rule a local state path follows", () => {
    const build = () =>
      stacksFor({
        environments: [
          { name: "dev", backend: { type: "local", path: "shared.tfstate" } },
          { name: "test", backend: { type: "local", path: "./shared.tfstate" } },
        ],
      });
    expect(build).toThrow(
      `environments[1].backend: stores state at the same place as environments[0].backend (local:${path.resolve("shared.tfstate")}); give each stack its own state (a local state path written in the config is relative to the config file's folder, like every path in it; the default terraform.<stack>.tfstate is a default, not a path written in the config, and stays in the folder the commands run in)`,
    );
  });

  test("bad input: a certificate file that does not exist names the config field and the config file's folder, relative to which it was read", () => {
    const build = () =>
      stacksFor({
        environments: [
          {
            name: "dev",
            virtualHosts: {
              certificates: [{ name: "c", fullchainFile: "certs/missing.pem", privateKeyFile: "certs/missing.key" }],
              hostnames: [],
            },
          },
        ],
      });
    expect(build).toThrow(
      `environments[dev].virtualHosts.certificates[0]: invalid fullchainFile "certs/missing.pem": must be a readable regular file: ${path.resolve("certs/missing.pem")} does not exist. Every relative path in the JSON config is relative to the config file's folder (${path.resolve(".")})`,
    );
  });

  test("bad input: a negative maxRetries is refused by the config check, naming the field", () => {
    expect(() => stacksFor({ environments: [{ name: "dev", selfService: { maxRetries: -1 } }] })).toThrow(
      /environments\[0\]\.selfService\.maxRetries/,
    );
  });
});

function exampleStacks(): AppStacks {
  return addStacks(Testing.app(), loadConfig(DEFAULT_CONFIG_PATH));
}

function stacksFor(overrides: object): AppStacks {
  const config = {
    customer: "acme",
    p1asRegion: "us1",
    pingone: { environmentId: ENV_ID, regionCode: "NA" },
    environments: [{ name: "dev" }],
    ...overrides,
  };
  return addStacks(Testing.app(), parseConfig(config, "test"));
}
