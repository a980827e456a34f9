/**
 * `npm run deploy` as an operator sees it, with real terraform, the p1as provider and the emulator: output
 * streamed live with each line's stack, no secret in it, Ctrl-C forwarded to terraform with a summary of
 * what was and was not applied, and saved plans (plan:summary --save-plans, deploy --plans) applied exactly,
 * refused when stale, from another synth, tampered with or without their key. The CLI runs as a real
 * process (dist/tools/<tool>/main.js: `npm run build` first), as in a terminal or a CI job.
 */
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ContractMode } from "../emulator/contract";
import { P1asEnvironment } from "../p1as/facts";
import { EXIT_USAGE } from "../cli-kit/errors";
import { markdownText } from "../cli-kit/escape";
import { findForms, forms } from "./support/needles";
import { CONTRACT_MODES } from "./support/p1as-app";
import { createFixture, Fixture } from "./support/plan-fixture";
import { StackSpec } from "./support/virtual-hosts-stack";

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "..");
const PLAN_KEY = "correct horse battery staple, but longer";

describe.each(CONTRACT_MODES)("deploy of saved plans (%s contract)", (contract: ContractMode) => {
  beforeAll(async () => (fixture = await createFixture(contract)));
  afterAll(() => fixture?.remove());

  test("sealed plans of two stacks are applied exactly, no clear plan is left anywhere, and the result is written", async () => {
    // GIVEN dev and stage synthesized, planned and saved sealed
    fixture.synth([stack("dev", 2), stack("stage", 1)]);
    const plans = path.join(fixture.dir, "plans-sealed");
    const planned = await cli(
      "plan-summary",
      ["--outdir", fixture.outdir, "--out", path.join(fixture.dir, "summary.md"), "--save-plans", plans],
      withKey(),
    );
    expect(planned.code).toBe(0);

    // THEN only sealed files are kept, and terraform's clear plan file is gone from the stack directories too
    expect(readdirSync(plans).sort()).toEqual(["p1as-dev.tfplan.sealed", "p1as-stage.tfplan.sealed"]);
    for (const name of ["p1as-dev", "p1as-stage"])
      expect(readdirSync(stackDir(name)).filter((file) => file.includes("tfplan"))).toEqual([]);
    expect(
      findForms(readFileSync(path.join(plans, "p1as-dev.tfplan.sealed")).toString("latin1"), [
        { name: "client secret", needles: forms(fixture.clientSecret) },
      ]),
    ).toEqual([]);

    // WHEN deployed from the saved plans
    const resultFile = path.join(fixture.dir, "result.md");
    const stepSummary = path.join(fixture.dir, "step-summary.md");
    writeFileSync(stepSummary, "earlier step\n");
    const deployed = await cli("deploy", ["--outdir", fixture.outdir, "--plans", plans, "--result-out", resultFile], {
      ...withKey(),
      GITHUB_STEP_SUMMARY: stepSummary,
    });

    // THEN both stacks are applied as planned, the result names each with terraform's counts, in both files
    expect({ code: deployed.code, errors: deployed.stderr.split("\n").filter((line) => /Error/.test(line)) }).toEqual({
      code: 0,
      errors: [],
    });
    expect(deployed.stdout).toContain("deploy: p1as-dev: applied (Resources: 3 added, 0 changed, 0 destroyed)\n");
    expect(deployed.stdout).toContain("deploy: p1as-stage: applied (Resources: 2 added, 0 changed, 0 destroyed)\n");
    expect(fixture.emulator.service.listHostnames("dev")).toHaveLength(2);
    expect(fixture.emulator.service.listHostnames("stage")).toHaveLength(1);
    const result = readFileSync(resultFile, "utf8");
    expect(result).toContain("| `p1as-dev` | applied | Resources: 3 added, 0 changed, 0 destroyed. |  |");
    expect(readFileSync(stepSummary, "utf8")).toBe(`earlier step\n${result}`);
    // AND terraform got the plan file, which deploy removed after the apply
    expect(deployed.stdout).toMatch(
      /^p1as-dev │ terraform apply -input=false -no-color -lock-timeout=0s \S+\/deploy-\d+\.tfplan$/m,
    );
    for (const name of ["p1as-dev", "p1as-stage"])
      expect(readdirSync(stackDir(name)).filter((file) => file.includes("tfplan"))).toEqual([]);
    expect(
      (await fixture.terraform("p1as-dev", ["plan", "-detailed-exitcode", "-input=false", "-no-color"])).exitCode,
    ).toBe(0);

    // WHEN the next merge changes nothing: planned and saved again
    const again = path.join(fixture.dir, "plans-unchanged");
    expect(
      (
        await cli(
          "plan-summary",
          ["--outdir", fixture.outdir, "--out", path.join(fixture.dir, "again.md"), "--save-plans", again],
          withKey(),
        )
      ).code,
    ).toBe(0);
    // THEN there is no plan to upload (the workflow's apply job, and its approval, only run for a *.tfplan.sealed),
    // and the markers are sealed too: with the key set, deploy trusts no clear file
    expect(readdirSync(again).sort()).toEqual(["p1as-dev.unchanged.sealed", "p1as-stage.unchanged.sealed"]);
    // AND a deploy of those runs no terraform and reports each stack unchanged
    fixture.emulator.requestLog.clear();
    const unchanged = await cli("deploy", ["--outdir", fixture.outdir, "--plans", again], withKey());
    expect({ code: unchanged.code, stdout: unchanged.stdout }).toEqual({
      code: 0,
      stdout:
        "deploy: p1as-dev: unchanged: the reviewed plan has no changes: nothing to apply\ndeploy: p1as-stage: unchanged: the reviewed plan has no changes: nothing to apply\n",
    });
    expect(fixture.emulator.requestLog.list()).toEqual([]);
  });

  test("a plan whose state changed since planning is refused as stale, naming the stack; nothing is applied", async () => {
    // GIVEN a saved (clear) plan for dev that adds a hostname
    fixture.synth([stack("dev", 3)]);
    const plans = path.join(fixture.dir, "plans-stale");
    expect(
      (
        await cli("plan-summary", [
          "--outdir",
          fixture.outdir,
          "--stacks",
          "p1as-dev",
          "--out",
          path.join(fixture.dir, "s.md"),
          "--save-plans",
          plans,
        ])
      ).code,
    ).toBe(0);
    expect(readdirSync(plans).sort()).toEqual(["p1as-dev.tfplan", "p1as-dev.tfplan.json"]);
    // AND the state changed since: another deploy of the same synth applied it
    expect((await cli("deploy", ["--outdir", fixture.outdir, "--stacks", "p1as-dev"])).code).toBe(0);
    fixture.emulator.requestLog.clear();

    // WHEN the saved plan is applied
    const refused = await cli("deploy", ["--outdir", fixture.outdir, "--stacks", "p1as-dev", "--plans", plans]);

    // THEN it is refused as stale, naming the stack and what to do, and nothing reached the API's write routes
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "deploy: p1as-dev: failed: the saved plan is stale: the state changed after the plan was made (another deploy, or a change outside this review). Nothing was applied. Plan again (npm run plan:summary -- --stacks p1as-dev --save-plans <dir>) and have the new plan reviewed before applying it.\n",
    );
    expect(writes()).toEqual([]);
  });
});

describe("deploy of saved plans: refusals before anything is applied", () => {
  let plans: string;
  beforeAll(async () => {
    fixture = await createFixture();
    fixture.synth([stack("dev", 1), stack("stage", 1)]);
    plans = path.join(fixture.dir, "plans");
    expect(
      (
        await cli(
          "plan-summary",
          ["--outdir", fixture.outdir, "--out", path.join(fixture.dir, "s.md"), "--save-plans", plans],
          withKey(),
        )
      ).code,
    ).toBe(0);
  });
  afterAll(() => fixture?.remove());
  beforeEach(() => fixture.emulator.requestLog.clear());
  afterEach(() => expect(writes()).toEqual([]));

  const sealedRejected = (stack: string, file: string) =>
    `deploy: ${stack}: the sealed plan ${file} failed authentication: it was changed after it was sealed, or P1AS_PLAN_KEY is not the key it was sealed with. Nothing was applied. Plan again (npm run plan:summary -- --stacks ${stack} --save-plans <dir>) and have the new plan reviewed before applying it.\n`;

  test("a sealed plan with one byte changed is refused, naming the stack and file", async () => {
    const file = path.join(plans, "p1as-stage.tfplan.sealed");
    const original = readFileSync(file);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 10] ^= 0x01;
    writeFileSync(file, tampered);
    try {
      expect(await cli("deploy", ["--outdir", fixture.outdir, "--plans", plans], withKey())).toMatchObject({
        code: 1,
        stderr: sealedRejected("p1as-stage", file),
      });
    } finally {
      writeFileSync(file, original);
    }
  });

  test("a sealed plan opened with another key is refused the same way", async () => {
    const file = path.join(plans, "p1as-dev.tfplan.sealed");
    expect(
      await cli("deploy", ["--outdir", fixture.outdir, "--plans", plans], { P1AS_PLAN_KEY: `${PLAN_KEY}!` }),
    ).toMatchObject({ code: 1, stderr: sealedRejected("p1as-dev", file) });
  });

  test.each([
    [
      "P1AS_PLAN_KEY unset",
      {},
      "deploy: p1as-dev: the saved plan is sealed and P1AS_PLAN_KEY is not set: set P1AS_PLAN_KEY to the key the plan was sealed with. Nothing was applied.\n",
    ],
    [
      "P1AS_PLAN_KEY too short",
      { P1AS_PLAN_KEY: "short" },
      "deploy: P1AS_PLAN_KEY is too short to seal plans with: use a random value of at least 16 characters (for example `openssl rand -base64 32`).\n",
    ],
  ])("%s: refused, naming the variable", async (_name, env, expected) => {
    expect(await cli("deploy", ["--outdir", fixture.outdir, "--plans", plans], env)).toMatchObject({
      code: 1,
      stderr: expected,
    });
  });

  test("a selected stack without a saved plan is refused, naming it; the other stack is not applied either", async () => {
    const only = path.join(fixture.dir, "plans-dev-only");
    expect(
      (
        await cli("plan-summary", [
          "--outdir",
          fixture.outdir,
          "--stacks",
          "p1as-dev",
          "--out",
          path.join(fixture.dir, "s.md"),
          "--save-plans",
          only,
        ])
      ).code,
    ).toBe(0);
    const resultFile = path.join(fixture.dir, "refused.md");
    const message = `p1as-stage: no saved plan for this stack in ${only} (expected p1as-stage.tfplan or p1as-stage.tfplan.sealed). Nothing was applied. Plan again (npm run plan:summary -- --stacks p1as-stage --save-plans <dir>) and have the new plan reviewed before applying it.`;
    expect(
      await cli("deploy", ["--outdir", fixture.outdir, "--plans", only, "--result-out", resultFile]),
    ).toMatchObject({ code: 1, stderr: `deploy: ${message}\n` });
    // AND the result markdown says so too (CI shows it in the job summary), as Markdown text (`<dir>` is no HTML tag)
    expect(readFileSync(resultFile, "utf8")).toBe(
      `## Deploy result\n\nNothing was applied: ${markdownText(message)}\n`,
    );
  });

  test("a plan made from another synth is refused (terraform would apply the planned configuration)", async () => {
    const other = path.join(fixture.dir, "plans-other");
    expect(
      (
        await cli("plan-summary", [
          "--outdir",
          fixture.outdir,
          "--stacks",
          "p1as-dev",
          "--out",
          path.join(fixture.dir, "s.md"),
          "--save-plans",
          other,
        ])
      ).code,
    ).toBe(0);
    fixture.synth([stack("dev", 2), stack("stage", 1)]);
    try {
      const refused = await cli("deploy", ["--outdir", fixture.outdir, "--stacks", "p1as-dev", "--plans", other]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^deploy: p1as-dev: the saved plan was made from a different synth \(cdk\.tf\.json sha256 [0-9a-f]{12}, now [0-9a-f]{12}\): terraform would apply the planned configuration, not this one\. Nothing was applied\./,
      );
    } finally {
      fixture.synth([stack("dev", 1), stack("stage", 1)]);
    }
  });

  test("with the key set, an unsealed plan or marker in the folder is refused, naming the file", async () => {
    const forged = path.join(plans, "p1as-dev.unchanged.json");
    writeFileSync(
      forged,
      JSON.stringify({ stack: "p1as-dev", configSha256: "0".repeat(64), destroy: false, applyable: false }),
    );
    try {
      const refused = await cli("deploy", ["--outdir", fixture.outdir, "--plans", plans], withKey());
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `deploy: p1as-dev: refused the unsealed ${forged}: with P1AS_PLAN_KEY set only sealed plans are applied`,
      );
    } finally {
      rmSync(forged);
    }
  });

  test.each([
    ["--plans without a directory", ["--plans"], "deploy: option '--plans <dir>' argument missing. See --help.\n"],
    [
      "--plans with an empty directory name",
      ["--plans", ""],
      "deploy: option '--plans <dir>' argument '' is invalid. must name the folder of the saved plans (plan:summary --save-plans <dir>); without one, deploy would plan and apply with no reviewed plan. See --help.\n",
    ],
    [
      "--result-out without a file",
      ["--result-out"],
      "deploy: option '--result-out <file>' argument missing. See --help.\n",
    ],
  ])("%s is a usage error", async (_name, args, expected) => {
    const result = await cli("deploy", ["--outdir", fixture.outdir, ...args]);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toBe(expected);
  });

  test("plan:summary refuses a P1AS_PLAN_KEY too short before planning", async () => {
    const dir = path.join(fixture.dir, "plans-short");
    const result = await cli(
      "plan-summary",
      ["--outdir", fixture.outdir, "--out", path.join(fixture.dir, "s.md"), "--save-plans", dir],
      { P1AS_PLAN_KEY: "short" },
    );
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("plan-summary: P1AS_PLAN_KEY is too short"),
    });
    expect(existsSync(dir)).toBe(false);
  });
});

describe("deploy output and Ctrl-C", () => {
  beforeAll(async () => (fixture = await createFixture()));
  afterAll(() => fixture?.remove());
  beforeEach(() => {
    fixture.emulator.service.completionDelayMs = 0;
    fixture.emulator.requestLog.clear();
  });

  test("terraform's lines stream as they come, each prefixed with its stack, without colour or secrets in a CI log", async () => {
    // GIVEN a slow API (each hostname takes 1.5 s to complete), a non-terminal stdout and CI=true
    fixture.synth([stack("dev", 2)]);
    fixture.emulator.service.completionDelayMs = 1_500;

    // WHEN deployed
    const run = start("deploy", ["--outdir", fixture.outdir], { CI: "true" });
    const firstTerraformLine = await run.line(/^p1as-dev │ (Initializing|Terraform)/);
    // THEN terraform's first line arrived while the deploy was still running, before any write reached the API
    const whenFirstSeen = { deployRunning: run.child.exitCode === null, writes: writes().length };
    const done = await run.done;
    expect(whenFirstSeen).toEqual({ deployRunning: true, writes: 0 });
    expect(firstTerraformLine).toMatch(/^p1as-dev │ /);
    expect(done.code).toBe(0);
    // AND every line carries the stack (terraform's) or the tool's name, with no colour codes
    const lines = done.stdout.split("\n").filter(Boolean);
    expect(lines.filter((line) => !/^(p1as-dev │ |deploy: p1as-dev: )/.test(line))).toEqual([]);
    expect(done.stdout).toContain("p1as-dev │ Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    expect(done.stdout + done.stderr).not.toContain("\u001b[");
    expect(
      findForms(done.stdout + done.stderr, [{ name: "client secret", needles: forms(fixture.clientSecret) }]),
    ).toEqual([]);
  });

  test("a wrong client secret fails with every error line naming the stack, and no secret printed", async () => {
    // GIVEN a synthesized dev stack and a wrong secret in its TF_VAR
    fixture.synth([stack("dev", 2)]);
    const wrong = `wrong-${fixture.clientSecret}`;
    const env = Object.fromEntries(
      Object.entries(fixture.env()).map(([name, value]) => [name, value === fixture.clientSecret ? wrong : value]),
    );

    // WHEN deployed
    const failed = await cli("deploy", ["--outdir", fixture.outdir], env, false);

    // THEN it fails, and each line of the final report names the stack
    expect(failed.code).toBe(1);
    const report = failed.stderr.split("\n").filter((line) => line.startsWith("deploy: "));
    expect(report.length).toBeGreaterThan(1);
    expect(report.filter((line) => !line.startsWith("deploy: p1as-dev: "))).toEqual([]);
    expect(report[0]).toBe("deploy: p1as-dev: failed: terraform apply failed:");
    expect(failed.stderr).toMatch(/invalid_client|client credentials/i);
    // AND the refusal is said once by terraform and once in the report, naming the variable the secret came from
    const secretVariable = Object.keys(fixture.env()).find((name) => fixture.env()[name] === fixture.clientSecret)!;
    const refusals = failed.stderr
      .split("\n")
      .filter((line) => line.includes("The token endpoint refused the p1as client's secret"));
    expect(refusals.map((line) => line.replace(/^(p1as-dev │|deploy: p1as-dev:) .*$/, "$1"))).toEqual([
      "p1as-dev │",
      "deploy: p1as-dev:",
    ]);
    const terraformSaid = failed.stderr
      .split("\n")
      .filter((line) => line.startsWith("p1as-dev │"))
      .map((line) => line.slice("p1as-dev │".length))
      .join(" ")
      .replace(/[│╷╵]/g, " ")
      .replace(/\s+/g, " ");
    expect(
      terraformSaid.split(`The secret came from the environment variable ${secretVariable}: set it`).length - 1,
    ).toBe(1);
    expect((failed.stderr.match(/HTTP 401/g) ?? []).length).toBeLessThanOrEqual(2);
    // AND terraform's own lines on stderr carry the stack too
    expect(failed.stderr.split("\n").filter((line) => line && !/^(p1as-dev │ |deploy: p1as-dev: )/.test(line))).toEqual(
      [],
    );
    const needles = [
      { name: "right secret", needles: forms(fixture.clientSecret) },
      { name: "wrong secret", needles: forms(wrong) },
    ];
    expect(findForms(failed.stdout + failed.stderr, needles)).toEqual([]);
  });

  test("SIGINT mid-apply: terraform stops gracefully, the summary says what was applied, interrupted and not started, and the next deploy converges", async () => {
    // GIVEN dev (deployed before), stage (fourteen slow hostnames: more than terraform runs at once) and test, in that manifest order, and an API
    // where each hostname takes 1 s
    fixture.synth([stack("dev", 2), stack("stage", 14), stack("test", 1)]);
    fixture.emulator.service.completionDelayMs = 1_000;

    // WHEN the deploy gets SIGINT once test's first hostname create reached the API
    const run = start("deploy", ["--outdir", fixture.outdir]);
    await until(
      () =>
        fixture.emulator.requestLog.list(/^POST \/stage\/api\/v1\/hostnames$/).length > 0 ||
        run.child.exitCode !== null,
      120_000,
    );
    run.child.kill("SIGINT");
    const done = await run.done;

    // THEN it exits 130 and says, per stack, what happened
    expect(done.code).toBe(130);
    const report = done.stderr.split("\n").filter((line) => line.startsWith("deploy: "));
    expect(
      report.map((line) => line.replace(/Resources: \d+ added, \d+ changed, \d+ destroyed/, "Resources: …")),
    ).toEqual([
      "deploy: SIGINT: stopping terraform gracefully (it starts nothing new, records what completed and releases its lock); no further stack starts. Press Ctrl-C again to kill it.",
      "deploy: interrupted by SIGINT:",
      "deploy: p1as-dev: applied (Resources: …)",
      "deploy: p1as-stage: interrupted: stopped during terraform apply: the requests in flight were finished or abandoned (an object may still be changing in the API), the state records what completed, and the lock is released. Deploy again to converge.",
      "deploy: p1as-test: not started",
    ]);
    // AND terraform saw exactly one interrupt (a second one makes it exit at once, maybe losing state)
    expect(done.stdout).toContain("p1as-stage │ Interrupt received.");
    expect(done.stdout + done.stderr).not.toContain("Two interrupts received");
    // AND test was never touched, and stage's apply really stopped short
    expect(fixture.emulator.requestLog.list(/ \/test\//)).toEqual([]);
    expect(fixture.emulator.service.listHostnames("stage").length).toBeLessThan(14);

    // WHEN deployed again, refusing to wait for any lock
    fixture.emulator.service.completionDelayMs = 0;
    const again = await cli("deploy", ["--outdir", fixture.outdir, "--lock-timeout", "0s"]);

    // THEN the lock was released: it succeeds, and every stack converges to an empty plan
    expect({ code: again.code, errors: again.stderr.split("\n").filter((line) => /Error/.test(line)) }).toEqual({
      code: 0,
      errors: [],
    });
    expect(again.stdout).toContain("deploy: p1as-test: applied (Resources: 2 added, 0 changed, 0 destroyed)\n");
    expect(fixture.emulator.service.listHostnames("stage")).toHaveLength(14);
    for (const name of ["p1as-dev", "p1as-test", "p1as-stage"]) {
      expect({
        name,
        exitCode: (
          await fixture.terraform(name, ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"])
        ).exitCode,
      }).toEqual({ name, exitCode: 0 });
    }
  });

  test("on a terminal: colour, and Ctrl-C typed into `npm run deploy` reaches terraform exactly once", async () => {
    // GIVEN dev and test deployed, stage with fourteen slow hostnames, and `npm run deploy` in a pseudo-terminal
    // (util-linux `script`), where Ctrl-C is a keystroke the terminal turns into SIGINT for its foreground jobs
    fixture.synth([stack("dev", 2), stack("stage", 16), stack("test", 1)]);
    fixture.emulator.service.completionDelayMs = 1_000;
    const command = `npm run --silent deploy -- --outdir ${fixture.outdir}`;
    const terminal = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: ROOT,
      env: { ...process.env, ...fixture.env(), TERM: "xterm" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    terminal.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => terminal.on("close", resolve));

    // WHEN Ctrl-C is typed once stage's hostnames are being created
    await until(
      () =>
        fixture.emulator.requestLog.list(/^POST \/stage\/api\/v1\/hostnames$/).length > 0 || terminal.exitCode !== null,
      180_000,
    );
    terminal.stdin!.write("\u0003");
    const code = await exited;
    terminal.stdin!.end();

    // THEN terraform was interrupted once and the deploy reported and exited 130
    const plain = output.replace(/\u001b\[[0-9;]*m/g, "").replace(/\r/g, "");
    expect(code).toBe(130);
    expect(plain).toContain("p1as-stage │ Interrupt received.");
    expect(plain).not.toContain("Two interrupts received");
    expect(plain).toContain("deploy: p1as-stage: interrupted: stopped during terraform apply");
    expect(plain).toContain("deploy: p1as-test: not started");
    // AND on the terminal the stack prefix and terraform's own output are in colour
    expect(output).toMatch(/\u001b\[36mp1as-dev\u001b\[39m \u001b\[2m│\u001b\[22m /);
    expect(output).toContain(
      "\u001b[36mp1as-dev\u001b[39m \u001b[2m│\u001b[22m \u001b[0m\u001b[1mInitializing the backend...\u001b[0m",
    );

    // AND the next deploy converges without waiting for a lock
    fixture.emulator.service.completionDelayMs = 0;
    expect((await cli("deploy", ["--outdir", fixture.outdir, "--lock-timeout", "0s"])).code).toBe(0);
    expect(fixture.emulator.service.listHostnames("stage")).toHaveLength(16);
  });
});

// ---- shared helpers -------------------------------------------------------------------------------

/** The fixture of the describe block running (each creates its own in beforeAll). */
let fixture: Fixture;

/** The API write requests the emulator received since its log was last cleared. */
function writes(): string[] {
  return fixture.emulator.requestLog
    .list(/^(POST|PUT|PATCH|DELETE) \/\w+\/api\//)
    .map((entry) => `${entry.method} ${entry.path}`);
}

function start(tool: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return startCli(tool, args, { ...fixture.env(), ...env });
}

/** Runs a tool to its end, with the fixture's TF_VAR_* secrets unless told otherwise. */
function cli(tool: string, args: string[], env: NodeJS.ProcessEnv = {}, withFixtureEnv = true): Promise<Finished> {
  return startCli(tool, args, { ...(withFixtureEnv ? fixture.env() : {}), ...env }).done;
}

function stackDir(name: string): string {
  return path.join(fixture.outdir, "stacks", name);
}

function stack(environment: P1asEnvironment, hostnames: number): { environment: P1asEnvironment; spec: StackSpec } {
  const certname = `wildcard-${environment}`;
  return {
    environment,
    spec: {
      certificates: [{ name: certname }],
      hostnames: Array.from({ length: hostnames }, (_, i) => ({
        hostname: `app${i + 1}.${environment}.acme.example`,
        product: "pingfederate-engines" as const,
        certname,
      })),
    },
  };
}

const withKey = (): NodeJS.ProcessEnv => ({ P1AS_PLAN_KEY: PLAN_KEY });

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A tool from dist/ as its own process, as `npm run <tool>` starts it, with lines observable as they arrive. */
function startCli(tool: string, args: string[], env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "dist", "tools", tool, "main.js"), ...args], {
    cwd: ROOT,
    env: { ...process.env, P1AS_PLAN_KEY: "", GITHUB_STEP_SUMMARY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const line of chunk.split("\n")) {
      for (const waiter of waiting.filter((candidate) => candidate.pattern.test(line))) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<Finished>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    done,
    /** Resolves with the first stdout line matching `pattern` (from now on). */
    line: (pattern: RegExp) => new Promise<string>((resolve) => waiting.push({ pattern, resolve })),
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
