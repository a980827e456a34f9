/**
 * The two output rules on their own, judged by what the text does once rendered: Markdown through a GFM
 * renderer (markdown-it, as GitHub renders comments), terminal text by the bytes a terminal would act on.
 * Every hostile line of the corpus must show exactly its characters and do nothing else.
 */
import { htmlText, markdownBlock, markdownCode, markdownText, terminalLine, terminalText } from "../cli-kit/escape";
import { HOSTILE, references, render, tags, text } from "./support/markdown";

const ZWSP = /\u200b/g;
const LINES = HOSTILE.split("\n");
/** What a reader must see of a hostile line: its characters, on one line, control characters spelled out. */
const shown = (line: string) => terminalText(line.replace(/\r?\n/g, " ")).replace(/^\s+/, "");

describe("markdownText", () => {
  test.each(LINES.map((line) => [line]))("%j in a paragraph shows its characters and does nothing else", (line) => {
    // WHEN it stands in a paragraph and at the start of one
    for (const body of [`Error: ${markdownText(line)} (HTTP 422)`, markdownText(line)]) {
      const html = render(body);
      // THEN the paragraph is all it makes: no code, emphasis, link, image, heading, list, quote or HTML of its own
      expect({ body, tags: tags(html) }).toEqual({ body, tags: ["<p>", "</p>"] });
      // AND the reader sees exactly the characters, and GitHub finds no mention, reference or link in them
      const seen = text(html).trim();
      expect(seen.replace(ZWSP, "")).toBe(body.startsWith("Error") ? `Error: ${shown(line)} (HTTP 422)` : shown(line));
      expect(references(seen)).toEqual([]);
    }
  });

  test("in a table cell every hostile line leaves the row with its three cells", () => {
    const rows = LINES.map((line) => `| a | ${markdownText(line)} | b |`);
    const html = render(["| one | two | three |", "| --- | --- | --- |", ...rows].join("\n"));
    const cells = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .slice(1)
      .map((row) => (row[1].match(/<td>/g) ?? []).length);
    expect(cells).toEqual(LINES.map(() => 3));
    expect(tags(html).filter((tag) => !/^<\/?(table|thead|tbody|tr|th|td)>$/.test(tag))).toEqual([]);
    expect(references(text(html))).toEqual([]);
  });

  test("leaves ordinary names and words as they are written", () => {
    expect(markdownText("p1as_hostname.auth_dev_acme_example (a deploy creates it again)")).toBe(
      "p1as_hostname.auth_dev_acme_example (a deploy creates it again)",
    );
    expect(markdownText("product: pingaccess-engines → pingfederate-engines")).toBe(
      "product: pingaccess-engines → pingfederate-engines",
    );
  });
});

describe("markdownCode", () => {
  test.each(LINES.map((line) => [line]))(
    "%j as a code span in a table cell shows verbatim in one code element",
    (line) => {
      const html = render(["| a | b |", "| --- | --- |", `| ${markdownCode(line)} | x |`].join("\n"));
      const codes = [...html.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((match) => text(match[1]));
      expect(codes).toEqual([shown(line).trim() === "" ? "" : terminalText(line.replace(/\r?\n/g, " "))]);
      expect(tags(html).filter((tag) => !/^<\/?(table|thead|tbody|tr|th|td|code)>$/.test(tag))).toEqual([]);
    },
  );
});

describe("markdownBlock", () => {
  test("holds the whole corpus in one code block, fences included, control characters spelled out", () => {
    const html = render(`before\n\n${markdownBlock(HOSTILE)}\n\nafter`);
    expect(tags(html)).toEqual(["<p>", "</p>", "<pre>", "<code>", "</code>", "</pre>", "<p>", "</p>"]);
    expect(text(/<code[^>]*>([\s\S]*?)<\/code>/.exec(html)![1])).toBe(
      `${terminalText(HOSTILE.replace(/\r\n/g, "\n"))}\n`,
    );
  });
});

describe("htmlText", () => {
  test("inside a summary element it stays text, with no mention or reference", () => {
    const html = render(`<details><summary>Full plan for ${htmlText(LINES.join(" "))}</summary>\n\nbody\n\n</details>`);
    expect(tags(html)).toEqual(["<details>", "<summary>", "</summary>", "<p>", "</p>", "</details>"]);
    expect(references(text(html))).toEqual([]);
  });
});

describe("terminalText and terminalLine", () => {
  test("shows every control character as a visible escape and keeps newlines unless on one line", () => {
    expect(terminalText("a\u001b[2Jb\u001b]0;title\u0007c\rd\be\u009bf\u202eg\nh\ti")).toBe(
      "a\\x1b[2Jb\\x1b]0;title\\x07c\\rd\\x08e\\x9bf\\u202eg\nh\ti",
    );
    expect(terminalText("a\nb", { singleLine: true })).toBe("a\\nb");
  });

  test("with colour, terraform's own SGR sequences pass and nothing else does", () => {
    const line =
      "\u001b[0m\u001b[1mInitializing\u001b[0m \u001b[32m+\u001b[0m \u001b[8mhidden\u001b[0m \u001b[7;40mreverse\u001b[0m \u001b[2J\u001b]8;;https://evil.example\u0007x";
    expect(terminalLine(line, { colour: true })).toBe(
      "\u001b[0m\u001b[1mInitializing\u001b[0m \u001b[32m+\u001b[0m \\x1b[8mhidden\u001b[0m \\x1b[7;40mreverse\u001b[0m \\x1b[2J\\x1b]8;;https://evil.example\\x07x",
    );
    expect(terminalLine(line, { colour: false })).not.toContain("\u001b");
  });
});
