#!/usr/bin/env node
/**
 * `npm run bench`: 40 hostnames over 4 certificates, deployed by real terraform against the emulator
 * with a 500 ms completion delay per object, once with the no-op provisioner command and once per
 * driver build (tsc output, esbuild bundle), all in this run on this machine. Prints JSON lines.
 *
 * Definitions (the targets):
 * - unoverlapped_delay_ms: the completion delays terraform's parallelism cannot hide: certificates
 *   then hostnames, each in waves of `parallelism` objects, one delay per wave.
 * - added_ms_per_host = (apply_ms - noop_apply_ms - unoverlapped_delay_ms) / hosts; target < 150.
 * - ratio = apply_ms / (2 * noop_apply_ms + unoverlapped_delay_ms); target <= 1.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { SelfServiceCredentials } from "../constructs/credentials";
import { Certificate, DEFAULT_DRIVER_COMMAND, Hostname, VirtualHosts } from "../constructs/virtual-hosts";
import { makeCertificate } from "../emulator/demo-certs";
import { startEmulator } from "../emulator/start";
import { PRODUCTS } from "../p1as/facts";
import { runTerraform } from "../tools/terraform";

const CERTIFICATES = 4;
const HOSTNAMES = 40;
const COMPLETION_DELAY_MS = 500;
/** Terraform's default -parallelism. */
const PARALLELISM = 10;
/** Polling finer than the delay, so the measurement shows the driver and not the poll granularity. */
const POLL_INTERVAL_MS = 100;
const CLIENT_ID = "bench-client";
const CLIENT_SECRET = randomBytes(16).toString("hex");
const SECRET_VARIABLE = "bench_client_secret";

const VARIANTS: Record<string, string> = {
  noop: "true",
  "driver-tsc": "node dist/driver/main.js",
  "driver-bundle": DEFAULT_DRIVER_COMMAND,
};

function emit(record: object): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

function waves(objects: number): number {
  return Math.ceil(objects / PARALLELISM);
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "p1as-bench-"));
  const emulator = await startEmulator({
    seedDemoClients: false,
    completionDelayMs: COMPLETION_DELAY_MS,
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
  const env = { [`TF_VAR_${SECRET_VARIABLE}`]: CLIENT_SECRET };
  const results: Record<string, number> = {};
  emit({ event: "setup", certificates: CERTIFICATES, hostnames: HOSTNAMES, completion_delay_ms: COMPLETION_DELAY_MS, parallelism: PARALLELISM, poll_interval_ms: POLL_INTERVAL_MS, unoverlapped_delay_ms: unoverlappedDelayMs });
  try {
    for (const [variant, command] of Object.entries(VARIANTS)) {
      const outdir = path.join(work, variant);
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "p1as-bench");
      new LocalBackend(stack, { path: "terraform.tfstate" });
      const credentials = SelfServiceCredentials.fromClientSecretVariable(stack, { clientId: CLIENT_ID, clientSecretVariable: SECRET_VARIABLE, tokenUrl: emulator.tokenUrl() });
      const vh = new VirtualHosts(stack, "virtual-hosts", { credentials, apiUrl: emulator.apiUrl("dev"), pollIntervalMs: POLL_INTERVAL_MS, driverCommand: command });
      const certificates = files.map((file, i) => new Certificate(vh, `bench-${i}`, { name: `bench-${i}`, ...file }));
      for (let h = 0; h < HOSTNAMES; h++) {
        new Hostname(vh, `host-${h}`, { hostname: `host-${h}.bench.acme.example`, product: PRODUCTS[h % PRODUCTS.length], certificate: certificates[h % CERTIFICATES] });
      }
      app.synth();
      const stackDir = path.join(outdir, "stacks", "p1as-bench");
      const init = await runTerraform(["init", "-input=false", "-no-color"], { cwd: stackDir, env });
      if (init.exitCode !== 0) throw new Error(`terraform init failed: ${init.stderr}`);

      emulator.requestLog.clear();
      const started = Date.now();
      const applied = await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`], { cwd: stackDir, env });
      const applyMs = Date.now() - started;
      if (applied.exitCode !== 0) throw new Error(`${variant}: terraform apply failed:\n${applied.stdout}${applied.stderr}`);
      const tokenRequests = emulator.requestLog.list(/\/as\/token$/).length;
      const apiCalls = emulator.requestLog.list(/\/api\/v1\//).length;

      const destroyStarted = Date.now();
      const destroyed = await runTerraform(["destroy", "-auto-approve", "-input=false", "-no-color", `-parallelism=${PARALLELISM}`], { cwd: stackDir, env });
      const destroyMs = Date.now() - destroyStarted;
      if (destroyed.exitCode !== 0) throw new Error(`${variant}: terraform destroy failed:\n${destroyed.stdout}${destroyed.stderr}`);
      emulator.service.reset();
      results[variant] = applyMs;

      const noopMs = results.noop;
      emit({
        event: "apply",
        variant,
        command,
        apply_ms: applyMs,
        destroy_ms: destroyMs,
        token_requests: tokenRequests,
        api_calls: apiCalls,
        ...(variant === "noop"
          ? {}
          : {
              added_ms_per_host: Math.round((applyMs - noopMs - unoverlappedDelayMs) / HOSTNAMES),
              ratio: Number((applyMs / (2 * noopMs + unoverlappedDelayMs)).toFixed(2)),
            }),
      });
    }
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});
