/**
 * What each provisioner does, in Terraform's CRUD terms:
 * - create adopts an identical existing object silently (that is how a retry after a lost response
 *   succeeds), refuses a differing one unless `adopt` is set, and waits until ready;
 * - the content/routing resources bring an object we already own up to date in place, and create it when
 *   it is missing: terraform records an object in its state before the create provisioner runs, so a
 *   deploy killed during that provisioner leaves an object in state that never reached the API, and the
 *   content/routing resource (created in the same apply, after it) is the next chance to create it;
 * - an object declared identically but left in status `error` by an earlier rollout is sent again, and
 *   every create and update waits until ready even when nothing had to be sent (an earlier run may have
 *   sent it and then failed or been killed while waiting), so a plain re-deploy repairs a failed one;
 * - delete treats 404 as success.
 */
import { FAILED_STATUS, ObjectStatus, RESEND_REPAIRS_FAILED_OBJECT } from "../p1as/assumptions";
import { sameFingerprint } from "../p1as/pem";
import type { CertificateView, HostnameView, SelfServiceClient } from "../client/self-service-client";
import { existingDiffers, FieldDifference } from "./errors";
import type { CertificateInput, ConnectionInput, HostnameInput } from "./input";
import { certificatePair } from "./secrets";

export type Log = (line: string) => void;

function waitOptions(input: ConnectionInput, log: Log) {
  return { timeoutMs: input.ready_timeout_ms, pollIntervalMs: input.poll_interval_ms, onProgress: log };
}

/**
 * Fields of an existing certificate that differ from the declaration. Without a fingerprint in the
 * API's view (an assumption that may not hold) sameness can't be proven, so it counts as different.
 */
export function certificateDifferences(view: CertificateView, input: Pick<CertificateInput, "sha256_fingerprint">): FieldDifference[] {
  if (view.sha256Fingerprint !== undefined && sameFingerprint(view.sha256Fingerprint, input.sha256_fingerprint)) return [];
  return [{ field: "sha256_fingerprint", api: view.sha256Fingerprint ?? "(not shown by the API)", declared: input.sha256_fingerprint }];
}

export function hostnameDifferences(view: HostnameView, input: Pick<HostnameInput, "product" | "certname">): FieldDifference[] {
  return (["product", "certname"] as const)
    .filter((field) => view[field] !== input[field])
    .map((field) => ({ field, api: view[field], declared: input[field] }));
}

/** A rollout failed: the declared content is there but P1AS could not apply it (see RESEND_REPAIRS_FAILED_OBJECT). */
function failed(view: { status: ObjectStatus }): boolean {
  return RESEND_REPAIRS_FAILED_OBJECT && view.status === FAILED_STATUS;
}

export async function createCertificate(client: SelfServiceClient, input: CertificateInput, log: Log): Promise<void> {
  const pair = certificatePair(input);
  const existing = await client.getCertificate(input.name);
  if (!existing) {
    await client.createCertificate({ name: input.name, ...pair });
    log(`certificate ${input.name}: created`);
  } else {
    const differences = certificateDifferences(existing, input);
    if (differences.length === 0 && failed(existing)) {
      await client.updateCertificate({ name: input.name, ...pair });
      log(`certificate ${input.name}: already exists with the declared content but in status error; sent again`);
    } else if (differences.length === 0) {
      log(`certificate ${input.name}: already exists with the declared content; adopted`);
    } else if (input.adopt) {
      await client.updateCertificate({ name: input.name, ...pair });
      log(`certificate ${input.name}: existed with other content; taken over (adopt) and updated`);
    } else {
      throw existingDiffers("certificate", input.name, differences);
    }
  }
  await client.waitUntilReady("certificate", input.name, waitOptions(input, log));
}

/** Runs when the fingerprint changed: p1as_certificate[name] in our state proves the object is ours. */
export async function updateCertificateContent(client: SelfServiceClient, input: CertificateInput, log: Log): Promise<void> {
  const pair = certificatePair(input);
  const existing = await client.getCertificate(input.name);
  if (!existing) {
    await client.createCertificate({ name: input.name, ...pair });
    log(`certificate ${input.name}: was not in the API (an earlier deploy was interrupted, or it was deleted outside Terraform); created`);
  } else if (certificateDifferences(existing, input).length > 0) {
    await client.updateCertificate({ name: input.name, ...pair });
    log(`certificate ${input.name}: content updated`);
  } else if (failed(existing)) {
    await client.updateCertificate({ name: input.name, ...pair });
    log(`certificate ${input.name}: content already up to date but in status error; sent again`);
  } else {
    log(`certificate ${input.name}: content already up to date`);
  }
  await client.waitUntilReady("certificate", input.name, waitOptions(input, log));
}

export async function deleteCertificate(client: SelfServiceClient, input: CertificateInput, log: Log): Promise<void> {
  // Our hostnames are deleted first (they depend on the certificate), so no force_delete: the API
  // refusing means someone else's hostname still uses it, and that must not be broken silently.
  const outcome = await client.deleteCertificate(input.name);
  log(`certificate ${input.name}: ${outcome === "deleted" ? "deleted" : "already absent"}`);
}

export async function createHostname(client: SelfServiceClient, input: HostnameInput, log: Log): Promise<void> {
  const declared = { hostname: input.hostname, product: input.product, certname: input.certname };
  const existing = await client.getHostname(input.hostname);
  if (!existing) {
    await client.createHostname(declared);
    log(`hostname ${input.hostname}: created (product ${input.product}, certname ${input.certname})`);
  } else {
    const differences = hostnameDifferences(existing, input);
    if (differences.length === 0 && failed(existing)) {
      await client.updateHostname(declared);
      log(`hostname ${input.hostname}: already exists as declared but in status error; sent again`);
    } else if (differences.length === 0) {
      log(`hostname ${input.hostname}: already exists as declared; adopted`);
    } else if (input.adopt) {
      await client.updateHostname(declared);
      log(`hostname ${input.hostname}: existed with other routing; taken over (adopt) and updated`);
    } else {
      throw existingDiffers("hostname", input.hostname, differences);
    }
  }
  await client.waitUntilReady("hostname", input.hostname, waitOptions(input, log));
}

/** Runs when product or certname changed: an update in place, so the hostname never stops resolving. */
export async function updateHostnameRouting(client: SelfServiceClient, input: HostnameInput, log: Log): Promise<void> {
  const existing = await client.getHostname(input.hostname);
  const declared = { hostname: input.hostname, product: input.product, certname: input.certname };
  if (!existing) {
    await client.createHostname(declared);
    log(`hostname ${input.hostname}: was not in the API (an earlier deploy was interrupted, or it was deleted outside Terraform); created`);
  } else if (hostnameDifferences(existing, input).length > 0) {
    await client.updateHostname(declared);
    log(`hostname ${input.hostname}: updated in place (product ${input.product}, certname ${input.certname})`);
  } else if (failed(existing)) {
    await client.updateHostname(declared);
    log(`hostname ${input.hostname}: routing already up to date but in status error; sent again`);
  } else {
    log(`hostname ${input.hostname}: routing already up to date`);
  }
  await client.waitUntilReady("hostname", input.hostname, waitOptions(input, log));
}

export async function deleteHostname(client: SelfServiceClient, input: HostnameInput, log: Log): Promise<void> {
  const outcome = await client.deleteHostname(input.hostname);
  log(`hostname ${input.hostname}: ${outcome === "deleted" ? "deleted" : "already absent"}`);
}
