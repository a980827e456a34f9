/**
 * GITHUB_TOKEN permissions as GitHub computes them: `read-all`, `write-all`, `{}` or a map in which every
 * scope left out is `none`; and the comparison a call needs, scope by scope (none < read < write).
 */
import { PERMISSION_SCOPES, PermissionLevel } from "./github-rules";
import { isYamlMap } from "./workflow-files";

export type Grants = Readonly<Record<string, PermissionLevel>>;

export type ReadPermissions =
  | { readonly kind: "unset" }
  | { readonly kind: "set"; readonly grants: Grants }
  /** What is wrong, one problem each: `unknown scope "content"`. */
  | { readonly kind: "invalid"; readonly problems: readonly string[] };

const RANK: Readonly<Record<PermissionLevel, number>> = { none: 0, read: 1, write: 2 };
const SCOPES = Object.keys(PERMISSION_SCOPES);

/** Every scope at the highest level it takes up to `ceiling` (`read-all` gives `id-token: none`, which has no read). */
const all = (ceiling: PermissionLevel): Grants =>
  Object.fromEntries(
    SCOPES.map((scope) => [
      scope,
      [...PERMISSION_SCOPES[scope]].sort((a, b) => RANK[b] - RANK[a]).find((level) => RANK[level] <= RANK[ceiling]) ??
        "none",
    ]),
  );

export function readPermissions(value: unknown): ReadPermissions {
  if (value === undefined || value === null) return { kind: "unset" };
  if (value === "read-all") return { kind: "set", grants: all("read") };
  if (value === "write-all") return { kind: "set", grants: all("write") };
  if (!isYamlMap(value))
    return {
      kind: "invalid",
      problems: [`permissions is ${JSON.stringify(value)}, not read-all, write-all or a map of scope: level`],
    };
  const problems: string[] = [];
  for (const [scope, level] of Object.entries(value)) {
    const levels = PERMISSION_SCOPES[scope];
    if (!levels) problems.push(`unknown scope ${JSON.stringify(scope)} (GitHub's scopes: ${SCOPES.join(", ")})`);
    else if (!levels.includes(level as PermissionLevel))
      problems.push(`${scope}: ${JSON.stringify(level)} is not a level ${scope} takes (${levels.join(", ")})`);
  }
  if (problems.length > 0) return { kind: "invalid", problems };
  return { kind: "set", grants: { ...all("none"), ...(value as Grants) } };
}

/** The scopes `asked` holds above `granted`, as `scope: level`. */
export function beyond(asked: Grants, granted: Grants): string[] {
  return SCOPES.filter((scope) => RANK[asked[scope]] > RANK[granted[scope]]).map(
    (scope) => `${scope}: ${asked[scope]}`,
  );
}

/** `contents: read, pull-requests: write`, or `nothing` for a token with no scope. */
export function describeGrants(grants: Grants): string {
  const held = SCOPES.filter((scope) => grants[scope] !== "none").map((scope) => `${scope}: ${grants[scope]}`);
  return held.length > 0 ? held.join(", ") : "nothing";
}
