/**
 * Terraform remembers the backend a working directory was initialised with in `.terraform/terraform.tfstate`
 * and refuses the next `terraform init` ("Backend configuration changed") when cdk.tf.json names another one,
 * as it does after P1AS_CONFIG switches to another config. Another config is another deployment, so the
 * answer is never to migrate state: the stale record is dropped (`-reconfigure`, or deleting the file where
 * `cdktf diff`/`cdktf deploy` run their own init) with one line that says where the state was and is now.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { canonicalJson } from "../config/inventory";
import type { ResolvedBackend } from "../config/schema";
import { stateLocation } from "../config/state-location";

/** A backend as terraform's JSON syntax writes it: its type and its arguments, snake_case. */
export interface BackendBlock {
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface BackendSwitch {
  /** Where the state was, normalised and without secrets (config/state-location.ts). */
  readonly from: string;
  readonly to: string;
  /**
   * The arguments changed but name the same state (`localhost` for `127.0.0.1`, a default port spelled out,
   * a symlink for its target, connStr for the PG_CONN_STR it equals): terraform still wants -reconfigure.
   */
  readonly sameState: boolean;
}

/** Terraform's record of the backend it initialised, inside the stack directory. */
export const backendCacheFile = (workingDirectory: string) =>
  path.join(workingDirectory, ".terraform", "terraform.tfstate");

/** The backend cdk.tf.json declares; terraform's implied local backend when it declares none. */
export function configuredBackend(configFile: string): BackendBlock {
  const terraform = JSON.parse(readFileSync(configFile, "utf8")).terraform ?? {};
  if (terraform.cloud) return { type: "cloud", config: terraform.cloud };
  const [type, config] = Object.entries(terraform.backend ?? { local: {} })[0] ?? ["local", {}];
  return { type, config: (config ?? {}) as Record<string, unknown> };
}

/**
 * The backend the directory was last initialised with: undefined when it never was, null when the record
 * cannot be read (a half-written file is as stale as a wrong one: it holds no state, only this pointer).
 */
export function initialisedBackend(workingDirectory: string): BackendBlock | undefined | null {
  const file = backendCacheFile(workingDirectory);
  if (!existsSync(file)) return undefined;
  try {
    const backend = JSON.parse(readFileSync(file, "utf8")).backend;
    if (!backend || typeof backend.type !== "string") return null;
    return { type: backend.type, config: backend.config ?? {} };
  } catch {
    return null;
  }
}

/**
 * How the directory's backend record differs from cdk.tf.json, or undefined when `terraform init` would
 * accept it. Terraform compares the arguments as written; an argument set to null counts as absent. `env`:
 * terraform's environment, to tell whether both name the same state (see config/state-location.ts).
 */
export function backendSwitch(
  workingDirectory: string,
  configFile: string,
  env?: NodeJS.ProcessEnv,
): BackendSwitch | undefined {
  const before = initialisedBackend(workingDirectory);
  if (before === undefined) return undefined;
  const after = configuredBackend(configFile);
  if (before !== null && before.type === after.type && sameArguments(before.config, after.config)) return undefined;
  if (before === null)
    return {
      from: "an unreadable .terraform/terraform.tfstate",
      to: backendLocation(after, workingDirectory),
      sameState: false,
    };
  const same = (where?: NodeJS.ProcessEnv) => {
    const [a, b] = [locationOf(before, workingDirectory, where), locationOf(after, workingDirectory, where)];
    return a !== undefined && a === b;
  };
  return {
    from: backendLocation(before, workingDirectory),
    to: backendLocation(after, workingDirectory),
    sameState: same() || (env !== undefined && same(env)),
  };
}

/** The one line every tool (and synth) prints for a switch. */
export function backendSwitchLine(stack: string, change: BackendSwitch): string {
  if (change.sameState) {
    return `${stack}: the state backend's settings changed (${change.from} is now written ${change.to}) but name the same state: re-initialising (terraform init -reconfigure)`;
  }
  return (
    `${stack}: the state backend changed from ${change.from} to ${change.to}: re-initialising for the new one ` +
    "(terraform init -reconfigure; no state is copied: another config is another deployment)"
  );
}

/**
 * For synth: deletes the stale record so that `cdktf diff`/`cdktf deploy` (which run a plain `terraform init`)
 * initialise the new backend. Returns whether it did.
 */
export function dropStaleBackendCache(
  stack: string,
  workingDirectory: string,
  configFile: string,
  log: (line: string) => void,
): boolean {
  const change = backendSwitch(workingDirectory, configFile);
  if (!change) return false;
  log(backendSwitchLine(stack, change));
  rmSync(backendCacheFile(workingDirectory), { force: true });
  return true;
}

/**
 * Terraform's record lists every argument of the backend's schema (`"prefix": null` inside `workspaces` too),
 * cdk.tf.json only the ones set: compared as canonical JSON, which leaves null-valued keys out at every depth.
 */
function sameArguments(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * A backend block as the normalised location of its state (config/state-location.ts); a block the normaliser
 * cannot read names only its type. Without `env`, a pg block without conn_str is `pg:PG_CONN_STR#<schema>`:
 * that form is safe to print, while one resolved with `env` may show parts of PG_CONN_STR and is for comparing.
 */
export function backendLocation(block: BackendBlock, workingDirectory: string, env?: NodeJS.ProcessEnv): string {
  return locationOf(block, workingDirectory, env) ?? `a ${block.type} backend`;
}

function locationOf(block: BackendBlock, workingDirectory: string, env?: NodeJS.ProcessEnv): string | undefined {
  const text = (key: string) => (typeof block.config[key] === "string" ? (block.config[key] as string) : undefined);
  let backend: ResolvedBackend | undefined;
  switch (block.type) {
    case "local":
      // Terraform resolves a relative path against the directory it runs in.
      backend = { type: "local", path: path.resolve(workingDirectory, text("path") ?? "terraform.tfstate") };
      break;
    case "pg":
      backend = {
        type: "pg",
        connStr: text("conn_str"),
        schemaName: text("schema_name") ?? env?.PG_SCHEMA_NAME ?? "terraform_remote_state",
      };
      break;
    case "s3":
      backend = {
        type: "s3",
        bucket: text("bucket") ?? "?",
        key: text("key") ?? "?",
        region: text("region") ?? "",
        encrypt: false,
      };
      break;
    case "remote":
    case "cloud": {
      const workspaces = block.config.workspaces as { name?: string } | { name?: string }[] | undefined;
      const workspace = (Array.isArray(workspaces) ? workspaces[0] : workspaces)?.name ?? "?";
      backend = { type: block.type, organization: text("organization") ?? "?", workspace, hostname: text("hostname") };
      break;
    }
  }
  try {
    return backend && stateLocation(backend, env);
  } catch {
    // An unparsable conn_str: its text may hold a password, so it is never echoed.
    return undefined;
  }
}
