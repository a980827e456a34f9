/**
 * Declared virtual hosts against what the API holds, using the driver's own notion of "differs", so drift and
 * deploy never disagree about whether an object matches. Pure: views in, report out.
 */
import type { CertificateView, HostnameView } from "../../client/self-service-client";
import { FieldDifference } from "../../driver/errors";
import { CertificateInput, HostnameInput } from "../../driver/input";
import { certificateDifferences, hostnameDifferences } from "../../driver/operations";
import { DesiredVirtualHosts } from "./desired";

export type DriftKind = "certificate" | "hostname";

export interface DriftObject {
  readonly kind: DriftKind;
  readonly key: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface DriftChange {
  readonly kind: DriftKind;
  readonly key: string;
  readonly differences: readonly FieldDifference[];
  /** Whether the declaration allows a deploy to overwrite an object it does not manage yet. */
  readonly adopt: boolean;
}

export interface DriftReport {
  readonly stack: string;
  /** Declared but absent from the API. */
  readonly missing: readonly DriftObject[];
  /** In the API but not declared (created by hand, or by another tool). */
  readonly extra: readonly DriftObject[];
  /** Declared and present, with other values. */
  readonly changed: readonly DriftChange[];
}

export interface ApiVirtualHosts {
  readonly certificates: readonly CertificateView[];
  readonly hostnames: readonly HostnameView[];
}

export function compareVirtualHosts(desired: DesiredVirtualHosts, api: ApiVirtualHosts): DriftReport {
  const certificates = compareKind(
    "certificate",
    desired.certificates,
    api.certificates,
    (input: CertificateInput) => input.name,
    (view: CertificateView) => view.name,
    (input) => ({ sha256_fingerprint: input.sha256_fingerprint, not_after: input.not_after }),
    (view) => ({ sha256_fingerprint: view.sha256Fingerprint ?? "(not shown by the API)", ...(view.notAfter ? { not_after: view.notAfter } : {}) }),
    certificateDifferences,
  );
  const hostnames = compareKind(
    "hostname",
    desired.hostnames,
    api.hostnames,
    (input: HostnameInput) => input.hostname,
    (view: HostnameView) => view.hostname,
    (input) => ({ product: input.product, certname: input.certname }),
    (view) => ({ product: view.product, certname: view.certname }),
    hostnameDifferences,
  );
  return {
    stack: desired.stack,
    missing: [...certificates.missing, ...hostnames.missing],
    extra: [...certificates.extra, ...hostnames.extra],
    changed: [...certificates.changed, ...hostnames.changed],
  };
}

export function inSync(report: DriftReport): boolean {
  return report.missing.length + report.extra.length + report.changed.length === 0;
}

function compareKind<I extends { adopt: boolean }, V>(
  kind: DriftKind,
  declared: readonly I[],
  held: readonly V[],
  inputKey: (input: I) => string,
  viewKey: (view: V) => string,
  inputFields: (input: I) => Record<string, string>,
  viewFields: (view: V) => Record<string, string>,
  differences: (view: V, input: I) => FieldDifference[],
): { missing: DriftObject[]; extra: DriftObject[]; changed: DriftChange[] } {
  const byKey = new Map(held.map((view) => [viewKey(view), view]));
  const declaredKeys = new Set(declared.map(inputKey));
  const missing: DriftObject[] = [];
  const changed: DriftChange[] = [];
  for (const input of declared) {
    const key = inputKey(input);
    const view = byKey.get(key);
    if (!view) {
      missing.push({ kind, key, fields: inputFields(input) });
      continue;
    }
    const found = differences(view, input);
    if (found.length > 0) changed.push({ kind, key, differences: found, adopt: input.adopt });
  }
  const extra = held.filter((view) => !declaredKeys.has(viewKey(view))).map((view) => ({ kind, key: viewKey(view), fields: viewFields(view) }));
  const byName = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return { missing: missing.sort(byName), extra: extra.sort(byName), changed: changed.sort(byName) };
}
