/**
 * One stack's virtual hosts judged three ways at once: declared (synthesized JSON), held (the API, read only)
 * and managed (terraform state). From that follows what a deploy will do with each object -- the takeover
 * preview -- and which managed objects a deploy must re-apply because someone changed them behind terraform's
 * back (terraform_data never reads the API, so a plain apply would not notice).
 */
import { connect } from "../../driver/main";
import { RESOURCE_NAMES } from "../../driver/consts";
import { SynthesizedStack } from "../synth-output";
import { showStateJson } from "../terraform";
import { compareVirtualHosts, DriftKind, DriftObject, DriftReport } from "./compare";
import { desiredVirtualHosts } from "./desired";

export interface StackAssessment extends DriftReport {
  /** Declared objects that the API holds exactly as declared but this stack does not manage yet: a deploy adopts them silently. */
  readonly adoptable: readonly DriftObject[];
  /** What a deploy does about each finding, one line per object. */
  readonly consequences: Readonly<Record<string, string>>;
  /** `-replace` addresses that bring managed objects back to their declaration. */
  readonly repairs: readonly string[];
}

const address = (resource: string, key: string) => `terraform_data.${resource}[${JSON.stringify(key)}]`;
const existence: Record<DriftKind, string> = { certificate: RESOURCE_NAMES.certificate, hostname: RESOURCE_NAMES.hostname };
/** Re-creating these records re-runs the in-place update (new content, new routing) without deleting anything. */
const update: Record<DriftKind, string> = { certificate: RESOURCE_NAMES.certificateContent, hostname: RESOURCE_NAMES.hostnameRouting };

export function findingId(kind: DriftKind, key: string): string {
  return `${kind} ${key}`;
}

/** Undefined for a stack without virtual hosts. Sends only GET requests (and a token request) to the API. */
export async function assessStack(stack: SynthesizedStack, env: NodeJS.ProcessEnv = {}): Promise<StackAssessment | undefined> {
  const desired = await desiredVirtualHosts(stack, env);
  if (!desired) return undefined;
  const managed = await stateAddresses(stack, env);
  const { client } = connect(desired.connection, { ...process.env, ...env });
  const [certificates, hostnames] = await Promise.all([client.listCertificates(), client.listHostnames()]);
  const report = compareVirtualHosts(desired, { certificates, hostnames });

  const consequences: Record<string, string> = {};
  const repairs: string[] = [];
  for (const item of report.missing) {
    const isManaged = managed.has(address(existence[item.kind], item.key));
    consequences[findingId(item.kind, item.key)] = isManaged ? "deleted outside terraform; deploy creates it again" : "deploy creates it";
    if (isManaged) repairs.push(address(existence[item.kind], item.key));
  }
  for (const item of report.changed) {
    const isManaged = managed.has(address(existence[item.kind], item.key));
    consequences[findingId(item.kind, item.key)] = isManaged
      ? "changed outside terraform; deploy restores the declared values"
      : item.adopt
        ? "not managed yet; deploy takes it over (adopt: true) and overwrites these fields"
        : "not managed yet; deploy refuses to overwrite it -- declare it identically, or set adopt: true to take it over";
    if (isManaged) repairs.push(address(update[item.kind], item.key));
  }
  for (const item of report.extra) consequences[findingId(item.kind, item.key)] = "not declared; deploy leaves it alone";

  const changedOrMissing = new Set([...report.missing, ...report.changed].map((item) => findingId(item.kind, item.key)));
  const adoptable = [
    ...desired.certificates.map((input) => ({ kind: "certificate" as const, key: input.name, fields: { sha256_fingerprint: input.sha256_fingerprint } })),
    ...desired.hostnames.map((input) => ({ kind: "hostname" as const, key: input.hostname, fields: { product: input.product, certname: input.certname } })),
  ].filter((item) => !changedOrMissing.has(findingId(item.kind, item.key)) && !managed.has(address(existence[item.kind], item.key)));
  return { ...report, adoptable, consequences, repairs };
}

/**
 * Addresses in the state. A tainted instance is left out: its create failed (a refused takeover, for one), so
 * the object it names is not ours yet.
 */
async function stateAddresses(stack: SynthesizedStack, env: NodeJS.ProcessEnv): Promise<Set<string>> {
  const resources: { address: string; tainted?: boolean }[] = (await showStateJson(stack, env))?.values?.root_module?.resources ?? [];
  return new Set(resources.filter((resource) => !resource.tainted).map((resource) => resource.address));
}

/**
 * The `-replace` addresses a deploy needs so that managed objects changed or deleted outside terraform are
 * put back. Nothing managed yet (first deploy, takeover) means nothing to repair, and no API call.
 */
export async function driftRepairs(stack: SynthesizedStack, env: NodeJS.ProcessEnv = {}): Promise<readonly string[]> {
  const managed = await stateAddresses(stack, env);
  const records: string[] = Object.values(RESOURCE_NAMES);
  if (![...managed].some((entry) => records.some((record) => entry.startsWith(`terraform_data.${record}[`)))) return [];
  return (await assessStack(stack, env))?.repairs ?? [];
}
