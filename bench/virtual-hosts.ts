#!/usr/bin/env node
/**
 * `npm run bench` (deploy part, run by bench/main.ts): 40 hostnames over 4 certificates, deployed through the p1as provider by real terraform
 * against the emulator, in both contract modes: once with no completion delay (the graph's own cost) and
 * once with 500 ms per object, all in this run on this machine. Prints JSON lines.
 *
 * Definitions:
 * - unoverlapped_delay_ms: the completion delays terraform's parallelism cannot hide: certificates
 *   then hostnames, each in waves of `parallelism` objects, one delay per wave.
 * - lower_bound_ms = apply_ms with no delay + unoverlapped_delay_ms; ratio = apply_ms / lower_bound_ms (target <= 1.2).
 * - token_requests per apply against the provider processes that called the API (at most one each).
 * - a no-change plan: the API requests it makes, by method (reads only, zero writes).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { Certificate, Hostname } from "../constructs/virtual-hosts";
import { BENCH_SECRET_ENV, emulatedVirtualHosts } from "./emulated-virtual-hosts";
import { ContractMode } from "../emulator/contract";
import { installBesideStack } from "../provider/install";
import { makeCertificate } from "../emulator/demo-certs";
import { startEmulator } from "../emulator/start";
import { PRODUCTS } from "../p1as/facts";
import { runTerraform } from "../tools/terraform/run";

const CERTIFICATES = 4;
const HOSTNAMES = 40;
const COMPLETION_DELAY_MS = 500;
/** Terraform's default -parallelism. */
const PARALLELISM = 10;
/** The provider's default ceiling: its adaptive polling starts far below it. */
const POLL_INTERVAL_MS = 2_000;
const CLIENT_ID = "0be1c400-0000-4000-8000-00000000be1c";
const CLIENT_SECRET = randomBytes(16).toString("hex");

const VARIANTS: readonly { contract: ContractMode; delayMs: number }[] = [
  { contract: "assumed", delayMs: 0 },
  { contract: "assumed", delayMs: COMPLETION_DELAY_MS },
  { contract: "confirmed", delayMs: 0 },
  { contract: "confirmed", delayMs: COMPLETION_DELAY_MS },
];

function emit(record: object): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

function waves(objects: number): number {
  return Math.ceil(objects / PARALLELISM);
}

/** The deploy bench (`npm run bench -- --only virtual-hosts`); prints JSON lines. */
export async function benchVirtualHosts(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "p1as-bench-"));
  const emulator = await startEmulator({
    seedDemoClients: false,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }],
  });
  const unoverlappedDelayMs = (waves(CERTIFICATES) + waves(HOSTNAMES)) * COMPLETION_DELAY_MS;
  const files = Array.from({ length: CERTIFICATES }, (_, i) => {
    const generated = makeCertificate({ commonName: `*.bench${i}.acme.example` });
    const fullchainFile = path.join(work, `bench-${i}.pem`);
    const privateKeyFile = path.join(work, `bench-${i}.key`);
    writeFileSync(fullchainFile, generated.fullchain);
    writeFileSync(privateKeyFile, generated.privkey, { mode: 0o600 });
    return { fullchainFile, privateKeyFile };
  });
  const env = { [BENCH_SECRET_ENV]: CLIENT_SECRET };
  const results: Record<string, number> = {};
  emit({
    event: "setup",
    certificates: CERTIFICATES,
    hostnames: HOSTNAMES,
    completion_delay_ms: COMPLETION_DELAY_MS,
    parallelism: PARALLELISM,
    poll_interval_ms: POLL_INTERVAL_MS,
    unoverlapped_delay_ms: unoverlappedDelayMs,
  });
  try {
    for (const { contract, delayMs } of VARIANTS) {
      const variant = `${contract}-delay-${delayMs}`;
      emulator.state.settings.contract = contract;
      emulator.service.completionDelayMs = delayMs;
      const outdir = path.join(work, variant);
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "p1as-bench");
      new LocalBackend(stack, { path: "terraform.tfstate" });
      const vh = emulatedVirtualHosts(stack, emulator, {
        clientId: CLIENT_ID,
        pollIntervalMs: POLL_INTERVAL_MS,
        apiContract: "discover",
      });
      const certificates = files.map((file, i) => new Certificate(vh, `bench-${i}`, { name: `bench-${i}`, ...file }));
      for (let h = 0; h < HOSTNAMES; h++) {
        new Hostname(vh, `host-${h}`, {
          hostname: `host-${h}.bench.acme.example`,
          product: PRODUCTS[h % PRODUCTS.length],
          certificate: certificates[h % CERTIFICATES],
        });
      }
      app.synth();
      const stackDir = path.join(outdir, "stacks", "p1as-bench");
      installBesideStack(stackDir);
      const init = await runTerraform(["init", "-input=false", "-no-color"], { cwd: stackDir, env });
      if (init.exitCode !== 0) throw new Error(`terraform init failed: ${init.stderr}`);

      emulator.requestLog.clear();
      const started = Date.now();
      const applied = await runTerraform(
        ["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`],
        { cwd: stackDir, env },
      );
      const applyMs = Date.now() - started;
      if (applied.exitCode !== 0)
        throw new Error(`${variant}: terraform apply failed:\n${applied.stdout}${applied.stderr}`);
      const tokenRequests = emulator.requestLog.list(/\/as\/token$/).length;
      const apiCalls = emulator.requestLog.list(/\/api\/v1\//).length;

      // A no-change plan reads every object from the API and writes nothing.
      emulator.requestLog.clear();
      const replanned = await runTerraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], {
        cwd: stackDir,
        env,
      });
      if (replanned.exitCode !== 0)
        throw new Error(
          `${variant}: the plan after apply is not empty (exit ${replanned.exitCode}):\n${replanned.stdout}${replanned.stderr}`,
        );
      const planRequests = emulator.requestLog.list(/\/api\/v1\//);
      const byMethod = (method: string) => planRequests.filter((entry) => entry.method === method).length;

      const destroyStarted = Date.now();
      const destroyed = await runTerraform(
        ["destroy", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`],
        { cwd: stackDir, env },
      );
      const destroyMs = Date.now() - destroyStarted;
      if (destroyed.exitCode !== 0)
        throw new Error(`${variant}: terraform destroy failed:\n${destroyed.stdout}${destroyed.stderr}`);
      emulator.service.reset();
      results[variant] = applyMs;

      const baseMs = results[`${contract}-delay-0`];
      const lowerBoundMs = baseMs + (delayMs === 0 ? 0 : unoverlappedDelayMs);
      emit({
        event: "apply",
        variant,
        contract,
        completion_delay_ms: delayMs,
        apply_ms: applyMs,
        destroy_ms: destroyMs,
        token_requests: tokenRequests,
        api_calls: apiCalls,
        no_change_plan: {
          exit_code: replanned.exitCode,
          gets: byMethod("GET"),
          writes: planRequests.length - byMethod("GET"),
        },
        ...(delayMs === 0
          ? {}
          : { lower_bound_ms: lowerBoundMs, ratio: Number((applyMs / lowerBoundMs).toFixed(2)), target_ratio: 1.2 }),
      });
    }
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}
