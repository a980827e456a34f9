/**
 * Rules that hold for the config file as a whole, before any field is looked at:
 * - no key twice in one object: JSON.parse keeps the last one silently, so a reviewer could approve the
 *   first while the second is deployed;
 * - every string, whatever its field (present or added later), is short, has no control characters and
 *   no cdktf token marker. A marker (`${TfToken[...]}`) would make cdktf substitute a reference that code
 *   created, the client secret's for instance, into the value.
 */
import { visit } from "jsonc-parser";

type Path = (string | number)[];
export interface JsonIssue {
  readonly path: Path;
  readonly message: string;
}

/** Far above any real value in this config (a URL is capped at 2048); keeps a pasted blob out of every message and argument list. */
export const CONFIG_STRING_MAX_LENGTH = 4096;

const TOKEN_MARKER = /[$#&]\{TfToken\[/;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Every key that appears twice in one object of `text`, at the path of the repeated key. */
export function duplicateKeyIssues(text: string): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const open: Set<string>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => {
        open.push(new Set());
      },
      onObjectEnd: () => {
        open.pop();
      },
      onObjectProperty: (property, _offset, _length, startLine, startCharacter, pathSupplier) => {
        const keys = open[open.length - 1];
        if (keys.has(property)) {
          issues.push({
            path: [...pathSupplier(), property],
            message: `duplicate key ${JSON.stringify(property)} (line ${startLine + 1}, column ${startCharacter + 1}): JSON keeps only the last one; remove one`,
          });
        }
        keys.add(property);
      },
    },
    { disallowComments: true },
  );
  return issues;
}

/** The whole-file string rules, for every string value in `raw`. */
export function stringIssues(raw: unknown, path: Path = []): JsonIssue[] {
  if (typeof raw === "string") {
    const messages: string[] = [];
    if (raw.length > CONFIG_STRING_MAX_LENGTH)
      messages.push(`must be at most ${CONFIG_STRING_MAX_LENGTH} characters (got ${raw.length})`);
    if (CONTROL_CHARACTER.test(raw)) messages.push("must not contain control characters (newlines, tabs, NUL, ...)");
    if (TOKEN_MARKER.test(raw))
      messages.push("must not contain a cdktf token marker ('${TfToken[', '#{TfToken[' or '&{TfToken[')");
    return messages.map((message) => ({ path, message }));
  }
  if (Array.isArray(raw)) return raw.flatMap((item, index) => stringIssues(item, [...path, index]));
  if (raw !== null && typeof raw === "object") {
    return Object.entries(raw).flatMap(([key, value]) => stringIssues(value, [...path, key]));
  }
  return [];
}
