/**
 * Imports run only down the layers. The tools (tools/, main.ts, bench/) stand on everything else; nothing below
 * them imports them, and the command-line kit (cli-kit/), which the provider and the emulator use too, imports
 * nothing of the project at all. Read from the sources' import specifiers, so a wrong import fails here in
 * milliseconds, before any build.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

/** The folders below the tools, each allowed to import any other of them but none of the tools. */
const BELOW_THE_TOOLS = ["provider", "emulator", "client", "constructs", "config", "stacks", "p1as", "pingone-double"];
/** What only the tools are: nothing in BELOW_THE_TOOLS or cli-kit/ may import these. */
const TOOLS = ["tools", "main", "bench"];

/** Every relative module a source names: static and dynamic imports, re-exports, require. */
export function importedModules(source: string): string[] {
  const specifiers = source.matchAll(
    /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']*)["']/g,
  );
  return [...specifiers].map(([, specifier]) => specifier);
}

/** The top-level entry (folder, or file without .ts) of the project that `specifier` in `file` reaches. */
function topOf(file: string, specifier: string): string {
  const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier));
  return target.split(path.sep)[0].replace(/\.(ts|js)$/, "");
}

/** The imports of `file` (relative to the root, its text `source`) that break the layers, as `file -> specifier`. */
export function layerViolations(file: string, source: string): string[] {
  const top = file.split("/")[0];
  return importedModules(source)
    .filter((specifier) => {
      const target = topOf(file, specifier);
      if (top === "cli-kit") return target !== "cli-kit";
      return BELOW_THE_TOOLS.includes(top) && TOOLS.includes(target);
    })
    .map((specifier) => `${file} -> ${specifier}`);
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourcesUnder(file);
    return entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

describe("imports run only down the layers", () => {
  it.each(["cli-kit", ...BELOW_THE_TOOLS])("nothing in %s/ imports the tools (tools/, main.ts, bench/)", (dir) => {
    const files = sourcesUnder(dir);
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap((file) => layerViolations(file, readFileSync(path.join(ROOT, file), "utf8")))).toEqual([]);
  });

  it("the command-line kit imports nothing of the project outside cli-kit/", () => {
    const files = sourcesUnder("cli-kit");
    const reached = files.flatMap((file) =>
      importedModules(readFileSync(path.join(ROOT, file), "utf8")).map((specifier) => topOf(file, specifier)),
    );
    expect(new Set(reached)).toEqual(new Set(["cli-kit"]));
  });

  it("catches every form of import that runs back up", () => {
    const back = [
      'import { runTerraform } from "../../tools/terraform/run";',
      'export { deploy } from "../../tools/deploy/main";',
      'const run = await import("../../tools/terraform/run");',
      'const { runApp } = require("../../main");',
      'import "../../bench/main";',
    ];
    for (const line of back)
      expect({ line, violations: layerViolations("provider/resources/x.ts", line) }).toEqual({
        line,
        violations: [expect.any(String)],
      });
    expect(
      layerViolations("cli-kit/errors.ts", 'import { CERTIFICATE_TYPE } from "../provider/resources/certificate";'),
    ).toHaveLength(1);
    // Down the layers, and within the tools, is allowed.
    expect(
      layerViolations("stacks/synthesize.ts", 'import { installBesideStack } from "../provider/install";'),
    ).toEqual([]);
    expect(layerViolations("provider/main.ts", 'import { parseCommandLine } from "../cli-kit/command-line";')).toEqual(
      [],
    );
    expect(layerViolations("tools/start/main.ts", 'import { synthesize } from "../../stacks/synthesize";')).toEqual([]);
    expect(layerViolations("cli-kit/command-line.ts", 'import { terminalText } from "./escape";')).toEqual([]);
  });
});
