#!/usr/bin/env node
/**
 * `npm run bench -- --only plan-scale`: what a no-change plan costs as the hostname count grows. For each size,
 * N hostnames over 4 certificates are applied through the p1as provider by real terraform against the emulator;
 * then a no-change `terraform plan` is timed and its API requests counted. Beside it, in the same run, two
 * bounds: a plain `terraform plan` of N `terraform_data` objects (terraform's own cost of N resources, no
 * provider process), and a plan of N objects of a provider that does nothing, served by our server layer
 * (./minimal-provider.ts: what any out-of-process Node provider pays before doing any work). The three plans
 * alternate for ROUNDS rounds and the medians are reported, with the load average of the machine. Prints JSON lines.
 *
 * Definitions:
 * - plan_ms: wall time of `terraform plan -detailed-exitcode` (exit 0: nothing to change), median of the rounds.
 * - plan_cpu_ms: CPU time (user + system) of that terraform and of the provider processes it started, median of
 *   the rounds; on a machine shared with other work it moves less than wall time. Null where /proc is missing.
 * - api_requests: requests under /api/v1/ during one plan (lists and the OpenAPI document), token_requests apart.
 * - ratio = plan_ms / baseline_plan_ms; target <= 1.5 at 1000 hostnames; api_requests should not grow with N.
 *   minimal_ratio = minimal_plan_ms / baseline_plan_ms; cpu_ratio and minimal_cpu_ratio likewise with CPU time.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { App, DataResource, LocalBackend, TerraformStack } from "cdktf";
import { Certificate, Hostname } from "../constructs/virtual-hosts";
import { BENCH_SECRET_ENV, emulatedVirtualHosts } from "./emulated-virtual-hosts";
import { makeCertificate } from "../emulator/demo-certs";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { PRODUCTS } from "../p1as/facts";
import { installBesideStack, installPackage, lockPackage } from "../provider/install";
import { runTerraform } from "../tools/terraform/run";
import { bundleEntry } from "./bundle-entry";
import { median } from "./median";
import { MINIMAL_CERTIFICATE_TYPE, MINIMAL_HOSTNAME_TYPE, MINIMAL_PROVIDER } from "./minimal-provider";

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

/** CPU time (user + system, ms) of this process's finished children, and theirs: terraform and its providers. */
function childrenCpuMs(): number | null {
  if (!existsSync("/proc/self/stat")) return null;
  // Fields after the command name (which may hold spaces): state is field 3; cutime and cstime are 16 and 17.
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times, on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Wall and CPU time of one terraform command; plans run one at a time, so the children's CPU is its own. */
interface Timed {
  readonly ms: number;
  readonly cpuMs: number | null;
}

async function terraform(args: string[], cwd: string, okExits: readonly number[] = [0]): Promise<Timed> {
  const started = Date.now();
  const cpuBefore = childrenCpuMs();
  const result = await runTerraform([...args, "-input=false", "-no-color"], { cwd, env: ENV });
  if (!okExits.includes(result.exitCode))
    throw new Error(
      `terraform ${args[0]} in ${cwd} failed (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`,
    );
  const cpuAfter = childrenCpuMs();
  return { ms: Date.now() - started, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
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
  await initAndApply(stackDir);
  return stackDir;
}

async function initAndApply(stackDir: string): Promise<void> {
  await terraform(["init"], stackDir);
  await terraform(["apply", "-auto-approve", `-parallelism=${SETUP_PARALLELISM}`], stackDir);
}

/** The minimal provider as one file, as terraform runs it (bundled here: only this bench needs it). */
function bundleMinimalProvider(dir: string): string {
  return bundleEntry(path.join(__dirname, "minimal-provider-main.js"), path.join(dir, "minimal-provider.js"));
}

/**
 * The p1as stack's shape through the minimal provider: N hostnames over 4 certificates, each hostname's certname
 * a reference to its certificate's name; applied, and returns the directory. Written as terraform JSON directly:
 * the provider has no cdktf bindings, and two resource types need none.
 */
async function appliedMinimal(dir: string, bundle: string, hostnames: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const certificates = Object.fromEntries(
    Array.from({ length: CERTIFICATES }, (_, i) => [`scale-${i}`, { name: `scale-${i}` }]),
  );
  const things = Object.fromEntries(
    Array.from({ length: hostnames }, (_, h) => [
      `host-${h}`,
      {
        hostname: hostnameOf(h),
        product: PRODUCTS[h % PRODUCTS.length],
        certname: `\${${MINIMAL_CERTIFICATE_TYPE}.scale-${h % CERTIFICATES}.name}`,
        adopt: false,
      },
    ]),
  );
  const { source, type, version } = MINIMAL_PROVIDER;
  writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { required_providers: { [type]: { source, version } } },
      provider: { [type]: {} },
      resource: { [MINIMAL_CERTIFICATE_TYPE]: certificates, [MINIMAL_HOSTNAME_TYPE]: things },
    }),
  );
  lockPackage(
    dir,
    source,
    version,
    installPackage(path.join(dir, "terraform.d", "plugins"), { ...MINIMAL_PROVIDER, bundle }),
  );
  await initAndApply(dir);
  return dir;
}

function hostnameOf(h: number): string {
  return `host-${h}.scale.acme.example`;
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
        hostname: hostnameOf(h),
        product: PRODUCTS[h % PRODUCTS.length],
        certificate: certificates[h % CERTIFICATES],
      });
    }
  });
}

/** What one no-change plan of an applied stack cost: its time and the requests the emulator served meanwhile. */
export interface CountedPlan extends Timed {
  readonly apiRequests: number;
  readonly lists: number;
  readonly writes: number;
  readonly tokenRequests: number;
}

/** Runs `terraform plan -detailed-exitcode` (failing unless it finds nothing to change) and counts its requests. */
export async function noChangePlan(fixture: ScaleFixture, stackDir: string): Promise<CountedPlan> {
  const { requestLog } = fixture.emulator;
  requestLog.clear();
  const timed = await terraform(["plan", "-detailed-exitcode"], stackDir);
  const api = requestLog.list(/\/api\/v1\//);
  return {
    ...timed,
    apiRequests: api.length,
    lists: api.filter((entry) => entry.method === "GET" && /\/(certificates|hostnames)$/.test(entry.path)).length,
    writes: api.filter((entry) => entry.method !== "GET").length,
    tokenRequests: requestLog.list(/\/as\/token$/).length,
  };
}

/** The plan-scale bench; `sizes` defaults to PLAN_SCALE_SIZES. */
export async function benchPlanScale(sizes: readonly number[] = PLAN_SCALE_SIZES, rounds = ROUNDS): Promise<void> {
  const fixture = await startScaleFixture();
  const minimalBundle = bundleMinimalProvider(fixture.work);
  emit({ event: "setup", bench: "plan-scale", sizes, rounds, certificates: CERTIFICATES, target_ratio: TARGET_RATIO });
  try {
    for (const hostnames of sizes) {
      const p1asDir = await appliedHostnames(fixture, hostnames);
      const baselineDir = await applied(path.join(fixture.work, `baseline-${hostnames}`), "baseline", (stack) => {
        for (let h = 0; h < hostnames; h++)
          new DataResource(stack, `host-${h}`, { input: { hostname: hostnameOf(h) } });
      });
      const minimalDir = await appliedMinimal(
        path.join(fixture.work, `minimal-${hostnames}`),
        minimalBundle,
        hostnames,
      );
      // Alternating, so that a burst of load from elsewhere falls on all three.
      const plans: CountedPlan[] = [];
      const baselines: Timed[] = [];
      const minimals: Timed[] = [];
      for (let round = 0; round < rounds; round++) {
        plans.push(await noChangePlan(fixture, p1asDir));
        minimals.push(await terraform(["plan", "-detailed-exitcode"], minimalDir));
        baselines.push(await terraform(["plan", "-detailed-exitcode"], baselineDir));
      }
      const planMs = median(plans.map((plan) => plan.ms));
      const baselineMs = median(baselines.map((plan) => plan.ms));
      const minimalMs = median(minimals.map((plan) => plan.ms));
      const planCpuMs = medianCpu(plans);
      const baselineCpuMs = medianCpu(baselines);
      const minimalCpuMs = medianCpu(minimals);
      const last = plans[plans.length - 1];
      emit({
        event: "no-change-plan",
        hostnames,
        resources: hostnames + CERTIFICATES,
        rounds,
        plan_ms: planMs,
        plan_ms_runs: plans.map((plan) => plan.ms),
        plan_cpu_ms: planCpuMs,
        api_requests: last.apiRequests,
        api_requests_runs: plans.map((plan) => plan.apiRequests),
        lists: last.lists,
        writes: last.writes,
        token_requests: last.tokenRequests,
        baseline_plan_ms: baselineMs,
        baseline_plan_ms_runs: baselines.map((plan) => plan.ms),
        baseline_cpu_ms: baselineCpuMs,
        minimal_plan_ms: minimalMs,
        minimal_plan_ms_runs: minimals.map((plan) => plan.ms),
        minimal_cpu_ms: minimalCpuMs,
        ratio: ratio(planMs, baselineMs),
        minimal_ratio: ratio(minimalMs, baselineMs),
        cpu_ratio: ratio(planCpuMs, baselineCpuMs),
        minimal_cpu_ratio: ratio(minimalCpuMs, baselineCpuMs),
        target_ratio: TARGET_RATIO,
        load_average_1m: Number(loadavg()[0].toFixed(1)),
      });
      for (const dir of [`p1as-${hostnames}`, `baseline-${hostnames}`, `minimal-${hostnames}`])
        rmSync(path.join(fixture.work, dir), { recursive: true, force: true });
    }
  } finally {
    await fixture.close();
  }
}

function medianCpu(plans: readonly Timed[]): number | null {
  return plans.some((plan) => plan.cpuMs === null) ? null : median(plans.map((plan) => plan.cpuMs!));
}

function ratio(value: number | null, baseline: number | null): number | null {
  return value === null || baseline === null ? null : Number((value / baseline).toFixed(2));
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
