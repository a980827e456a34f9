#!/usr/bin/env node
/**
 * `npm run bench -- --only plan-scale`: what a no-change plan costs as the hostname count grows. For each size,
 * N hostnames over 4 certificates are applied through the p1as provider by real terraform against the emulator;
 * then a no-change `terraform plan` is timed and its API requests counted. Beside it, in the same run, a plain
 * `terraform plan` of N `terraform_data` objects: the lower bound, terraform's own cost of N resources.
 * The two plans alternate for ROUNDS rounds and the medians are reported, with the load average of the machine.
 * Prints JSON lines.
 *
 * Definitions:
 * - plan_ms: wall time of `terraform plan -detailed-exitcode` (exit 0: nothing to change), median of the rounds.
 * - api_requests: requests under /api/v1/ during one plan (lists and the OpenAPI document), token_requests apart.
 * - ratio = plan_ms / baseline_plan_ms; target <= 1.5 at 1000 hostnames; api_requests should not grow with N.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { App, DataResource, LocalBackend, TerraformStack } from "cdktf";
import { Certificate, Hostname } from "../constructs/virtual-hosts";
import { BENCH_SECRET_ENV, emulatedVirtualHosts } from "./emulated-virtual-hosts";
import { makeCertificate } from "../emulator/demo-certs";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { PRODUCTS } from "../p1as/facts";
import { installBesideStack } from "../provider/install";
import { runTerraform } from "../tools/terraform/run";
import { median } from "./median";

export const PLAN_SCALE_SIZES = [40, 300, 1000] as const;
const ROUNDS = 3;
const CERTIFICATES = 4;
/** Setting up is not measured: a wide apply keeps it short. Plans run with terraform's default parallelism. */
const SETUP_PARALLELISM = 50;
const CLIENT_ID = "0be1c400-0000-4000-8000-00000000be1d";
const CLIENT_SECRET = randomBytes(16).toString("hex");
const ENV = { [BENCH_SECRET_ENV]: CLIENT_SECRET };
const TARGET_RATIO = 1.5;

function emit(record: object): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

async function terraform(args: string[], cwd: string, okExits: readonly number[] = [0]): Promise<number> {
  const started = Date.now();
  const result = await runTerraform([...args, "-input=false", "-no-color"], { cwd, env: ENV });
  if (!okExits.includes(result.exitCode))
    throw new Error(
      `terraform ${args[0]} in ${cwd} failed (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`,
    );
  return Date.now() - started;
}

/** Synthesizes one stack into `outdir`, runs terraform init and a wide apply; returns the stack's directory. */
async function applied(outdir: string, name: string, declare: (stack: TerraformStack) => void): Promise<string> {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, name);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  declare(stack);
  app.synth();
  const stackDir = path.join(outdir, "stacks", name);
  installBesideStack(stackDir);
  await terraform(["init"], stackDir);
  await terraform(["apply", "-auto-approve", `-parallelism=${SETUP_PARALLELISM}`], stackDir);
  return stackDir;
}

/** An emulator that knows the bench's client, with objects complete at once, and a work directory with the certificates. */
export interface ScaleFixture {
  readonly emulator: RunningEmulator;
  readonly work: string;
  readonly certificateFiles: readonly { readonly fullchainFile: string; readonly privateKeyFile: string }[];
  close(): Promise<void>;
}

export async function startScaleFixture(): Promise<ScaleFixture> {
  const work = mkdtempSync(path.join(tmpdir(), "p1as-bench-plan-"));
  const emulator = await startEmulator({
    seedDemoClients: false,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }],
  });
  emulator.service.completionDelayMs = 0;
  const certificateFiles = Array.from({ length: CERTIFICATES }, (_, i) => {
    const generated = makeCertificate({ commonName: `*.scale${i}.acme.example` });
    const fullchainFile = path.join(work, `scale-${i}.pem`);
    const privateKeyFile = path.join(work, `scale-${i}.key`);
    writeFileSync(fullchainFile, generated.fullchain);
    writeFileSync(privateKeyFile, generated.privkey, { mode: 0o600 });
    return { fullchainFile, privateKeyFile };
  });
  return {
    emulator,
    work,
    certificateFiles,
    close: async () => {
      await emulator.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** `hostnames` hostnames over the fixture's certificates, applied from an empty API; returns the stack's directory. */
export async function appliedHostnames(fixture: ScaleFixture, hostnames: number): Promise<string> {
  const { emulator } = fixture;
  emulator.service.reset();
  return applied(path.join(fixture.work, `p1as-${hostnames}`), "p1as-scale", (stack) => {
    const vh = emulatedVirtualHosts(stack, emulator, {
      clientId: CLIENT_ID,
      pollIntervalMs: 200,
      apiContract: "discover",
    });
    const certificates = fixture.certificateFiles.map(
      (file, i) => new Certificate(vh, `scale-${i}`, { name: `scale-${i}`, ...file }),
    );
    for (let h = 0; h < hostnames; h++) {
      new Hostname(vh, `host-${h}`, {
        hostname: `host-${h}.scale.acme.example`,
        product: PRODUCTS[h % PRODUCTS.length],
        certificate: certificates[h % CERTIFICATES],
      });
    }
  });
}

/** What one no-change plan of an applied stack cost: its time and the requests the emulator served meanwhile. */
export interface CountedPlan {
  readonly ms: number;
  readonly apiRequests: number;
  readonly lists: number;
  readonly writes: number;
  readonly tokenRequests: number;
}

/** Runs `terraform plan -detailed-exitcode` (failing unless it finds nothing to change) and counts its requests. */
export async function noChangePlan(fixture: ScaleFixture, stackDir: string): Promise<CountedPlan> {
  const { requestLog } = fixture.emulator;
  requestLog.clear();
  const ms = await terraform(["plan", "-detailed-exitcode"], stackDir);
  const api = requestLog.list(/\/api\/v1\//);
  return {
    ms,
    apiRequests: api.length,
    lists: api.filter((entry) => entry.method === "GET" && /\/(certificates|hostnames)$/.test(entry.path)).length,
    writes: api.filter((entry) => entry.method !== "GET").length,
    tokenRequests: requestLog.list(/\/as\/token$/).length,
  };
}

/** The plan-scale bench; `sizes` defaults to PLAN_SCALE_SIZES. */
export async function benchPlanScale(sizes: readonly number[] = PLAN_SCALE_SIZES, rounds = ROUNDS): Promise<void> {
  const fixture = await startScaleFixture();
  emit({ event: "setup", bench: "plan-scale", sizes, rounds, certificates: CERTIFICATES, target_ratio: TARGET_RATIO });
  try {
    for (const hostnames of sizes) {
      const p1asDir = await appliedHostnames(fixture, hostnames);
      const baselineDir = await applied(path.join(fixture.work, `baseline-${hostnames}`), "baseline", (stack) => {
        for (let h = 0; h < hostnames; h++)
          new DataResource(stack, `host-${h}`, { input: { hostname: `host-${h}.scale.acme.example` } });
      });
      // Alternating, so that a burst of load from elsewhere falls on both sides.
      const plans: CountedPlan[] = [];
      const baselines: number[] = [];
      for (let round = 0; round < rounds; round++) {
        plans.push(await noChangePlan(fixture, p1asDir));
        baselines.push(await terraform(["plan", "-detailed-exitcode"], baselineDir));
      }
      const planMs = median(plans.map((plan) => plan.ms));
      const baselineMs = median(baselines);
      const last = plans[plans.length - 1];
      emit({
        event: "no-change-plan",
        hostnames,
        resources: hostnames + CERTIFICATES,
        rounds,
        plan_ms: planMs,
        plan_ms_runs: plans.map((plan) => plan.ms),
        api_requests: last.apiRequests,
        api_requests_runs: plans.map((plan) => plan.apiRequests),
        lists: last.lists,
        writes: last.writes,
        token_requests: last.tokenRequests,
        baseline_plan_ms: baselineMs,
        baseline_plan_ms_runs: baselines,
        ratio: Number((planMs / baselineMs).toFixed(2)),
        target_ratio: TARGET_RATIO,
        load_average_1m: Number(loadavg()[0].toFixed(1)),
      });
      rmSync(path.join(fixture.work, `p1as-${hostnames}`), { recursive: true, force: true });
      rmSync(path.join(fixture.work, `baseline-${hostnames}`), { recursive: true, force: true });
    }
  } finally {
    await fixture.close();
  }
}

if (require.main === module) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  benchPlanScale(sizes.length > 0 ? sizes : undefined).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
