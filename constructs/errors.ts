/**
 * The synth-time error catalogue. Every error a construct, stack or config loader throws comes from a
 * factory here, so the wording is pinned in one place and tests can assert it exactly.
 */

/** The one error type synth throws for bad input. Nothing reaches an API after it. */
export class ValidationError extends Error {
  public readonly name = "ValidationError";
  constructor(
    /** Where the bad value is: a construct path or a config path such as `environments[1].name`. */
    public readonly path: string,
    /** The field, in the API's or the config's own words. */
    public readonly field: string,
    /** Every rule the value breaks. */
    public readonly reasons: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** Renders a value for a message without ever dumping a long or multi-line string (PEM bodies, keys). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    if (value.includes("\n") || value.length > 120) return `<${value.length} characters>`;
    return JSON.stringify(value);
  }
  if (value === undefined) return "undefined";
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

/** `<path>: invalid <field> <value>: <reason>; <reason>` — one error per field listing every broken rule. */
export function invalidField(path: string, field: string, value: unknown, reasons: readonly string[]): ValidationError {
  const where = path ? `${path}: ` : "";
  return new ValidationError(
    path,
    field,
    reasons,
    `${where}invalid ${field} ${describeValue(value)}: ${reasons.join("; ")}`,
  );
}

/** A rule that spans two fields names both and says how to fix it. */
export function conflictingFields(
  path: string,
  field: string,
  other: string,
  reason: string,
  fix: string,
): ValidationError {
  const where = path ? `${path}: ` : "";
  return new ValidationError(path, field, [reason], `${where}${field} conflicts with ${other}: ${reason}. ${fix}`);
}

/** One bad value in a config file: its path (`environments[1].name`) and every rule it breaks. */
export interface ConfigIssue {
  readonly path: string;
  readonly reasons: readonly string[];
}

/**
 * Local state left where a relative backend.path led before the one rule for relative paths
 * (config/state-paths.ts): refused before anything is synthesized, one line per path.
 */
export function stateAtFormerPath(source: string, problems: readonly string[]): ValidationError {
  return new ValidationError(
    source,
    "backend.path",
    problems,
    `${source}: refused, nothing was synthesized:\n${problems.map((line) => `  - ${line}`).join("\n")}`,
  );
}

/**
 * The whole config is judged before anything is synthesized, so the user fixes every problem in one
 * round. `reasons` holds one `<path>: <reason>; <reason>` line per bad field.
 */
export function invalidConfig(source: string, issues: readonly ConfigIssue[]): ValidationError {
  const lines = issues.map((issue) => `${issue.path || "(root)"}: ${issue.reasons.join("; ")}`);
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return new ValidationError(
    source,
    "config",
    lines,
    `${source}: invalid config, ${count} (nothing was synthesized):\n${lines.map((line) => `  - ${line}`).join("\n")}`,
  );
}

/** The config file is missing or is not JSON. */
export function unreadableConfig(source: string, reason: string): ValidationError {
  return new ValidationError(
    source,
    "config",
    [reason],
    `${source}: cannot read config: ${reason}. Point P1AS_CONFIG at a JSON file shaped like config/example.json.`,
  );
}

// ---- the state inventory (config/inventory.ts) ------------------------------------------------------

const RESTORE = (file: string) =>
  `Restore it from git (git checkout -- ${file}): synth writes it, and only ever adds entries.`;

/** The inventory breaks its schema: names our stacks cannot have, a backend the config would refuse, ... */
export function invalidInventory(file: string, issues: readonly ConfigIssue[]): ValidationError {
  const lines = issues.map((issue) => `${issue.path || "(root)"}: ${issue.reasons.join("; ")}`);
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return new ValidationError(
    file,
    "inventory",
    lines,
    `${file}: invalid state inventory, ${count} (nothing was synthesized):\n${lines.map((line) => `  - ${line}`).join("\n")}\n${RESTORE(file)}`,
  );
}

/** The entries no longer hash to the sha256 synth wrote with them: one was removed or changed by hand. */
export function inventoryEdited(file: string, resealVariable: string): ValidationError {
  const reason = "its entries do not match its sha256: an entry was removed or changed by hand since synth wrote it";
  return new ValidationError(
    file,
    "inventory",
    [`sha256: ${reason}`],
    `the state inventory ${file} was edited: ${reason}, so the tools could no longer find a state it listed. Nothing was synthesized. ${RESTORE(file)} ` +
      `If you removed an entry on purpose because its state is gone for good (docs/tasks/retire-an-environment.md#removing-an-inventory-entry), ` +
      `run npm run synth once with ${resealVariable}=1 and commit the file with a message that says why.`,
  );
}

/** Entries for an environment the config still names (as retired) are missing: removed, sha256 recomputed or not. */
export function inventoryLacksEnvironments(
  configFile: string,
  file: string,
  environments: readonly string[],
): ValidationError {
  const names = environments.join(", ");
  const stacks = environments.map((name) => `p1as-${name}`).join(", ");
  return new ValidationError(
    file,
    "inventory",
    [`stacks: no entry for ${stacks}, which pingone.roleAttributes.retiredEnvironments lists`],
    `${configFile}: pingone.roleAttributes.retiredEnvironments lists ${names}, but the state inventory ${file} has no entry for ${stacks}: ` +
      `it was removed, so the tools could no longer check that the retired state is empty. Nothing was synthesized. ${RESTORE(file)}`,
  );
}

/**
 * With managed role attributes, dropping an environment the inventory knows without listing it under
 * retiredEnvironments would remove its roles (and every user's grant of them).
 */
export function environmentsForgotten(
  configFile: string,
  file: string,
  environments: readonly string[],
): ValidationError {
  const names = environments.join(", ");
  return new ValidationError(
    configFile,
    "environments",
    [`${names} left environments without being listed under pingone.roleAttributes.retiredEnvironments`],
    `${configFile}: ${names} ${environments.length === 1 ? "is" : "are"} in the state inventory ${file} but neither in environments nor in ` +
      "pingone.roleAttributes.retiredEnvironments: synthesizing would remove their roles from the PingOne user attributes, and every user's grant of them. " +
      "List them under retiredEnvironments (after retiring them: docs/tasks/retire-an-environment.md).",
  );
}

/** CI synthesizes with a frozen inventory, as `npm ci` installs with a frozen lock file. */
export function inventoryOutOfDate(file: string, reason: string, frozenVariable: string): ValidationError {
  return new ValidationError(
    file,
    "inventory",
    [reason],
    `the state inventory ${file} is out of date (${reason}) and ${frozenVariable}=1 forbids changing it here. ` +
      "Run npm run synth locally and commit the inventory with the config. Nothing was synthesized.",
  );
}

/** One prop of a construct and every rule its value breaks (empty when valid). */
export interface FieldCheck {
  readonly field: string;
  readonly value: unknown;
  readonly reasons: readonly string[];
}

/**
 * Throws when any prop breaks a rule: one line per bad field, each listing every broken rule.
 * Callers leave out props that are unresolved tokens, whose value is only known at apply time.
 */
export function assertValidFields(path: string, checks: readonly FieldCheck[]): void {
  const errors = checks
    .filter((check) => check.reasons.length > 0)
    .map((check) => invalidField(path, check.field, check.value, check.reasons));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new ValidationError(
      path,
      errors.map((error) => error.field).join(", "),
      errors.flatMap((error) => error.reasons),
      errors.map((error) => error.message).join("\n"),
    );
  }
}
