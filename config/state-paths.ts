/**
 * One rule for relative paths in the config: every path written in it is relative to the config file's folder.
 * A default the config does not write (the local state `terraform.<stack>.tfstate`) stays in the folder the
 * commands run in.
 *
 * A local state `backend.path` followed the other rule before (the folder the commands run in). For a config
 * outside that folder the same text now names another file: terraform would find no state there and plan to
 * create every object again. So synth (stacks/synthesize.ts) and the tools (tools/terraform/retired-stacks.ts)
 * refuse, before terraform runs, a path whose new place holds no state while its former place does, or where
 * both do, naming the field, both files and the move.
 */
import { statSync } from "node:fs";
import * as path from "node:path";
import { shellWord } from "../cli-kit/escape";
import type { ResolvedConfig } from "./schema";
import { localStatePath } from "./state-location";

/** A local state path whose place the one rule changed: the text the config writes, and where it led each way. */
export interface RebasedStatePath {
  readonly stack: string;
  /** `environments[0].backend.path`, `pingone.backend.path`. */
  readonly field: string;
  /** As written in the config. */
  readonly written: string;
  /** Absolute: from the config file's folder, the rule now. */
  readonly path: string;
  /** Absolute: from the folder the commands ran in, the rule before. */
  readonly formerPath: string;
  /** What to write in the field to keep the state at `formerPath`. */
  readonly keep: string;
}

/** The relative local state paths of `config` that the rule moved (none when the config is in `cwd`). */
export function rebasedStatePaths(config: ResolvedConfig, cwd = process.cwd()): RebasedStatePath[] {
  return config.relativeStatePaths.flatMap(({ stack, field, written }) => {
    const now = path.resolve(config.baseDir, written);
    const before = path.resolve(cwd, written);
    if (localStatePath(now) === localStatePath(before)) return [];
    return [{ stack, field, written, path: now, formerPath: before, keep: path.relative(config.baseDir, before) }];
  });
}

/**
 * A state file with something in it. Terraform reads an empty file as no state, and 1.11 creates one when an apply
 * takes the lock of a state not written yet (observed); an apply killed before its first write would leave it.
 */
function holdsState(file: string): boolean {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat !== undefined && stat.isFile() && stat.size > 0;
}

/** Terraform's local backend keeps a backup beside the state and its lock note as `.<name>.lock.info`. */
const companions = (file: string) => [
  `${file}.backup`,
  path.join(path.dirname(file), `.${path.basename(file)}.lock.info`),
];

/** One sentence per path whose state is at its former place (to move) or at both places (to sort out); empty when none. */
export function statePathProblems(paths: readonly RebasedStatePath[]): string[] {
  return paths.flatMap((moved) => {
    if (!holdsState(moved.formerPath)) return [];
    const where = `${moved.field} ${JSON.stringify(moved.written)}`;
    if (holdsState(moved.path)) {
      return [
        `${where}: two state files for ${moved.stack}: ${moved.path} (the path from the config file's folder, the rule for every path in the config) ` +
          `and ${moved.formerPath} (the same path from the folder the commands run in, the rule for state paths before). Which one is ${moved.stack}'s state cannot be told. ` +
          `Compare them (both are JSON: lineage, serial, resources), keep ${moved.stack}'s state at ${moved.path}, move the other one away, and run again`,
      ];
    }
    const moves: [string, string][] = [
      [moved.formerPath, moved.path],
      ...companions(moved.formerPath)
        .map((from, i): [string, string] => [from, companions(moved.path)[i]])
        .filter(([from]) => statSync(from, { throwIfNoEntry: false }) !== undefined),
    ];
    const command = [
      `mkdir -p ${shellWord(path.dirname(moved.path))}`,
      ...moves.map(([from, to]) => `mv ${shellWord(from)} ${shellWord(to)}`),
    ].join(" && ");
    const locked = moves.some(([from]) => from.endsWith(".lock.info"))
      ? " (its lock note is there: make sure no terraform run is using that state first)"
      : "";
    return [
      `${where} is relative to the config file's folder, like every path in the config: ${moved.stack}'s state is ${moved.path}, where there is none, ` +
        `but ${moved.formerPath} (the same path from the folder the commands run in, the rule for state paths before) holds one. ` +
        `Terraform would start from no state and plan to create every object again. ` +
        `Move the state${locked}: ${command}; or keep it where it is with "path": ${JSON.stringify(moved.keep)}`,
    ];
  });
}
