/**
 * Real terraform with the PingOne provider test double against an in-process emulator: a throw-away mirror
 * and CLI configuration (pingone-double/install.ts), a worker seeded per suite, and a working folder per
 * configuration, so suites write plain HCL and run `terraform` in it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RunningEmulator, startEmulator } from "../../emulator/start";
import { TestDoubleInstallation, installTestDouble } from "../../pingone-double/install";
import { TerraformResult, runTerraform } from "../../tools/terraform/run";
import { testClientId } from "./emulator";

export interface DoubleFixture {
  readonly emulator: RunningEmulator;
  readonly installation: TestDoubleInstallation;
  /** The PingOne environment the worker belongs to. */
  readonly environmentId: string;
  readonly worker: { readonly clientId: string; readonly clientSecret: string };
  /** Environment terraform runs with: the CLI configuration, the worker's variables and the emulator's hosts. */
  readonly env: NodeJS.ProcessEnv;
}

/** One emulator, worker and installation for a test file. Call at the top level of the file. */
export function sharedDouble(name: string): DoubleFixture {
  const fixture = {} as { -readonly [K in keyof DoubleFixture]: DoubleFixture[K] };
  beforeAll(async () => {
    fixture.environmentId = testClientId(`${name} environment`);
    fixture.worker = {
      clientId: testClientId(`${name} worker`),
      clientSecret: `worker-secret-${randomBytes(12).toString("hex")}`,
    };
    fixture.emulator = await startEmulator({
      seedDemoClients: false,
      pingone: { workers: [{ ...fixture.worker, environmentId: fixture.environmentId, role: "full" }] },
    });
    fixture.installation = installTestDouble();
    const host = new URL(fixture.emulator.url).host;
    fixture.env = {
      ...fixture.installation.env,
      PINGONE_CLIENT_ID: fixture.worker.clientId,
      PINGONE_CLIENT_SECRET: fixture.worker.clientSecret,
      PINGONE_ENVIRONMENT_ID: fixture.environmentId,
      PINGONE_REGION_CODE: "NA",
      PINGONE_API_SERVICE_HOSTNAME: host,
      PINGONE_AUTH_SERVICE_HOSTNAME: host,
    };
  });
  afterAll(async () => {
    await fixture.emulator?.close();
    fixture.installation?.remove();
  });
  return fixture;
}

/** A working folder with one `main.tf`; `write` replaces it, `run` runs terraform there. */
export class HclWorkspace {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "pingone-double-hcl-"));

  constructor(private readonly env: () => NodeJS.ProcessEnv) {}

  write(hcl: string): this {
    writeFileSync(path.join(this.dir, "main.tf"), `${REQUIRED_PROVIDERS}\n${hcl}`);
    return this;
  }

  run(...args: string[]): Promise<TerraformResult> {
    return runTerraform([...args, "-no-color"], { cwd: this.dir, env: this.env() });
  }

  /** Runs terraform and throws with its output unless the exit code is one of `ok`. */
  async expect(ok: readonly number[], ...args: string[]): Promise<TerraformResult> {
    const result = await this.run(...args);
    if (!ok.includes(result.exitCode))
      throw new Error(`terraform ${args.join(" ")} exited ${result.exitCode}:\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** As our stacks pin it (cdktf.json: pingidentity/pingone@1.21.0). */
export const REQUIRED_PROVIDERS = `terraform {
  required_providers {
    pingone = {
      source  = "pingidentity/pingone"
      version = "1.21.0"
    }
  }
}
provider "pingone" {}
`;
