/**
 * Defence in depth for terraform text that leaves the machine (PR comments, CI logs). Terraform already
 * masks values it knows are sensitive; these rules catch what slips through anyway -- for example a
 * `terraform_data` whose `output` echoes a secret from `input` without the sensitive mark, or an error
 * quoting a request. The client's credential patterns (PEM keys, bearer tokens, JWTs) apply first.
 */
import { REDACTED, redactText as redactCredentials } from "../client/redact";
import { stripAnsi } from "./terraform";

export { REDACTED };

/**
 * A key whose name ENDS like a secret, in HCL (`client_secret = "..."`, terraform's plan) or JSON
 * (`"clientSecret": "..."`). `client_secret_variable` names a variable and holds no secret, so it stays.
 */
const SECRET_ATTRIBUTE =
  /((["']?)[A-Za-z0-9_.-]*(?:secret|password|passwd|private_?key|privatekey|token|api_?key|apikey)\2\s*(?:=|:)\s*)"((?:[^"\\\n]|\\.)*)"/gi;

export function redactTerraformText(text: string): string {
  return redactCredentials(text).replace(SECRET_ATTRIBUTE, (match: string, prefix: string, _quote: string, value: string) =>
    value === "" || value === REDACTED ? match : `${prefix}"${REDACTED}"`,
  );
}

const PEM_PRIVATE_KEY_BEGIN = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----/;

/**
 * Redaction for output read line by line (a live deploy): the same rules per line, plus what spans lines: from
 * a private key's BEGIN line to its END line, every line is replaced. Colour codes are removed from a line
 * before matching (they can split an attribute from its value); a line the rules leave unchanged keeps them.
 * One reader per stream: the key state belongs to the stream it was seen on.
 */
export function lineRedactor(): (line: string) => string {
  let inPrivateKey: string | undefined;
  return (line) => {
    const plain = stripAnsi(line);
    if (inPrivateKey !== undefined) {
      if (plain.includes(`-----END ${inPrivateKey}PRIVATE KEY-----`)) inPrivateKey = undefined;
      return REDACTED;
    }
    const begin = PEM_PRIVATE_KEY_BEGIN.exec(plain);
    if (begin && !plain.includes(`-----END ${begin[1]}PRIVATE KEY-----`)) {
      inPrivateKey = begin[1];
      return `${plain.slice(0, begin.index)}${REDACTED}`;
    }
    const redacted = redactTerraformText(plain);
    return redacted === plain ? line : redacted;
  };
}
