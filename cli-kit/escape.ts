/**
 * The rules for text that comes from an API or a config file (error details, names, plan text) on its
 * way to a person: into a Markdown body that GitHub renders (pull-request comments, issues, job summaries,
 * deploy-result.md), onto a terminal, or into a command a message tells them to run. Each rule is one function per place the text can stand, and every
 * tool uses these, so the rule is the same everywhere. Masking secrets is not done here: mask first
 * (tools/terraform/redact.ts), then escape.
 */

// ---- terminals ---------------------------------------------------------------------------------------

/**
 * C0 controls but newline and tab, DEL, C1 controls (U+0080-U+009F: CSI and OSC in their one-byte forms), and
 * the invisible marks that reorder the text around them (bidirectional overrides and isolates, as in
 * "Trojan Source").
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_NEWLINE = new RegExp(`${CONTROL.source}|\\n`, "g");

/** `\r`, `\n`, `\t`, else `\xHH` (up to U+00FF) or `\uHHHH`: what the character is, readable, and inert. */
function visible(char: string): string {
  const named: Record<string, string> = { "\r": "\\r", "\n": "\\n", "\t": "\\t" };
  const code = char.charCodeAt(0);
  return (
    named[char] ??
    (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`)
  );
}

/**
 * The terminal rule: every control character in `text` is shown as a visible escape (`\x1b`, `\r`, `\x07`,
 * `\u202e`), so text from an API or a config can't move the cursor, rewrite a line (CR, backspace), set the
 * window title or a hyperlink (OSC), ring the bell, or reorder what is shown around it. Newlines stay, unless
 * `singleLine` (a table cell), where they are shown as `\n` too.
 */
export function terminalText(text: string, options: { readonly singleLine?: boolean } = {}): string {
  return text.replace(options.singleLine ? CONTROL_OR_NEWLINE : CONTROL, visible);
}

/** One SGR parameter terraform's own colours use: reset, bold, dim, underline, their resets, foreground colours. */
const TERRAFORM_SGR_PARAMETER = "(?:0|1|2|4|21|22|24|39|3[1-7]|9[0-7])";
const TERRAFORM_SGR = new RegExp(`^\\u001b\\[(?:${TERRAFORM_SGR_PARAMETER}(?:;${TERRAFORM_SGR_PARAMETER})*)?m$`);

/**
 * One line of terraform's output on its way to a terminal (deploy's live stream). With `colour` (terraform
 * ran with colour), the SGR sequences terraform itself writes pass; everything else is escaped as by
 * terminalText: a lone ESC, cursor moves, OSC titles and hyperlinks, BEL, CR, backspace, and SGR sequences
 * with any other parameter (conceal, reverse video, backgrounds, 256 colours). Terraform prints values raw
 * inside its lines (a plan's strings, a provider's error detail), and a sequence in them cannot be told from
 * terraform's own; so text from an API can at most colour itself in a foreground colour, never hide, move or
 * rewrite anything. Without `colour` no sequence passes.
 */
export function terminalLine(line: string, options: { readonly colour: boolean }): string {
  if (!options.colour) return terminalText(line, { singleLine: true });
  return line
    .split(/(\u001b\[[0-9;]*m)/)
    .map((part, index) =>
      index % 2 === 1 && TERRAFORM_SGR.test(part) ? part : terminalText(part, { singleLine: true }),
    )
    .join("");
}

// ---- Markdown bodies on GitHub -------------------------------------------------------------------------

/** An invisible break that GitHub's mention, reference and link finders do not read through. */
const BREAK = "&#8203;";

/**
 * `@user` and `@org/team` (a mention notifies), `#123`, `GH-123` and `owner/repo#123` (a cross-reference links,
 * and shows on the other issue), and bare URLs and `www.` names (GitHub makes them links): each gets an
 * invisible break inside, so it reads the same and does nothing.
 */
const REFERENCE = /@(?=[A-Za-z0-9])|#(?=\d)|(?<=\bGH)-(?=\d)|:(?=\/\/)|(?<=\bwww)\./;
const breakReference = (match: string) => (match === "." ? `${BREAK}.` : `${match}${BREAK}`);

/**
 * Characters Markdown gives a meaning inside a line: a backslash escapes them (CommonMark: any ASCII
 * punctuation), and `&`, `<` and `>` become entities, so no HTML, autolink or entity survives. An underscore
 * between letters or digits is left alone: GitHub never reads it as emphasis, and names are full of them.
 */
const INLINE_SYNTAX = /[\\`*~[\]|$&<>]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/;
const BACKSLASHED = "\\`*~[]|$_";
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** One pass for both, so nothing one of them writes is read again by the other. */
const MARKDOWN_INLINE = new RegExp(`${REFERENCE.source}|${INLINE_SYNTAX.source}`, "gi");
const HTML_INLINE = new RegExp(`${REFERENCE.source}|[&<>"']`, "gi");

/** Newlines become spaces and every other control character a visible escape (inline text is one line). */
function oneLine(text: string): string {
  return terminalText(text.replace(/\r?\n/g, " "));
}

/**
 * The Markdown rule, for text inside a paragraph, a heading, a list item, a quote or a table cell: it shows
 * exactly its characters and does nothing else. It can't start or end a code span, emphasis or a table cell,
 * can't open HTML, a link or an image, can't mention or reference anyone or anything, can't make a heading,
 * quote or list of its own line, and can't break the line it stands in.
 */
export function markdownText(text: string): string {
  return (
    oneLine(text)
      .replace(/^\s+/, "")
      .replace(
        MARKDOWN_INLINE,
        (match) => ENTITIES[match] ?? (BACKSLASHED.includes(match) ? `\\${match}` : breakReference(match)),
      )
      // Only at a line's start: a heading, a list item, a setext underline, an ordered list item.
      .replace(/^([#+=-])/, "\\$1")
      .replace(/^(\d+)([.)])/, "$1\\$2")
  );
}

/**
 * Text as a code span: shown verbatim (no mention, reference or link is found inside code), delimited by more
 * backticks than any run inside. A pipe is written `\|`, which GitHub reads as `|` in a table cell, where
 * code spans mostly stand, and where a bare pipe would end the cell.
 */
export function markdownCode(text: string): string {
  const content = oneLine(text).replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const marks = "`".repeat(longest + 1);
  // CommonMark strips one space from each side of a span that has both; a backtick at an end needs a space.
  const pad = /^[` ]|[` ]$/.test(content) ? " " : "";
  return `${marks}${pad}${content}${pad}${marks}`;
}

/**
 * Multi-line text as a fenced code block: its fence is longer than any backtick run inside, so nothing
 * inside can close it, and control characters but newline and tab are shown as escapes.
 */
export function markdownBlock(text: string, info = "text"): string {
  const content = terminalText(text.replace(/\r\n/g, "\n"));
  const longest = Math.max(0, ...(content.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${content}\n${fence}`;
}

/**
 * Text inside an HTML element of a Markdown body (`<summary>`): GitHub reads no Markdown there, so entities
 * escape it, and mentions and references are broken as in markdownText (GitHub finds them in HTML text too).
 */
export function htmlText(text: string): string {
  return oneLine(text).replace(HTML_INLINE, (match) => ENTITIES[match] ?? breakReference(match));
}

// ---- shell commands in messages ----------------------------------------------------------------------

/** As a shell reads it: plain words as they are, anything else in single quotes. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9._:/@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
