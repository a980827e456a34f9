/**
 * The state inventory: every stack a config ever declared, with every backend it ever used, committed next to
 * the config (`config/example.json` -> `config/example.inventory.json`). A fresh CI clone synthesizes only what
 * the config declares today; the inventory is how the tools still know where a removed environment's state
 * lives, so they can refuse to carry on while that state holds objects nothing manages any more.
 *
 * Synth only ever adds entries. An entry names a backend block, never a secret (backends hold none: see
 * stacks/backend.ts), so the file is safe to commit. A local path is recorded as the tools read it, relative to
 * the folder the commands run in (config/schema/defaults.ts resolveBackend), as every earlier synth wrote it.
 *
 * The file is input like the config, so it is checked like the config before synth writes anything: every
 * stack name is one our stacks can have (a name becomes a folder under the synth output), every backend passes
 * the config's own backend rules, and the entries hash to the `sha256` synth wrote with them, so that a removed
 * or changed entry is refused, as `npm ci` refuses a lock file that no longer matches. The hash is not a
 * signature (anyone can compute one): it makes a removal deliberate and visible in review instead of a
 * silent one-line deletion; and an environment the config still names as retired must keep its entries
 * whatever the hash says. docs/reference/state-backends.md explains the choice.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import {
  environmentsForgotten,
  invalidInventory,
  inventoryEdited,
  inventoryLacksEnvironments,
  inventoryOutOfDate,
} from "../constructs/errors";
import { P1AS_ENVIRONMENTS } from "../p1as/facts";
import { duplicateKeyIssues, stringIssues } from "./json-strings";
import {
  backendSchema,
  environmentStackName,
  formatPath,
  PINGONE_DIRECTORY_STACK,
  ResolvedBackend,
  ResolvedConfig,
} from "./schema";
import { stateLocation } from "./state-location";

/** Set to 1 (CI does, like `npm ci` with a lock file): synth refuses to change the committed inventory. */
export const FROZEN_INVENTORY_ENV_VAR = "P1AS_FROZEN_INVENTORY";
/** Set to 1 once, after removing an entry on purpose: synth accepts the entries as they are and hashes them again. */
export const RESEAL_INVENTORY_ENV_VAR = "P1AS_RESEAL_INVENTORY";

export interface InventoryEntry {
  readonly stack: string;
  /** The P1AS environment of a `p1as-<env>` stack; absent for `pingone-directory`. */
  readonly environment?: string;
  readonly backend: ResolvedBackend;
}

export interface Inventory {
  readonly stacks: readonly InventoryEntry[];
}

/** Every name a stack of this tool can have: each becomes a folder under the synth output. */
const STACK_NAMES = [PINGONE_DIRECTORY_STACK, ...P1AS_ENVIRONMENTS.map(environmentStackName)] as [string, ...string[]];

/** The per-stack defaults synth fills in (config/schema/defaults.ts resolveBackend): an entry always has them. */
const RESOLVED_FIELDS: Record<string, readonly string[]> = {
  local: ["path"],
  pg: ["schemaName"],
  s3: ["key", "encrypt"],
  remote: ["workspace"],
  cloud: ["workspace"],
};

const entrySchema = z
  .object({
    stack: z.enum(STACK_NAMES),
    environment: z.enum(P1AS_ENVIRONMENTS).optional(),
    backend: backendSchema.superRefine((backend, ctx) => {
      const fields = backend as Record<string, unknown>;
      for (const field of RESOLVED_FIELDS[backend.type] ?? []) {
        if (fields[field] === undefined)
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [field],
            message: "Required (synth writes every backend with its defaults filled in)",
          });
      }
    }),
  })
  .strict()
  .superRefine((entry, ctx) => {
    const expected =
      entry.stack === PINGONE_DIRECTORY_STACK ? undefined : entry.stack.slice(environmentStackName("").length);
    if (entry.environment === expected) return;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["environment"],
      message:
        expected === undefined
          ? `must be absent: ${entry.stack} belongs to no P1AS environment`
          : `must be ${JSON.stringify(expected)}, the environment of ${entry.stack}`,
    });
  });

const inventorySchema = z
  .object({
    "//": z.string().optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits")
      .optional(),
    stacks: z.array(entrySchema),
  })
  .strict();

const HEADER =
  "Every state location the stacks of this config ever used, written by npm run synth; commit it with the config. " +
  "Entries are never removed automatically, and sha256 covers them all: see docs/tasks/retire-an-environment.md.";

/** `dir/name.json` -> `dir/name.inventory.json`, so a test's temporary config gets a temporary inventory. */
export function inventoryPath(configFile: string): string {
  const parsed = path.parse(configFile);
  return path.join(parsed.dir, `${parsed.name}.inventory.json`);
}

/** The inventory as read, and whether its entries still hash to the sha256 written with them. */
export interface StoredInventory extends Inventory {
  /** valid: they do; missing: the file has no sha256 (none yet, or written by an older synth); broken: they do not. */
  readonly seal: "valid" | "missing" | "broken";
}

/**
 * The committed inventory, checked like a config: JSON without repeated keys, the whole-file string rules, the
 * schema (stack names, environments, backends by the config's rules). Empty when the file does not exist yet.
 */
export function readInventory(file: string): StoredInventory {
  if (!existsSync(file)) return { stacks: [], seal: "missing" };
  let text: string;
  let raw: unknown;
  try {
    text = readFileSync(file, "utf8");
    raw = JSON.parse(text);
  } catch (error) {
    throw invalidInventory(file, [{ path: "", reasons: [`not readable JSON (${(error as Error).message})`] }]);
  }
  const parsed = inventorySchema.safeParse(raw);
  const issues = [...duplicateKeyIssues(text), ...stringIssues(raw), ...(parsed.success ? [] : parsed.error.issues)];
  if (!parsed.success || issues.length > 0) {
    const byPath = new Map<string, string[]>();
    for (const issue of issues)
      byPath.set(formatPath(issue.path), [...(byPath.get(formatPath(issue.path)) ?? []), issue.message]);
    throw invalidInventory(
      file,
      [...byPath].map(([issuePath, reasons]) => ({ path: issuePath, reasons })),
    );
  }
  const stacks = parsed.data.stacks as InventoryEntry[];
  const seal =
    parsed.data.sha256 === undefined ? "missing" : parsed.data.sha256 === inventoryDigest(stacks) ? "valid" : "broken";
  return { stacks, seal };
}

/** sha256 of the entries as canonical JSON (keys sorted, absent fields left out), in order. */
export function inventoryDigest(stacks: readonly InventoryEntry[]): string {
  return createHash("sha256").update(canonicalJson(stacks)).digest("hex");
}

/** JSON with keys sorted and null or undefined values left out, at every depth: one text per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  const entries = Object.entries(value).filter(([, item]) => item !== null && item !== undefined);
  return `{${entries
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`)
    .join(",")}}`;
}

/** Every stack the config declares today, with its backend. */
export function declaredEntries(config: ResolvedConfig): InventoryEntry[] {
  return [
    ...(config.pingone.roleAttributes.manage
      ? [{ stack: PINGONE_DIRECTORY_STACK, backend: config.pingone.backend }]
      : []),
    ...config.environments.map((env) => ({ stack: env.stackName, environment: env.name, backend: env.backend })),
  ];
}

/** One key per (stack, state location): two spellings of one place are one entry. */
export const entryKey = (entry: InventoryEntry) => `${entry.stack} ${stateLocation(entry.backend)}`;

/** The inventory with the declared entries added (existing ones kept, in their order). */
export function mergeInventory(
  inventory: Inventory,
  declared: readonly InventoryEntry[],
): { inventory: Inventory; added: InventoryEntry[] } {
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
  const kept = new Set<string>([
    ...config.environments.map((env) => env.name),
    ...config.pingone.roleAttributes.retiredEnvironments,
  ]);
  return [
    ...new Set(
      inventory.stacks.flatMap((entry) =>
        entry.environment && !kept.has(entry.environment) ? [entry.environment] : [],
      ),
    ),
  ];
}

/**
 * The config's inventory checked against the config, merged, and how to write it. Refused, before anything is
 * written: an inventory that breaks its schema or no longer matches its sha256 (unless
 * P1AS_RESEAL_INVENTORY=1); one that lacks the entries of an environment the config lists as retired (once the
 * file exists); a config
 * that drops an environment the inventory knows without retiring its roles. With P1AS_FROZEN_INVENTORY=1 any
 * change is refused too, naming what is missing, so a pull request that adds a stack or moves its state must
 * commit the inventory. Called before synthesizing, written after: a config that fails to synthesize adds nothing.
 */
export function prepareInventory(
  configFile: string,
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv = process.env,
): { file: string; inventory: Inventory; write: () => void } {
  const file = inventoryPath(configFile);
  const frozen = env[FROZEN_INVENTORY_ENV_VAR] === "1";
  const reseal = env[RESEAL_INVENTORY_ENV_VAR] === "1";
  if (frozen && reseal)
    throw inventoryOutOfDate(file, `${RESEAL_INVENTORY_ENV_VAR}=1 would rewrite its sha256`, FROZEN_INVENTORY_ENV_VAR);
  const current = readInventory(file);
  if (current.seal === "broken" && !reseal) throw inventoryEdited(file, RESEAL_INVENTORY_ENV_VAR);
  // A file synth wrote keeps every retired environment's entries (a first synth has none to keep: nothing was removed).
  const retiredWithout = config.pingone.roleAttributes.retiredEnvironments.filter(
    (name) => !current.stacks.some((entry) => entry.environment === name),
  );
  if (retiredWithout.length > 0 && existsSync(file)) throw inventoryLacksEnvironments(configFile, file, retiredWithout);
  const forgotten = forgottenEnvironments(current, config);
  if (forgotten.length > 0) throw environmentsForgotten(configFile, file, forgotten);
  const { inventory, added } = mergeInventory(current, declaredEntries(config));
  const unchanged = added.length === 0 && existsSync(file) && current.seal === "valid";
  if (!unchanged && frozen) {
    const missing = added.map((entry) => `${entry.stack} at ${stateLocation(entry.backend)}`).join(", ");
    const reason = missing
      ? `missing: ${missing}`
      : existsSync(file)
        ? "it has no sha256: written by an older synth"
        : "missing: the whole file";
    throw inventoryOutOfDate(file, reason, FROZEN_INVENTORY_ENV_VAR);
  }
  const text = () =>
    `${JSON.stringify({ "//": HEADER, sha256: inventoryDigest(inventory.stacks), stacks: inventory.stacks }, null, 2)}\n`;
  return { file, inventory, write: () => unchanged || writeFileSync(file, text()) };
}
