/**
 * Local checks run before any request: they use the same rules as the constructs and the emulator
 * (p1as/hostname.ts, p1as/pem.ts), and name the field at fault.
 */
import { PRODUCTS } from "../p1as/facts";
import { certnameProblems, hostnameProblems } from "../p1as/hostname";
import { CertificateInfo, checkCertificatePair, problemsByField } from "../p1as/pem";
import { isLoopbackDestination } from "../p1as/destinations";
import { FieldProblem, insecureUrl, invalidInput } from "./errors";

export interface CertificateInput {
  readonly name: string;
  readonly fullchain: string;
  /** Secret: never logged, never in an error. */
  readonly privkey: string;
}

export interface HostnameInput {
  readonly hostname: string;
  readonly product: string;
  readonly certname: string;
}

const field = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

function stringProblem(prefix: string, name: string, value: unknown): FieldProblem[] {
  return typeof value === "string" ? [] : [{ field: field(prefix, name), value, reasons: ["must be a string"] }];
}

export function certificateProblems(
  input: CertificateInput,
  prefix = "",
): { problems: FieldProblem[]; info?: CertificateInfo } {
  const problems = (["name", "fullchain", "privkey"] as const).flatMap((name) =>
    stringProblem(prefix, name, input?.[name]),
  );
  if (problems.length > 0) return { problems };
  const nameReasons = certnameProblems(input.name);
  if (nameReasons.length > 0) problems.push({ field: field(prefix, "name"), value: input.name, reasons: nameReasons });
  const pair = checkCertificatePair(input);
  if (!pair.ok) {
    for (const [name, reasons] of problemsByField(pair.problems))
      problems.push({ field: field(prefix, name), value: input[name], reasons });
    return { problems };
  }
  return { problems, info: pair.info };
}

export function hostnameInputProblems(input: HostnameInput, prefix = ""): FieldProblem[] {
  const problems = (["hostname", "product", "certname"] as const).flatMap((name) =>
    stringProblem(prefix, name, input?.[name]),
  );
  if (problems.length > 0) return problems;
  const hostnameReasons = hostnameProblems(input.hostname);
  if (hostnameReasons.length > 0)
    problems.push({ field: field(prefix, "hostname"), value: input.hostname, reasons: hostnameReasons });
  if (!(PRODUCTS as readonly string[]).includes(input.product)) {
    problems.push({
      field: field(prefix, "product"),
      value: input.product,
      reasons: [`must be one of ${PRODUCTS.join(", ")}`],
    });
  }
  const certnameReasons = certnameProblems(input.certname);
  if (certnameReasons.length > 0)
    problems.push({ field: field(prefix, "certname"), value: input.certname, reasons: certnameReasons });
  return problems;
}

/** Throws for a bad certificate; returns what the checks learned (fingerprint, expiry). */
export function validateCertificateInput(operation: string, input: CertificateInput): CertificateInfo {
  const { problems, info } = certificateProblems(input);
  if (problems.length > 0 || !info) throw invalidInput(operation, problems);
  return info;
}

export function validateHostnameInput(operation: string, input: HostnameInput): void {
  const problems = hostnameInputProblems(input);
  if (problems.length > 0) throw invalidInput(operation, problems);
}

export interface RequestSet {
  readonly certificates: readonly CertificateInput[];
  readonly hostnames: readonly HostnameInput[];
  /** Certificates that already exist on the API, so hostnames may name them. @default - none */
  readonly existingCertnames?: readonly string[];
}

/**
 * Checks a whole set of certificates and hostnames before anything is sent: every item, duplicate
 * keys, and each hostname's certname against the certificates of the same set.
 */
export function validateRequestSet(set: RequestSet, operation = "apply virtual hosts"): void {
  const problems: FieldProblem[] = [];
  const duplicated = (keys: string[], index: number) => keys.indexOf(keys[index]) !== index;
  const certnames = set.certificates.map((certificate) => certificate.name);
  set.certificates.forEach((certificate, index) => {
    const prefix = `certificates[${index}]`;
    problems.push(...certificateProblems(certificate, prefix).problems);
    if (duplicated(certnames, index))
      problems.push({
        field: `${prefix}.name`,
        value: certificate.name,
        reasons: ["appears more than once in certificates"],
      });
  });
  const hostnames = set.hostnames.map((hostname) => hostname.hostname);
  const known = new Set([...certnames, ...(set.existingCertnames ?? [])]);
  set.hostnames.forEach((hostname, index) => {
    const prefix = `hostnames[${index}]`;
    problems.push(...hostnameInputProblems(hostname, prefix));
    if (duplicated(hostnames, index))
      problems.push({
        field: `${prefix}.hostname`,
        value: hostname.hostname,
        reasons: ["appears more than once in hostnames"],
      });
    if (typeof hostname.certname === "string" && !known.has(hostname.certname)) {
      problems.push({
        field: `${prefix}.certname`,
        value: hostname.certname,
        reasons: [
          `names no certificate of this request set (known: ${[...known].join(", ") || "none"}); add the certificate or list it in existingCertnames`,
        ],
      });
    }
  });
  if (problems.length > 0) throw invalidInput(operation, problems);
}

/** https everywhere; plain http only to loopback, where nothing crosses a network. */
export function requireSecureUrl(fieldName: string, url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidInput("configure client", [{ field: fieldName, value: url, reasons: ["must be an absolute URL"] }]);
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:" && isLoopbackDestination(parsed.hostname)) return parsed;
  throw insecureUrl(fieldName, url);
}
