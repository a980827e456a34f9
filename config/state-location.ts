/**
 * Where a stack's state lives, normalised so that two spellings of one place compare equal. Two stacks on
 * one state would overwrite each other: deploying one would plan to delete the other's objects.
 */
import { existsSync, realpathSync } from "node:fs";
import * as path from "node:path";
import type { ResolvedBackend } from "./schema";
import { parsePgConnection } from "./pg-connection";

/** `file` made absolute the way the local backend is configured (stacks/backend.ts), with symlinks resolved. */
export function localStatePath(file: string): string {
  const absolute = path.resolve(file);
  // The file (or its folder) may not exist yet: resolve the deepest part that does.
  let existing = absolute;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    real = existing;
  }
  return path.join(real, path.relative(existing, absolute));
}

/** One string per place: equal strings mean the same state. Call only on backends that passed the config check. */
export function stateLocation(backend: ResolvedBackend): string {
  switch (backend.type) {
    case "local":
      return `local:${localStatePath(backend.path)}`;
    case "pg": {
      // Without connStr, terraform reads PG_CONN_STR: every such stack is on the same database.
      const database = backend.connStr === undefined ? "PG_CONN_STR" : pgDatabase(backend.connStr);
      return `pg:${database}#${backend.schemaName}`;
    }
    case "s3":
      // Bucket names are global, so the region does not make two places out of one bucket and key.
      return `s3:${backend.bucket}/${backend.key}`;
    default:
      return `${backend.type}:${(backend.hostname ?? "app.terraform.io").toLowerCase()}/${backend.organization}/${backend.workspace}`;
  }
}

function pgDatabase(connStr: string): string {
  const { hosts, port, database } = parsePgConnection(connStr);
  return `${hosts}:${port}/${database}`;
}
