/**
 * Defence in depth for terraform text that leaves the machine (PR comments, CI logs). Terraform already
 * masks values it knows are sensitive; these rules catch what slips through anyway -- for example a
 * `terraform_data` whose `output` echoes a secret from `input` without the sensitive mark, or an error
 * quoting a request. The client's credential patterns (PEM keys, bearer tokens, JWTs) apply first.
 */
import { REDACTED, redactText as redactCredentials } from "../client/redact";

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
