/**
 * Local hostname and certificate-name rules, shared by the client, the constructs and the emulator so
 * all three judge a value alike. The rules themselves are assumptions (see ./assumptions.ts). Each
 * function returns every rule the value breaks; an empty list means valid.
 */
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { CERTNAME_MAX_LENGTH, DNS_LABEL_MAX_LENGTH, HOSTNAME_MAX_LENGTH, HOSTNAME_MIN_LABELS } from "./assumptions";

/** Problems of a DNS-1123 subdomain (lowercase labels joined by dots), without a label-count rule. */
function dns1123SubdomainProblems(value: string, maxLength: number): string[] {
  if (value.length === 0) return ["must not be empty"];
  const problems: string[] = [];
  if (value.length > maxLength) problems.push(`must be at most ${maxLength} characters (got ${value.length})`);
  if (/[A-Z]/.test(value)) problems.push("must be lowercase");
  if (value.includes("*")) problems.push("must not be a wildcard ('*')");
  const punycode = /[^\x00-\x7f]/.test(value) ? domainToASCII(value.toLowerCase()) : "";
  // The API, DNS and the Ingress name all use the ASCII form, so that is the form that can be the object's key.
  if (punycode) problems.push(`is an internationalised name: write it in punycode, as ${punycode}`);
  else if (/[^A-Za-z0-9.*-]/.test(value)) problems.push("may contain only letters a-z, digits, '-' and '.'");
  const labels = value.split(".");
  if (labels.some((label) => label.length === 0)) problems.push("must not start or end with '.' or contain '..'");
  if (labels.some((label) => label.length > DNS_LABEL_MAX_LENGTH)) {
    problems.push(`each label (part between dots) must be at most ${DNS_LABEL_MAX_LENGTH} characters`);
  }
  if (labels.some((label) => label.startsWith("-") || label.endsWith("-"))) {
    problems.push("each label must start and end with a letter or digit");
  }
  return problems;
}

/** A virtual host's `hostname`: the name of the Ingress P1AS creates, so a lowercase FQDN, no wildcard. */
export function hostnameProblems(hostname: string): string[] {
  const problems = dns1123SubdomainProblems(hostname, HOSTNAME_MAX_LENGTH);
  // An address is not a virtual host: no certificate names it and no Ingress routes by it.
  const lastLabel = hostname.split(".").filter(Boolean).pop() ?? "";
  if (isIP(hostname.replace(/^\[|\]$/g, "")) || /^[0-9]+$/.test(lastLabel)) {
    problems.push("must be a DNS name, not an IP address (a top-level label is never all digits)");
  }
  if (hostname.length > 0 && hostname.split(".").filter(Boolean).length < HOSTNAME_MIN_LABELS) {
    problems.push("must be a fully qualified name with at least two labels, such as auth.example.com");
  }
  return problems;
}

/** A certificate's `name` (and a hostname's `certname`): the name of the k8s TLS Secret P1AS creates. */
export function certnameProblems(certname: string): string[] {
  return dns1123SubdomainProblems(certname, CERTNAME_MAX_LENGTH);
}
