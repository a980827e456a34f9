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

/**
 * One API object as the steps below see it. Certificates and hostnames follow the same rules; they
 * differ only in their calls and their words.
 */
interface ManagedObject<View extends { status: ObjectStatus }> {
  readonly kind: "certificate" | "hostname";
  readonly key: string;
  get(): Promise<View | undefined>;
  create(): Promise<unknown>;
  update(): Promise<unknown>;
  waitUntilReady(input: ConnectionInput, log: Log): Promise<unknown>;
  differences(view: View): FieldDifference[];
  readonly words: {
    /** Follows "created". */
    readonly createdDetail: string;
    /** Follows "already exists": how an identical object is described. */
    readonly asDeclared: string;
    /** What the content/routing resource keeps up to date. */
    readonly aspect: string;
    /** The line for an in-place update. */
    readonly updated: string;
  };
}

function certificate(client: SelfServiceClient, input: CertificateInput): ManagedObject<CertificateView> {
  // Read and checked before any request, so a changed or broken file fails the step with nothing sent.
  const pair = certificatePair(input);
  return {
    kind: "certificate",
    key: input.name,
    get: () => client.getCertificate(input.name),
    create: () => client.createCertificate({ name: input.name, ...pair }),
    update: () => client.updateCertificate({ name: input.name, ...pair }),
    waitUntilReady: (connection, log) => client.waitUntilReady("certificate", input.name, waitOptions(connection, log)),
    differences: (view) => certificateDifferences(view, input),
    words: { createdDetail: "", asDeclared: "with the declared content", aspect: "content", updated: "content updated" },
  };
}

function hostname(client: SelfServiceClient, input: HostnameInput): ManagedObject<HostnameView> {
  const declared = { hostname: input.hostname, product: input.product, certname: input.certname };
  const routing = `product ${input.product}, certname ${input.certname}`;
  return {
    kind: "hostname",
    key: input.hostname,
    get: () => client.getHostname(input.hostname),
    create: () => client.createHostname(declared),
    update: () => client.updateHostname(declared),
    waitUntilReady: (connection, log) => client.waitUntilReady("hostname", input.hostname, waitOptions(connection, log)),
    differences: (view) => hostnameDifferences(view, input),
    // In place, never delete and create: the hostname keeps resolving, so the outage is as short as the API allows.
    words: { createdDetail: ` (${routing})`, asDeclared: "as declared", aspect: "routing", updated: `updated in place (${routing})` },
  };
}

function waitOptions(input: ConnectionInput, log: Log) {
  return { timeoutMs: input.ready_timeout_ms, pollIntervalMs: input.poll_interval_ms, onProgress: log };
}

async function ensureCreated<View extends { status: ObjectStatus }>(object: ManagedObject<View>, input: ConnectionInput & { adopt: boolean }, log: Log): Promise<void> {
  const say = (text: string) => log(`${object.kind} ${object.key}: ${text}`);
  const existing = await object.get();
  if (!existing) {
    await object.create();
    say(`created${object.words.createdDetail}`);
  } else {
    const differences = object.differences(existing);
    if (differences.length === 0 && failed(existing)) {
      await object.update();
      say(`already exists ${object.words.asDeclared} but in status error; sent again`);
    } else if (differences.length === 0) {
      say(`already exists ${object.words.asDeclared}; adopted`);
    } else if (input.adopt) {
      await object.update();
      say(`existed with other ${object.words.aspect}; taken over (adopt) and updated`);
    } else {
      throw existingDiffers(object.kind, object.key, differences);
    }
  }
  await object.waitUntilReady(input, log);
}

/** Runs when the declared content or routing changed: p1as_<kind>[key] in our state proves the object is ours. */
async function ensureUpToDate<View extends { status: ObjectStatus }>(object: ManagedObject<View>, input: ConnectionInput, log: Log): Promise<void> {
  const say = (text: string) => log(`${object.kind} ${object.key}: ${text}`);
  const existing = await object.get();
  if (!existing) {
    await object.create();
    say("was not in the API (an earlier deploy was interrupted, or it was deleted outside Terraform); created");
  } else if (object.differences(existing).length > 0) {
    await object.update();
    say(object.words.updated);
  } else if (failed(existing)) {
    await object.update();
    say(`${object.words.aspect} already up to date but in status error; sent again`);
  } else {
    say(`${object.words.aspect} already up to date`);
  }
  await object.waitUntilReady(input, log);
}

export const createCertificate = (client: SelfServiceClient, input: CertificateInput, log: Log) => ensureCreated(certificate(client, input), input, log);
export const updateCertificateContent = (client: SelfServiceClient, input: CertificateInput, log: Log) => ensureUpToDate(certificate(client, input), input, log);
export const createHostname = (client: SelfServiceClient, input: HostnameInput, log: Log) => ensureCreated(hostname(client, input), input, log);
export const updateHostnameRouting = (client: SelfServiceClient, input: HostnameInput, log: Log) => ensureUpToDate(hostname(client, input), input, log);

/**
 * Needs no key (the files may be gone by the time a certificate is removed from code). Our hostnames are
 * deleted first (they depend on the certificate), so no force_delete: the API refusing means someone
 * else's hostname still uses it, and that must not be broken silently.
 */
export async function deleteCertificate(client: SelfServiceClient, input: CertificateInput, log: Log): Promise<void> {
  const outcome = await client.deleteCertificate(input.name);
  log(`certificate ${input.name}: ${outcome === "deleted" ? "deleted" : "already absent"}`);
}

export async function deleteHostname(client: SelfServiceClient, input: HostnameInput, log: Log): Promise<void> {
  const outcome = await client.deleteHostname(input.hostname);
  log(`hostname ${input.hostname}: ${outcome === "deleted" ? "deleted" : "already absent"}`);
}
