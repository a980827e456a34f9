/**
 * One check for every way in: `npx cdktf synth/diff/deploy` (cdktf runs cdktf-app.js, then terraform), our tools
 * (deploy, plan summary, drift select stacks through tools/terraform/synth-output.ts) and `npm start`
 * (checkWaysIn, tools/terraform/ways-in.ts) refuse a retiring environment they would plan like any other, a removed environment whose state still holds
 * objects, and a synth output of another config or older than its config. Runs dist/ (npm run build first).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { synthesize } from "../stacks/synthesize";
import { checkWaysIn } from "../tools/terraform/ways-in";
import { selectStacks } from "../tools/terraform/synth-output";

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, "..");
const CLIENT = {
  clientId: "b6c1e2d3-0000-4000-8000-000000000001",
  audit: { clientId: "b6c1e2d3-0000-4000-8000-0000000a0d17" },
};

/** A config in its own directory, explicit credentials (nothing of PingOne), each stack's local state there too. */
function configIn(dir: string, environments: object[], name = "config.json"): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      customer: "acme",
      p1asRegion: "us1",
      pingone: {
        environmentId: "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
        regionCode: "NA",
        roleAttributes: { manage: false },
      },
      environments,
    }),
  );
  return file;
}

const env = (dir: string, name: string, extra: object = {}) => ({
  name,
  credentials: CLIENT,
  backend: { type: "local", path: path.join(dir, `${name}.tfstate`) },
  ...extra,
});

/** cdktf's way in: what `npx cdktf synth`, `diff` and `deploy` run first. */
function cdktfApp(config: string, outdir: string) {
  const result = spawnSync(process.execPath, ["cdktf-app.js"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir, P1AS_CONFIG: config },
  });
  return { code: result.status, stderr: result.stderr };
}

/** A local state that holds one object (terraform's built-in terraform_data, so no provider is needed to list it). */
function stateWithOneObject(file: string): void {
  writeFileSync(
    file,
    JSON.stringify({
      version: 4,
      terraform_version: "1.11.4",
      serial: 1,
      lineage: "0c4a4d1e-9a57-4c39-9a4e-1c3b2f7a0001",
      outputs: {},
      resources: [
        {
          mode: "managed",
          type: "terraform_data",
          name: "left",
          provider: 'provider["terraform.io/builtin/terraform"]',
          instances: [
            { schema_version: 0, attributes: { id: "x", input: null, output: null, triggers_replace: null } },
          ],
        },
      ],
    }),
  );
}

describe("a retiring environment", () => {
  test("cdktf-app.js refuses it: cdktf would plan its stack like any other", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ways-in-"));
    const config = configIn(dir, [env(dir, "dev"), env(dir, "prod", { retire: true })]);
    const result = cdktfApp(config, path.join(dir, "out"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'refused: p1as-prod is retiring ("retire": true): cdktf would plan it like any other stack',
    );
    expect(result.stderr).toContain("npm run deploy");
  });

  test("npm start's check refuses it the same way", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ways-in-"));
    const config = configIn(dir, [env(dir, "dev"), env(dir, "prod", { retire: true })]);
    const outdir = path.join(dir, "out");
    const stacks = synthesize(config, outdir);
    await expect(checkWaysIn(outdir, stacks, "npm start")).rejects.toThrow(
      'refused: p1as-prod is retiring ("retire": true): npm start would plan it',
    );
  });
});

describe("a removed environment whose state still holds objects", () => {
  test("cdktf-app.js refuses it, naming the stack, the object and the procedure", () => {
    // GIVEN dev and prod synthesized once (the inventory remembers prod's state), and prod's state holds an object
    const dir = mkdtempSync(path.join(tmpdir(), "ways-in-"));
    const outdir = path.join(dir, "out");
    expect(cdktfApp(configIn(dir, [env(dir, "dev"), env(dir, "prod")]), outdir).code).toBe(0);
    stateWithOneObject(path.join(dir, "prod.tfstate"));
    // WHEN prod is removed from the config without retiring it
    const result = cdktfApp(configIn(dir, [env(dir, "dev")]), outdir);
    // THEN the app refuses, so cdktf runs no terraform
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("p1as-prod: the config no longer declares this stack, but its state");
    expect(result.stderr).toContain("terraform_data.left");
    expect(result.stderr).toContain("docs/tasks/retire-an-environment.md");
  });
});

describe("a synth output that is not what would be deployed now", () => {
  test("the tools refuse an output of another config than P1AS_CONFIG", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ways-in-"));
    const outdir = path.join(dir, "out");
    const first = configIn(dir, [env(dir, "dev")], "first.json");
    const second = configIn(dir, [env(dir, "dev")], "second.json");
    synthesize(first, outdir);
    expect(selectStacks(outdir, undefined, { env: { P1AS_CONFIG: first } }).stacks.map((stack) => stack.name)).toEqual([
      "p1as-dev",
    ]);
    expect(() => selectStacks(outdir, undefined, { env: { P1AS_CONFIG: second } })).toThrow(
      `it was synthesized from ${first}, but P1AS_CONFIG is ${second}`,
    );
  });

  test("the tools refuse an output whose config changed after synth", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ways-in-"));
    const outdir = path.join(dir, "out");
    const config = configIn(dir, [env(dir, "dev")]);
    synthesize(config, outdir);
    configIn(dir, [env(dir, "dev"), env(dir, "prod")]);
    expect(() => selectStacks(outdir, undefined, { env: {} })).toThrow(
      `its config ${config} changed after it was synthesized`,
    );
    expect(() => selectStacks(outdir, undefined, { env: {} })).toThrow("Nothing was planned or applied");
  });
});
