/**
 * One schema, three places: the committed cdktf schema cache `provider-schema/p1as@0.1.0.json` (the
 * bindings in .gen/ are generated from it), what the built provider prints (`node dist/provider/main.js
 * schema`), and what terraform itself reads from the installed provider (`terraform providers schema -json`
 * in a synthesized stack's folder). Any difference means the bindings describe a provider that does not
 * exist. To regenerate the committed file:
 *
 *   npm run -s provider:schema | node -e 'const s=JSON.parse(require("fs").readFileSync(0,"utf8"));
 *     s.provider_versions={[Object.keys(s.provider_schemas)[0]]:"0.1.0"};console.log(JSON.stringify(s,null,2))' \
 *     > provider-schema/p1as@0.1.0.json && npm run get
 *
 * Needs `npm run build` first (the provider runs from dist/).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformStack } from "cdktf";
import { SelfServiceCredentials } from "../constructs/credentials";
import { VirtualHosts } from "../constructs/virtual-hosts";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/public-face";
import { runTerraform } from "../tools/terraform/run";
import { testClientId } from "./support/emulator";
import { Json, differences } from "./support/json-differences";
import { synthesize } from "./support/terraform-apply";

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, "..");
const COMMITTED_FILE = path.join(ROOT, "provider-schema", `p1as@${PROVIDER_VERSION}.json`);
const REGENERATE = `regenerate ${path.relative(ROOT, COMMITTED_FILE)} as this file's header says (npm run provider:schema, plus provider_versions), then npm run get`;

const committed = (): Record<string, Json> => JSON.parse(fs.readFileSync(COMMITTED_FILE, "utf8"));
const printed = (): Record<string, Json> =>
  JSON.parse(execFileSync("node", [path.join(ROOT, "dist", "provider", "main.js"), "schema"], { encoding: "utf8" }));

describe("the committed provider schema", () => {
  test("is what the provider prints, plus the provider_versions cdktf's cache needs", () => {
    // GIVEN the committed file and the built provider's own schema
    const { provider_versions: versions, ...schemas } = committed();

    // THEN the cache names this provider at this version
    expect(versions).toEqual({ [PROVIDER_SOURCE]: PROVIDER_VERSION });
    // AND the rest is exactly what the provider prints
    expect({ differences: differences(schemas, printed()), fix: REGENERATE }).toEqual({
      differences: [],
      fix: REGENERATE,
    });
  });

  test("is what terraform reads from the provider installed beside a synthesized stack", async () => {
    // GIVEN a stack with virtual hosts, synthesized with the provider installed beside it
    const { stackDir } = synthesize((app) => {
      const stack = new TerraformStack(app, "p1as-dev");
      const credentials = SelfServiceCredentials.fromEnvironment(stack, {
        clientId: testClientId("provider-schema"),
        clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
        tokenUrl: "https://auth.pingone.com/0ff1ce00-de30-4000-8000-000000000001/as/token",
      });
      new VirtualHosts(stack, "virtual-hosts", {
        credentials,
        apiUrl: "https://self-service-api.dev-acme.us1.ping.cloud/api/v1",
      });
      return stack;
    });
    try {
      // WHEN terraform initializes it and prints the provider schemas
      const init = await runTerraform(["init", "-input=false", "-no-color"], { cwd: stackDir });
      expect({ exitCode: init.exitCode, output: init.exitCode === 0 ? "" : init.stdout + init.stderr }).toEqual({
        exitCode: 0,
        output: "",
      });
      const shown = await runTerraform(["providers", "schema", "-json"], { cwd: stackDir });
      expect(shown.exitCode).toBe(0);
      const fromTerraform = JSON.parse(shown.stdout) as { provider_schemas: Record<string, Json> };

      // THEN it lists only our provider, and its schema is the committed one (key order aside)
      expect(Object.keys(fromTerraform.provider_schemas)).toEqual([PROVIDER_SOURCE]);
      const { provider_versions: _versions, ...schemas } = committed();
      expect({ differences: differences(schemas as Json, fromTerraform as unknown as Json), fix: REGENERATE }).toEqual({
        differences: [],
        fix: REGENERATE,
      });
    } finally {
      fs.rmSync(path.dirname(path.dirname(stackDir)), { recursive: true, force: true });
    }
  });

  test("a schema that differs in one description, one flag or one attribute is reported at its path", () => {
    // GIVEN the provider's schema and three altered copies
    const original = printed();
    const alter = (change: (schema: any) => void) => {
      const copy = JSON.parse(JSON.stringify(original));
      change(copy.provider_schemas[PROVIDER_SOURCE]);
      return copy;
    };
    const base = `$.provider_schemas.${PROVIDER_SOURCE}`;
    const fullchain = (original as any).provider_schemas[PROVIDER_SOURCE].resource_schemas.p1as_certificate.block
      .attributes.fullchain;

    // WHEN each is compared with the original
    // THEN each difference is found where it is, and a mere reordering of keys is none
    expect(
      differences(
        original,
        alter((s) => (s.resource_schemas.p1as_certificate.block.attributes.fullchain.description = "changed")),
      ),
    ).toEqual([
      `${base}.resource_schemas.p1as_certificate.block.attributes.fullchain.description: ${JSON.stringify(fullchain.description)} != "changed"`,
    ]);
    expect(
      differences(
        original,
        alter((s) => delete s.resource_schemas.p1as_certificate.block.attributes.private_key_wo.write_only),
      ),
    ).toEqual([
      `${base}.resource_schemas.p1as_certificate.block.attributes.private_key_wo.write_only: true != undefined`,
    ]);
    expect(
      differences(
        original,
        alter((s) => (s.resource_schemas.p1as_hostname.block.attributes.extra = { type: "string", optional: true })),
      ),
    ).toHaveLength(1);
    const reordered = Object.fromEntries(Object.entries(original).reverse());
    expect(differences(original, reordered)).toEqual([]);
  });
});
