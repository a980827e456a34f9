/**
 * `npx cdktf synth` runs current code: cdktf.json's app is cdktf-app.js, which builds when a TypeScript source
 * is newer than the last build and otherwise goes straight to the compiled app. Checked on a copy of the
 * project (sources, dist/ with its incremental build info, node_modules linked), by editing a source there.
 * Needs `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

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
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir(), P1AS_CONFIG: path.join(copy, "config/example.json") },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, synthesized: existsSync(path.join(outdir(), "manifest.json")) };
  };

  beforeAll(() => {
    copy = mkdtempSync(path.join(tmpdir(), "cdktf-app-"));
    const { include } = JSON.parse(readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { include: string[] };
    for (const entry of [...include, "dist", "tsconfig.json", "package.json", "cdktf.json", "cdktf-app.js", "config"]) {
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
    const main = path.join(copy, "main.ts");
    writeFileSync(main, readFileSync(main, "utf8").replace("app.synth();", 'app.synth();\n  process.stdout.write("synthesized by the edited code\\n");'));
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
    expect(result.stderr).toContain("cdktf-app: npm run build failed (above); nothing was synthesized");
    expect(result.stderr).toMatch(/stacks\/app-stacks\.ts.*error TS2322/);
  });
});
