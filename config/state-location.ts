/**
 * Where a stack's state lives, normalised so that two spellings of one place compare equal. Two stacks on
 * one state would overwrite each other: deploying one would plan to delete the other's objects.
 *
 * Normalised: local paths made absolute with every symlink resolved, a dangling one included (terraform
 * creates the state where the link points); pg connection strings parsed (a URL or key=value pairs), the
 * loopback names `localhost`, `127.0.0.1` and `::1` made one, and what the string leaves out filled in the
 * way terraform's driver (lib/pq) does: host localhost, port 5432, database the user's name.
 *
 * Where terraform takes part of the place from its environment (PG_CONN_STR when a pg backend has no connStr;
 * PGHOST, PGPORT, PGDATABASE, PGUSER), the answer depends on that environment. Without one (`env` undefined:
 * the config check and the inventory, which must read the same on every machine) a pg backend without connStr
 * is at `pg:PG_CONN_STR#<schema>`; the tools, which run with terraform's environment, pass it and compare
 * what terraform will really open.
 */
import { existsSync, readlinkSync, realpathSync } from "node:fs";
import { isIPv6 } from "node:net";
import * as path from "node:path";
import type { ResolvedBackend } from "./schema";
import { parsePgConnection } from "./pg-connection";

/** How many symlinks a path may pass through, as Linux's ELOOP limit. */
const MAX_SYMLINKS = 40;

/**
 * `file` made absolute the way the local backend is configured (stacks/backend.ts), with symlinks resolved,
 * also where the file (or its folder) does not exist yet, and through a dangling link to where it points.
 */
export function localStatePath(file: string): string {
  return resolveAll(path.resolve(file), 0);
}

function resolveAll(absolute: string, links: number): string {
  if (existsSync(absolute)) {
    try {
      return realpathSync(absolute);
    } catch {
      return absolute;
    }
  }
  const parent = path.dirname(absolute);
  if (parent === absolute) return absolute;
  const candidate = path.join(resolveAll(parent, links), path.basename(absolute));
  let target: string;
  try {
    // existsSync follows links, so a dangling one lands here: where it points is where terraform writes.
    target = readlinkSync(candidate);
  } catch {
    return candidate;
  }
  return links >= MAX_SYMLINKS ? candidate : resolveAll(path.resolve(path.dirname(candidate), target), links + 1);
}

/**
 * One string per place: equal strings mean the same state. Call only on backends that passed the config
 * check. `env`: terraform's environment, when it is known (see the module comment).
 */
export function stateLocation(backend: ResolvedBackend, env?: NodeJS.ProcessEnv): string {
  switch (backend.type) {
    case "local":
      return `local:${localStatePath(backend.path)}`;
    case "pg":
      return `pg:${pgPlace(backend.connStr, env)}#${backend.schemaName}`;
    case "s3":
      // Bucket names are global, so the region does not make two places out of one bucket and key.
      return `s3:${backend.bucket}/${backend.key}`;
    default:
      return `${backend.type}:${(backend.hostname ?? "app.terraform.io").toLowerCase()}/${backend.organization}/${backend.workspace}`;
  }
}

/**
 * Whether two stacks' backends could be one state, judged without terraform's environment: the same location,
 * or two pg backends with one schema name where one reads its database from PG_CONN_STR, which may name the
 * other's database.
 */
export function mayShareState(a: ResolvedBackend, b: ResolvedBackend): boolean {
  if (stateLocation(a) === stateLocation(b)) return true;
  return (
    a.type === "pg" &&
    b.type === "pg" &&
    a.schemaName === b.schemaName &&
    (a.connStr === undefined) !== (b.connStr === undefined)
  );
}

/**
 * `host:port/database` as terraform's driver would connect; "PG_CONN_STR" while that is unknown (no `env`) or
 * unreadable (terraform refuses it too, and its text is never echoed). A connStr that does not parse throws
 * (the config check refuses it first).
 */
function pgPlace(connStr: string | undefined, env: NodeJS.ProcessEnv | undefined): string {
  if (connStr !== undefined) return pgDatabase(connStr, env);
  if (!env?.PG_CONN_STR) return "PG_CONN_STR";
  try {
    return pgDatabase(env.PG_CONN_STR, env);
  } catch {
    return "PG_CONN_STR";
  }
}

function pgDatabase(connStr: string, env: NodeJS.ProcessEnv | undefined): string {
  const connection = parsePgConnection(connStr);
  const hosts = (connection.hosts || env?.PGHOST || env?.PGHOSTADDR || "localhost").split(",").map(normaliseHost);
  const ports = (connection.port || env?.PGPORT || "5432")
    .split(",")
    .map((port) => (/^\d+$/.test(port.trim()) ? String(Number(port)) : port.trim()));
  const database = connection.database || env?.PGDATABASE || connection.user || env?.PGUSER || "";
  return `${hosts.join(",")}:${ports.join(",")}/${database}`;
}

/** One spelling per host: lowercase, loopback as `localhost`, IPv6 in its canonical form. */
function normaliseHost(host: string): string {
  const name = host.trim();
  // A unix socket directory is a path: its case matters.
  if (name.startsWith("/")) return name;
  const lower = name.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  const canonical = isIPv6(lower) ? new URL(`http://[${lower}]`).hostname.slice(1, -1) : lower;
  return canonical === "127.0.0.1" || canonical === "::1" ? "localhost" : canonical;
}
