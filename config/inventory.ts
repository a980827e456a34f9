/**
 * The state inventory: every stack a config ever declared, with every backend it ever used, committed next to
 * the config (`config/example.json` -> `config/example.inventory.json`). A fresh CI clone synthesizes only what
 * the config declares today; the inventory is how the tools still know where a removed environment's state
 * lives, so they can refuse to carry on while that state holds objects nothing manages any more.
 *
 * Synth only ever adds entries. An entry names a backend block, never a secret (backends hold none: see
 * stacks/backend.ts), so the file is safe to commit.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ValidationError } from "../constructs/errors";
import { ResolvedBackend, ResolvedConfig, PINGONE_DIRECTORY_STACK } from "./schema";
import { stateLocation } from "./state-location";

/** Set to 1 (CI does, like `npm ci` with a lock file): synth refuses to change the committed inventory. */
export const FROZEN_INVENTORY_ENV_VAR = "P1AS_FROZEN_INVENTORY";

export interface InventoryEntry {
  readonly stack: string;
  /** The P1AS environment of a `p1as-<env>` stack; absent for `pingone-directory`. */
  readonly environment?: string;
  readonly backend: ResolvedBackend;
}

export interface Inventory {
  readonly stacks: readonly InventoryEntry[];
}

const backendSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("local"), path: z.string() }).strict(),
  z.object({ type: z.literal("pg"), connStr: z.string().optional(), schemaName: z.string() }).strict(),
  z
    .object({ type: z.literal("s3"), bucket: z.string(), key: z.string(), region: z.string(), dynamodbTable: z.string().optional(), encrypt: z.boolean() })
    .strict(),
  z.object({ type: z.enum(["remote", "cloud"]), organization: z.string(), workspace: z.string(), hostname: z.string().optional() }).strict(),
]);

const inventorySchema = z.object({
  "//": z.string().optional(),
  stacks: z.array(z.object({ stack: z.string(), environment: z.string().optional(), backend: backendSchema }).strict()),
});

const HEADER =
  "Every state location the stacks of this config ever used, written by npm run synth; commit it with the config. " +
  "Entries are never removed automatically: see docs/tasks/retire-an-environment.md.";

/** `dir/name.json` -> `dir/name.inventory.json`, so a test's temporary config gets a temporary inventory. */
export function inventoryPath(configFile: string): string {
  const parsed = path.parse(configFile);
  return path.join(parsed.dir, `${parsed.name}.inventory.json`);
}

/** The committed inventory; empty when the file does not exist yet. */
export function readInventory(file: string): Inventory {
  if (!existsSync(file)) return { stacks: [] };
  try {
    return inventorySchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    const reason = error instanceof z.ZodError ? error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") : (error as Error).message;
    throw new ValidationError(file, "inventory", [reason], `the state inventory ${file} is unreadable (${reason}); restore it from git`);
  }
}

/** Every stack the config declares today, with its backend. */
export function declaredEntries(config: ResolvedConfig): InventoryEntry[] {
  return [
    ...(config.pingone.roleAttributes.manage ? [{ stack: PINGONE_DIRECTORY_STACK, backend: config.pingone.backend }] : []),
    ...config.environments.map((env) => ({ stack: env.stackName, environment: env.name, backend: env.backend })),
  ];
}

/** One key per (stack, state location): two spellings of one place are one entry. */
export const entryKey = (entry: InventoryEntry) => `${entry.stack} ${stateLocation(entry.backend)}`;

/** The inventory with the declared entries added (existing ones kept, in their order). */
export function mergeInventory(inventory: Inventory, declared: readonly InventoryEntry[]): { inventory: Inventory; added: InventoryEntry[] } {
  const known = new Set(inventory.stacks.map(entryKey));
  const added = declared.filter((entry) => !known.has(entryKey(entry)));
  return { inventory: { stacks: [...inventory.stacks, ...added] }, added };
}

/** The entries whose state location no declared stack uses now: state that only the inventory still remembers. */
export function undeclaredEntries(inventory: Inventory, declared: readonly InventoryEntry[]): InventoryEntry[] {
  const inUse = new Set(declared.map(entryKey));
  return inventory.stacks.filter((entry) => !inUse.has(entryKey(entry)));
}

/**
 * Environments the inventory knows that the config neither declares nor lists under retiredEnvironments:
 * with managed role attributes, synthesizing that config would drop their roles (and users' grants).
 */
export function forgottenEnvironments(inventory: Inventory, config: ResolvedConfig): string[] {
  if (!config.pingone.roleAttributes.manage) return [];
  const kept = new Set<string>([...config.environments.map((env) => env.name), ...config.pingone.roleAttributes.retiredEnvironments]);
  return [...new Set(inventory.stacks.flatMap((entry) => (entry.environment && !kept.has(entry.environment) ? [entry.environment] : [])))];
}

/**
 * The config's inventory checked against the config, merged, and how to write it. A config that drops an
 * environment the inventory knows without retiring its roles is refused. With P1AS_FROZEN_INVENTORY=1 a change
 * is refused too, naming what is missing, so a pull request that adds a stack or moves its state must commit
 * the inventory. Called before synthesizing, written after: a config that fails to synthesize adds nothing.
 */
export function prepareInventory(
  configFile: string,
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv = process.env,
): { file: string; inventory: Inventory; write: () => void } {
  const file = inventoryPath(configFile);
  const current = readInventory(file);
  const forgotten = forgottenEnvironments(current, config);
  if (forgotten.length > 0) {
    const names = forgotten.join(", ");
    throw new ValidationError(
      configFile,
      "environments",
      [`${names} left environments without being listed under pingone.roleAttributes.retiredEnvironments`],
      `${configFile}: ${names} ${forgotten.length === 1 ? "is" : "are"} in the state inventory ${file} but neither in environments nor in ` +
        "pingone.roleAttributes.retiredEnvironments: synthesizing would remove their roles from the PingOne user attributes, and every user's grant of them. " +
        "List them under retiredEnvironments (after retiring them: docs/tasks/retire-an-environment.md).",
    );
  }
  const { inventory, added } = mergeInventory(current, declaredEntries(config));
  const unchanged = added.length === 0 && existsSync(file);
  if (!unchanged && env[FROZEN_INVENTORY_ENV_VAR] === "1") {
    const reason = `missing: ${added.map((entry) => `${entry.stack} at ${stateLocation(entry.backend)}`).join(", ") || "the whole file"}`;
    throw new ValidationError(
      file,
      "inventory",
      [reason],
      `the state inventory ${file} is out of date (${reason}) and ${FROZEN_INVENTORY_ENV_VAR}=1 forbids changing it here. ` +
        "Run npm run synth locally and commit the inventory with the config. Nothing was synthesized.",
    );
  }
  return { file, inventory, write: () => unchanged || writeFileSync(file, `${JSON.stringify({ "//": HEADER, stacks: inventory.stacks }, null, 2)}\n`) };
}
