/**
 * Defence in depth for terraform text that leaves the machine (PR comments, CI logs). Terraform already
 * masks values it knows are sensitive; these rules catch what slips through anyway -- for example a
 * `terraform_data` whose `output` echoes a secret from `input` without the sensitive mark, or an error
 * quoting a request. The client's credential patterns (PEM keys, bearer tokens, JWTs) apply first.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { maskValues, REDACTED, redactText as redactCredentials } from "../../client/redact";
import { configPath } from "../../config/load";
import { isPostgresUrl, parseKeywords } from "../../config/pg-connection";
import { readPemFile } from "../../p1as/pem-file";
import { stripAnsi } from "./run";
import { SECRET_ENV_NAME } from "../../p1as/secret-names";

export { REDACTED };

/**
 * Variables that hold a secret and nothing else, besides every TF_VAR_* (terraform's variables) and every
 * variable a p1as provider may read a client secret from (SECRET_ENV_NAME, `P1AS_<ENV>_CLIENT_SECRET` and the like,
 * when its name says it is a secret).
 */
export const SECRET_ENV_VARS = [
  "PINGONE_CLIENT_SECRET",
  "P1AS_CLIENT_SECRET",
  "P1AS_READ_CLIENT_SECRET",
  "P1AS_PLAN_KEY",
] as const;
const isSecretVariable = (name: string) =>
  name.startsWith("TF_VAR_") ||
  (SECRET_ENV_VARS as readonly string[]).includes(name) ||
  (SECRET_ENV_NAME.test(name) && /SECRET|KEY|PASSWORD/.test(name));

/** The passwords a PostgreSQL connection string holds (user info, `password`, `sslpassword`), as written and decoded. */
export function pgPasswords(connStr: string): string[] {
  const found: string[] = [];
  try {
    if (isPostgresUrl(connStr)) {
      // WHATWG's parser only: pg-connection-string would read the files that sslkey and the like name.
      const url = new URL(connStr);
      found.push(
        url.password,
        decodeURIComponent(url.password),
        ...["password", "sslpassword"].map((name) => url.searchParams.get(name) ?? ""),
      );
    } else {
      const pairs = parseKeywords(connStr);
      found.push(pairs.get("password") ?? "", pairs.get("sslpassword") ?? "");
    }
  } catch {
    // Not a connection string anyone could use; config validation says so, masking has nothing to find.
  }
  return found.filter(Boolean);
}

/**
 * The secret values a config names: the passwords of its pg `connStr`s and the private keys in the files its
 * certificates name (read under the PEM file rules: a regular file of at most 64 KiB). The file is read
 * loosely, JSON only: a config too broken to validate may still be printed in an error.
 */
function configSecrets(configFile: string): string[] {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(configFile, "utf8"));
  } catch {
    return [];
  }
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== "object") return;
    for (const [key, item] of Object.entries(value)) {
      if (key === "connStr" && typeof item === "string") found.push(...pgPasswords(item));
      else if (key === "privateKeyFile" && typeof item === "string") {
        const read = readPemFile(path.resolve(path.dirname(path.resolve(configFile)), item));
        if (read.ok) found.push(read.text);
      } else visit(item);
    }
  };
  visit(config);
  return found;
}

/** Every secret value this environment and its config (P1AS_CONFIG) hold; see maskKnownSecrets. */
export function knownSecretValues(env: NodeJS.ProcessEnv): string[] {
  const variables = Object.entries(env).filter(([name]) => isSecretVariable(name));
  return [
    ...variables.map(([, value]) => value ?? ""),
    ...pgPasswords(env.PG_CONN_STR ?? ""),
    ...configSecrets(configPath(env)),
  ].filter(Boolean);
}

/**
 * Masks, in everything this process prints or posts from now on, the values of every TF_VAR_* variable,
 * PINGONE_CLIENT_SECRET, P1AS_PLAN_KEY and every P1AS_* variable named like a secret (the client secrets,
 * P1AS_<ENV>_CLIENT_SECRET and P1AS_<ENV>_AUDIT_CLIENT_SECRET included), the password of
 * PG_CONN_STR and of each pg connStr in the config, and the private keys of the files the config names, in
 * every encoding (client/redact.ts secretForms). Patterns alone miss a secret that is not shaped like one:
 * an API error echoing a key's base64 body, a password in a message. The entry points of the tools that
 * print or post API text call it with the environment they run terraform with: deploy, drift, status and
 * plan-summary.
 */
export function maskKnownSecrets(env: NodeJS.ProcessEnv = process.env): void {
  maskValues(knownSecretValues(env));
}

/**
 * A key whose name ENDS like a secret, in HCL (`client_secret = "..."`, terraform's plan) or JSON
 * (`"clientSecret": "..."`). `client_secret_variable` names a variable and holds no secret, so it stays.
 */
const SECRET_ATTRIBUTE =
  /((["']?)[A-Za-z0-9_.-]*(?:secret|password|passwd|private_?key|privatekey|token|api_?key|apikey)\2\s*(?:=|:)\s*)"((?:[^"\\\n]|\\.)*)"/gi;

export function redactTerraformText(text: string): string {
  return redactCredentials(text).replace(
    SECRET_ATTRIBUTE,
    (match: string, prefix: string, _quote: string, value: string) =>
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
