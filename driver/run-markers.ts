/**
 * Same-run markers. On a first deploy the existence provisioner (certificate-create, hostname-create)
 * has just made the object exactly as declared and waited for it, so the content/routing provisioner
 * that follows in the same apply would only start a process to find nothing to do: that second node
 * process per object was about half of the driver's cost. The create leaves a marker named after the
 * object and the values it ensured, in a directory named after the run (`plantimestamp()`), and the
 * content/routing provisioner's command is `echo` when that exact marker exists. A marker from an
 * earlier run, or for other values, never matches, so every real change still runs the driver.
 *
 * Terraform computes the same names with `sha256(join("|", [...]))` (see markerPath in the
 * VirtualHosts construct); keep both sides on MARKER_FIELDS.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { DRIVER_COMMANDS, DriverCommand, INPUT_KEYS as K, RUN_DIR_ENV } from "./consts";

/** Which input fields a marker pins, per kind: the fields its content/routing resource is replaced on. */
export const MARKER_FIELDS = {
  certificate: [K.name, K.sha256Fingerprint],
  hostname: [K.hostname, K.product, K.certname],
} as const;
export type MarkerKind = keyof typeof MARKER_FIELDS;

/** The create commands that leave a marker, and the kind they mark. */
export const MARKING_COMMANDS: Partial<Record<DriverCommand, MarkerKind>> = {
  [DRIVER_COMMANDS.certificateCreate]: "certificate",
  [DRIVER_COMMANDS.hostnameCreate]: "hostname",
};

export function markerName(kind: MarkerKind, values: readonly string[]): string {
  return createHash("sha256").update([kind, ...values].join("|")).digest("hex");
}

/**
 * Records that `kind` with these field values was ensured in this run. Without RUN_DIR_ENV (a driver
 * started by hand or by an older stack) there is nothing to record. The first writer of a run removes
 * earlier runs' directories; state locking keeps two applies of one stack from overlapping.
 */
export function recordEnsured(kind: MarkerKind, input: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const runDir = env[RUN_DIR_ENV];
  if (!runDir) return;
  const created = mkdirSync(runDir, { recursive: true });
  if (created !== undefined) {
    const parent = path.dirname(runDir);
    for (const entry of readdirSync(parent)) {
      if (entry !== path.basename(runDir)) rmSync(path.join(parent, entry), { recursive: true, force: true });
    }
  }
  writeFileSync(path.join(runDir, markerName(kind, MARKER_FIELDS[kind].map((field) => String(input[field])))), "");
}
