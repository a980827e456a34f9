/**
 * Reads the config file named by P1AS_CONFIG (default config/example.json), checks it completely and
 * returns it with every default applied. Any problem throws one ValidationError listing every bad
 * path, before a single construct exists, so nothing is synthesized from a bad config.
 */
import * as fs from "fs";
import * as path from "path";
import { invalidConfig, unreadableConfig } from "../constructs/errors";
import { duplicateKeyIssues, JsonIssue } from "./json-strings";
import { ResolvedConfig, checkConfig, resolveConfig } from "./schema";

export const CONFIG_ENV_VAR = "P1AS_CONFIG";
export const DEFAULT_CONFIG_PATH = "config/example.json";

/** The config file this run uses. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[CONFIG_ENV_VAR] || DEFAULT_CONFIG_PATH;
}

/**
 * Checks an already-parsed config. `source` names it in error messages; `baseDir` (the config file's folder)
 * anchors every relative path in it; `textIssues` are problems only the file's text shows (duplicate keys).
 */
export function parseConfig(
  raw: unknown,
  source: string,
  baseDir = ".",
  textIssues: readonly JsonIssue[] = [],
): ResolvedConfig {
  const result = checkConfig(raw, textIssues, process.env, baseDir);
  if (!result.config) throw invalidConfig(source, result.issues);
  return resolveConfig(result.config, baseDir);
}

/** Reads, checks and resolves a config file. */
export function loadConfig(file: string = configPath()): ResolvedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw unreadableConfig(file, (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw unreadableConfig(file, `not valid JSON (${(error as Error).message})`);
  }
  return parseConfig(raw, file, path.dirname(path.resolve(file)), duplicateKeyIssues(text));
}
