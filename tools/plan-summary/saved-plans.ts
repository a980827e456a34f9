/**
 * Saved plans: the plan a reviewer saw, kept per stack so deploy applies exactly that file.
 *
 * A plan file holds the prior state and the variable values, the application's client secret included, so
 * with `P1AS_PLAN_KEY` set it is only ever written sealed: AES-256-GCM under a key derived with scrypt from
 * the passphrase and a random salt kept in the file's header. GCM authenticates, so a changed byte (or a
 * different key) is refused before terraform sees anything.
 *
 * Terraform itself refuses a plan whose state changed since planning ("Saved plan is stale": it compares the
 * state's lineage and serial), but it does NOT compare the configuration: `terraform apply <file>` applies the
 * configuration stored in the plan, even when cdk.tf.json has changed since. So each saved plan records the
 * sha256 of the cdk.tf.json it was made from, and a different synth is refused.
 *
 * Layout in `<dir>`:
 * - clear:  `<stack>.tfplan` (terraform's own file, `terraform show` reads it) and `<stack>.tfplan.json` (meta)
 * - nothing to apply (no changes, or a retired stack): `<stack>.unchanged.json` (meta only). It is not sealed:
 *   forging one can only make a deploy skip the stack, never apply anything unreviewed. The deploy workflow
 *   uploads sealed plans only, so a stack without changes asks no one for approval.
 * - sealed: `<stack>.tfplan.sealed` = "P1ASPLN1" | salt (16) | iv (12) | meta length (u32 BE) | meta JSON |
 *           tag (16) | ciphertext. The meta travels in the clear but is authenticated (GCM additional data).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  planKeyMissing,
  planKeyTooShort,
  savedPlanForOtherSynth,
  savedPlanMissing,
  savedPlanUnreadable,
  sealedPlanRejected,
} from "../errors";
import { SynthesizedStack } from "../synth-output";

/** The environment variable holding the passphrase plans are sealed with. */
export const PLAN_KEY_VARIABLE = "P1AS_PLAN_KEY";
const MIN_KEY_CHARS = 16;

const MAGIC = Buffer.from("P1ASPLN1");
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** scrypt cost: about 0.1 s and 32 MiB per plan, which makes guessing a passphrase expensive. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** What a saved plan says about itself. */
export interface PlanMeta {
  readonly stack: string;
  /** sha256 (hex) of the stack's cdk.tf.json when it was planned. */
  readonly configSha256: string;
  /** Planned with -destroy (a retiring stack). */
  readonly destroy: boolean;
}

export const clearPlanPath = (dir: string, stack: string) => path.join(dir, `${stack}.tfplan`);
export const sealedPlanPath = (dir: string, stack: string) => path.join(dir, `${stack}.tfplan.sealed`);
const metaPath = (dir: string, stack: string) => `${clearPlanPath(dir, stack)}.json`;
const unchangedPath = (dir: string, stack: string) => path.join(dir, `${stack}.unchanged.json`);

export function configSha256(stack: SynthesizedStack): string {
  return createHash("sha256").update(readFileSync(stack.configFile)).digest("hex");
}

/** The passphrase from the environment; undefined when unset or empty. Too short to be a key is an error. */
export function planKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = env[PLAN_KEY_VARIABLE];
  if (!key) return undefined;
  if (key.length < MIN_KEY_CHARS) throw planKeyTooShort(PLAN_KEY_VARIABLE, MIN_KEY_CHARS);
  return key;
}

/** Removes whatever an earlier run saved for the stack, so a failed plan never leaves an old one to be applied. */
export function forgetSavedPlan(dir: string, stack: string): void {
  for (const file of [clearPlanPath(dir, stack), metaPath(dir, stack), sealedPlanPath(dir, stack), unchangedPath(dir, stack)]) rmSync(file, { force: true });
}

/** Records that the reviewed plan of the stack has nothing to apply. Returns the file written. */
export function saveNothingToApply(dir: string, meta: PlanMeta): string {
  mkdirSync(dir, { recursive: true });
  forgetSavedPlan(dir, meta.stack);
  writeFileSync(unchangedPath(dir, meta.stack), `${JSON.stringify(meta, null, 2)}\n`);
  return unchangedPath(dir, meta.stack);
}

/**
 * Moves terraform's plan file into `dir` (sealing it when a key is given; the clear file is removed either
 * way). Returns the file written.
 */
export function savePlan(planFile: string, dir: string, meta: PlanMeta, key: string | undefined): string {
  mkdirSync(dir, { recursive: true });
  forgetSavedPlan(dir, meta.stack);
  if (!key) {
    renameSync(planFile, clearPlanPath(dir, meta.stack));
    writeFileSync(metaPath(dir, meta.stack), `${JSON.stringify(meta, null, 2)}\n`);
    return clearPlanPath(dir, meta.stack);
  }
  try {
    const file = sealedPlanPath(dir, meta.stack);
    writeFileSync(file, seal(readFileSync(planFile), meta, key), { mode: 0o600 });
    return file;
  } finally {
    rmSync(planFile, { force: true });
  }
}

/** A saved plan found, authenticated and checked against the current synth, ready to hand to terraform. */
export interface OpenedPlan {
  readonly stack: string;
  readonly meta: PlanMeta;
  /** Terraform's plan file, in the clear; undefined when the reviewed plan had nothing to apply. */
  readonly contents?: Buffer;
}

/**
 * Finds and checks the saved plan of every stack before anything is applied, so a missing file, a missing
 * key, a changed file or a different synth stops the deploy with nothing applied.
 */
export function openSavedPlans(stacks: readonly SynthesizedStack[], dir: string, env: NodeJS.ProcessEnv = process.env): OpenedPlan[] {
  return stacks.map((stack) => {
    const opened = openSavedPlan(stack.name, dir, env);
    const current = configSha256(stack);
    if (opened.meta.configSha256 !== current) throw savedPlanForOtherSynth(stack.name, opened.meta.configSha256, current);
    return opened;
  });
}

function openSavedPlan(stack: string, dir: string, env: NodeJS.ProcessEnv): OpenedPlan {
  const sealed = sealedPlanPath(dir, stack);
  if (existsSync(sealed)) {
    const key = planKey(env);
    if (!key) throw planKeyMissing(stack, PLAN_KEY_VARIABLE);
    return { stack, ...unseal(readFileSync(sealed), key, stack, sealed) };
  }
  const clear = clearPlanPath(dir, stack);
  if (!existsSync(clear) && existsSync(unchangedPath(dir, stack))) return { stack, meta: readMeta(stack, unchangedPath(dir, stack)) };
  if (!existsSync(clear)) throw savedPlanMissing(stack, dir);
  return { stack, meta: readMeta(stack, metaPath(dir, stack)), contents: readFileSync(clear) };
}

function readMeta(stack: string, file: string): PlanMeta {
  let meta: PlanMeta;
  try {
    meta = parseMeta(readFileSync(file, "utf8"));
  } catch (error) {
    throw savedPlanUnreadable(stack, file, error instanceof Error ? error.message : String(error));
  }
  if (meta.stack !== stack) throw savedPlanUnreadable(stack, file, `it was saved for stack ${meta.stack}`);
  return meta;
}

function parseMeta(text: string): PlanMeta {
  const meta = JSON.parse(text) as Partial<PlanMeta>;
  if (typeof meta.stack !== "string" || typeof meta.configSha256 !== "string" || typeof meta.destroy !== "boolean") {
    throw new Error("the plan's metadata lacks stack, configSha256 or destroy");
  }
  return { stack: meta.stack, configSha256: meta.configSha256, destroy: meta.destroy };
}

const deriveKey = (key: string, salt: Buffer) => scryptSync(key, salt, 32, SCRYPT);

export function seal(plan: Buffer, meta: PlanMeta, key: string): Buffer {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const metaBytes = Buffer.from(JSON.stringify(meta));
  const metaLength = Buffer.alloc(4);
  metaLength.writeUInt32BE(metaBytes.length);
  const header = Buffer.concat([MAGIC, salt, iv, metaLength, metaBytes]);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(key, salt), iv);
  // The whole header is authenticated: a swapped salt, iv or meta (another stack's name, another synth's hash) fails too.
  cipher.setAAD(header);
  const ciphertext = Buffer.concat([cipher.update(plan), cipher.final()]);
  return Buffer.concat([header, cipher.getAuthTag(), ciphertext]);
}

export function unseal(sealed: Buffer, key: string, stack: string, file: string): { meta: PlanMeta; contents: Buffer } {
  const fixed = MAGIC.length + SALT_BYTES + IV_BYTES + 4;
  if (sealed.length < fixed + TAG_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw savedPlanUnreadable(stack, file, "not a sealed plan: the header is missing");
  }
  const salt = sealed.subarray(MAGIC.length, MAGIC.length + SALT_BYTES);
  const iv = sealed.subarray(MAGIC.length + SALT_BYTES, MAGIC.length + SALT_BYTES + IV_BYTES);
  const metaEnd = fixed + sealed.readUInt32BE(fixed - 4);
  if (metaEnd + TAG_BYTES > sealed.length) throw sealedPlanRejected(stack, file, PLAN_KEY_VARIABLE);
  const header = sealed.subarray(0, metaEnd);
  const tag = sealed.subarray(metaEnd, metaEnd + TAG_BYTES);
  let contents: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", deriveKey(key, salt), iv);
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    contents = Buffer.concat([decipher.update(sealed.subarray(metaEnd + TAG_BYTES)), decipher.final()]);
  } catch {
    throw sealedPlanRejected(stack, file, PLAN_KEY_VARIABLE);
  }
  // Authenticated, so the meta is what the sealer wrote.
  const meta = parseMeta(sealed.subarray(fixed, metaEnd).toString("utf8"));
  if (meta.stack !== stack) throw savedPlanUnreadable(stack, file, `it was sealed for stack ${meta.stack}`);
  return { meta, contents };
}
