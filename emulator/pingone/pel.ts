/**
 * The part of PingOne's expression language (PEL) the emulator evaluates in resource attribute values:
 * a static string, `${'literal'}` and `${{'a','b'}}` (a literal collection becomes an array claim [S]).
 * Anything else (`${user.email}`, method calls, concatenation) is refused with a message saying the
 * emulator can't evaluate it: a token with a silently empty claim would let a broken expression pass.
 */

export type ClaimValue = string | string[];

export type Evaluation =
  { readonly ok: true; readonly value: ClaimValue } | { readonly ok: false; readonly reason: string };

const STRING_LITERAL = /^'((?:[^'\\]|\\.)*)'$/;
const unescape = (text: string) => text.replace(/\\(.)/g, "$1");

/** Splits `'a', 'b'` on the commas between literals; undefined when an item is not a literal. */
function literalItems(body: string): string[] | undefined {
  const items: string[] = [];
  const item = /\s*'((?:[^'\\]|\\.)*)'\s*(,|$)/y;
  let index = 0;
  while (index < body.length) {
    item.lastIndex = index;
    const match = item.exec(body);
    if (!match) return undefined;
    items.push(unescape(match[1]));
    index = item.lastIndex;
    if (match[2] === "") break;
  }
  return index >= body.length ? items : undefined;
}

export function evaluateAttribute(value: string): Evaluation {
  const expression = /^\$\{([\s\S]*)\}$/.exec(value);
  if (!expression) {
    if (value.includes("${")) return { ok: false, reason: "mixes text with an expression" };
    return { ok: true, value };
  }
  const body = expression[1].trim();
  const literal = STRING_LITERAL.exec(body);
  if (literal) return { ok: true, value: unescape(literal[1]) };
  const collection = /^\{([\s\S]*)\}$/.exec(body);
  if (collection) {
    const items = literalItems(collection[1].trim());
    if (items && items.length > 0) return { ok: true, value: items };
  }
  return { ok: false, reason: "is not a string literal ('x') or a literal collection ({'a','b'})" };
}
