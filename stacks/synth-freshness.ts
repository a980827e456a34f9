/**
 * Whether a synth output still describes what would be deployed now: synth records the config it read (path and
 * sha256) and when it ran (stacks/stack-index.ts); every tool that plans or applies that output checks the record
 * first. Refused: an output of another config than P1AS_CONFIG names, one whose config changed since, and one older
 * than the TypeScript sources (the stacks that code would synthesize may differ). An output without the record (a
 * test fixture written by hand) has nothing to check.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { StackIndex } from "./stack-index";

export const CONFIG_ENV = "P1AS_CONFIG";

export const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** The newest TypeScript source under tsconfig's includes (cdktf-app.js does the same walk, in JavaScript, before anything is compiled). */
export function newestSource(root: string): { file: string; mtimeMs: number } | undefined {
  const tsconfig = path.join(root, "tsconfig.json");
  if (!existsSync(tsconfig)) return undefined;
  const { include = [] } = JSON.parse(readFileSync(tsconfig, "utf8")) as { include?: string[] };
  let newest: { file: string; mtimeMs: number } | undefined;
  const visit = (file: string) => {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file))
        if (entry !== "node_modules" && entry !== ".gen") visit(path.join(file, entry));
    } else if (file.endsWith(".ts") && !file.endsWith(".d.ts") && (!newest || stat.mtimeMs > newest.mtimeMs))
      newest = { file, mtimeMs: stat.mtimeMs };
  };
  for (const entry of include) visit(path.join(root, entry));
  return newest;
}

/** What is wrong with using this synth output now; empty when nothing is. */
export function synthOutputProblems(
  index: StackIndex | undefined,
  env: NodeJS.ProcessEnv,
  projectRoot: string,
): string[] {
  const record = index?.synthesis;
  if (!record) return [];
  const problems: string[] = [];
  const wanted = env[CONFIG_ENV];
  if (wanted && path.resolve(wanted) !== record.config)
    problems.push(`it was synthesized from ${record.config}, but ${CONFIG_ENV} is ${path.resolve(wanted)}`);
  else if (!existsSync(record.config)) problems.push(`its config ${record.config} no longer exists`);
  else if (sha256(readFileSync(record.config)) !== record.configSha256)
    problems.push(`its config ${record.config} changed after it was synthesized`);
  const source = newestSource(projectRoot);
  if (source && source.mtimeMs > record.at)
    problems.push(
      `it is older than the sources (${path.relative(projectRoot, source.file)} changed after it was synthesized)`,
    );
  return problems;
}
