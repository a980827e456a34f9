/**
 * Creates a stack's place in terraform's pg backend before terraform touches it, one creator at a time.
 *
 * Why (terraform 1.11, internal/backend/remote-state/pg):
 * - `terraform init` creates the schema, the shared `public.global_states_id_seq`, the `states` table and its
 *   index with `CREATE ... IF NOT EXISTS`. PostgreSQL does not make that safe between sessions: two first
 *   inits at once fail in 1 of 3 rounds with a raw duplicate-key error on a system catalog.
 * - The `default` workspace has no row until its first apply persists state. Until then terraform's lock
 *   for it is the database-wide advisory lock -1 ("workspace creation"), held for the whole first apply:
 *   every other stack's apply in that database is refused ("Cannot lock workspace; already locked for
 *   workspace creation") for as long as one stack's first deploy runs.
 *
 * So, under an advisory lock of our own (transaction-scoped: it cannot outlive us), we run the same DDL
 * terraform runs and insert the workspace's row holding an empty state, exactly the sentinel terraform itself
 * writes for a new named workspace. Terraform then finds everything in place: its DDL is a no-op and every
 * lock is the row's own lock, so stacks never block each other and two deploys of one stack meet on that
 * row lock ("Workspace is already locked"), which the tools already explain.
 */
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { Client, ClientConfig, escapeIdentifier } from "pg";
import { PgFields, pgConnectionFields } from "../../config/pg-connection";
import { readPemFile } from "../../p1as/pem-file";
import { pgFileRefused } from "../../cli-kit/errors";

/**
 * Our lock's key, in PostgreSQL's two-int4 key space, which never overlaps the bigint keys terraform locks
 * (row ids and -1). "p1as" in ASCII, then 1 for "backend bootstrap".
 */
const BOOTSTRAP_LOCK = [0x70316173, 1] as const;

/** How long a bootstrap waits for another one; creating a row takes milliseconds, so a wait this long means a hung session. */
const LOCK_WAIT = "60s";
const CONNECT_TIMEOUT_MS = 15_000;

export type PgBootstrap = "present" | "created";

export interface PgBootstrapOptions {
  /** The `pg` backend block of cdk.tf.json (snake_case arguments). */
  readonly backend: Readonly<Record<string, unknown>>;
  /** terraform's environment: PG_CONN_STR, PGPASSWORD, PG_SCHEMA_NAME, TF_WORKSPACE ... */
  readonly env: NodeJS.ProcessEnv;
  /** The running terraform's version, written into the empty state (asked only when a row is created). */
  readonly terraformVersion: () => Promise<string>;
}

/**
 * Makes sure the workspace's row exists. Throws on any database error (the caller decides what that means:
 * terraform's own init reports an unreachable database better than we can).
 */
export async function preparePgState(options: PgBootstrapOptions): Promise<PgBootstrap> {
  const { backend, env } = options;
  const flag = (argument: string, variable: string) =>
    backend[argument] === true || /^(1|true)$/i.test(env[variable] ?? "");
  const schema = stringArgument(backend.schema_name) ?? env.PG_SCHEMA_NAME ?? "terraform_remote_state";
  const workspace = env.TF_WORKSPACE || "default";
  const connStr = stringArgument(backend.conn_str) ?? env.PG_CONN_STR;
  if (!connStr) throw new Error("no conn_str in the backend and no PG_CONN_STR in the environment");

  const client = new Client(
    clientConfig(connStr, env, stringArgument(backend.conn_str) ? "the backend's conn_str" : "PG_CONN_STR"),
  );
  // An error after connect (server restart) must not crash the process: the query in flight rejects anyway.
  client.on("error", () => undefined);
  await client.connect();
  try {
    const table = `${escapeIdentifier(schema)}.states`;
    if (await rowExists(client, table, workspace)) return "present";
    const version = await options.terraformVersion();
    await client.query("BEGIN");
    try {
      await client.query(`SET LOCAL lock_timeout = '${LOCK_WAIT}'`);
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [...BOOTSTRAP_LOCK]);
      // The same statements as terraform's Configure, so that its own run of them finds nothing to do.
      if (!flag("skip_schema_creation", "PG_SKIP_SCHEMA_CREATION")) {
        // Like terraform: look first, so a role without CREATE on the database can use a schema made for it.
        const found = await client.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [schema]);
        if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)}`);
      }
      if (!flag("skip_table_creation", "PG_SKIP_TABLE_CREATION")) {
        await client.query("CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq AS bigint");
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${table} (id bigint NOT NULL DEFAULT nextval('public.global_states_id_seq') PRIMARY KEY, name text UNIQUE, data text)`,
        );
      }
      if (!flag("skip_index_creation", "PG_SKIP_INDEX_CREATION")) {
        await client.query(`CREATE UNIQUE INDEX IF NOT EXISTS states_by_name ON ${table} (name)`);
      }
      const inserted = await client.query(
        `INSERT INTO ${table} (name, data) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
        [workspace, emptyState(version)],
      );
      await client.query("COMMIT");
      return inserted.rowCount === 1 ? "created" : "present";
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Without any lock or DDL: the common case (every deploy after the first) costs one query. */
async function rowExists(client: Client, table: string, workspace: string): Promise<boolean> {
  try {
    return (await client.query(`SELECT 1 FROM ${table} WHERE name = $1`, [workspace])).rowCount === 1;
  } catch (error) {
    // 3F000 no such schema, 42P01 no such table: nothing exists yet.
    if (["3F000", "42P01"].includes((error as { code?: string }).code ?? "")) return false;
    throw error;
  }
}

/** What terraform writes for a workspace with nothing in it (statefile format 4). */
function emptyState(terraformVersion: string): string {
  return JSON.stringify(
    {
      version: 4,
      terraform_version: terraformVersion,
      serial: 0,
      lineage: randomUUID(),
      outputs: {},
      resources: [],
      check_results: null,
    },
    null,
    2,
  );
}

const stringArgument = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The files terraform's driver (lib/pq) reads for a connection, by keyword and the variable that stands in for
 * it. It reads each whole, so a device or a named pipe there would never end: each must pass the certificate
 * files' policy (p1as/pem-file.ts) first.
 */
const DRIVER_FILES = [
  ["sslrootcert", "PGSSLROOTCERT"],
  ["sslcert", "PGSSLCERT"],
  ["sslkey", "PGSSLKEY"],
  ["passfile", "PGPASSFILE"],
] as const;

type DriverFile = (typeof DRIVER_FILES)[number][0];

/**
 * Reads the files the connection names (conn_str or PG_CONN_STR keywords, else PG* variables) under the
 * certificate files' policy: a regular file, symlinks resolved, at most 64 KiB, opened without blocking.
 * Throws a CliError naming the parameter, where it came from and why, before terraform's driver could read
 * it without end. `source` names the connection string ("PG_CONN_STR", "the backend's conn_str").
 */
function readDriverFiles(
  fields: PgFields,
  env: NodeJS.ProcessEnv,
  source: string,
): Partial<Record<DriverFile, string>> {
  const files: Partial<Record<DriverFile, string>> = {};
  for (const [key, variable] of DRIVER_FILES) {
    const fromString = fields.get(key) || undefined;
    const name = fromString ?? (env[variable] || undefined);
    if (!name) continue;
    const read = readPemFile(path.resolve(name));
    if (!read.ok) throw pgFileRefused(key, fromString ? source : variable, read.reason);
    files[key] = read.text;
  }
  return files;
}

/**
 * The connection terraform's driver (lib/pq) would open: a URL or libpq keywords, PG* variables for what the
 * string leaves out, and lib/pq's sslmode default `require` (encrypted, certificate not verified).
 */
export function clientConfig(connStr: string, env: NodeJS.ProcessEnv, source = "PG_CONN_STR"): ClientConfig {
  const fields = pgConnectionFields(connStr);
  const get = (key: string, variable: string) => fields.get(key) || env[variable] || undefined;
  const sslmode = get("sslmode", "PGSSLMODE") ?? "require";
  const files = readDriverFiles(fields, env, source);
  const ssl =
    sslmode === "disable"
      ? false
      : {
          // lib/pq: require verifies nothing (unless a root certificate is given); verify-ca skips the host name.
          rejectUnauthorized:
            sslmode.startsWith("verify") || (sslmode === "require" && files.sslrootcert !== undefined),
          ...(sslmode === "verify-full" ? {} : { checkServerIdentity: () => undefined }),
          ca: files.sslrootcert,
          cert: files.sslcert,
          key: files.sslkey,
        };
  return {
    host: get("host", "PGHOST") ?? get("hostaddr", "PGHOSTADDR") ?? "localhost",
    port: Number(get("port", "PGPORT") ?? 5432),
    database: get("dbname", "PGDATABASE"),
    user: get("user", "PGUSER"),
    password: get("password", "PGPASSWORD"),
    ssl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: "p1as-backend-bootstrap",
  };
}
