#!/usr/bin/env node
/**
 * `npm run bench -- --only plan-scale`: what a no-change plan costs as the hostname count grows. For each size,
 * N hostnames over 4 certificates are applied through the p1as provider by real terraform against the emulator;
 * then a no-change `terraform plan` is timed and its API requests counted. Beside it, in the same run, a plain
 * `terraform plan` of N `terraform_data` objects: the lower bound, terraform's own cost of N resources.
 * Prints JSON lines.
 *
 * Definitions:
 * - plan_ms: wall time of `terraform plan -detailed-exitcode` (exit 0: nothing to change).
 * - api_requests: requests under /api/v1/ during that plan (lists and the OpenAPI document), token_requests apart.
 * - ratio = plan_ms / baseline_plan_ms; target <= 1.5 at 1000 hostnames; api_requests should not grow with N.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, DataResource, LocalBackend, TerraformStack } from "cdktf";
import { SelfServiceCredentials } from "../constructs/credentials";
import { Certificate, Hostname, VirtualHosts } from "../constructs/virtual-hosts";
import { makeCertificate } from "../emulator/demo-certs";
import { startEmulator } from "../emulator/start";
import { PRODUCTS } from "../p1as/facts";
import { installBesideStack } from "../provider/install";
import { runTerraform } from "../tools/terraform/run";

export const PLAN_SCALE_SIZES = [40, 300, 1000] as const;
const CERTIFICATES = 4;
/** Setting up is not measured: a wide apply keeps it short. Plans run with terraform's default parallelism. */
const SETUP_PARALLELISM = 50;
const CLIENT_ID = "0be1c400-0000-4000-8000-00000000be1d";
const CLIENT_SECRET = randomBytes(16).toString("hex");
const SECRET_ENV = "P1AS_BENCH_CLIENT_SECRET";
const TARGET_RATIO = 1.5;

function emit(record: object): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

async function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv, okExits: readonly number[] = [0]): Promise<number> {
  const started = Date.now();
  const result = await runTerraform([...args, "-input=false", "-no-color"], { cwd, env });
  if (!okExits.includes(result.exitCode)) throw new Error(`terraform ${args[0]} in ${cwd} failed (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`);
  return Date.now() - started;
}

/** Synthesizes one stack into `outdir` and runs terraform init; returns the stack's directory. */
async function prepare(outdir: string, name: string, declare: (stack: TerraformStack) => void, env: NodeJS.ProcessEnv): Promise<string> {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, name);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  declare(stack);
  app.synth();
  const stackDir = path.join(outdir, "stacks", name);
  installBesideStack(stackDir);
  await terraform(["init"], stackDir, env);
  return stackDir;
}

/** The plan-scale bench; `sizes` defaults to PLAN_SCALE_SIZES. */
export async function benchPlanScale(sizes: readonly number[] = PLAN_SCALE_SIZES): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "p1as-bench-plan-"));
  const emulator = await startEmulator({ seedDemoClients: false, clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }] });
  emulator.service.completionDelayMs = 0;
  const env = { [SECRET_ENV]: CLIENT_SECRET };
  const files = Array.from({ length: CERTIFICATES }, (_, i) => {
    const generated = makeCertificate({ commonName: `*.scale${i}.acme.example` });
    const fullchainFile = path.join(work, `scale-${i}.pem`);
    const privateKeyFile = path.join(work, `scale-${i}.key`);
    writeFileSync(fullchainFile, generated.fullchain);
    writeFileSync(privateKeyFile, generated.privkey, { mode: 0o600 });
    return { fullchainFile, privateKeyFile };
  });
  emit({ event: "setup", bench: "plan-scale", sizes, certificates: CERTIFICATES, target_ratio: TARGET_RATIO });
  try {
    for (const hostnames of sizes) {
      emulator.service.reset();
      const p1asDir = await prepare(path.join(work, `p1as-${hostnames}`), "p1as-scale", (stack) => {
        const credentials = SelfServiceCredentials.fromEnvironment(stack, { clientId: CLIENT_ID, clientSecretEnv: SECRET_ENV, tokenUrl: emulator.tokenUrl() });
        const vh = new VirtualHosts(stack, "virtual-hosts", { credentials, apiUrl: emulator.apiUrl("dev"), pollIntervalMs: 200, apiContract: "discover" });
        const certificates = files.map((file, i) => new Certificate(vh, `scale-${i}`, { name: `scale-${i}`, ...file }));
        for (let h = 0; h < hostnames; h++) {
          new Hostname(vh, `host-${h}`, { hostname: `host-${h}.scale.acme.example`, product: PRODUCTS[h % PRODUCTS.length], certificate: certificates[h % CERTIFICATES] });
        }
      }, env);
      const baselineDir = await prepare(path.join(work, `baseline-${hostnames}`), "baseline", (stack) => {
        for (let h = 0; h < hostnames; h++) new DataResource(stack, `host-${h}`, { input: { hostname: `host-${h}.scale.acme.example` } });
      }, env);
      await terraform(["apply", "-auto-approve", `-parallelism=${SETUP_PARALLELISM}`], p1asDir, env);
      await terraform(["apply", "-auto-approve", `-parallelism=${SETUP_PARALLELISM}`], baselineDir, env);

      emulator.requestLog.clear();
      const planMs = await terraform(["plan", "-detailed-exitcode"], p1asDir, env);
      const api = emulator.requestLog.list(/\/api\/v1\//);
      const tokens = emulator.requestLog.list(/\/as\/token$/).length;
      const baselineMs = await terraform(["plan", "-detailed-exitcode"], baselineDir, env);
      emit({
        event: "no-change-plan",
        hostnames,
        resources: hostnames + CERTIFICATES,
        plan_ms: planMs,
        api_requests: api.length,
        lists: api.filter((entry) => entry.method === "GET" && /\/(certificates|hostnames)$/.test(entry.path)).length,
        writes: api.filter((entry) => entry.method !== "GET").length,
        token_requests: tokens,
        baseline_plan_ms: baselineMs,
        ratio: Number((planMs / baselineMs).toFixed(2)),
        target_ratio: TARGET_RATIO,
      });
    }
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  benchPlanScale(sizes.length > 0 ? sizes : undefined).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
