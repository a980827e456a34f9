/**
 * `npx cdktf synth` and every `npm run <tool>` run current code: cdktf.json's app is cdktf-app.js, and the npm
 * scripts preload scripts/build-if-stale.js; both build when a TypeScript source is newer than the last build
 * (and generate .gen again when a provider schema is newer than it), and otherwise go straight to the compiled
 * code. Checked on a copy of the project (sources, dist/ with its incremental build info, node_modules linked),
 * by editing a source there. Needs `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cdktfCliEnv } from "./support/cdktf-node";

const ROOT = path.resolve(__dirname, "..");
jest.setTimeout(180_000);

test("cdktf.json's app is the launcher that builds stale sources", () => {
  expect(JSON.parse(readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).app).toBe("node cdktf-app.js");
});

describe("cdktf-app.js on a copy of the project", () => {
  let copy: string;
  const outdir = () => path.join(copy, "out");
  const app = () => {
    rmSync(outdir(), { recursive: true, force: true });
    const result = spawnSync(process.execPath, ["cdktf-app.js"], {
      cwd: copy,
      encoding: "utf8",
      // A stale build may run `cdktf get` (the cdktf CLI), which needs a Node it has a terminal library for.
      env: cdktfCliEnv({
        ...process.env,
        CHECKPOINT_DISABLE: "1",
        CDKTF_OUTDIR: outdir(),
        P1AS_CONFIG: path.join(copy, "config/example.json"),
      }),
    });
    return {
      code: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      synthesized: existsSync(path.join(outdir(), "manifest.json")),
    };
  };

  beforeAll(() => {
    copy = mkdtempSync(path.join(tmpdir(), "cdktf-app-"));
    const { include } = JSON.parse(readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { include: string[] };
    for (const entry of [
      ...include,
      "dist",
      "tsconfig.json",
      "package.json",
      "cdktf.json",
      "cdktf-app.js",
      "scripts",
      "config",
      "provider-schema",
    ]) {
      cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true, preserveTimestamps: true });
    }
    symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    // GIVEN a build that is current: its stamp is newer than every source
    const now = new Date();
    utimesSync(path.join(copy, "dist/provider/bundle.js"), now, now);
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it("synthesizes without building while the build is current", () => {
    const result = app();
    expect(result).toMatchObject({ code: 0, synthesized: true });
    expect(result.stderr).not.toContain("npm run build");
  });

  it("builds, then synthesizes with the edited code, after a source changes; and not again once built", () => {
    // WHEN a source is edited after the build
    const synth = path.join(copy, "stacks/synthesize.ts");
    writeFileSync(
      synth,
      readFileSync(synth, "utf8").replace(
        "app.synth();",
        'app.synth();\n  process.stdout.write("synthesized by the edited code\\n");',
      ),
    );
    const edited = app();
    // THEN it says it builds, and the output comes from the edited code
    expect(edited).toMatchObject({ code: 0, synthesized: true });
    expect(edited.stderr).toContain("cdktf-app: TypeScript sources changed since the last build: npm run build");
    expect(edited.stdout).toContain("synthesized by the edited code");
    // AND the next run does not build again
    const again = app();
    expect(again.stderr).not.toContain("npm run build");
    expect(again.stdout).toContain("synthesized by the edited code");
  });

  it("synthesizes nothing when the edited code does not compile, and says so", () => {
    const file = path.join(copy, "stacks/app-stacks.ts");
    writeFileSync(file, `${readFileSync(file, "utf8")}\nexport const broken: number = "not a number";\n`);
    const result = app();
    expect(result).toMatchObject({ code: 1, synthesized: false });
    expect(result.stderr).toContain("cdktf-app: npm run build failed (above); nothing ran");
    expect(result.stderr).toMatch(/stacks\/app-stacks\.ts.*error TS2322/);
  });
});

describe("an npm script's preloaded staleness check, on a copy of the project", () => {
  let copy: string;
  // As package.json runs a tool: `node -r ./scripts/build-if-stale.js dist/tools/<tool>/main.js`, named by npm.
  const tool = (args: readonly string[]) => {
    const result = spawnSync(
      process.execPath,
      ["-r", "./scripts/build-if-stale.js", "dist/tools/validate/main.js", ...args],
      {
        cwd: copy,
        encoding: "utf8",
        env: cdktfCliEnv({
          ...process.env,
          CHECKPOINT_DISABLE: "1",
          npm_lifecycle_event: "validate",
          P1AS_CONFIG: path.join(copy, "config/example.json"),
        }),
      },
    );
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    copy = mkdtempSync(path.join(tmpdir(), "build-if-stale-"));
    const { include } = JSON.parse(readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { include: string[] };
    for (const entry of [
      ...include,
      "dist",
      "tsconfig.json",
      "package.json",
      "cdktf.json",
      "scripts",
      "config",
      "provider-schema",
    ]) {
      cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true, preserveTimestamps: true });
    }
    symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    const now = new Date();
    utimesSync(path.join(copy, ".gen/versions.json"), now, now);
    utimesSync(path.join(copy, "dist/provider/bundle.js"), now, now);
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it("runs the tool with its arguments, building nothing, while the build is current", () => {
    const result = tool(["--help"]);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: validate/), stderr: "" });
  });

  it("builds after a source changes, then runs the edited code with its arguments", () => {
    const file = path.join(copy, "tools/validate/main.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace('.name("validate")', '.name("validate-edited")'));
    const edited = tool(["--help"]);
    expect(edited.stderr).toBe("validate: TypeScript sources changed since the last build: npm run build\n");
    expect(edited).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: validate-edited/) });
    expect(tool(["--help"])).toMatchObject({ code: 0, stderr: "" });
  });

  it("generates the bindings again, then builds, after a provider schema changes", () => {
    const schema = path.join(copy, "provider-schema/p1as@0.1.0.json");
    const later = new Date(Date.now() + 1000);
    utimesSync(schema, later, later);
    const result = tool(["--help"]);
    expect(result.stderr).toContain(
      "validate: provider schemas changed since the bindings were generated: npm run get\n",
    );
    expect(result.stderr).toContain("validate: TypeScript sources changed since the last build: npm run build\n");
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: validate/) });
    expect(statSync(path.join(copy, ".gen/versions.json")).mtimeMs).toBeGreaterThanOrEqual(later.getTime());
    expect(tool(["--help"])).toMatchObject({ code: 0, stderr: "" });
  });

  it("runs nothing when the build fails, and says so", () => {
    const file = path.join(copy, "tools/validate/main.ts");
    writeFileSync(file, `${readFileSync(file, "utf8")}\nexport const broken: number = "not a number";\n`);
    const result = tool(["--help"]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain("validate: npm run build failed (above); nothing ran");
  });
});
