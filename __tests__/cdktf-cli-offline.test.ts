/**
 * The cdktf CLI itself, offline: `npx cdktf diff` and `npx cdktf deploy` find the p1as provider that synth
 * installed and locked beside the stack, with no CLI configuration file and no network, and a plain
 * `terraform plan` in the stack folder agrees afterwards. Both contract modes.
 * Needs `npm run build` first (cdktf.json's app, cdktf-app.js, runs dist/main.js, building first only when a source changed); `npm test` does it.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEMO_PINGONE_ENVIRONMENT_ID } from "../emulator/clients";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { runTerraform } from "../tools/terraform/run";
import { makeCertificate } from "./support/certs";
import { testClientId } from "./support/emulator";
import { cdktfCliEnv } from "./support/cdktf-node";

jest.setTimeout(5 * 60_000);

const ROOT = path.resolve(__dirname, "..");
const CLIENT_ID = testClientId("cdktf-cli");
const CLIENT_SECRET = `cdktf-cli-${Math.random().toString(36).slice(2)}`;
const AUDIT_CLIENT_ID = testClientId("cdktf-cli-audit");
const AUDIT_CLIENT_SECRET = `cdktf-cli-audit-${Math.random().toString(36).slice(2)}`;

describe.each(["assumed", "confirmed"] as const)("the cdktf CLI, offline (%s contract)", (contract) => {
  let emulator: RunningEmulator;
  let dir: string;

  beforeAll(async () => {
    emulator = await startEmulator({
      seedDemoClients: false,
      contract,
      completionDelayMs: 50,
      clients: [
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] },
        { clientId: AUDIT_CLIENT_ID, clientSecret: AUDIT_CLIENT_SECRET, groups: ["dev-tls-audit"] },
      ],
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-cli-"));
    const pair = makeCertificate({ commonName: "*.dev.acme.example" });
    fs.writeFileSync(path.join(dir, "dev.pem"), pair.fullchain);
    fs.writeFileSync(path.join(dir, "dev.key"), pair.privkey, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config(emulator.url, dir)));
  });

  afterAll(async () => {
    await emulator?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("cdktf diff and cdktf deploy work with no CLI configuration and no network; a plain terraform plan then shows no changes", async () => {
    // GIVEN a config with explicit credentials whose API is the emulator, and no terraform CLI configuration at all
    const outdir = path.join(dir, "out");

    // WHEN the cdktf CLI diffs and deploys the stack
    const diff = await cdktf(["diff", "p1as-dev", "--output", outdir]);
    const deploy = await cdktf(["deploy", "p1as-dev", "--auto-approve", "--output", outdir]);

    // THEN both succeed, the API holds the declared objects, and terraform in the stack folder plans nothing
    expect({ diff: diff.code, output: diff.code === 0 ? "" : diff.output }).toEqual({ diff: 0, output: "" });
    expect(diff.output).toContain("p1as_hostname.auth_dev_acme_example");
    expect({ deploy: deploy.code, output: deploy.code === 0 ? "" : deploy.output }).toEqual({ deploy: 0, output: "" });
    expect(emulator.service.listHostnames("dev").map((item) => (item as { hostname: string }).hostname)).toEqual([
      "auth.dev.acme.example",
    ]);
    const stackDir = path.join(outdir, "stacks", "p1as-dev");
    const planned = await runTerraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], {
      cwd: stackDir,
      env: environment(),
    });
    expect({
      exitCode: planned.exitCode,
      output: planned.exitCode === 0 ? "" : planned.stdout + planned.stderr,
    }).toEqual({ exitCode: 0, output: "" });
    // AND the provider was locked by synth, with the hash terraform itself records
    expect(fs.readFileSync(path.join(stackDir, ".terraform.lock.hcl"), "utf8")).toMatch(
      /provider "terraform\.local\/p1as-cdktf\/p1as" \{[\s\S]*"h1:[A-Za-z0-9+/=]+"/,
    );
  });

  /** The CLI as a user runs it, from the project root, with a HOME of its own: no ~/.terraformrc, no plugin cache. */
  function cdktf(args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      execFile(
        path.join(ROOT, "node_modules", ".bin", "cdktf"),
        args,
        { cwd: ROOT, env: cdktfCliEnv(environment()), maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });
  }

  function environment(): NodeJS.ProcessEnv {
    const home = path.join(dir, "home");
    fs.mkdirSync(home, { recursive: true });
    const { TF_CLI_CONFIG_FILE: _cliConfig, TF_PLUGIN_CACHE_DIR: _cache, ...rest } = process.env;
    return {
      ...rest,
      HOME: home,
      CHECKPOINT_DISABLE: "1",
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
      P1AS_CONFIG: path.join(dir, "config.json"),
      P1AS_DEV_CLIENT_SECRET: CLIENT_SECRET,
      P1AS_DEV_AUDIT_CLIENT_SECRET: AUDIT_CLIENT_SECRET,
    };
  }
});

function config(emulatorUrl: string, dir: string): object {
  return {
    customer: "acme",
    p1asRegion: "us1",
    pingone: { environmentId: DEMO_PINGONE_ENVIRONMENT_ID, regionCode: "NA", roleAttributes: { manage: false } },
    environments: [
      {
        name: "dev",
        selfService: {
          apiUrl: `${emulatorUrl}/dev/api/v1`,
          tokenUrl: `${emulatorUrl}/${DEMO_PINGONE_ENVIRONMENT_ID}/as/token`,
        },
        credentials: { clientId: CLIENT_ID, audit: { clientId: AUDIT_CLIENT_ID } },
        backend: { type: "local", path: path.join(dir, "p1as-dev.tfstate") },
        virtualHosts: {
          certificates: [{ name: "wildcard-dev", fullchainFile: "dev.pem", privateKeyFile: "dev.key" }],
          hostnames: [{ hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" }],
        },
      },
    ],
  };
}
