/**
 * The provider's error catalogue: what happened, why, and what to do. Terraform shows the summary and the
 * detail; tests pin the wording.
 */
import { EXPECTED_OFFLINE_WINDOW, OFFLINE_SUMMARY_END, OFFLINE_SUMMARY_START } from "../public-face";
import type { DataSource, Resource, State } from "../framework";
import { importBlock } from "../../p1as/terraform-names";

/** A create found the key taken by an object that differs (or whose content the API does not show). */
export function alreadyExists(type: string, kind: string, key: string, difference: string): Error {
  // Terraform tells a provider no resource address, so the block names the one each way of writing a stack gives
  // (terraform prints the actual one with the error: "with <address>").
  return new Error(
    `${kind} ${key} already exists in the self-service API (${difference}), and this configuration does not manage it yet. ` +
      'To take it over, import it at this resource\'s address (terraform prints it below, after "with"), then plan again to see what would change. ' +
      `In this project's cdktf stacks:\n\n${importBlock(type, key)}\n\n` +
      `In a resource with for_each over the ${kind === "hostname" ? "hostnames" : "names"} (as in examples/hcl): to = ${type}.<name>[${JSON.stringify(key)}]. ` +
      "Or set adopt = true to overwrite it with the declared values.",
  );
}

/** Where the readiness deadline is set, in each way a stack can be written. */
export const READY_TIMEOUT_SETTING =
  "environments[].selfService.readyTimeoutMs in the JSON config (readyTimeoutMs of VirtualHosts, ready_timeout_ms of the p1as provider block)";

export function notReady(kind: string, key: string, lastStatus: string, waitedMs: number): Error {
  return new Error(
    `${kind} ${key} was not ready after ${Math.round(waitedMs / 1000)} s (last status "${lastStatus}"). It may still complete: ` +
      "apply again later (terraform replaces the tainted object, and an identical object is adopted), or allow longer: " +
      `${READY_TIMEOUT_SETTING}.`,
  );
}

export function stillInUse(name: string, hostnames: readonly string[], waitedMs: number): Error {
  return new Error(
    `certificate ${name} is still used by ${hostnames.length === 0 ? "hostnames" : hostnames.join(", ")} after ${Math.round(waitedMs / 1000)} s, so the API refuses to delete it. ` +
      "Point those hostnames at another certificate (or remove them) in the same configuration, then apply again.",
  );
}

/** A certificate delete refused because of hostnames this apply does not move: said at once, not after the deadline. */
export function blockedBy(name: string, hostnames: readonly string[]): Error {
  const which = hostnames.length === 1 ? `hostname ${hostnames[0]}` : `hostnames ${hostnames.join(", ")}`;
  return new Error(
    `certificate ${name} cannot be deleted: ${which} still ${hostnames.length === 1 ? "uses" : "use"} it, and this apply does not move ${hostnames.length === 1 ? "it" : "them"} ` +
      "(made by hand, or managed by another configuration). Nothing was deleted. Point " +
      `${hostnames.length === 1 ? "it" : "them"} at another certificate or delete ${hostnames.length === 1 ? "it" : "them"} (in the self-service console, or import ${hostnames.length === 1 ? "it" : "them"} into this configuration), then apply again.`,
  );
}

export function interrupted(kind: string, key: string): Error {
  return new Error(
    `${kind} ${key}: terraform asked the provider to stop while it waited; the object may still be changing. Apply again to finish.`,
  );
}

/** Said as a warning with the state of an object whose wait terraform's stop cut short. */
export function stoppedWhileWaiting(kind: string, key: string): string {
  return (
    `${interrupted(kind, key).message.replace(/ Apply again to finish\.$/, "")} It was written and is recorded in the state, not tainted: ` +
    "the next apply keeps it (sends nothing again) and waits for it to complete."
  );
}

/**
 * A certificate whose content would have to change where the API has no update route. It names the certificate
 * and its leaf fingerprints, never the chain: the diagnostic is attached to `name`, so terraform's snippet of the
 * configuration shows the name's line, not the chain's.
 */
export function noUpdateRoute(
  name: string,
  fingerprints: { readonly old?: string; readonly new?: string },
  repair: boolean,
): string {
  const leaf = repair
    ? `certificate ${name} (leaf SHA-256 ${fingerprints.old ?? "unknown"}) is in status error, and`
    : `The content of certificate ${name} changed (leaf SHA-256 ${fingerprints.old ?? "unknown"} -> ${fingerprints.new ?? "unknown"}), but`;
  return (
    `${leaf} this self-service API has no update route, ` +
    "and the name stays taken until the old certificate is deleted, which the API refuses while hostnames use it. " +
    "Declare the new content under a new certificate name, point the hostnames at it and remove this certificate: one apply does all three."
  );
}

/**
 * The plan-time warning for a hostname whose routing changes where the API has no update route. Its summary names
 * the hostname (terraform folds warnings with equal summaries into one) and is what tools/plan-summary/offline-hostnames.ts
 * finds in terraform's output for the plan summary and the deploy result.
 */
export function offlineWarning(hostname: string, fields: readonly string[]): { summary: string; detail: string } {
  return {
    summary: `${OFFLINE_SUMMARY_START} ${hostname} ${OFFLINE_SUMMARY_END}`,
    detail:
      `This self-service API has no update route, so changing the ${fields.join(" and ")} of hostname ${hostname} deletes it and creates it again. ` +
      (fields.includes("certname")
        ? "The apply does so only once the certificate it moves to is complete, and creates it again straight after the delete: "
        : "The apply creates it again straight after the delete: ") +
      `it is absent from the API for well under a second, and not served until the new hostname's rollout completes (${EXPECTED_OFFLINE_WINDOW}). ` +
      "Plan the change for a quiet moment.",
  };
}

/** The apply-time warning with what the replacement cost, as the provider saw it. */
export function replacedWarning(
  hostname: string,
  absentMs: number,
  unservedMs: number,
): { summary: string; detail: string } {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return {
    summary: `hostname ${hostname} was replaced: absent ${seconds(absentMs)}, served again after ${seconds(unservedMs)}`,
    detail:
      `This self-service API has no update route, so hostname ${hostname} was deleted and created again with its new routing. ` +
      `Between the DELETE and the POST's answer it was absent for ${seconds(absentMs)}; the new hostname's rollout completed ${seconds(unservedMs)} after the DELETE.`,
  };
}

/** A hostname deleted to be created again whose create then failed: it is offline until the next apply. */
export function recreateFailed(hostname: string, error: unknown): Error {
  const advised = withNextStep(error);
  const reason = advised instanceof Error ? advised.message : String(advised);
  return new Error(
    `hostname ${hostname} was deleted to be created again with its new routing (this self-service API has no update route), but the create failed: ${reason}${/[.!?]$/.test(reason) ? "" : "."} ` +
      "Until it exists again it is offline: apply again, which creates it if it is missing.",
  );
}

/** Where the API URL is set, in each way a stack can be written. */
export const API_URL_SETTING =
  "apiUrl (environments[].selfService.apiUrl in the JSON config, api_url of the p1as provider block or P1AS_API_URL)";
const TOKEN_URL_SETTING =
  "the token URL (environments[].selfService.tokenUrl in the JSON config, token_url of the p1as provider block or P1AS_TOKEN_URL)";

/**
 * An API or token call that got no response or a server error: the failure is transient or its outcome
 * unknown, and another apply is safe (creates adopt what exists, updates and deletes are idempotent), so
 * the error says so. Other errors already say what to do.
 */
export function withNextStep(error: unknown, reading = false): unknown {
  const status = (error as { status?: unknown } | null)?.status;
  if (!(error instanceof Error) || typeof status !== "number" || (status !== 0 && status < 500)) return error;
  const next =
    error.name === "TokenError"
      ? status === 0
        ? `The token endpoint did not answer: check ${TOKEN_URL_SETTING} and that it is reachable from here, then run again.`
        : "The token endpoint failed on its side: apply again."
      : status === 0 && reading
        ? `The self-service API did not answer a read; nothing was changed. Check ${API_URL_SETTING} and that the API is reachable from here, then run again.`
        : status === 0
          ? "Whether the API applied the change is unknown: apply again; the provider checks what exists before sending anything."
          : "The API failed on its side: apply again; the provider checks what exists before sending anything.";
  return new Error(`${error.message}${/[.!?]$/.test(error.message) ? "" : "."} ${next}`);
}

/**
 * Runs one operation on `object` ("certificate wildcard-dev"). Terraform names no resource in the error of
 * a delete (it is no longer in the configuration), and a token failure does not name what it was for, so
 * an error that does not name the object is prefixed with it.
 */
async function advised<T>(object: string | undefined, run: () => Promise<T>, reading = false): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const advised = withNextStep(error, reading);
    if (!object || !(advised instanceof Error) || advised.message.includes(object)) throw advised;
    throw new Error(`${object}: ${advised.message}`);
  }
}

/** The resource with withNextStep's advice, and the object named, on every failure of its API operations. */
export function withAdvice<P>(resource: Resource<P>, objectOf: (state: State) => string): Resource<P> {
  const update = resource.update;
  return {
    ...resource,
    create: (context) => advised(objectOf(context.planned), () => resource.create(context)),
    read: (context) => advised(objectOf(context.state), () => resource.read(context), true),
    ...(update
      ? {
          update: (context: Parameters<typeof update>[0]) =>
            advised(objectOf(context.planned), () => update.call(resource, context)),
        }
      : {}),
    delete: (context) => advised(objectOf(context.state), () => resource.delete(context)),
  };
}

/** The data source with withNextStep's advice when its read fails. */
export function dataSourceWithAdvice<P>(dataSource: DataSource<P>): DataSource<P> {
  return { ...dataSource, read: (context) => advised(undefined, () => dataSource.read(context), true) };
}
