/**
 * Several of this project's stacks in one synthesized app, for testing the review tools against real
 * terraform and the p1as provider: one virtual-hosts stack per P1AS environment (built by the reliability
 * suites' stack fixture, against one emulator), and optionally a PingOne stack whose provider cannot be
 * installed offline. State lives outside cdktf.out, so a re-synth of the next "commit" plans against what
 * the last apply left.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { PingoneProvider } from "../../.gen/providers/pingone/provider";
import { Resource } from "../../.gen/providers/pingone/resource";
import { ContractMode } from "../../emulator/contract";
import { RunningEmulator, startEmulator } from "../../emulator/start";
import { P1asEnvironment } from "../../p1as/facts";
import { installProvider } from "../../provider/install";
import { runTerraform, TerraformResult } from "../../tools/terraform/run";
import { testClientId } from "./emulator";
import { StackFixture, stackFixture, StackSpec } from "./virtual-hosts-stack";

export type FixtureStack =
  | {
      readonly environment: P1asEnvironment;
      readonly spec: StackSpec;
      /** Keep the stack's key variables out of the environment, so its plan fails ("No value for required variable"). */
      readonly withholdKeys?: boolean;
    }
  | { readonly pingone: string };

export interface Fixture {
  readonly dir: string;
  readonly outdir: string;
  readonly emulator: RunningEmulator;
  /** The client secret; tests search output for it (and for the keys, from `pem`). */
  readonly clientSecret: string;
  /** TF_VAR_* for the secrets of the stacks synthesized last (withheld keys left out). */
  env(): NodeJS.ProcessEnv;
  /** A certificate version's PEM pair and leaf facts, as the provider plans them. */
  pem(
    environment: P1asEnvironment,
    name: string,
    version?: number,
  ): { fullchain: string; privkey: string; fingerprint: string };
  synth(stacks: readonly FixtureStack[]): void;
  terraform(stack: string, args: readonly string[]): Promise<TerraformResult>;
  /** `init` and `apply` one stack; throws with terraform's error when either fails. */
  apply(stack: string): Promise<void>;
  remove(): Promise<void>;
}

const TIMINGS = { pollIntervalMs: 50, readyTimeoutMs: 30_000, requestTimeoutMs: 10_000 };

export async function createFixture(contract: ContractMode = "assumed"): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), "p1as-plan-fixture-"));
  const outdir = path.join(dir, "cdktf.out");
  const clientId = testClientId(`plan-fixture-${contract}`);
  const clientSecret = `plan-fixture-${Math.random().toString(36).slice(2)}`;
  const emulator = await startEmulator({
    seedDemoClients: false,
    contract,
    clients: [{ clientId, clientSecret, groups: ["all-tls-admin"] }],
  });
  const fixtures = new Map<P1asEnvironment, StackFixture>();
  const fixtureFor = (environment: P1asEnvironment) => {
    let found = fixtures.get(environment);
    if (!found)
      fixtures.set(
        environment,
        (found = stackFixture({ emulator, clientId, clientSecret, timings: TIMINGS, environment })),
      );
    return found;
  };
  let env: NodeJS.ProcessEnv = {};
  const terraform = (stack: string, args: readonly string[]) =>
    runTerraform(args, { cwd: path.join(outdir, "stacks", stack), env });

  const synth = (stacks: readonly FixtureStack[]) => {
    const app = new App({ outdir });
    const withheld: string[] = [];
    for (const item of stacks) {
      if ("pingone" in item) {
        const stack = new TerraformStack(app, item.pingone);
        new LocalBackend(stack, { path: path.join(dir, `${item.pingone}.tfstate`) });
        new PingoneProvider(stack, "pingone", {});
        new Resource(stack, "admin_api", {
          environmentId: "00000000-0000-0000-0000-000000000000",
          name: "P1AS admin API",
        });
        continue;
      }
      const fixture = fixtureFor(item.environment);
      const stackId = fixture.stackId;
      fixture.build(item.spec, (stack) => new LocalBackend(stack, { path: path.join(dir, `${stackId}.tfstate`) }))(app);
      if (item.withholdKeys) {
        withheld.push(
          ...item.spec.certificates
            .filter((certificate) => certificate.keyFromVariable)
            .map((certificate) => `TF_VAR_${certificate.name.replace(/-/g, "_")}_key`),
        );
      }
    }
    app.synth();
    for (const item of stacks) {
      if (!("pingone" in item))
        installProvider(path.join(outdir, "stacks", fixtureFor(item.environment).stackId, "terraform.d", "plugins"));
    }
    env = Object.assign({}, ...[...fixtures.values()].map((fixture) => fixture.env()));
    for (const name of withheld) delete env[name];
  };

  return {
    dir,
    outdir,
    emulator,
    clientSecret,
    env: () => env,
    pem: (environment, name, version) => fixtureFor(environment).pem(name, version),
    synth,
    terraform,
    apply: async (stack) => {
      for (const args of [
        ["init", "-input=false", "-no-color"],
        ["apply", "-auto-approve", "-input=false", "-no-color"],
      ]) {
        const result = await terraform(stack, args);
        if (result.exitCode !== 0) throw new Error(`terraform ${args[0]} ${stack} failed:\n${result.stderr}`);
      }
    },
    remove: async () => {
      await emulator.close();
      for (const fixture of fixtures.values()) fixture.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
