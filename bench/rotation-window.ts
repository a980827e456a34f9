#!/usr/bin/env node
/**
 * `npm run bench -- --only rotation-window`: what rotating a certificate by name costs the hostnames that move, in
 * both contract modes. Three hostnames on one certificate are applied by real terraform against the emulator; then,
 * with rollouts of ROLLOUT_MS (creating/updating -> complete), one apply declares a new certificate, moves the
 * hostnames to it and removes the old one, while the emulator's list is watched every 5 ms (emulator/serving-watch.ts).
 * Prints JSON lines.
 *
 * Definitions, per hostname:
 * - absent_ms: time it was not in the API's list at all.
 * - unserved_ms: from the moment it stopped being served (absent, or not `complete`) until it was served again.
 * - apply_ms: wall time of the rotation's `terraform apply`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { Certificate, Hostname } from "../constructs/virtual-hosts";
import { BENCH_SECRET_ENV, emulatedVirtualHosts } from "./emulated-virtual-hosts";
import type { ContractMode } from "../emulator/contract";
import { makeCertificate } from "../emulator/demo-certs";
import { watchServing } from "../emulator/serving-watch";
import { startEmulator } from "../emulator/start";
import { PRODUCTS } from "../p1as/facts";
import { installBesideStack } from "../provider/install";
import { runTerraform } from "../tools/terraform/run";

export const ROLLOUT_MS = 5_000;
const HOSTNAMES = ["auth", "api", "admin"].map((name) => `${name}.dev.acme.example`);
const CLIENT_ID = "0be1c400-0000-4000-8000-00000000be1e";
const CLIENT_SECRET = randomBytes(16).toString("hex");

function emit(record: object): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

async function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runTerraform([...args, "-input=false", "-no-color"], { cwd, env });
  if (result.exitCode !== 0)
    throw new Error(
      `terraform ${args[0]} in ${cwd} failed (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`,
    );
  return result.stdout;
}

export async function benchRotationWindow(
  modes: readonly ContractMode[] = ["assumed", "confirmed"],
  rolloutMs = ROLLOUT_MS,
): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "p1as-bench-rotation-"));
  const env = { [BENCH_SECRET_ENV]: CLIENT_SECRET };
  const files = (name: string) => {
    const generated = makeCertificate({ commonName: `*.${name}.acme.example` });
    const fullchainFile = path.join(work, `${name}.pem`);
    const privateKeyFile = path.join(work, `${name}.key`);
    writeFileSync(fullchainFile, generated.fullchain);
    writeFileSync(privateKeyFile, generated.privkey, { mode: 0o600 });
    return { fullchainFile, privateKeyFile };
  };
  const certificates = { "wildcard-2026": files("wildcard-2026"), "wildcard-2027": files("wildcard-2027") };
  emit({ event: "setup", bench: "rotation-window", modes, rollout_ms: rolloutMs, hostnames: HOSTNAMES.length });
  try {
    for (const contract of modes) {
      const emulator = await startEmulator({
        seedDemoClients: false,
        contract,
        clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }],
      });
      try {
        const outdir = path.join(work, contract);
        const synth = (certname: keyof typeof certificates) => {
          const app = new App({ outdir });
          const stack = new TerraformStack(app, "p1as-rotation");
          new LocalBackend(stack, { path: "terraform.tfstate" });
          const vh = emulatedVirtualHosts(stack, emulator, { clientId: CLIENT_ID, pollIntervalMs: 200 });
          const certificate = new Certificate(vh, certname, { name: certname, ...certificates[certname] });
          HOSTNAMES.forEach(
            (hostname, i) => new Hostname(vh, hostname, { hostname, product: PRODUCTS[i], certificate }),
          );
          app.synth();
          return path.join(outdir, "stacks", "p1as-rotation");
        };
        emulator.service.completionDelayMs = 0;
        const stackDir = synth("wildcard-2026");
        installBesideStack(stackDir);
        await terraform(["init"], stackDir, env);
        await terraform(["apply", "-auto-approve"], stackDir, env);

        synth("wildcard-2027");
        emulator.service.completionDelayMs = rolloutMs;
        const watch = watchServing(emulator.service, "dev", HOSTNAMES);
        const started = Date.now();
        const output = await terraform(["apply", "-auto-approve"], stackDir, env);
        const applyMs = Date.now() - started;
        const windows = watch.stop();
        for (const window of windows) {
          emit({
            event: "rotation",
            contract,
            rollout_ms: rolloutMs,
            hostname: window.hostname,
            absent_ms: window.absentMs,
            unserved_ms: window.unservedMs,
            served_at_end: window.servedAtEnd,
            apply_ms: applyMs,
          });
        }
        emit({
          event: "rotation-plan",
          contract,
          resources: /Apply complete! (Resources: [^\n]*)/.exec(output)?.[1] ?? "",
        });
      } finally {
        await emulator.close();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const rollout = Number(process.argv[2] ?? ROLLOUT_MS);
  benchRotationWindow(undefined, Number.isInteger(rollout) && rollout >= 0 ? rollout : ROLLOUT_MS).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
