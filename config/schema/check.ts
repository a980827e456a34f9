/** One check of a config against its shape and every rule, each bad field reported once at its path. */
import { z } from "zod";
import type { ConfigIssue } from "../../constructs/errors";
import { ALLOWED_HOSTS_VARIABLE, parseAllowedHosts } from "../../p1as/destinations";
import { JsonIssue, stringIssues } from "../json-strings";
import { P1asConfig, configSchema } from "./shape";
import { Issue, backendIssues, crossFieldIssues, formatPath } from "./rules";

/** Fields a config of an earlier version may still hold, and what to do instead. */
const REPLACED_FIELDS: Record<string, string> = {
  clientSecretVariable:
    "is replaced by clientSecretEnv: the p1as provider reads client secrets from environment variables of the environment's own " +
    "(default P1AS_<ENV>_CLIENT_SECRET and P1AS_<ENV>_AUDIT_CLIENT_SECRET), so a plan can run with the read-only client alone; " +
    "remove clientSecretVariable and add audit: { clientId } for the read-only client (docs/reference/configuration.md)",
};

/** zod's "Unrecognized key(s)" becomes one issue per key, at the key's own path. */
function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.flatMap((issue): Issue[] =>
    issue.code === z.ZodIssueCode.unrecognized_keys
      ? issue.keys.map((key) => ({
          path: [...issue.path, key],
          message: REPLACED_FIELDS[key] ?? "unknown field (check its spelling; see config/example.json)",
        }))
      : [{ path: issue.path, message: issue.message }],
  );
}

/** Groups all issues by path: one entry per bad field, listing every rule it breaks. */
function groupByPath(issues: Issue[]): ConfigIssue[] {
  const byPath = new Map<string, string[]>();
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const reasons = byPath.get(path) ?? [];
    if (!reasons.includes(issue.message)) reasons.push(issue.message);
    byPath.set(path, reasons);
  }
  return [...byPath].map(([path, reasons]) => ({ path, reasons }));
}

export type ConfigCheck =
  | { readonly config: P1asConfig; readonly issues: readonly [] }
  | { readonly config?: undefined; readonly issues: readonly ConfigIssue[] };

/**
 * Checks a parsed JSON value against every rule; never throws. `textIssues` are what only the file's
 * text shows (duplicate keys), reported in the same round. `env` supplies the operator's allow-list of hosts
 * (P1AS_ALLOWED_HOSTS), which is deliberately not part of the config. `baseDir`: the config file's folder, which
 * its relative paths are relative to.
 */
export function checkConfig(
  raw: unknown,
  textIssues: readonly JsonIssue[] = [],
  env: NodeJS.ProcessEnv = process.env,
  baseDir = ".",
): ConfigCheck {
  const parsed = configSchema.safeParse(raw);
  const allowed = parseAllowedHosts(env[ALLOWED_HOSTS_VARIABLE]);
  const issues = [
    ...textIssues,
    ...allowed.problems.map((message) => ({
      path: [`$${ALLOWED_HOSTS_VARIABLE}`],
      message: `(environment variable) ${message}`,
    })),
    ...stringIssues(raw),
    ...(parsed.success ? [] : zodIssues(parsed.error)),
    ...crossFieldIssues(raw, allowed.hosts),
  ];
  if (parsed.success && issues.length === 0) issues.push(...backendIssues(parsed.data, baseDir));
  if (parsed.success && issues.length === 0) return { config: parsed.data, issues: [] };
  return { issues: groupByPath(issues) };
}
