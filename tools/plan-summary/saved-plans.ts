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
 * - clear (no key): `<stack>.tfplan` (terraform's own file, `terraform show` reads it) and `<stack>.tfplan.json`
 *   (meta); nothing to apply (no changes, or a retired stack): `<stack>.unchanged.json` (meta only).
 * - sealed (key set): `<stack>.tfplan.sealed`, and for nothing to apply `<stack>.unchanged.sealed` (an empty
 *   plan, sealed the same way). Both are "P1ASPLN1" | salt (16) | iv (12) | meta length (u32 BE) | meta JSON |
 *   tag (16) | ciphertext; the meta travels in the clear but is authenticated (GCM additional data), and says
 *   which of the two the file is, so a renamed file is refused.
 *
 * With a key set, deploy opens sealed files only: a clear plan or marker in the folder (left by a keyless run,
 * copied in, or committed in the checkout) is refused, because anyone who can write there could have made it,
 * and a forged marker would make the deploy skip a stack. The deploy workflow uploads `*.tfplan.sealed` only,
 * so a stack without changes asks no one for approval; the sealed marker serves the local flow.
 * Every file here is created 0600.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  planKeyMissing,
  planKeyTooShort,
  savedPlanForOtherSynth,
  savedPlanKindMismatch,
  savedPlanMissing,
  savedPlanUnreadable,
  sealedPlanRejected,
  unsealedPlanRefused,
} from "../../cli-kit/errors";
import { SynthesizedStack } from "../terraform/synth-output";

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
  /** False for "nothing to apply": terraform's own verdict on the plan (or a retired stack with an empty state). */
  readonly applyable: boolean;
}

export const clearPlanPath = (dir: string, stack: string) => path.join(dir, `${stack}.tfplan`);
export const sealedPlanPath = (dir: string, stack: string) => path.join(dir, `${stack}.tfplan.sealed`);
const metaPath = (dir: string, stack: string) => `${clearPlanPath(dir, stack)}.json`;
const unchangedPath = (dir: string, stack: string) => path.join(dir, `${stack}.unchanged.json`);
const sealedUnchangedPath = (dir: string, stack: string) => path.join(dir, `${stack}.unchanged.sealed`);
/** What a keyless run writes: never applied while a key is set. */
const clearFiles = (dir: string, stack: string) => [
  clearPlanPath(dir, stack),
  metaPath(dir, stack),
  unchangedPath(dir, stack),
];

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
  for (const file of [...clearFiles(dir, stack), sealedPlanPath(dir, stack), sealedUnchangedPath(dir, stack)])
    rmSync(file, { force: true });
}

/** What a saved plan is about, before terraform's verdict on it. */
export type PlanSubject = Omit<PlanMeta, "applyable">;

/**
 * Records that the reviewed plan of the stack has nothing to apply (sealed when a key is given). Returns the
 * file written.
 */
export function saveNothingToApply(dir: string, subject: PlanSubject, key: string | undefined): string {
  const meta: PlanMeta = { ...subject, applyable: false };
  mkdirSync(dir, { recursive: true });
  forgetSavedPlan(dir, meta.stack);
  const file = key ? sealedUnchangedPath(dir, meta.stack) : unchangedPath(dir, meta.stack);
  writePrivate(file, key ? seal(Buffer.alloc(0), meta, key) : `${JSON.stringify(meta, null, 2)}\n`);
  return file;
}

/**
 * Copies terraform's plan file into `dir` (sealed when a key is given) and removes it. Returns the file written.
 */
export function savePlan(planFile: string, dir: string, subject: PlanSubject, key: string | undefined): string {
  const meta: PlanMeta = { ...subject, applyable: true };
  mkdirSync(dir, { recursive: true });
  forgetSavedPlan(dir, meta.stack);
  try {
    const plan = readFileSync(planFile);
    if (key) {
      writePrivate(sealedPlanPath(dir, meta.stack), seal(plan, meta, key));
      return sealedPlanPath(dir, meta.stack);
    }
    // A copy, not a rename: the plans folder may be on another file system than the stack's directory.
    writePrivate(clearPlanPath(dir, meta.stack), plan);
    writePrivate(metaPath(dir, meta.stack), `${JSON.stringify(meta, null, 2)}\n`);
    return clearPlanPath(dir, meta.stack);
  } finally {
    rmSync(planFile, { force: true });
  }
}

/** A new file only its owner can read ("wx": forgetSavedPlan removed any older one, so none is reused with its mode). */
function writePrivate(file: string, contents: string | Buffer): void {
  writeFileSync(file, contents, { mode: 0o600, flag: "wx" });
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
export function openSavedPlans(
  stacks: readonly SynthesizedStack[],
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): OpenedPlan[] {
  return stacks.map((stack) => {
    const opened = openSavedPlan(stack.name, dir, env);
    const current = configSha256(stack);
    if (opened.meta.configSha256 !== current)
      throw savedPlanForOtherSynth(stack.name, opened.meta.configSha256, current);
    return opened;
  });
}

function openSavedPlan(stack: string, dir: string, env: NodeJS.ProcessEnv): OpenedPlan {
  const key = planKey(env);
  if (key) {
    // Anyone who can write to the folder (or commit to the repository) can leave a clear file: with a key set,
    // only what was sealed with it is applied, and a clear "nothing to apply" would make the deploy skip the stack.
    const unsealed = clearFiles(dir, stack).find((file) => existsSync(file));
    if (unsealed) throw unsealedPlanRefused(stack, unsealed, PLAN_KEY_VARIABLE);
  }
  const sealed = [sealedPlanPath(dir, stack), sealedUnchangedPath(dir, stack)].filter((file) => existsSync(file));
  if (sealed.length > 1)
    throw savedPlanUnreadable(stack, sealed[1], `${path.basename(sealed[0])} is there too: a stack has one saved plan`);
  if (sealed.length === 1) {
    if (!key) throw planKeyMissing(stack, PLAN_KEY_VARIABLE);
    const opened = unseal(readFileSync(sealed[0]), key, stack, sealed[0]);
    // The file name is not authenticated, the meta is: a sealed plan renamed to a marker (or back) is refused.
    const applyable = sealed[0] === sealedPlanPath(dir, stack);
    if (opened.meta.applyable !== applyable) throw savedPlanKindMismatch(stack, sealed[0], opened.meta.applyable);
    return { stack, meta: opened.meta, ...(applyable ? { contents: opened.contents } : {}) };
  }
  if (key)
    throw savedPlanMissing(stack, dir, [
      path.basename(sealedPlanPath(dir, stack)),
      path.basename(sealedUnchangedPath(dir, stack)),
    ]);
  const clear = clearPlanPath(dir, stack);
  if (!existsSync(clear) && existsSync(unchangedPath(dir, stack)))
    return { stack, meta: readMeta(stack, unchangedPath(dir, stack), false) };
  if (!existsSync(clear))
    throw savedPlanMissing(stack, dir, [path.basename(clear), path.basename(sealedPlanPath(dir, stack))]);
  return { stack, meta: readMeta(stack, metaPath(dir, stack), true), contents: readFileSync(clear) };
}

function readMeta(stack: string, file: string, applyable: boolean): PlanMeta {
  let meta: PlanMeta;
  try {
    meta = parseMeta(readFileSync(file, "utf8"));
  } catch (error) {
    throw savedPlanUnreadable(stack, file, error instanceof Error ? error.message : String(error));
  }
  if (meta.stack !== stack) throw savedPlanUnreadable(stack, file, `it was saved for stack ${meta.stack}`);
  if (meta.applyable !== applyable) throw savedPlanKindMismatch(stack, file, meta.applyable);
  return meta;
}

function parseMeta(text: string): PlanMeta {
  const meta = JSON.parse(text) as Partial<PlanMeta>;
  if (
    typeof meta.stack !== "string" ||
    typeof meta.configSha256 !== "string" ||
    typeof meta.destroy !== "boolean" ||
    typeof meta.applyable !== "boolean"
  ) {
    throw new Error("the plan's metadata lacks stack, configSha256, destroy or applyable");
  }
  return { stack: meta.stack, configSha256: meta.configSha256, destroy: meta.destroy, applyable: meta.applyable };
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
