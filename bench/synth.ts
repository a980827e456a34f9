#!/usr/bin/env node
/**
 * `npm run bench` (synth part, run by bench/main.ts): times whole synth processes on this machine in this run, and prints
 * JSON lines.
 *
 * - baseline: a process that only loads cdktf and synthesizes an empty stack (synth-baseline.ts).
 * - config-4x40: `node dist/main.js` (the real app entry) on one config with 4 environments x 40
 *   hostnames over 4 certificates each; ratio = its median / the baseline's median (target <= 1.5).
 * - growth: 1, 4 and 16 environments synthesized in one process (synth-configs.ts). A config holds
 *   at most the four P1AS environments, so 16 is four customers' 4-environment configs, each through
 *   `synthesize()` into its own App (stack names repeat across customers), one after the other.
 *
 * Every case runs ROUNDS times, interleaved so drift hits all cases alike, after one discarded warm-up
 * round; the median is reported. Peak RSS is each child's own `process.resourceUsage().maxRSS`,
 * reported by a preloaded module (max-rss.ts); the largest over the rounds is reported (target < 300 MB).
 * Certificates are generated into a temporary directory first; generation is not timed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { makeCertificate } from "../emulator/demo-certs";
import { P1AS_ENVIRONMENTS, PRODUCTS } from "../p1as/facts";
import { MAX_RSS_FILE_ENV } from "./max-rss";
import { median } from "./median";

const ROUNDS = 5;
const HOSTNAMES_PER_ENVIRONMENT = 40;
const CERTIFICATES_PER_ENVIRONMENT = 4;
const CUSTOMERS = ["acme", "globex", "initech", "umbrella"];
const PINGONE_ENVIRONMENT_ID = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";
const TARGETS = { ratio: 1.5, peakRssMb: 300 };
/** Compiled output, next to this file. */
const DIST = path.resolve(__dirname, "..");

interface Case {
  readonly name: string;
  readonly environments: number;
  readonly hostnames: number;
  /** Arguments after `node`; `{out}` is replaced by a fresh output directory. */
  readonly args: readonly string[];
  /** Stacks the output must hold, so a case that synthesized nothing cannot look fast. */
  readonly stacks: number;
}

interface Sample {
  readonly ms: number;
  readonly maxRssBytes: number;
}

function emit(record: object): void {
  process.stdout.write(`${JSON.stringify({ bench: "synth", ...record })}\n`);
}

const round = (value: number, digits = 0) => Number(value.toFixed(digits));

/** One customer's config: `environments` of the four, each with its own certificates and 40 hostnames. */
function writeConfig(dir: string, customer: string, environments: number): string {
  const config = {
    customer,
    p1asRegion: "us1",
    pingone: { environmentId: PINGONE_ENVIRONMENT_ID, regionCode: "NA" },
    environments: P1AS_ENVIRONMENTS.slice(0, environments).map((name) => {
      const certificates = Array.from({ length: CERTIFICATES_PER_ENVIRONMENT }, (_, i) => {
        const base = path.join(dir, `${customer}-${name}-${i}`);
        if (!existsSync(`${base}.pem`)) {
          const generated = makeCertificate({ commonName: `*.${name}.${customer}.example` });
          writeFileSync(`${base}.pem`, generated.fullchain);
          writeFileSync(`${base}.key`, generated.privkey, { mode: 0o600 });
        }
        return { name: `cert-${i}`, fullchainFile: `${base}.pem`, privateKeyFile: `${base}.key` };
      });
      return {
        name,
        virtualHosts: {
          certificates,
          hostnames: Array.from({ length: HOSTNAMES_PER_ENVIRONMENT }, (_, i) => ({
            hostname: `host-${i}.${name}.${customer}.example`,
            product: PRODUCTS[i % PRODUCTS.length],
            certname: certificates[i % certificates.length].name,
          })),
        },
      };
    }),
  };
  const file = path.join(dir, `${customer}-${environments}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

function stacksIn(outdir: string): number {
  const manifests = [
    path.join(outdir, "manifest.json"),
    ...CUSTOMERS.map((_, i) => path.join(outdir, String(i), "manifest.json")),
  ];
  return manifests
    .filter((file) => existsSync(file))
    .reduce((count, file) => count + Object.keys(JSON.parse(readFileSync(file, "utf8")).stacks).length, 0);
}

function runOnce(work: string, benchCase: Case, env: NodeJS.ProcessEnv): Sample {
  const outdir = path.join(work, "out");
  const rssFile = path.join(work, "max-rss");
  rmSync(outdir, { recursive: true, force: true });
  rmSync(rssFile, { force: true });
  mkdirSync(outdir);
  const args = [
    "--require",
    path.join(DIST, "bench", "max-rss.js"),
    ...benchCase.args.map((arg) => arg.replace("{out}", outdir)),
  ];
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, {
    cwd: path.resolve(DIST, ".."),
    env: { ...env, [MAX_RSS_FILE_ENV]: rssFile, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`${benchCase.name}: exit ${child.status}\n${child.stderr}`);
  const stacks = stacksIn(outdir);
  if (stacks !== benchCase.stacks)
    throw new Error(`${benchCase.name}: expected ${benchCase.stacks} synthesized stacks, found ${stacks}`);
  return { ms, maxRssBytes: Number(readFileSync(rssFile, "utf8")) };
}

/** Least-squares line through (environments, ms) and how well it fits (R²). */
function linearFit(points: readonly [number, number][]): { interceptMs: number; msPerEnvironment: number; r2: number } {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const ssTotal = points.reduce((sum, [, y]) => sum + (y - meanY) ** 2, 0);
  const ssResidual = points.reduce((sum, [x, y]) => sum + (y - (intercept + slope * x)) ** 2, 0);
  return { interceptMs: intercept, msPerEnvironment: slope, r2: 1 - ssResidual / ssTotal };
}

/** The synth bench (`npm run bench -- --only synth`); prints JSON lines. */
export function benchSynth(): void {
  const work = mkdtempSync(path.join(tmpdir(), "bench-synth-"));
  try {
    const single = writeConfig(work, CUSTOMERS[0], 1);
    const four = writeConfig(work, CUSTOMERS[0], 4);
    const many = CUSTOMERS.map((customer) => writeConfig(work, customer, 4));
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
    const configs = (files: string[]) => [path.join(DIST, "bench", "synth-configs.js"), "{out}", ...files];
    // Each config also has the pingone-directory stack.
    const cases: Case[] = [
      {
        name: "baseline",
        environments: 0,
        hostnames: 0,
        args: [path.join(DIST, "bench", "synth-baseline.js"), "{out}"],
        stacks: 1,
      },
      {
        name: "config-4x40",
        environments: 4,
        hostnames: 4 * HOSTNAMES_PER_ENVIRONMENT,
        args: [path.join(DIST, "main.js")],
        stacks: 5,
      },
      { name: "growth-1", environments: 1, hostnames: HOSTNAMES_PER_ENVIRONMENT, args: configs([single]), stacks: 2 },
      { name: "growth-4", environments: 4, hostnames: 4 * HOSTNAMES_PER_ENVIRONMENT, args: configs([four]), stacks: 5 },
      {
        name: "growth-16",
        environments: 16,
        hostnames: 16 * HOSTNAMES_PER_ENVIRONMENT,
        args: configs(many),
        stacks: 20,
      },
    ];
    const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
    for (let r = 0; r <= ROUNDS; r++) {
      for (const benchCase of cases) {
        const sample = runOnce(work, benchCase, { ...env, P1AS_CONFIG: four });
        if (r > 0) samples.get(benchCase.name)!.push(sample);
      }
    }

    const results = new Map<string, { medianMs: number; peakRssMb: number }>();
    for (const benchCase of cases) {
      const runs = samples.get(benchCase.name)!;
      const ms = runs.map((run) => run.ms);
      const result = { medianMs: median(ms), peakRssMb: Math.max(...runs.map((run) => run.maxRssBytes)) / 2 ** 20 };
      results.set(benchCase.name, result);
      emit({
        case: benchCase.name,
        environments: benchCase.environments,
        hostnames: benchCase.hostnames,
        stacks: benchCase.stacks,
        runs: runs.length,
        median_ms: round(result.medianMs),
        min_ms: round(Math.min(...ms)),
        max_ms: round(Math.max(...ms)),
        peak_rss_mb: round(result.peakRssMb, 1),
      });
    }

    const baseline = results.get("baseline")!;
    const config = results.get("config-4x40")!;
    const growth = ([1, 4, 16] as const).map((n): [number, number] => [n, results.get(`growth-${n}`)!.medianMs]);
    const fit = linearFit(growth);
    const [[, t1], [, t4], [, t16]] = growth;
    const perEnvironment = { "1_to_4": (t4 - t1) / 3, "4_to_16": (t16 - t4) / 12 };
    const ratio = config.medianMs / baseline.medianMs;
    const peakRssMb = Math.max(...[...results.values()].map((result) => result.peakRssMb));
    // Linear: the line explains the points, and an environment added past 4 costs at most twice one added
    // before (the 1-to-4 step is small and noisy; quadratic growth would make the ratio about 5).
    const linear = fit.r2 >= 0.98 && perEnvironment["4_to_16"] <= 2 * Math.max(perEnvironment["1_to_4"], 1);
    emit({
      case: "summary",
      ratio: round(ratio, 2),
      ratio_target: TARGETS.ratio,
      peak_rss_mb: round(peakRssMb, 1),
      peak_rss_target_mb: TARGETS.peakRssMb,
      growth_ms_per_environment: {
        "1_to_4": round(perEnvironment["1_to_4"]),
        "4_to_16": round(perEnvironment["4_to_16"]),
      },
      growth_fit: {
        intercept_ms: round(fit.interceptMs),
        ms_per_environment: round(fit.msPerEnvironment, 1),
        r2: round(fit.r2, 4),
      },
      targets_met: { ratio: ratio <= TARGETS.ratio, peak_rss: peakRssMb < TARGETS.peakRssMb, linear },
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
