/**
 * One command-line convention for every tool, checked on the compiled entry points as npm runs them
 * (`node dist/...`, so run `npm run build` first): `--help` prints the usage, exits 0 and does nothing else
 * (no file written, nothing under HOME or TMPDIR, no server left listening: the process ends by itself);
 * an unknown option exits 64 with `<tool>: unknown option '<flag>'. See --help.` and nothing else.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { toolName } from "../cli-kit/command-line";
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, EXIT_USAGE } from "../cli-kit/errors";

const ROOT = path.resolve(__dirname, "..");

/** npm script → compiled entry point and the name it prints in its messages. */
const TOOLS: readonly { script: string; entry: string; name: string; command?: string }[] = [
  { script: "synth", entry: "dist/main.js", name: "synth" },
  { script: "validate", entry: "dist/tools/validate/main.js", name: "validate" },
  { script: "deploy", entry: "dist/tools/deploy/main.js", name: "deploy" },
  { script: "drift", entry: "dist/tools/drift/main.js", name: "drift" },
  { script: "plan:summary", entry: "dist/tools/plan-summary/main.js", name: "plan-summary" },
  { script: "status", entry: "dist/tools/status/main.js", name: "status" },
  { script: "provider:install", entry: "dist/tools/provider-install/main.js", name: "provider:install" },
  { script: "p1as", entry: "dist/tools/p1as/main.js", name: "p1as" },
  { script: "emulator", entry: "dist/emulator/bin.js", name: "p1as-emulator" },
  { script: "start", entry: "dist/tools/start/main.js", name: "start" },
  { script: "bench", entry: "dist/bench/main.js", name: "bench" },
  { script: "provider:schema", entry: "dist/provider/main.js", name: "provider:schema", command: "schema" },
  { script: "workflows:check", entry: "dist/tools/workflows-check/main.js", name: "workflows-check" },
  { script: "rotate-secret", entry: "dist/tools/rotate-secret/main.js", name: "rotate-secret" },
];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every path under the run's working directory, HOME and TMPDIR afterwards. */
  readonly left: string[];
}

/** Runs `entry` in an empty directory, with HOME and TMPDIR of its own; a process still running after 20 s is killed. */
function run(entry: string, args: readonly string[]): Promise<Run> {
  const base = mkdtempSync(path.join(tmpdir(), "cli-convention-"));
  const dirs = ["cwd", "home", "tmp"].map((name) => path.join(base, name));
  dirs.forEach((dir) => mkdirSync(dir));
  const [cwd, home, tmp] = dirs;
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: tmp,
    CHECKPOINT_DISABLE: "1",
    P1AS_CONFIG: path.join(ROOT, "config/example.json"),
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, entry), ...args],
      { cwd, env, timeout: 20_000, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        const left = dirs.flatMap((dir) =>
          readdirSync(dir, { recursive: true }).map((file) => path.join(path.basename(dir), String(file))),
        );
        resolve({ code, stdout, stderr, left });
      },
    );
  });
}

describe.each(TOOLS)("npm run $script", ({ script, entry, name, command }) => {
  const before = command ? [command] : [];
  it("--help prints the usage, exits 0 and does nothing else", async () => {
    const result = await run(entry, [...before, "--help"]);
    expect(result).toEqual({ code: EXIT_OK, stdout: expect.stringMatching(/^Usage: /), stderr: "", left: [] });
    expect(result.stdout).toContain("-h, --help");
  });

  it("an unknown option exits 64 naming it, and does nothing else", async () => {
    const result = await run(entry, [...before, "--no-such-flag"]);
    expect(result).toEqual({
      code: EXIT_USAGE,
      stdout: "",
      stderr: `${name}: unknown option '--no-such-flag'. See --help.\n`,
      left: [],
    });
  });

  it("npm passes its arguments straight to that entry point", () => {
    const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
    // What runs before the entry point (the staleness check, preloaded) must not be able to eat or act on `-- --help`.
    expect(scripts[script]).toMatch(
      new RegExp(
        `^(CHECKPOINT_DISABLE=1 )?node -r \\./scripts/build-if-stale\\.js ${entry.replace(/[.]/g, "\\.")}${command ? ` ${command}` : "( --clean)?"}$`,
      ),
    );
  });
});

describe("values and arguments", () => {
  it.each([
    [
      "dist/tools/status/main.js",
      ["--port", "x"],
      "status: option '--port <port>' argument 'x' is invalid. must be a whole number from 0 to 65535. See --help.\n",
    ],
    [
      "dist/emulator/bin.js",
      ["--contract", "guess"],
      "p1as-emulator: option '--contract <mode>' argument 'guess' is invalid. must be one of assumed, confirmed. See --help.\n",
    ],
    [
      "dist/bench/main.js",
      ["--only", "nothing"],
      "bench: option '--only <bench>' argument 'nothing' is invalid. Allowed choices are synth, virtual-hosts, test-certificates, plan-scale, rotation-window, startup. See --help.\n",
    ],
    [
      "dist/tools/deploy/main.js",
      ["p1as-dev"],
      "deploy: too many arguments. Expected 0 arguments but got 1. See --help.\n",
    ],
    [
      "dist/tools/deploy/main.js",
      ["--stack", "p1as-dev"],
      "deploy: unknown option '--stack' (Did you mean --stacks?). See --help.\n",
    ],
    [
      "dist/tools/start/main.js",
      ["--completion-delay-ms", "soon"],
      "start: option '--completion-delay-ms <ms>' argument 'soon' is invalid. must be a whole number from 0 to 3600000. See --help.\n",
    ],
  ])("%s %j exits 64 naming the option or argument", async (entry, args, message) => {
    expect(await run(entry, args)).toEqual({ code: EXIT_USAGE, stdout: "", stderr: message, left: [] });
  });

  it("the codes are the documented ones", () => {
    expect([EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_USAGE]).toEqual([0, 1, 2, 64]);
    const page = readFileSync(path.join(ROOT, "docs/reference/cli.md"), "utf8");
    const table = page.slice(page.indexOf("## Exit codes"), page.indexOf("\n## ", page.indexOf("## Exit codes") + 1));
    for (const { script } of TOOLS) expect(table).toMatch(new RegExp(`^\\| \`npm (run )?${script}[ \`]`, "m"));
    expect(table).toMatch(/^\| `npm run synth`, `npx cdktf synth` \|/m);
  });
});

it("npm start --help leaves the demo directory alone", async () => {
  const demo = path.join(ROOT, ".demo");
  const before = existsSync(demo) ? statSync(demo).mtimeMs : undefined;
  expect((await run("dist/tools/start/main.js", ["--help"])).code).toBe(EXIT_OK);
  expect(existsSync(demo) ? statSync(demo).mtimeMs : undefined).toBe(before);
});

it("a failure that escapes a tool's main is named by the tool's folder, not by main.js", () => {
  for (const { entry, name } of TOOLS.filter(
    (tool) => tool.entry.startsWith("dist/tools/") && !tool.script.includes(":"),
  )) {
    expect({ entry, name: toolName(path.join(ROOT, entry)) }).toEqual({ entry, name });
  }
  expect(toolName("/x/dist/bench/main.js")).toBe("bench");
  expect(toolName("/x/dist/emulator/bin.js")).toBe("bin");
});
