/**
 * PostgreSQL connection strings as terraform's pg backend (lib/pq) reads them: a `postgres://` URL or
 * libpq's `key=value` form. Parsed, not pattern-matched, so that every spelling of a password is found
 * (`password = x`, `?%70assword=x`, user info) and two spellings of one database compare equal.
 *
 * Parsing never reads a file. pg-connection-string reads `sslcert`, `sslkey` and `sslrootcert` from disk while
 * it parses (a `sslkey=/dev/zero` grew synth to 2 GB; a FIFO hung it), so the library only ever sees the URL
 * without its query, and the query's keywords are decoded here, the same way (WHATWG URLSearchParams).
 */
import { parse as parseUrl } from "pg-connection-string";

/**
 * Keywords whose value names a file that libpq or terraform's driver (lib/pq) opens: certificates, keys, CRLs,
 * the password and service files, and (libpq 18) the TLS key log it writes.
 */
export const FILE_PARAMETERS = [
  "sslcert",
  "sslkey",
  "sslrootcert",
  "sslcrl",
  "sslcrldir",
  "passfile",
  "servicefile",
  "sslkeylogfile",
] as const;
const PASSWORD_PARAMETERS = ["password", "sslpassword"];

/** The libpq keywords of a connection string (lowercased names, decoded values), with no file read. */
export type PgFields = ReadonlyMap<string, string>;

export interface PgConnection {
  /** Hosts as written (lowercased, without IPv6 brackets); "" when the string names none. */
  readonly hosts: string;
  /** "" when the string names none. */
  readonly port: string;
  /** "" when the string names none. */
  readonly database: string;
  /** "" when the string names none. */
  readonly user: string;
  /** Which parameters carry a password; empty when none. Their values are never kept. */
  readonly passwordParameters: readonly string[];
  /** Which parameters name a file (FILE_PARAMETERS); empty when none. */
  readonly fileParameters: readonly string[];
}

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

/**
 * The keywords of either form. A URL's user info, host, port and path become `user`, `password`, `host`,
 * `port` and `dbname`; its query parameters are keywords too and win, as in libpq. Throws with a reason
 * (never the value) when the string is neither form.
 */
export function pgConnectionFields(value: string): PgFields {
  if (!isPostgresUrl(value)) return parseKeywords(value);
  const queryStart = value.indexOf("?");
  let parsed: ReturnType<typeof parseUrl>;
  try {
    // Without the query: the library reads the files its ssl parameters name while it parses.
    parsed = parseUrl(queryStart < 0 ? value : value.slice(0, queryStart), { useLibpqCompat: true });
  } catch (error) {
    throw new Error(`not a valid PostgreSQL URL (${(error as Error).message.split(":")[0]})`);
  }
  const fields = new Map<string, string>();
  const put = (key: string, item: unknown) => typeof item === "string" && item !== "" && fields.set(key, item);
  put("host", parsed.host);
  put("port", parsed.port);
  put("dbname", parsed.database);
  put("user", parsed.user);
  put("password", parsed.password);
  const query = queryStart < 0 ? "" : value.slice(queryStart + 1).split("#")[0];
  for (const [key, item] of new URLSearchParams(query)) fields.set(key.toLowerCase(), item);
  return fields;
}

/** Throws with a reason (never the value) when the string is neither form. */
export function parsePgConnection(value: string): PgConnection {
  const fields = pgConnectionFields(value);
  return {
    hosts: (fields.get("host") ?? fields.get("hostaddr") ?? "").toLowerCase().replace(/\[([^\]]*)\]/g, "$1"),
    port: fields.get("port") ?? "",
    database: fields.get("dbname") ?? "",
    user: fields.get("user") ?? "",
    passwordParameters: PASSWORD_PARAMETERS.filter((key) => fields.has(key)),
    fileParameters: FILE_PARAMETERS.filter((key) => fields.has(key)),
  };
}

/** The config's rule: a connection string that terraform can read, that holds no password and names no file. */
export function connStrProblems(value: string): string[] {
  let connection: PgConnection;
  try {
    connection = parsePgConnection(value);
  } catch (error) {
    return [
      `must be a PostgreSQL connection string (a postgres:// URL or libpq key=value pairs): ${(error as Error).message}`,
    ];
  }
  const problems: string[] = [];
  if (connection.passwordParameters.length > 0) {
    problems.push(
      `must not hold a password (found: ${connection.passwordParameters.join(", ")}): a committed password leaks into cdk.tf.json and .terraform/. Leave connStr out and set PG_CONN_STR, or keep connStr and set PGPASSWORD, in terraform's environment`,
    );
  }
  if (connection.fileParameters.length > 0) {
    problems.push(
      `must not name a file (found: ${connection.fileParameters.join(", ")}): terraform's pg driver and the tools read it on the machine that runs them, ` +
        "and a config that a pull request can change must not choose what they read (a device or a named pipe there stops synth and terraform). " +
        "Leave connStr out and set PG_CONN_STR in terraform's environment, or keep connStr and give the files as PGSSLCERT, PGSSLKEY, PGSSLROOTCERT or PGPASSFILE",
    );
  }
  return problems;
}
