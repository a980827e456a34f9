/**
 * `npm run bench` (startup part, run by bench/main.ts): what a tool costs before it does anything, in this run on
 * this machine, as JSON lines. Every npm script preloads scripts/build-if-stale.js, which compares source and
 * build times and compiles only when a source is newer; this bench shows what that check and npm add when
 * nothing changed.
 *
 * Cases, each a whole process, timed from spawn to exit:
 * - node: `node -e 0`, the floor of any node process.
 * - help-direct: `node dist/tools/deploy/main.js --help`, the compiled tool alone.
 * - help-checked: the same with the staleness check preloaded (`node -r ./scripts/build-if-stale.js ...`).
 * - help-npm: `npm run deploy -- --help`, as a user types it.
 * - terraform: the terraform commands drift runs for each stack of the demo config (init, plan -refresh-only,
 *   show -json), run directly, one after the other: terraform's own time.
 * - drift-npm: `npm run drift` on the deployed demo config, in sync (exit 0).
 * overhead_ms = help-npm - help-direct (target < 500 ms); drift_overhead_ms = drift-npm - terraform.
 * The demo config (config/demo.json) is deployed once, to an in-process emulator, with its paths moved into a
 * temporary directory; rounds are interleaved after one discarded warm-up round; medians are reported.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DEMO_AUDIT_CLIENT_SECRET, DEMO_CLIENT_SECRET } from "../emulator/clients";
import { makeCertificate } from "../emulator/demo-certs";
import { startEmulator } from "../emulator/start";
import { synthesize } from "../stacks/synthesize";
import { P1AS_ENVIRONMENTS } from "../p1as/facts";
import { clientSecretEnv } from "../p1as/secret-names";
import { deploy } from "../tools/deploy/main";
import { synthesizedStacks } from "../tools/terraform/synth-output";
import { runTerraform } from "../tools/terraform/run";
import { median } from "./median";

const ROUNDS = 5;
const TARGET_OVERHEAD_MS = 500;
/** The project: this file runs as dist/bench/startup.js. */
const ROOT = path.resolve(__dirname, "..", "..");
const DEMO_URL = "http://127.0.0.1:4010";
const PLAN_FILE = "bench-startup.tfplan";

interface Case {
  readonly name: string;
  /** One timed run; resolves to its duration in ms, rejects when the run did not do what the case says. */
  run(): Promise<number>;
}

function emit(record: object): void {
  process.stdout.write(`${JSON.stringify({ bench: "startup", ...record })}\n`);
}

/** Runs a process (asynchronously: the emulator serving it lives in this process) and times it. */
function timed(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  expect: (stdout: string) => boolean,
): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (error || !expect(stdout))
        reject(new Error(`${command} ${args.join(" ")}: ${error?.message ?? "unexpected output"}\n${stderr}`));
      else resolve(ms);
    });
  });
}

/** config/demo.json with its emulator, backends and certificates in `work`; returns the config file. */
function demoConfig(work: string, emulatorUrl: string): string {
  const demo = readFileSync(path.join(ROOT, "config", "demo.json"), "utf8").replaceAll(DEMO_URL, emulatorUrl);
  const config = JSON.parse(demo);
  config.pingone.backend.path = path.join(work, "pingone-directory.tfstate");
  for (const environment of config.environments) {
    environment.backend.path = path.join(work, `${environment.name}.tfstate`);
    for (const certificate of environment.virtualHosts.certificates) {
      const pem = makeCertificate({ commonName: `*.${environment.name}.${config.customer}.example` });
      certificate.fullchainFile = path.join(work, `${certificate.name}.pem`);
      certificate.privateKeyFile = path.join(work, `${certificate.name}.key`);
      writeFileSync(certificate.fullchainFile, pem.fullchain);
      writeFileSync(certificate.privateKeyFile, pem.privkey, { mode: 0o600 });
    }
  }
  const file = path.join(work, "demo.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** The startup bench (`npm run bench -- --only startup`); prints JSON lines. */
export async function benchStartup(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "bench-startup-"));
  const emulator = await startEmulator();
  try {
    const outdir = path.join(work, "cdktf.out");
    synthesize(demoConfig(work, emulator.url), outdir);
    const secrets = Object.fromEntries(
      P1AS_ENVIRONMENTS.flatMap((name) => [
        [clientSecretEnv(name, "admin"), DEMO_CLIENT_SECRET],
        [clientSecretEnv(name, "audit"), DEMO_AUDIT_CLIENT_SECRET],
      ]),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, ...secrets, CHECKPOINT_DISABLE: "1" };
    const stacks = synthesizedStacks(outdir).filter(
      (stack) => JSON.parse(readFileSync(stack.configFile, "utf8")).provider?.p1as,
    );
    await deploy({ outdir, stacks: stacks.map((stack) => stack.name), lockTimeout: "0s", ifPresent: false, env });

    const help = (stdout: string) => stdout.startsWith("Usage: deploy");
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const cases: Case[] = [
      { name: "node", run: () => timed(process.execPath, ["-e", "0"], env, () => true) },
      { name: "help-direct", run: () => timed(process.execPath, ["dist/tools/deploy/main.js", "--help"], env, help) },
      {
        name: "help-checked",
        run: () =>
          timed(
            process.execPath,
            ["-r", "./scripts/build-if-stale.js", "dist/tools/deploy/main.js", "--help"],
            env,
            help,
          ),
      },
      { name: "help-npm", run: () => timed(npm, ["run", "--silent", "deploy", "--", "--help"], env, help) },
      {
        name: "terraform",
        run: async () => {
          let total = 0;
          for (const stack of stacks) {
            for (const args of [
              ["init", "-input=false", "-no-color"],
              [
                "plan",
                "-refresh-only",
                "-input=false",
                "-no-color",
                "-lock=false",
                "-detailed-exitcode",
                `-out=${PLAN_FILE}`,
              ],
              ["show", "-json", PLAN_FILE],
            ]) {
              const started = process.hrtime.bigint();
              const result = await runTerraform(args, { cwd: stack.workingDirectory, env });
              total += Number(process.hrtime.bigint() - started) / 1e6;
              if (result.exitCode !== 0)
                throw new Error(`${stack.name}: terraform ${args[0]} exited ${result.exitCode}\n${result.stderr}`);
            }
            rmSync(path.join(stack.workingDirectory, PLAN_FILE), { force: true });
          }
          return total;
        },
      },
      {
        name: "drift-npm",
        run: () =>
          timed(npm, ["run", "--silent", "drift", "--", "--outdir", outdir], env, (stdout) =>
            /: in sync\n/.test(stdout),
          ),
      },
    ];

    const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const benchCase of cases) {
        const ms = await benchCase.run();
        if (round > 0) samples.get(benchCase.name)!.push(ms);
      }
    }
    const medians = new Map<string, number>();
    for (const { name } of cases) {
      const runs = samples.get(name)!;
      medians.set(name, median(runs));
      emit({
        case: name,
        runs: runs.length,
        median_ms: Math.round(median(runs)),
        min_ms: Math.round(Math.min(...runs)),
        max_ms: Math.round(Math.max(...runs)),
      });
    }
    const of = (name: string) => medians.get(name)!;
    const overhead = of("help-npm") - of("help-direct");
    emit({
      case: "summary",
      stacks: stacks.length,
      check_ms: Math.round(of("help-checked") - of("help-direct")),
      npm_ms: Math.round(of("help-npm") - of("help-checked")),
      overhead_ms: Math.round(overhead),
      overhead_target_ms: TARGET_OVERHEAD_MS,
      drift_overhead_ms: Math.round(of("drift-npm") - of("terraform")),
      targets_met: { overhead: overhead < TARGET_OVERHEAD_MS },
    });
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}
