/**
 * Finds the stacks cdktf synthesized, from its manifest, so the tools plan exactly what `cdktf synth` wrote
 * (and nothing left over in cdktf.out/stacks from an earlier config).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { noSynthOutput, unknownStacks } from "./errors";

const manifestSchema = z.object({
  stacks: z.record(z.object({ name: z.string(), workingDirectory: z.string(), synthesizedStackPath: z.string() })),
});

export interface SynthesizedStack {
  readonly name: string;
  /** Absolute path of the directory terraform runs in. */
  readonly workingDirectory: string;
  /** Absolute path of cdk.tf.json. */
  readonly configFile: string;
}

/**
 * The synthesized stacks, in manifest order, restricted to `selected` when given.
 * @param option the CLI option `selected` came from, named in the error for an unknown stack
 */
export function synthesizedStacks(outdir: string, selected?: readonly string[], option = "--stacks"): SynthesizedStack[] {
  let manifest: z.infer<typeof manifestSchema>;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")));
  } catch {
    throw noSynthOutput(outdir);
  }
  const all = Object.values(manifest.stacks).map((stack) => ({
    name: stack.name,
    workingDirectory: path.resolve(outdir, stack.workingDirectory),
    configFile: path.resolve(outdir, stack.synthesizedStackPath),
  }));
  if (!selected || selected.length === 0) return all;
  const unknown = selected.filter((name) => !all.some((stack) => stack.name === name));
  if (unknown.length > 0) throw unknownStacks(option, unknown, all.map((stack) => stack.name));
  return all.filter((stack) => selected.includes(stack.name));
}
