/**
 * Finds the `${{ }}` expressions in a workflow value and the names they use: the contexts they read (the
 * first name of each property chain) and the functions they call. Only as much of GitHub's expression
 * syntax as that needs: string literals are skipped whole, so `'needs'` or `'}}'` inside quotes is text.
 */

/** A context an expression reads, and the property it reads first when that is spelled out (`secrets.X`, `secrets['X']`). */
export interface ContextRead {
  readonly context: string;
  readonly property?: string;
}

export interface ExpressionNames {
  /** The expression as written, without `${{` and `}}`. */
  readonly text: string;
  readonly contexts: readonly ContextRead[];
  readonly functions: readonly string[];
}

export type ExpressionScan = { readonly expressions: readonly ExpressionNames[] } | { readonly unclosed: string };

const LITERALS = new Set(["true", "false", "null"]);

/**
 * The expressions of one value. `bare` is for `if:` keys, where GitHub reads a value without `${{ }}` as one
 * expression. An expression opened and never closed is reported with the text after its `${{`.
 */
export function scanExpressions(value: string, bare = false): ExpressionScan {
  if (bare && !value.includes("${{")) return { expressions: [namesIn(value)] };
  const expressions: ExpressionNames[] = [];
  for (let start = value.indexOf("${{"); start !== -1; start = value.indexOf("${{", start)) {
    const end = closingBraces(value, start + 3);
    if (end === -1) return { unclosed: value.slice(start + 3).trim() };
    expressions.push(namesIn(value.slice(start + 3, end)));
    start = end + 2;
  }
  return { expressions };
}

/** Where the `}}` closing an expression body that begins at `from` is, or -1. */
function closingBraces(value: string, from: number): number {
  for (let at = from; at < value.length; at++) {
    if (value[at] === "'") at = stringEnd(value, at);
    else if (value.startsWith("}}", at)) return at;
  }
  return -1;
}

/** The index of the quote that closes the string literal opening at `at` (`''` is an escaped quote). */
function stringEnd(text: string, at: number): number {
  for (let next = at + 1; next < text.length; next++) {
    if (text[next] !== "'") continue;
    if (text[next + 1] === "'") next++;
    else return next;
  }
  return text.length;
}

/** The property name that `rest` starts by reading, if it is written out. */
function propertyAfter(rest: string): string | undefined {
  const dotted = /^\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)/.exec(rest);
  if (dotted) return dotted[1];
  const indexed = /^\s*\[\s*'((?:[^']|'')*)'\s*\]/.exec(rest);
  return indexed?.[1].replace(/''/g, "'");
}

function namesIn(body: string): ExpressionNames {
  const contexts: ContextRead[] = [];
  const functions: string[] = [];
  let previous = "";
  for (let at = 0; at < body.length;) {
    const char = body[at];
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    if (char === "'") {
      at = stringEnd(body, at) + 1;
      previous = "'";
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(body.slice(at))?.[0];
    if (name) {
      at += name.length;
      const next = body.slice(at).trimStart()[0];
      // After a dot it is a property; right after a digit it is the rest of a number (0xff, 2.99e-2).
      const property = previous === "." || /^[0-9]$/.test(previous);
      if (!property && next === "(") functions.push(name);
      else if (!property && !LITERALS.has(name.toLowerCase()))
        contexts.push({ context: name, property: propertyAfter(body.slice(at)) });
      previous = name;
      continue;
    }
    // Numbers (0xff, -9.2, 2.99e-2) and operators: only their last character matters for what follows.
    previous = char;
    at++;
  }
  return { text: body.trim(), contexts, functions };
}
