/**
 * What synth tells the tools beyond cdktf's manifest.json, in `<outdir>/p1as-stacks.json`: which stacks are
 * retiring (planned and applied with -destroy), which local state paths the one rule for relative paths moved
 * (config/state-paths.ts), and every state location the inventory remembers that no
 * declared stack uses any more. For each of those, synth writes a terraform directory holding only the
 * backend block (`<outdir>/undeclared/stacks/<name>`), so the tools can `terraform init` and
 * `terraform state list` there with no provider and no credentials for the API.
 */
import * as path from "node:path";
import { writeFileSync } from "node:fs";
import { App, TerraformStack } from "cdktf";
import { z } from "zod";
import type { ResolvedConfig } from "../config/schema";
import { InventoryEntry } from "../config/inventory";
import { stateLocation } from "../config/state-location";
import { RebasedStatePath, rebasedStatePaths } from "../config/state-paths";
import { installBesideStack } from "../provider/install";
import { addBackend } from "./backend";

export const STACK_INDEX_FILE = "p1as-stacks.json";
/** The App outdir of the backend-only directories, inside the main outdir. */
export const UNDECLARED_OUTDIR = "undeclared";

const rebasedStatePathSchema: z.ZodType<RebasedStatePath> = z.object({
  stack: z.string(),
  field: z.string(),
  written: z.string(),
  path: z.string(),
  formerPath: z.string(),
  keep: z.string(),
});

export const stackIndexSchema = z.object({
  /** The inventory file, named in messages. */
  inventory: z.string(),
  /** What synth read and when (stacks/synth-freshness.ts); absent in hand-written fixtures. */
  synthesis: z.object({ config: z.string(), configSha256: z.string(), at: z.number() }).optional(),
  /** Declared stacks by name. */
  stacks: z.record(
    z.object({
      environment: z.string().optional(),
      retiring: z.boolean(),
      location: z.string(),
      /** A relative local state path the one rule moved: the tools check no state was left at its former place. */
      rebasedStatePath: rebasedStatePathSchema.optional(),
    }),
  ),
  undeclared: z.array(
    z.object({
      /** The stack this state belonged to. */
      stack: z.string(),
      environment: z.string().optional(),
      location: z.string(),
      /** Relative to the outdir. */
      workingDirectory: z.string(),
      /** Where the stack keeps its state now, when the config still declares it under another backend. */
      currentLocation: z.string().optional(),
    }),
  ),
});
export type StackIndex = z.infer<typeof stackIndexSchema>;

export function writeStackIndex(
  outdir: string,
  config: ResolvedConfig,
  inventoryFile: string,
  declared: readonly InventoryEntry[],
  undeclared: readonly InventoryEntry[],
  synthesis?: StackIndex["synthesis"],
): StackIndex {
  const retiring = new Set(config.environments.filter((env) => env.retiring).map((env) => env.stackName));
  const rebased = new Map(rebasedStatePaths(config).map((moved) => [moved.stack, moved]));
  const app = new App({ outdir: path.join(outdir, UNDECLARED_OUTDIR) });
  const names = new Map<string, number>();
  const entries = undeclared.map((entry) => {
    // A stack may have left several locations behind (a backend moved twice): one directory each.
    const seen = names.get(entry.stack) ?? 0;
    names.set(entry.stack, seen + 1);
    const id = seen === 0 ? entry.stack : `${entry.stack}-${seen + 1}`;
    addBackend(new TerraformStack(app, id), entry.backend);
    const current = declared.find((other) => other.stack === entry.stack);
    return {
      stack: entry.stack,
      environment: entry.environment,
      location: stateLocation(entry.backend),
      workingDirectory: path.join(UNDECLARED_OUTDIR, "stacks", id),
      ...(current ? { currentLocation: stateLocation(current.backend) } : {}),
    };
  });
  if (entries.length > 0) app.synth();
  // terraform init installs every provider the state mentions, even with no configuration using it: the p1as
  // provider comes from beside the directory, as for the declared stacks (the PingOne one from the registry).
  for (const entry of entries) installBesideStack(path.join(outdir, entry.workingDirectory));
  const index: StackIndex = {
    inventory: path.resolve(inventoryFile),
    ...(synthesis ? { synthesis } : {}),
    stacks: Object.fromEntries(
      declared.map((entry) => [
        entry.stack,
        {
          environment: entry.environment,
          retiring: retiring.has(entry.stack),
          location: stateLocation(entry.backend),
          ...(rebased.has(entry.stack) ? { rebasedStatePath: rebased.get(entry.stack) } : {}),
        },
      ]),
    ),
    undeclared: entries,
  };
  writeFileSync(path.join(outdir, STACK_INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}
