/**
 * Defence in depth for text that leaves the machine (PR comments, CI logs). Terraform already masks values it
 * knows are sensitive; these rules catch what slips through anyway -- for example a `terraform_data` whose
 * `output` echoes a secret from `input` without the sensitive mark, or an error message quoting a request.
 */

/** What replaces a secret found by pattern rather than by terraform's sensitive marks. */
export const REDACTED = "(redacted)";

interface Rule {
  readonly pattern: RegExp;
  readonly replace: (match: string, ...groups: string[]) => string;
}

const RULES: readonly Rule[] = [
  {
    // A private key in any PEM flavour (PKCS#1, PKCS#8, EC, encrypted), multi-line or JSON-escaped on one line.
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
    replace: () => `${REDACTED} private key`,
  },
  {
    // A key whose name ends like a secret, in HCL (`client_secret = "..."`) or JSON (`"client_secret": "..."`).
    // Only names that END in the word: `client_secret_variable` names a variable, it does not hold a secret.
    pattern:
      /((["']?)[A-Za-z0-9_.-]*(?:secret|password|passwd|private_?key|privatekey|token|api_?key|apikey)\2\s*(?:=|:)\s*)"((?:[^"\\\n]|\\.)*)"/gi,
    replace: (match, prefix, _quote, value) => (value === "" || value === REDACTED ? match : `${prefix}"${REDACTED}"`),
  },
  {
    pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g,
    replace: (_match, scheme) => `${scheme} ${REDACTED}`,
  },
  {
    // A JWT (access token) anywhere: three base64url parts, the first two JSON objects.
    pattern: /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
    replace: () => `${REDACTED} token`,
  },
];

export function redactText(text: string): string {
  return RULES.reduce((current, rule) => current.replace(rule.pattern, rule.replace as (match: string, ...args: unknown[]) => string), text);
}
