import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../config/load";
import { addStacks } from "../stacks/app-stacks";
import { ProviderSchemaDocument, checkStack, formatProblem } from "../tools/validate/schema-check";
import { DEFAULT_SCHEMA, validateOutdir } from "../tools/validate/main";

describe("offline schema check", () => {
  test("passes on every stack synthesized from the example config", () => {
    // GIVEN every stack of the example config
    const stacks = exampleStacks();
    expect(stacks.map(([name]) => name)).toEqual(["pingone-directory", "p1as-dev", "p1as-prod"]);

    // WHEN each is checked THEN there are no problems
    for (const [name, json] of stacks) expect(checkStack(name, json, schema).map(formatProblem)).toEqual([]);
  });

  test("checks pingone objects at all: the example stacks hold the provider block and every resource type but the secret", () => {
    const types = new Set(
      exampleStacks().flatMap(([, json]) =>
        Object.keys(json.resource ?? {}).filter((type) => type.startsWith("pingone_")),
      ),
    );
    // No pingone_application_secret: it would copy the secret into state (docs/reliability-and-security.md, PingOne mode).
    const declared = Object.keys(
      schema.provider_schemas["registry.terraform.io/pingidentity/pingone"].resource_schemas!,
    ).filter((type) => type !== "pingone_application_secret");
    expect([...types].sort()).toEqual(declared.sort());
  });

  test("finds a misspelt attribute", () => {
    const json = devStack();
    const application = firstOf(json, "pingone_application");
    application.oidc_options.token_endpoint_authn_method = application.oidc_options.token_endpoint_auth_method;
    delete application.oidc_options.token_endpoint_auth_method;
    const messages = checkStack("p1as-dev", json, schema).map(formatProblem);
    expect(messages).toEqual([
      expect.stringMatching(
        /^p1as-dev: pingone_application\.[^:]+: oidc_options\.token_endpoint_auth_method: required attribute is missing$/,
      ),
      expect.stringMatching(
        /^p1as-dev: pingone_application\.[^:]+: oidc_options\.token_endpoint_authn_method: unknown attribute; known: .*token_endpoint_auth_method/,
      ),
    ]);
  });

  test("finds a missing required attribute", () => {
    const json = devStack();
    delete firstOf(json, "pingone_resource_scope").resource_id;
    expect(checkStack("p1as-dev", json, schema).map(formatProblem)).toEqual([
      expect.stringMatching(/^p1as-dev: pingone_resource_scope\.[^:]+: resource_id: required attribute is missing$/),
    ]);
  });

  test("finds a nested attribute written as a list (block syntax)", () => {
    const json = devStack();
    const application = firstOf(json, "pingone_application");
    application.oidc_options = [application.oidc_options];
    expect(checkStack("p1as-dev", json, schema).map(formatProblem)).toEqual([
      expect.stringMatching(
        /oidc_options: is a nested attribute and must be written as an object \(attribute = \{ \.\.\. \}\), not as a block or list; got a list$/,
      ),
    ]);
  });

  test("finds a read-only attribute that is set", () => {
    const json = devStack();
    firstOf(json, "pingone_application").oidc_options.client_id = "abc";
    firstOf(json, "pingone_resource").type = "CUSTOM";
    expect(checkStack("p1as-dev", json, schema).map((problem) => `${problem.attribute}: ${problem.message}`)).toEqual([
      "oidc_options.client_id: is read-only (computed by the provider) and must not be set",
      "type: is read-only (computed by the provider) and must not be set",
    ]);
  });

  test("finds wrong primitive types but lets Terraform expressions through", () => {
    const json = devStack();
    const resource = firstOf(json, "pingone_resource");
    resource.access_token_validity_seconds = "3600";
    firstOf(json, "pingone_application").enabled = "${var.enabled}";
    firstOf(json, "pingone_application_resource_grant").scopes = "scope-id";
    expect(checkStack("p1as-dev", json, schema).map((problem) => `${problem.attribute}: ${problem.message}`)).toEqual([
      `scopes: must be a set (JSON array), got a string "scope-id"`,
      `access_token_validity_seconds: must be a number, got a string "3600"`,
    ]);
  });

  test("checks nested set elements and provider blocks", () => {
    const json = directoryStack();
    firstOf(json, "pingone_schema_attribute").enumerated_values[0].archived = "no";
    json.provider.pingone[0].region = "NorthAmerica";
    json.provider.pingone[0].service_endpoints = { api_hostname: "api.example" };
    expect(
      checkStack("pingone-directory", json, schema).map(
        (problem) => `${problem.address}: ${problem.attribute}: ${problem.message}`,
      ),
    ).toEqual([
      "provider.pingone[0]: region: unknown attribute; known: api_access_token, append_user_agent, client_id, client_secret, environment_id, global_options, http_proxy, region_code, service_endpoints",
      "provider.pingone[0]: service_endpoints: is a block (nesting list) and must be a list of objects, got an object",
      expect.stringMatching(
        /^pingone_schema_attribute\.[^:]+: enumerated_values\[0\]\.archived: must be a bool, got a string "no"$/,
      ),
    ]);
  });

  test("flags an unknown pingone resource type and ignores other providers' types", () => {
    const json = devStack();
    json.resource.pingone_aplication = { x: {} };
    json.resource.terraform_data = { y: { input: { anything: 1 } } };
    expect(checkStack("p1as-dev", json, schema).map(formatProblem)).toEqual([
      "p1as-dev: pingone_aplication.x: unknown resource type pingone_aplication for provider registry.terraform.io/pingidentity/pingone",
    ]);
  });

  test("the CLI's validateOutdir reads cdktf.out/stacks/*/cdk.tf.json and reports per stack", () => {
    // GIVEN an outdir with one good and one broken stack
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-validate-"));
    const broken = devStack();
    delete firstOf(broken, "pingone_resource").name;
    writeStack(outdir, "p1as-dev", broken);
    writeStack(outdir, "pingone-directory", directoryStack());

    // WHEN validated THEN only the broken one is reported
    const { stacks, problems } = validateOutdir(outdir, DEFAULT_SCHEMA);
    expect(stacks).toEqual(["p1as-dev", "pingone-directory"]);
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^p1as-dev: pingone_resource\.[^:]+: name: required attribute is missing$/),
    ]);
  });

  test("the CLI fails if there is nothing to validate", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-validate-"));
    expect(() => validateOutdir(outdir, DEFAULT_SCHEMA)).toThrow(
      /no .*stacks\/<stack>\/cdk\.tf\.json found: run npm run synth first/,
    );
  });
});

// --- shared setup ---

const schema = JSON.parse(fs.readFileSync(DEFAULT_SCHEMA, "utf8")) as ProviderSchemaDocument;

// Synthesized Terraform JSON is edited freely below to break it, so it stays untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TfJson = any;

function exampleStacks(): [string, TfJson][] {
  const { directory, environments } = addStacks(Testing.app(), loadConfig(DEFAULT_CONFIG_PATH));
  return [directory!, ...environments].map((stack: TerraformStack) => [
    stack.node.id,
    JSON.parse(Testing.synth(stack)),
  ]);
}

function devStack(): TfJson {
  return exampleStacks().find(([name]) => name === "p1as-dev")![1];
}

function directoryStack(): TfJson {
  return exampleStacks().find(([name]) => name === "pingone-directory")![1];
}

function firstOf(json: TfJson, type: string): TfJson {
  return Object.values(json.resource[type])[0];
}

function writeStack(outdir: string, name: string, json: TfJson): void {
  fs.mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
  fs.writeFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
}
