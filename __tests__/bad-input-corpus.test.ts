import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { SelfServiceCredentials } from "../constructs/credentials";
import { ValidationError } from "../constructs/errors";
import { VirtualHosts } from "../constructs/virtual-hosts";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { synthesize } from "../stacks/synthesize";
import {
  BAD_CONFIGS,
  BAD_PROPS,
  CATEGORIES,
  CERTIFICATE_FILES,
  PINGONE_ENVIRONMENT_ID,
  PropsScope,
  RawConfig,
  validConfig,
  writeCertificateFiles,
} from "./corpus/bad-inputs";

describe("bad-input corpus", () => {
  test("holds at least 40 bad inputs covering every category, configs and construct props alike", () => {
    const all = [...BAD_CONFIGS, ...BAD_PROPS];
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(new Set(all.map((entry) => entry.category))).toEqual(new Set(CATEGORIES));
    expect(new Set(all.map((entry) => entry.name)).size).toBe(all.length);
  });

  test("the unbroken config synthesizes, so every rejection below comes from the one broken field", () => {
    // GIVEN the valid config every bad config is derived from
    // WHEN it is synthesized
    const { outdir } = synthesizeConfig(validConfig(emulator.url), "valid");

    // THEN the stacks are written and the API was not called
    expect(fs.existsSync(path.join(outdir, "stacks", "p1as-dev", "cdk.tf.json"))).toBe(true);
    expect(emulator.requestLog.list()).toEqual([]);
  });

  test.each(BAD_CONFIGS.map((entry) => [entry.name, entry] as const))("config: fails if %s", (_name, entry) => {
    // GIVEN the valid config with one field broken, its API URLs on the running emulator
    const config = validConfig(emulator.url);
    entry.breakIt(config);

    // WHEN it is synthesized
    const { error, outdir } = synthesizeConfig(config, entry.name, entry.editText, entry.inventory);

    // THEN synth names the field's path and the reason, writes no stack and sends nothing
    expectRejection(error, entry);
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(false);
    expect(emulator.requestLog.list()).toEqual([]);
  });

  test.each(BAD_PROPS.map((entry) => [entry.name, entry] as const))("props: fails if %s", (_name, entry) => {
    // GIVEN a stack with a VirtualHosts on the running emulator
    const scope = propsScope();

    // WHEN the construct is declared with the bad prop
    const error = caught(() => entry.build(scope));

    // THEN the error names the construct path, the prop and the reason, and nothing was sent
    expectRejection(error, entry);
    expect(emulator.requestLog.list()).toEqual([]);
  });
});

// ---- shared setup ----------------------------------------------------------------------------

let emulator: RunningEmulator;
let dir: string;
/** Literal secrets in the corpus and a line of every generated key's body. */
const secrets = ["hunter2", "s3cr3t"];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-corpus-"));
  writeCertificateFiles(dir);
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith(".key"))) {
    secrets.push(fs.readFileSync(path.join(dir, file), "utf8").split("\n")[1]);
  }
  emulator = await startEmulator({ seedDemoClients: false });
});

afterAll(async () => {
  await emulator?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes the config (and its state inventory, when the entry has one) next to the certificate files and runs the app entry's synth on it. */
function synthesizeConfig(
  config: RawConfig,
  name: string,
  editText: (text: string) => string = (text) => text,
  inventory?: object,
): { error?: unknown; outdir: string } {
  const slug = name.replace(/[^a-z0-9]+/gi, "-");
  const file = path.join(dir, `${slug}.json`);
  const outdir = path.join(dir, `${slug}.out`);
  fs.writeFileSync(file, editText(JSON.stringify(config)));
  if (inventory) fs.writeFileSync(path.join(dir, `${slug}.inventory.json`), JSON.stringify(inventory));
  return { error: caught(() => synthesize(file, outdir)), outdir };
}

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectRejection(error: unknown, expected: { path: string; field?: string; reason: string }): void {
  expect(error).toBeInstanceOf(ValidationError);
  const rejection = error as ValidationError;
  if (expected.field === undefined) {
    // A config problem: one `<path>: <reason>; ...` line per bad field.
    const line = rejection.reasons.find((reason) => reason.startsWith(`${expected.path}: `));
    expect({ lines: rejection.reasons, line }).toEqual({
      lines: rejection.reasons,
      line: expect.stringContaining(expected.reason),
    });
  } else {
    expect({ path: rejection.path, field: rejection.field }).toEqual({ path: expected.path, field: expected.field });
    expect(rejection.message).toContain(expected.reason);
  }
  // A rejection quotes the bad value, never key material or a secret written where it does not belong.
  for (const secret of secrets) expect(rejection.message).not.toContain(secret);
}

function propsScope(): PropsScope {
  const stack = new TerraformStack(Testing.app(), "stack");
  const tokenUrl = emulator.tokenUrl(PINGONE_ENVIRONMENT_ID);
  const credentials = SelfServiceCredentials.fromEnvironment(stack, {
    clientId: "b6c1e2d3-0000-4000-8000-000000000001",
    clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
    tokenUrl,
  });
  const virtualHosts = new VirtualHosts(stack, "virtual-hosts", { credentials, apiUrl: emulator.apiUrl("dev") });
  return { stack, virtualHosts, tokenUrl, file: (name) => path.join(dir, CERTIFICATE_FILES[name]) };
}
