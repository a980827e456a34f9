/**
 * PostgreSQL connection strings as terraform's pg backend (lib/pq) reads them: a `postgres://` URL or
 * libpq's `key=value` form. Parsed, not pattern-matched, so that every spelling of a password is found
 * (`password = x`, `?%70assword=x`, user info) and two spellings of one database compare equal.
 */
import { parse as parseUrl } from "pg-connection-string";

export interface PgConnection {
  /** Hosts as written (lowercased); "" when libpq would use its default (a local socket). */
  readonly hosts: string;
  readonly port: string;
  readonly database: string;
  /** Which parameters carry a password; empty when none. Their values are never kept. */
  readonly passwordParameters: readonly string[];
}

const PASSWORD_PARAMETERS = ["password", "sslpassword"];

/** libpq's keyword/value form: `key = value` pairs, values optionally single-quoted with `\` escapes. */
export function parseKeywords(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const pair = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('((?:[^'\\]|\\.)*)'|((?:[^\s'\\]|\\.)*))/y;
  let rest = text.trim();
  while (rest !== "") {
    pair.lastIndex = 0;
    const match = pair.exec(rest);
    if (!match) throw new Error(`cannot read "${rest.slice(0, 1)}..." as key=value`);
    const raw = match[3] ?? match[4] ?? "";
    pairs.set(match[1].toLowerCase(), raw.replace(/\\(.)/g, "$1"));
    rest = rest.slice(match[0].length).trimStart();
  }
  return pairs;
}

/** A `postgres://` or `postgresql://` URL, as opposed to libpq's `key=value` form. */
export const isPostgresUrl = (value: string) => /^postgres(ql)?:\/\//i.test(value);

/** Throws with a reason (never the value) when the string is neither form. */
export function parsePgConnection(value: string): PgConnection {
  if (isPostgresUrl(value)) {
    let parsed: ReturnType<typeof parseUrl>;
    try {
      // libpq semantics: the library's own sslmode aliases would print a warning and change nothing we compare.
      parsed = parseUrl(value, { useLibpqCompat: true });
    } catch (error) {
      throw new Error(`not a valid PostgreSQL URL (${(error as Error).message.split(":")[0]})`);
    }
    const fields = parsed as Record<string, unknown>;
    return {
      hosts: String(parsed.host ?? "").toLowerCase(),
      port: String(parsed.port || "5432"),
      database: String(parsed.database ?? ""),
      passwordParameters: PASSWORD_PARAMETERS.filter((key) => typeof fields[key] === "string" && fields[key] !== ""),
    };
  }
  const pairs = parseKeywords(value);
  return {
    hosts: (pairs.get("host") ?? pairs.get("hostaddr") ?? "").toLowerCase(),
    port: pairs.get("port") || "5432",
    database: pairs.get("dbname") ?? "",
    passwordParameters: PASSWORD_PARAMETERS.filter((key) => pairs.has(key)),
  };
}

/** The config's rule: a connection string that terraform can read and that holds no password. */
export function connStrProblems(value: string): string[] {
  let connection: PgConnection;
  try {
    connection = parsePgConnection(value);
  } catch (error) {
    return [`must be a PostgreSQL connection string (a postgres:// URL or libpq key=value pairs): ${(error as Error).message}`];
  }
  if (connection.passwordParameters.length === 0) return [];
  return [
    `must not hold a password (found: ${connection.passwordParameters.join(", ")}): a committed password leaks into cdk.tf.json and .terraform/. Leave connStr out and set PG_CONN_STR, or keep connStr and set PGPASSWORD, in terraform's environment`,
  ];
}
