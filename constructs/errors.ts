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
