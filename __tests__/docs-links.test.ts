/**
 * The documentation's links between its own pages: every relative link must reach a file, and every `#anchor`
 * a heading of that file (GitHub's heading slugs). A renamed heading or a moved page fails here, not for a
 * reader.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

/** The pages people read: the README, docs/, and the READMEs of examples and the provider. */
function pages(): string[] {
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((entry) =>
        entry.isDirectory()
          ? walk(path.join(dir, entry.name))
          : entry.name.endsWith(".md")
            ? [path.join(dir, entry.name)]
            : [],
      );
  return [
    path.join(ROOT, "README.md"),
    ...walk(path.join(ROOT, "docs")),
    ...["examples/hcl/README.md", "provider/README.md"]
      .map((file) => path.join(ROOT, file))
      .filter((file) => fs.existsSync(file)),
  ];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function anchorsOf(file: string): Set<string> {
  const text = fs.readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

/** Relative links outside code: `[text](target)`. */
function linksOf(file: string): string[] {
  const text = fs
    .readFileSync(file, "utf8")
    .replace(/```[\s\S]*?```/g, "")
    .replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/i.test(target));
}

describe("documentation links", () => {
  test("finds the pages, and the README links into docs/", () => {
    const files = pages().map((file) => path.relative(ROOT, file));
    expect(files).toEqual(
      expect.arrayContaining([
        "README.md",
        "docs/getting-started.md",
        "docs/troubleshooting.md",
        "docs/reference/configuration.md",
      ]),
    );
    expect(linksOf(path.join(ROOT, "README.md")).filter((link) => link.startsWith("docs/")).length).toBeGreaterThan(10);
  });

  test("every relative link reaches a file, and every anchor a heading", () => {
    const broken: string[] = [];
    for (const page of pages()) {
      for (const link of linksOf(page)) {
        const [target, anchor] = link.split("#");
        const file = target ? path.resolve(path.dirname(page), target) : page;
        const where = `${path.relative(ROOT, page)} -> ${link}`;
        if (!fs.existsSync(file)) broken.push(`${where}: no such file`);
        else if (anchor && fs.statSync(file).isFile() && file.endsWith(".md") && !anchorsOf(file).has(anchor))
          broken.push(`${where}: no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test("the checker catches a broken anchor and a missing file (so the test above can fail)", () => {
    expect(slug("Drift: `npm run drift`")).toBe("drift-npm-run-drift");
    expect(anchorsOf(path.join(ROOT, "docs/reference/cli.md")).has("exit-codes")).toBe(true);
    expect(anchorsOf(path.join(ROOT, "docs/reference/cli.md")).has("no-such-heading")).toBe(false);
  });
});

test("the stale-lock message names a page and a section that exist", () => {
  // GIVEN the message a locked state gives
  const { stateLocked } = require("../cli-kit/errors") as typeof import("../cli-kit/errors");
  const message = stateLocked("p1as-dev", "Error acquiring the state lock").message;
  // THEN the page it names exists and has the section it names
  const [, section, page] = /see "([^"]+)" in (\S+) before/.exec(message) ?? [];
  expect(page).toBe("docs/reference/state-backends.md");
  expect(anchorsOf(path.join(ROOT, page))).toContain(slug(section));
  // AND bad input: a section that does not exist is not found
  expect(anchorsOf(path.join(ROOT, page))).not.toContain(slug("Releasing a lock that does not exist"));
});
