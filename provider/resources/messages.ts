/**
 * The provider's error catalogue: what happened, why, and what to do. Terraform shows the summary and the
 * detail; tests pin the wording.
 */
import { importBlock } from "../naming";

/** A create found the key taken by an object that differs (or whose content the API does not show). */
export function alreadyExists(type: string, kind: string, key: string, difference: string): Error {
  return new Error(
    `${kind} ${key} already exists in the self-service API (${difference}), and this configuration does not manage it yet. ` +
      `To take it over, import it, then plan again to see what would change:\n\n${importBlock(type, key)}\n\n` +
      "Or set adopt = true to overwrite it with the declared values.",
  );
}

export function notReady(kind: string, key: string, lastStatus: string, waitedMs: number): Error {
  return new Error(
    `${kind} ${key} was not ready after ${Math.round(waitedMs / 1000)} s (last status "${lastStatus}"). It may still complete: ` +
      "apply again later (terraform replaces the tainted object, and an identical object is adopted), or raise ready_timeout_ms in the provider block.",
  );
}

export function stillInUse(name: string, hostnames: readonly string[], waitedMs: number): Error {
  return new Error(
    `certificate ${name} is still used by ${hostnames.length === 0 ? "hostnames" : hostnames.join(", ")} after ${Math.round(waitedMs / 1000)} s, so the API refuses to delete it. ` +
      "Point those hostnames at another certificate (or remove them) in the same configuration, then apply again.",
  );
}

export function interrupted(kind: string, key: string): Error {
  return new Error(`${kind} ${key}: terraform asked the provider to stop while it waited; the object may still be changing. Apply again to finish.`);
}

/** A certificate whose content would have to change where the API has no update route. */
export function noUpdateRoute(name: string, repair: boolean): string {
  return (
    `${repair ? `certificate ${name} is in status error, and` : `The content of certificate ${name} changed, but`} this self-service API has no update route, ` +
    "and the name stays taken until the old certificate is deleted, which the API refuses while hostnames use it. " +
    "Declare the new content under a new certificate name, point the hostnames at it and remove this certificate: one apply does all three."
  );
}
