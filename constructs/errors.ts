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
export function conflictingFields(path: string, field: string, other: string, reason: string, fix: string): ValidationError {
  const where = path ? `${path}: ` : "";
  return new ValidationError(path, field, [reason], `${where}${field} conflicts with ${other}: ${reason}. ${fix}`);
}

/** One bad value in a config file: its path (`environments[1].name`) and every rule it breaks. */
export interface ConfigIssue {
  readonly path: string;
  readonly reasons: readonly string[];
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
