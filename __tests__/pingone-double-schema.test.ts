/**
 * The PingOne provider test double declares Ping's committed v1.21.0 schema (provider-schema/pingone@1.21.0.json,
 * what the stacks' bindings are generated from) for the resource types our stacks use and nothing else; and it
 * is installed only where terraform looks when told to (TF_CLI_CONFIG_FILE), never where a real deploy finds it.
 * Needs `npm run build` first (terraform runs the bundles in dist/).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TestDoubleInstallation, installTestDouble } from "../pingone-double/install";
import { DOUBLE_RESOURCES, pingOneDouble } from "../pingone-double/provider";
import { resourceSchema } from "../pingone-double/schema";
import { DOUBLE_SOURCE, DOUBLE_VERSION } from "../pingone-double/source";
import { terraformPlatform } from "../provider/install";
import { providerSchemaDocument } from "../provider/framework";
import { runTerraform } from "../tools/terraform/run";
import { Json, differences } from "./support/json-differences";
import { REQUIRED_PROVIDERS } from "./support/pingone-double";

jest.setTimeout(180_000);

const COMMITTED_FILE = path.resolve(__dirname, "..", "provider-schema", "pingone@1.21.0.json");
type Schemas = { provider: Json; resource_schemas: Record<string, Json>; data_source_schemas?: Record<string, Json> };
const committed = (): Schemas => JSON.parse(readFileSync(COMMITTED_FILE, "utf8")).provider_schemas[DOUBLE_SOURCE];

/** The resource types the stacks declare (constructs/pingone/*), plus the secret Ping's configurations use. */
const STACK_RESOURCE_TYPES = [
  "pingone_application",
  "pingone_application_resource_grant",
  "pingone_application_secret",
  "pingone_resource",
  "pingone_resource_attribute",
  "pingone_resource_scope",
  "pingone_schema_attribute",
];

/**
 * What the comparison covers: types, nesting, required/optional/computed, sensitivity, schema versions.
 * Descriptions are prose, and their kind (plain or markdown) is how Ping's source happened to set it.
 */
function withoutProse(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutProse);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "description" && key !== "description_kind")
      .map(([key, item]) => [key, withoutProse(item)]),
  );
}

describe("the PingOne provider test double's schema", () => {
  let installation: TestDoubleInstallation;
  let workDir: string;
  beforeAll(() => {
    installation = installTestDouble();
    workDir = mkdtempSync(path.join(os.tmpdir(), "pingone-double-schema-"));
    writeFileSync(path.join(workDir, "main.tf"), REQUIRED_PROVIDERS);
  });
  afterAll(() => {
    installation?.remove();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test("is, as terraform reads it from the installed double, Ping's committed schema of exactly the stacks' resource types", async () => {
    // GIVEN the double installed in a throw-away mirror, and a configuration that requires Ping's provider
    const init = await runTerraform(["init", "-input=false", "-no-color"], { cwd: workDir, env: installation.env });
    expect({ exitCode: init.exitCode, output: init.exitCode === 0 ? "" : init.stdout + init.stderr }).toEqual({
      exitCode: 0,
      output: "",
    });

    // WHEN terraform prints the schema it got from the double over the plugin protocol
    const shown = await runTerraform(["providers", "schema", "-json"], { cwd: workDir, env: installation.env });
    expect(shown.exitCode).toBe(0);
    const fromDouble = JSON.parse(shown.stdout).provider_schemas[DOUBLE_SOURCE] as Schemas;
    const expected = committed();

    // THEN it has exactly the stacks' resource types, no data sources, and each schema is Ping's
    expect(Object.keys(fromDouble.resource_schemas).sort()).toEqual(STACK_RESOURCE_TYPES);
    expect(fromDouble.data_source_schemas ?? {}).toEqual({});
    for (const type of STACK_RESOURCE_TYPES) {
      expect({
        type,
        differences: differences(
          withoutProse(expected.resource_schemas[type]),
          withoutProse(fromDouble.resource_schemas[type]),
        ),
      }).toEqual({ type, differences: [] });
    }
    // AND the provider block (attributes and the service_endpoints and global_options blocks) is Ping's too
    expect(differences(withoutProse(expected.provider), withoutProse(fromDouble.provider))).toEqual([]);
  });

  test("the comparison sees a changed flag, a missing nested attribute and a changed nesting", () => {
    const own = providerSchemaDocument(pingOneDouble, DOUBLE_SOURCE) as { provider_schemas: Record<string, Schemas> };
    const application = withoutProse(own.provider_schemas[DOUBLE_SOURCE].resource_schemas.pingone_application) as any;
    const original = withoutProse(committed().resource_schemas.pingone_application);
    expect(differences(original, application)).toEqual([]);

    application.block.attributes.oidc_options.nested_type.attributes.client_id.optional = true;
    delete application.block.attributes.oidc_options.nested_type.attributes.grant_types;
    application.block.attributes.icon.nested_type.nesting_mode = "list";
    expect(differences(original, application)).toEqual([
      '$.block.attributes.icon.nested_type.nesting_mode: "single" != "list"',
      "$.block.attributes.oidc_options.nested_type.attributes.client_id.optional: undefined != true",
      expect.stringMatching(
        /^\$\.block\.attributes\.oidc_options\.nested_type\.attributes\.grant_types: \{.*\} != undefined$/,
      ),
    ]);
  });

  test("refuses behaviour for an attribute or a resource type Ping's schema does not have", () => {
    expect(() => resourceSchema("pingone_resource", { audiences: { requiresReplace: true } })).toThrow(
      "pingone_resource: behaviour for attributes the committed PingOne schema does not have: audiences",
    );
    expect(() =>
      resourceSchema("pingone_resource", { "application_permissions_settings.claim": { requiresReplace: true } }),
    ).toThrow(/application_permissions_settings\.claim/);
    expect(() => resourceSchema("pingone_group")).toThrow(
      "the committed PingOne schema has no resource type pingone_group",
    );
    expect(DOUBLE_RESOURCES.map((resource) => resource.typeName).sort()).toEqual(STACK_RESOURCE_TYPES);
  });
});

describe("installing the PingOne provider test double", () => {
  test("puts it in a throw-away folder, labelled, with a CLI configuration that names only that folder", () => {
    const installation = installTestDouble();
    try {
      // THEN everything is under the system's temporary folder
      expect(installation.dir.startsWith(path.join(os.tmpdir(), "pingone-test-double-"))).toBe(true);
      expect(installation.env).toEqual({ TF_CLI_CONFIG_FILE: installation.cliConfigFile, TF_PLUGIN_CACHE_DIR: "" });
      // AND the package is Ping's address at the stacks' version, and its executable says what it is
      const packageDir = path.join(installation.mirrorDir, DOUBLE_SOURCE, "1.21.0", terraformPlatform());
      expect(readdirSync(packageDir).sort()).toEqual([
        "pingone-provider.js",
        `terraform-provider-pingone_v${DOUBLE_VERSION}`,
      ]);
      expect(DOUBLE_VERSION).toBe("1.21.0-test-double");
      const config = readFileSync(installation.cliConfigFile, "utf8");
      expect(config).toContain("PingOne provider test double");
      expect(config).toContain(`path    = ${JSON.stringify(installation.mirrorDir)}`);
      expect(config).not.toMatch(/direct|network_mirror|plugin_cache_dir/);
    } finally {
      installation.remove();
    }
    expect(existsSync(installation.dir)).toBe(false);
  });

  test("refuses a folder under terraform.d, which every terraform run searches", () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), "pingone-double-parent-"));
    try {
      expect(() => installTestDouble({ parentDir: path.join(parent, "terraform.d", "plugins") })).toThrow(
        /refusing to install the PingOne provider test double under .*terraform\.d.*: terraform searches every terraform\.d folder on its own/,
      );
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  test("a terraform init without its CLI configuration does not find the double", async () => {
    // GIVEN the double installed (as a test or the demo has it), and a configuration that requires Ping's provider
    const installation = installTestDouble();
    const workDir = mkdtempSync(path.join(os.tmpdir(), "pingone-double-real-init-"));
    try {
      writeFileSync(path.join(workDir, "main.tf"), REQUIRED_PROVIDERS);

      // WHEN terraform init runs as a real deploy would, without TF_CLI_CONFIG_FILE
      const init = await runTerraform(["init", "-input=false", "-no-color"], {
        cwd: workDir,
        env: { TF_CLI_CONFIG_FILE: undefined },
      });

      // THEN it looks for Ping's provider in Ping's registry (unreachable here) and installs nothing
      expect(init.exitCode).toBe(1);
      const output = (init.stdout + init.stderr).replace(/\s+/g, " ");
      expect(output).toContain("registry.terraform.io");
      expect(output).not.toContain("Installed pingidentity/pingone");
      expect(existsSync(path.join(workDir, ".terraform", "providers"))).toBe(false);
      // AND neither the user's implied mirror nor the project's has it
      for (const implied of [
        path.join(os.homedir(), ".terraform.d", "plugins", DOUBLE_SOURCE),
        path.resolve(__dirname, "..", "terraform.d", "plugins", DOUBLE_SOURCE),
      ]) {
        expect({ implied, exists: existsSync(implied) }).toEqual({ implied, exists: false });
      }
    } finally {
      installation.remove();
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
