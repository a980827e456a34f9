/**
 * The driver's error catalogue. Terraform prints a failed provisioner's stderr in the deploy output,
 * so each message says what happened, why, and what to do, and none ever holds a secret.
 */

export class DriverError extends Error {
  public readonly name = "DriverError";
  constructor(
    /** Stable code for tests and scripts. */
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function unknownCommand(command: string | undefined, commands: readonly string[]): DriverError {
  return new DriverError(
    "UNKNOWN_COMMAND",
    `unknown command ${JSON.stringify(command ?? "")}: expected one of ${commands.join(", ")}. ` +
      "The provisioner command was written by another release of the VirtualHosts construct; synthesize and deploy again.",
  );
}

export function badInput(envName: string, reasons: readonly string[]): DriverError {
  return new DriverError(
    "BAD_INPUT",
    `${envName} is not a valid driver input: ${reasons.join("; ")}. It is written by the VirtualHosts construct; synthesize again rather than editing it.`,
  );
}

export function unknownInputVersion(version: unknown, supported: readonly number[]): DriverError {
  return new DriverError(
    "UNKNOWN_INPUT_VERSION",
    `driver input version ${JSON.stringify(version)} is not supported (this driver reads version ${supported.join(", ")}). ` +
      "The object was created by a newer release: run this deploy with that release.",
  );
}

export function clientSecretUnavailable(envName: string, address: string): DriverError {
  const sources = [envName && `environment variable ${envName}`, address && `${address} in the state (terraform state pull)`].filter(Boolean);
  return new DriverError(
    "CLIENT_SECRET_UNAVAILABLE",
    `the client secret is not available: looked in ${sources.join(" and ") || "nothing (no source configured)"}. ` +
      (envName ? `Export ${envName} in the shell that runs cdktf/terraform (a -var flag is not visible to provisioners).` : "Deploy the stack that creates the client first."),
  );
}

export function privateKeyUnavailable(name: string, envName: string): DriverError {
  return new DriverError(
    "PRIVATE_KEY_UNAVAILABLE",
    `certificate ${name}: the private key is not available: environment variable ${envName} is empty. ` +
      `Export ${envName} in the shell that runs cdktf/terraform (a -var flag is not visible to provisioners).`,
  );
}

export function fileUnreadable(name: string, field: string, file: string, reason: string): DriverError {
  return new DriverError(
    "FILE_UNREADABLE",
    `certificate ${name}: cannot read ${field} ${JSON.stringify(file)}: ${reason}. Paths are relative to the project root; restore the file and deploy again.`,
  );
}

export function certificateInvalid(name: string, reasons: readonly string[]): DriverError {
  return new DriverError(
    "CERTIFICATE_INVALID",
    `certificate ${name}: the files no longer pass the checks: ${reasons.join("; ")}. Fix them and synthesize again.`,
  );
}

export function fingerprintChangedSincePlan(name: string, file: string, planned: string, actual: string): DriverError {
  return new DriverError(
    "FINGERPRINT_CHANGED_SINCE_PLAN",
    `certificate ${name}: ${file} changed since the plan (planned sha256 ${planned}, file now has ${actual}). ` +
      "Synthesize and plan again so the plan shows what will be sent.",
  );
}

export interface FieldDifference {
  readonly field: string;
  readonly api: string;
  readonly declared: string;
}

export function existingDiffers(kind: string, key: string, differences: readonly FieldDifference[]): DriverError {
  const list = differences.map((d) => `${d.field} (API: ${d.api}, declared: ${d.declared})`).join(", ");
  return new DriverError(
    "EXISTS_AND_DIFFERS",
    `${kind} ${key} already exists in the API and differs in ${list}. It is managed elsewhere or by hand, so it is not taken over. ` +
      "Declare it identically, delete it in the API, or set adopt: true to take it over and overwrite those fields.",
  );
}

/**
 * The driver's failure message with what to do next: after no response or a server error the outcome is
 * unknown or transient, and a re-deploy checks what exists before sending anything.
 */
export function withNextStep(message: string, error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== "number" || (status !== 0 && status < 500)) return message;
  const next =
    status === 0
      ? "Whether the API applied the change is unknown: deploy again; it checks what exists before sending anything."
      : "The API failed on its side: deploy again; it checks what exists before sending anything.";
  return `${message}${/[.!?]$/.test(message) ? "" : "."} ${next}`;
}
