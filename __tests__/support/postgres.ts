/**
 * A throwaway PostgreSQL for backend tests: its own data directory, a free loopback port, trust auth, a
 * socket directory inside the temp dir. Each test suite starts its own, so suites never share state or ports.
 * PostgreSQL refuses to run as root, so as root (CI) every server command runs as the `postgres` user.
 */
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Postgres {
  /** For terraform's pg backend (`PG_CONN_STR`); no password, trust auth on loopback only. */
  readonly connStr: string;
  readonly port: number;
  /** Runs one SQL statement with psql and returns its unaligned, tuples-only output. */
  sql(statement: string): Promise<string>;
  stop(): Promise<void>;
}

/** The database terraform keeps state in; the pg backend needs it to exist. */
export const STATE_DATABASE = "terraform_state";

/** The newest installed server's bin directory (Debian layout), or wherever `pg_ctl` is on PATH. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((version) => existsSync(path.join(root, version, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(root, versions[0], "bin");
  }
  const onPath = (process.env.PATH ?? "").split(path.delimiter).find((dir) => existsSync(path.join(dir, "pg_ctl")));
  return onPath;
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(
      "PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql (.ci/run does) or put them on PATH",
    );
  const dir = mkdtempSync(path.join(tmpdir(), "p1as-pg-"));
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? await postgresUser() : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const server = (command: string, args: string[]) =>
    owner
      ? run("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args])
      : run(path.join(bin, command), args);

  const data = path.join(dir, "data");
  await server("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  // -w waits until the server accepts connections: no sleeping, no polling here.
  await server("pg_ctl", ["-D", data, "-o", settings, "-l", path.join(dir, "server.log"), "-w", "start"]);
  const client = (command: string, args: string[]) =>
    run(path.join(bin, command), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", ...args]);
  await client("createdb", [STATE_DATABASE]);

  return {
    connStr: `postgres://postgres@127.0.0.1:${port}/${STATE_DATABASE}?sslmode=disable`,
    port,
    sql: async (statement) =>
      (await client("psql", ["-d", STATE_DATABASE, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement])).stdout.trim(),
    stop: async () => {
      await server("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** A port the OS just handed out; the server binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
