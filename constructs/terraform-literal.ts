/**
 * One rule for every string that reaches synthesized JSON: text from a config file or a construct prop
 * is a Terraform literal, never code. The pull-request workflow plans with secrets in its environment,
 * so whatever a config value could make terraform evaluate, a pull request could publish.
 *
 * Terraform reads strings in three ways, measured with terraform 1.11 (see the README's security page):
 * - **Template positions**: resource, provider, data, local and output values. Every JSON string there
 *   is a template, so `${...}` interpolates and `%{...}` runs a directive. `templateLiteral` escapes both
 *   (`$${`, `%%{`), which terraform turns back into the plain characters.
 * - **Expression positions**: inside a `${...}` that code builds. A quote there ends the string and the
 *   rest would run as code; cdktf 0.21 escapes neither quotes nor `%{` in its own expression rendering.
 *   `expressionLiteral` writes a complete, escaped HCL string literal instead.
 * - **Literal positions**: backend blocks and the descriptions of variables and outputs are taken as
 *   they are; nothing is evaluated there, so nothing is escaped (an escape would change the value).
 *
 * Tokens (references that code creates, such as another resource's id) are references by design and
 * stay as they are; only the text around them is escaped. Config files cannot carry tokens: the config
 * check refuses the token marker text (config/json-strings.ts).
 */
import { Token } from "cdktf";

/** cdktf's string, list and map token markers (`${TfToken[TOKEN.12]}`), as its own encoder writes them. */
const TOKEN_MARKER = /[$#&]\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/** `${` and `%{` open an interpolation or a directive in a Terraform template; doubled, they are text. */
const escapeTemplate = (text: string) => text.replace(/([$%])\{/g, "$1$1{");

/** A string for a template position: terraform reads it back as exactly `value`. Tokens stay references. */
export function templateLiteral(value: string): string {
  if (!Token.isUnresolved(value)) return escapeTemplate(value);
  let escaped = "";
  let last = 0;
  for (const marker of value.matchAll(TOKEN_MARKER)) {
    escaped += escapeTemplate(value.slice(last, marker.index)) + marker[0];
    last = marker.index + marker[0].length;
  }
  return escaped + escapeTemplate(value.slice(last));
}

/** `templateLiteral` over every string of a JSON-like value (a for_each map, a local's object). */
export function templateLiterals<T>(value: T): T {
  if (typeof value === "string") return templateLiteral(value) as T;
  if (Array.isArray(value)) return value.map(templateLiterals) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, templateLiterals(item)])) as T;
  }
  return value;
}

/**
 * The text a template-position string stands for, for tools that read synthesized JSON back (drift), or
 * undefined when it holds an interpolation or a directive (a reference only terraform can resolve).
 */
export function readTemplateLiteral(template: string): string | undefined {
  let text = "";
  for (let i = 0; i < template.length; i++) {
    const pair = template.slice(i, i + 3);
    if (pair === "$${" || pair === "%%{") {
      text += `${pair[0]}{`;
      i += 2;
    } else if (pair.startsWith("${") || pair.startsWith("%{")) {
      return undefined;
    } else {
      text += template[i];
    }
  }
  return text;
}

const HCL_ESCAPES: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * An HCL expression (a quoted string) that evaluates to exactly `value`, for the few places where a
 * literal must sit inside an expression. Quotes, backslashes and control characters are escaped so the
 * string cannot end early, and `${`/`%{` are doubled so nothing inside it is evaluated.
 */
export function expressionLiteral(value: string): string {
  if (Token.isUnresolved(value)) {
    throw new Error(`expressionLiteral takes plain text, not a token (${value}); reference tokens directly`);
  }
  const body = value.replace(
    /[\\"\u0000-\u001f\u007f]/g,
    (c) => HCL_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `"${escapeTemplate(body)}"`;
}
