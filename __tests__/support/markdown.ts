/**
 * A stand-in for GitHub's renderer, to judge what a body does rather than how it is spelled: markdown-it with
 * raw HTML, GFM tables, strikethrough and bare-URL links, as GitHub renders comments. GitHub's own extras
 * (mentions, issue references) happen in rendered text, so they are looked for there.
 */
import MarkdownIt from "markdown-it";

const renderer = new MarkdownIt({ html: true, linkify: true });

/** Strings from an API or a config file that try everything a body can be made to do. */
export const HOSTILE = [
  "@octocat please look",
  "ping @acme/security-team",
  "see #12 and GH-34 and acme/infra#56",
  "a `code span` and ``` a fence",
  "```\nfenced\n```",
  "<img src=https://evil.example/p.png> <b>bold</b> <!-- hidden --> <details open>",
  "[click](https://evil.example) ![pixel](https://evil.example/p.png) <https://evil.example>",
  "https://evil.example/x and www.evil.example and mail@evil.example",
  "a | b | c",
  "*em* **strong** _under_ ~~struck~~ $x^2$",
  "&#64;octocat &lt;b&gt; &amp;",
  "# heading",
  "> quote",
  "- item",
  "1. item",
  "    indented code",
  "\u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 bell\u0007 back\bspace",
  "line one\r\nline two\rreturn",
  "left \u202eright-to-left\u202c",
  "\\` escaped backtick \\| escaped pipe",
].join("\n");

/** The body as GitHub-flavoured HTML. */
export function render(body: string): string {
  return renderer.render(body);
}

/** Every tag the HTML holds, in order: what a body *does*. */
export function tags(html: string): string[] {
  return [...html.matchAll(/<\/?([a-z][a-z0-9]*)\b[^>]*>/gi)].map((match) =>
    match[0].replace(/\s[^>]*>/, ">").toLowerCase(),
  );
}

/** The HTML's text as a reader sees it (tags dropped, entities decoded). */
export function text(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot);/gi, (_entity, name: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
    if (named[name.toLowerCase()]) return named[name.toLowerCase()];
    return String.fromCodePoint(
      name[1].toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10),
    );
  });
}

/** The text GitHub looks for mentions and references in: all but code (code spans and blocks). */
export function prose(html: string): string {
  return text(html.replace(/<code\b[^>]*>[\s\S]*?<\/code>/gi, " "));
}

/** What GitHub would turn into a notification or a link in rendered text: mentions, references, bare URLs. */
export function references(renderedText: string): string[] {
  return (
    renderedText.match(/(?<![\w`])@[A-Za-z0-9][\w/-]*|(?<!\w)#\d+|\bGH-\d+|\b[a-z][a-z0-9+.-]*:\/\/\S+|\bwww\.\S+/gi) ??
    []
  );
}
