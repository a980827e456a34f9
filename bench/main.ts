#!/usr/bin/env node
/**
 * `npm run bench`: the synth bench, the deploy bench (real terraform against the emulator), then the startup
 * bench (what a tool costs before it works), in this run on this machine, as JSON lines on stdout. One entry
 * point so `--help` answers for all and starts none.
 */
import { Command, Option } from "commander";
import { parseCommandLine, reportFailure, runMain } from "../cli-kit/command-line";
import { EXIT_OK } from "../cli-kit/errors";
import { benchPlanScale } from "./plan-scale";
import { benchRotationWindow } from "./rotation-window";
import { benchStartup } from "./startup";
import { benchSynth } from "./synth";
import { benchTestCertificates } from "./test-certificates";
import { benchVirtualHosts } from "./virtual-hosts";

const BENCHES = {
  synth: async () => benchSynth(),
  "virtual-hosts": benchVirtualHosts,
  "test-certificates": benchTestCertificates,
  "plan-scale": () => benchPlanScale(),
  "rotation-window": () => benchRotationWindow(),
  startup: benchStartup,
} as const;
type BenchName = keyof typeof BENCHES;

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("bench")
    .description(
      "Synth timings and peak memory (synth), apply/plan/destroy of 40 hostnames against the emulator (virtual-hosts), how long a test certificate blocks the event loop (test-certificates), no-change plans of 40, 300 and 1000 hostnames beside terraform_data and a do-nothing provider (plan-scale), how long hostnames are offline while a certificate is rotated by name, 5 s rollouts (rotation-window), a tool's start and a no-change drift against node and terraform (startup); JSON lines on stdout.",
    )
    .addOption(new Option("--only <bench>", "run one bench").choices(Object.keys(BENCHES)));
  const usageExit = parseCommandLine(program, argv);
  if (usageExit !== undefined) return usageExit;
  const { only } = program.opts<{ only?: BenchName }>();
  try {
    for (const name of only ? [only] : (Object.keys(BENCHES) as BenchName[])) await BENCHES[name]();
    return EXIT_OK;
  } catch (error) {
    return reportFailure("bench", error);
  }
}

if (require.main === module) runMain(main);
