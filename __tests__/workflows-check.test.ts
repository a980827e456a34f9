/**
 * `npm run workflows:check`: GitHub's start-time rules for workflow files, checked before GitHub sees them.
 * - This repository's workflows pass; the same workflows as they were on main before the fix (the deploy's
 *   nested report job asking for more than its caller grants) fail, and so does today's deploy.yml with
 *   only its calling jobs' permissions taken out again.
 * - One known-bad fixture per rule under __tests__/fixtures/workflows/<rule>/, each failing with exactly the
 *   lines pinned here; `accepted/` holds what GitHub starts (vars everywhere the table allows them,
 *   ubuntu-24.04, anchors, secrets passed by name to jobs with environments) and must pass.
 * - The command line: one line per finding and a count, exit 0, 1, or 64 for a path that is not there.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { main } from "../tools/workflows-check/main";
import { checkWorkflows } from "../tools/workflows-check/check";
import { scanExpressions } from "../tools/workflows-check/expressions";
import { formatFinding } from "../tools/workflows-check/findings";
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE } from "../cli-kit/errors";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const FIXTURES = path.join(__dirname, "fixtures", "workflows");
const BEFORE_FIX = path.join(__dirname, "fixtures", "workflows-main-d5a84ea");

describe("this repository's workflows", () => {
  it("pass every rule", () => {
    expect(findingsIn(WORKFLOWS)).toEqual([]);
  });

  it("as they were on main before the fix, fail: nested permissions, inherited secrets, undeclared secrets, no timeouts", () => {
    const findings = checkWorkflows([BEFORE_FIX], BEFORE_FIX).findings;
    const count = (rule: string) =>
      findings.filter((finding) => finding.rule === rule).map(({ file, where }) => `${file}: ${where}`);
    expect(count("nested-permissions")).toEqual(
      ["pingone-directory", "dev", "test", "stage", "prod"].map((job) => `deploy.yml: job ${job}`),
    );
    expect(count("secrets-inherit")).toEqual(
      ["pingone-directory", "dev", "test", "stage", "prod"].map((job) => `deploy.yml: job ${job}`),
    );
    expect(count("timeout-minutes")).toEqual([
      "deploy-stack.yml: job plan",
      "deploy-stack.yml: job apply",
      "deploy-stack.yml: job report",
      "drift.yml: job drift",
      "pull-request.yml: job test",
      "pull-request.yml: job plan",
    ]);
    // Every secret deploy-stack.yml read in its plan and apply steps, none of them declared.
    expect(count("secret-undeclared")).toHaveLength(20);
    expect(new Set(findings.map(({ rule }) => rule))).toEqual(
      new Set(["nested-permissions", "secrets-inherit", "timeout-minutes", "secret-undeclared"]),
    );
    expect(findings.map(formatFinding)).toContain(
      "deploy.yml:57: job prod: permissions: job report of deploy-stack.yml asks for contents: write, pull-requests: write, more than this job grants " +
        "(contents: read, from the workflow's permissions): a called workflow can only lower the caller's permissions, so GitHub refuses to start the workflow. " +
        "Grant them in this job's permissions, or ask for less in the called job. [nested-permissions]",
    );
  });

  it("fail again when the calling jobs' permissions are taken out of deploy.yml", () => {
    // GIVEN today's workflows with only the fix reverted
    const dir = copyOfWorkflows();
    const deploy = parseDocument(readFileSync(path.join(dir, "deploy.yml"), "utf8"));
    for (const job of Object.keys(deploy.toJS().jobs)) deploy.deleteIn(["jobs", job, "permissions"]);
    writeFileSync(path.join(dir, "deploy.yml"), deploy.toString());
    // WHEN checked THEN each call is refused for its report job, and nothing else is found
    const findings = checkWorkflows([dir], dir).findings;
    expect(findings.map(({ rule, where }) => `${rule} ${where}`)).toEqual(
      ["pingone-directory", "dev", "test", "stage", "prod"].map((job) => `nested-permissions job ${job}`),
    );
    expect(findings.map(({ message }) => message)).toEqual(
      Array(5).fill(
        expect.stringMatching(
          /^job report of deploy-stack\.yml asks for contents: write, pull-requests: write, more than this job grants \(contents: read, from the workflow's permissions\)/,
        ),
      ),
    );
  });

  it("fail when a calling job grants contents: write but not the pull-requests: write its report job asks for", () => {
    const dir = copyOfWorkflows();
    const deploy = parseDocument(readFileSync(path.join(dir, "deploy.yml"), "utf8"));
    deploy.setIn(["jobs", "prod", "permissions"], deploy.createNode({ contents: "write" }));
    writeFileSync(path.join(dir, "deploy.yml"), deploy.toString());
    expect(findingsIn(dir)).toEqual([
      expect.stringMatching(
        /^deploy\.yml:\d+: job prod: permissions: job report of deploy-stack\.yml asks for pull-requests: write, more than this job grants \(contents: write, from this job's permissions\)/,
      ),
    ]);
  });
});

describe("each rule, on a known-bad workflow", () => {
  const EXPECTED: Record<string, string[]> = {
    yaml: [
      "duplicate-key.yml:9: workflow: GitHub cannot read this file as a workflow: Map keys must be unique. [yaml]",
    ],
    "permissions-value": [
      'bad-levels.yml:3: workflow: permissions: contents: "admin" is not a level contents takes (read, write, none), so GitHub refuses the workflow. [permissions-value]',
      'bad-levels.yml:9: job build: permissions: unknown scope "content" (GitHub\'s scopes: actions, artifact-metadata, attestations, checks, contents, deployments, id-token, issues, models, discussions, packages, pages, pull-requests, repository-projects, security-events, statuses), so GitHub refuses the workflow. [permissions-value]',
      'bad-levels.yml:9: job build: permissions: id-token: "read" is not a level id-token takes (write, none), so GitHub refuses the workflow. [permissions-value]',
    ],
    "nested-permissions": [
      "caller.yml:7: job deploy: permissions: job report of called.yml asks for contents: write, pull-requests: write, more than this job grants (contents: read, from the workflow's permissions): a called workflow can only lower the caller's permissions, so GitHub refuses to start the workflow. Grant them in this job's permissions, or ask for less in the called job. [nested-permissions]",
    ],
    "explicit-permissions": [
      "caller.yml:5: job deploy: permissions: neither this job nor the workflow sets permissions, so called.yml runs with the repository's default token, which this file cannot show and which decides whether GitHub starts it: set permissions explicitly on this job. [explicit-permissions]",
    ],
    "caller-job-keys": [
      "caller.yml:7: job deploy: runs-on: a job that calls a reusable workflow may carry only name, uses, with, secrets, strategy, needs, if, concurrency, permissions, so GitHub refuses runs-on here. The called workflow's jobs choose their runners. [caller-job-keys]",
      "caller.yml:8: job deploy: timeout-minutes: a job that calls a reusable workflow may carry only name, uses, with, secrets, strategy, needs, if, concurrency, permissions, so GitHub refuses timeout-minutes here. Set timeout-minutes on the called workflow's jobs instead. [caller-job-keys]",
    ],
    "called-workflow": [
      "broken.yml:3: workflow: GitHub cannot read this file as a workflow: Map keys must be unique. [yaml]",
      "caller.yml:6: job missing: uses: ./.github/workflows/missing.yml is not beside this workflow, so GitHub cannot start it. Fix the file name. [called-workflow]",
      "caller.yml:8: job not-callable: uses: pushed.yml has no on.workflow_call trigger, so GitHub cannot call it. [called-workflow]",
      "caller.yml:10: job unreadable: uses: broken.yml is not a workflow GitHub can read (Map keys must be unique), so GitHub cannot call it. [called-workflow]",
    ],
    "secrets-inherit": [
      "caller.yml:7: job deploy: secrets: inherit hands the called workflow every secret this job can read. Pass each secret it uses by name instead. [secrets-inherit]",
    ],
    "secret-undeclared": [
      'called.yml:14: job apply, step 1 "Apply": env.PROD_SECRET: uses secrets.PROD_SECRET, which on.workflow_call.secrets does not declare, so no caller can pass it by name (and a job\'s environment fills in only names its caller passed). Declare it and pass it from every caller. [secret-undeclared]',
    ],
    "secret-not-passed": [
      "caller.yml:8: job deploy: secrets: called.yml declares secret KEY required but this job does not pass it, so GitHub refuses the call. Add KEY: ${{ secrets.KEY }} to this job's secrets. [secret-not-passed]",
      'caller.yml:8: job deploy: secrets: called.yml uses secrets.write_secret (job apply, step 1 "Apply") but this job does not pass it, so it is empty there, environment or not: a called workflow sees only the names its caller passes. Add write_secret: ${{ secrets.write_secret }} to this job\'s secrets. [secret-not-passed]',
    ],
    "secret-unknown": [
      "caller.yml:9: job deploy: secrets.EXTRA: passes EXTRA, which called.yml does not declare in on.workflow_call.secrets, so GitHub refuses the call. Declare it there or stop passing it. [secret-unknown]",
    ],
    "call-inputs": [
      "caller.yml:8: job deploy: with: does not pass input environment, which called.yml requires and gives no default, so GitHub refuses the call. Pass it in with. [call-inputs]",
      "caller.yml:9: job deploy: with.region: passes input region, which called.yml does not declare in on.workflow_call.inputs, so GitHub refuses the call. Declare it there or stop passing it. [call-inputs]",
    ],
    "context-availability": [
      "contexts.yml:7: job plan: if: ${{ secrets.PLAN_KEY != '' }} reads secrets, which GitHub does not provide at jobs.<job_id>.if (only github, needs, vars, inputs), so GitHub refuses the workflow. [context-availability]",
      "contexts.yml:8: job plan: runs-on: ${{ env.RUNNER }} reads env, which GitHub does not provide at jobs.<job_id>.runs-on (only github, needs, strategy, matrix, vars, inputs), so GitHub refuses the workflow. [context-availability]",
      'contexts.yml:14: job plan, step 1 "Plan": env.KEY: ${{ secret.PLAN_KEY }} reads secret, which is not a GitHub context (github, env, vars, job, jobs, steps, runner, secrets, strategy, matrix, needs, inputs), so GitHub refuses the workflow. [context-availability]',
    ],
    "function-availability": [
      "functions.yml:6: job plan: if: ${{ hashFiles('plan.md') != '' }} calls hashFiles(), which GitHub does not allow at jobs.<job_id>.if, so GitHub refuses the workflow. [function-availability]",
      "functions.yml:10: job plan: env.OK: ${{ success() }} calls success(), which GitHub does not allow at jobs.<job_id>.env, so GitHub refuses the workflow. [function-availability]",
      'functions.yml:14: job plan, step 1 "./plan": env.NAME: ${{ toUpper(github.actor) }} calls toUpper(), which is not a GitHub expression function, so GitHub refuses the workflow. [function-availability]',
    ],
    "expression-syntax": [
      'unclosed.yml:11: job plan, step 1 "./plan": env.REF: ${{ github.ref } is never closed with }}, so GitHub refuses the workflow. [expression-syntax]',
    ],
    "expression-key": [
      'keys.yml:9: job plan, step 1 "actions/checkout@${{ vars.CHECKOUT_SHA }}": uses: ${{ vars.CHECKOUT_SHA }}: GitHub evaluates no expression at this key, so the text stays as written. Use a literal value. [expression-key]',
    ],
    "timeout-minutes": [
      "no-timeout.yml:6: job test: timeout-minutes: this job runs steps with no timeout-minutes, so a hung step holds its runner, and any lock it took, for GitHub's default 360 minutes. Set it from what the job does. [timeout-minutes]",
    ],
    accepted: [],
  };

  it("has a fixture for every rule the checker knows, and an expectation for every fixture", () => {
    const rules = new Set(
      Object.values(EXPECTED).flatMap((lines) => lines.map((line) => /\[([a-z-]+)\]$/.exec(line)?.[1])),
    );
    const ruleType =
      readFileSync(path.join(ROOT, "tools/workflows-check/findings.ts"), "utf8").match(
        /export type Rule =([^;]+);/,
      )?.[1] ?? "";
    expect(rules).toEqual(new Set([...ruleType.matchAll(/"([a-z-]+)"/g)].map(([, rule]) => rule)));
    expect(readdirSync(FIXTURES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("%s", (rule, lines) => {
    expect(findingsIn(path.join(FIXTURES, rule))).toEqual(lines);
  });
});

describe("expressions", () => {
  it.each([
    ["secrets.A || 'secrets.B'", ["secrets.A"]],
    ["format('{0}}}', github.sha) == '}}'", ["github.sha"]],
    ["needs.plan.outputs.exit-code != '0' && steps.drift.outputs.x", ["needs.plan", "steps.drift"]],
    ["secrets['KEY'] == 'It''s'", ["secrets.KEY"]],
    ["fromJSON('[1, 2]')[0] == 0xff && -2.99e-2 < 1 && true && null == false", []],
    ["contains(github.event.issue.labels.*.name, 'bug')", ["github.event"]],
  ])("%s reads %j", (expression, reads) => {
    const scan = scanExpressions(`\${{ ${expression} }}`);
    expect(
      "expressions" in scan
        ? scan.expressions.flatMap(({ contexts }) =>
            contexts.map(({ context, property }) => `${context}.${property}`.replace(/\.undefined$/, "")),
          )
        : scan,
    ).toEqual(reads);
  });

  it("reads an if: without ${{ }} as one expression, and any other value only inside ${{ }}", () => {
    expect(scanExpressions("github.ref == 'main'", true)).toEqual({
      expressions: [
        { text: "github.ref == 'main'", contexts: [{ context: "github", property: "ref" }], functions: [] },
      ],
    });
    expect(scanExpressions("github.ref == 'main'")).toEqual({ expressions: [] });
    expect(scanExpressions("a ${{ x }} b ${{ y }}")).toEqual({
      expressions: [expect.objectContaining({ text: "x" }), expect.objectContaining({ text: "y" })],
    });
  });
});

describe("npm run workflows:check", () => {
  it("checks .github/workflows by default: no finding, exit 0", async () => {
    const { code, stdout, stderr } = await run([]);
    expect({ code, stdout, stderr }).toEqual({ code: EXIT_OK, stdout: "0 problems in 4 workflow files\n", stderr: "" });
  });

  it("prints one line per finding, files named from the working directory, then the count, and exits 1", async () => {
    const { code, stdout, stderr } = await run([
      path.relative(process.cwd(), path.join(FIXTURES, "nested-permissions")),
    ]);
    expect({ code, stderr }).toEqual({ code: EXIT_ERROR, stderr: "" });
    expect(stdout.split("\n")).toEqual([
      expect.stringMatching(
        /^__tests__\/fixtures\/workflows\/nested-permissions\/caller\.yml:7: job deploy: permissions: job report of __tests__\/fixtures\/workflows\/nested-permissions\/called\.yml asks for /,
      ),
      "1 problem in 2 workflow files",
      "",
    ]);
  });

  it.each([
    [
      ["no-such-dir"],
      "workflows-check: command-argument value 'no-such-dir' is invalid for argument 'paths'. no such file or directory. See --help.\n",
    ],
    [
      ["docs"],
      "workflows-check: command-argument value 'docs' is invalid for argument 'paths'. the directory holds no .yml or .yaml file. See --help.\n",
    ],
  ])("%j exits 64 before checking anything", async (args, message) => {
    expect(await run(args)).toEqual({ code: EXIT_USAGE, stdout: "", stderr: message });
  });
});

// ---- shared setup ----

function findingsIn(dir: string): string[] {
  return checkWorkflows([dir], dir).findings.map(formatFinding);
}

const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A temporary copy of .github/workflows to break on purpose. */
function copyOfWorkflows(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "workflows-check-"));
  copies.push(dir);
  for (const file of readdirSync(WORKFLOWS)) copyFileSync(path.join(WORKFLOWS, file), path.join(dir, file));
  return dir;
}

async function run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}
