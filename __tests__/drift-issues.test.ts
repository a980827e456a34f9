/**
 * The scheduled drift check keeps exactly ONE open issue per drifting stack: opened once, its body rewritten
 * as findings change, closed with a comment when the stack is back in sync. A failing check is an issue too,
 * never a silent green. `github` is the in-memory fake with Octokit's shape.
 */
import type { DriftFinding, StackDrift } from "../tools/drift/main";
import {
  DRIFT_LABEL,
  driftMarker,
  DriftReport,
  parseDriftReport,
  syncDriftIssues,
  WHOLE_CHECK,
} from "../tools/github/drift-issues";
import { CONTEXT, FakeGitHub } from "./support/fake-github";
import { findForms, forms } from "./support/needles";

describe("syncDriftIssues", () => {
  it("opens one labelled issue for a drifting stack, and keeps it the only one on later runs", async () => {
    const github = new FakeGitHub();
    // WHEN the same drift is reported on three scheduled runs
    const first = await syncDriftIssues({ github, context: CONTEXT, report: report(drifting("p1as-prod", [MISSING])) });
    await syncDriftIssues({ github, context: CONTEXT, report: report(drifting("p1as-prod", [MISSING])) });
    const third = await syncDriftIssues({ github, context: CONTEXT, report: report(drifting("p1as-prod", [MISSING])) });
    // THEN
    expect(first).toEqual([
      { stack: WHOLE_CHECK, action: "in sync" },
      { stack: "p1as-prod", action: "opened", issue: 1 },
    ]);
    expect(third[1]).toEqual({ stack: "p1as-prod", action: "unchanged", issue: 1 });
    expect(github.issues).toHaveLength(1);
    const [issue] = github.issues;
    expect({ title: issue.title, labels: issue.labels, state: issue.state }).toEqual({
      title: "Drift in p1as-prod",
      labels: [DRIFT_LABEL],
      state: "open",
    });
    expect(issue.body.startsWith(driftMarker("p1as-prod"))).toBe(true);
    expect(issue.body).toContain(
      "| missing | hostname | `auth.acme.example` | – | a deploy creates it again (p1as_hostname.auth) |",
    );
  });

  it("rewrites the body when the findings change, still one issue", async () => {
    const github = new FakeGitHub();
    await syncDriftIssues({ github, context: CONTEXT, report: report(drifting("p1as-prod", [MISSING])) });
    const [, result] = await syncDriftIssues({
      github,
      context: CONTEXT,
      report: report(drifting("p1as-prod", [MISSING, CHANGED])),
    });
    expect(result).toEqual({ stack: "p1as-prod", action: "updated", issue: 1 });
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0].body).toContain(
      "| changed | hostname | `api.acme.example` | product: pingaccess-engines → pingfederate-engines |",
    );
  });

  it("keeps one issue per stack, and closes a stack's issue with a comment when it is back in sync", async () => {
    const github = new FakeGitHub();
    await syncDriftIssues({
      github,
      context: CONTEXT,
      report: report(drifting("p1as-dev", [MISSING]), drifting("p1as-prod", [CHANGED])),
    });
    expect(github.issues.map((issue) => issue.title)).toEqual(["Drift in p1as-dev", "Drift in p1as-prod"]);
    // WHEN prod is repaired by a deploy
    const actions = await syncDriftIssues({
      github,
      context: CONTEXT,
      report: report(drifting("p1as-dev", [MISSING]), inSync("p1as-prod")),
    });
    // THEN
    expect(actions.slice(1)).toEqual([
      { stack: "p1as-dev", action: "unchanged", issue: 1 },
      { stack: "p1as-prod", action: "closed", issue: 2 },
    ]);
    const prod = github.issue(2);
    expect({ state: prod.state, reason: prod.state_reason }).toEqual({ state: "closed", reason: "completed" });
    expect(prod.comments.map((comment) => comment.body)).toEqual([
      "`p1as-prod` is back in sync with its state ([run](https://github.example/acme/p1as/actions/runs/77)). Closing.",
    ]);
    expect(github.issue(1).state).toBe("open");
    // AND a stack in sync that never drifted gets no issue
    await syncDriftIssues({ github, context: CONTEXT, report: report(inSync("p1as-stage")) });
    expect(github.issues).toHaveLength(2);
  });

  it("reports a stack whose check fails in that stack's issue, and leaves stacks the run did not check alone", async () => {
    const github = new FakeGitHub();
    await syncDriftIssues({ github, context: CONTEXT, report: report(drifting("p1as-dev", [MISSING])) });
    const error = "p1as-prod: terraform plan -refresh-only failed:\nError: 401 Unauthorized from the token endpoint";
    const actions = await syncDriftIssues({
      github,
      context: CONTEXT,
      report: { exitCode: 1, stacks: [{ stack: "p1as-prod", status: "error", error }] },
    });
    expect(actions.slice(1)).toEqual([{ stack: "p1as-prod", action: "opened", issue: 2 }]);
    expect(github.issue(2).title).toBe("Drift check failing: p1as-prod");
    expect(github.issue(2).body).toContain(
      "```text\np1as-prod: terraform plan -refresh-only failed:\nError: 401 Unauthorized from the token endpoint\n```",
    );
    expect(github.issue(1).state).toBe("open");
  });

  it("opens one issue when the whole check could not run, closes nothing on its strength, and closes it once the check runs", async () => {
    const github = new FakeGitHub();
    await syncDriftIssues({ github, context: CONTEXT, report: report(drifting("p1as-prod", [MISSING])) });
    const broken = parseDriftReport(
      "",
      1,
      "drift: no synthesized stacks in cdktf.out: cdktf.out/manifest.json is missing or unreadable.",
    );
    await syncDriftIssues({ github, context: CONTEXT, report: broken });
    await syncDriftIssues({ github, context: CONTEXT, report: broken });
    expect(github.issues.map((issue) => [issue.title, issue.state])).toEqual([
      ["Drift in p1as-prod", "open"],
      ["Drift check could not run", "open"],
    ]);
    expect(github.issue(2).body).toContain("no synthesized stacks in cdktf.out");
    // WHEN the next run works and prod is in sync
    await syncDriftIssues({ github, context: CONTEXT, report: report(inSync("p1as-prod")) });
    expect(github.issues.map((issue) => issue.state)).toEqual(["closed", "closed"]);
  });

  it("closes the issue of a retiring stack as not planned, and leaves a stack with an unknown status alone", async () => {
    const github = new FakeGitHub();
    await syncDriftIssues({
      github,
      context: CONTEXT,
      report: report(drifting("p1as-test", [MISSING]), drifting("p1as-stage", [MISSING])),
    });
    // A report from a drift tool that knows statuses this module does not (its type is widened on purpose).
    const later = {
      exitCode: 0,
      stacks: [
        { stack: "p1as-test", status: "retiring" },
        { stack: "p1as-stage", status: "paused" },
      ],
    } as unknown as DriftReport;
    const actions = await syncDriftIssues({ github, context: CONTEXT, report: later });
    expect(actions.slice(1)).toEqual([
      { stack: "p1as-test", action: "closed", issue: 1 },
      { stack: "p1as-stage", action: "not checked" },
    ]);
    expect(github.issue(1)).toMatchObject({ state: "closed", state_reason: "not_planned" });
    expect(github.issue(1).comments[0].body).toContain("`p1as-test` is retiring, so its drift is no longer checked");
    expect(github.issue(2).state).toBe("open");
  });

  it("closes later duplicates of a stack's issue, keeping the oldest", async () => {
    const github = new FakeGitHub();
    for (const number of [4, 9])
      github.seedIssue({
        number,
        title: "Drift in p1as-prod",
        body: `${driftMarker("p1as-prod")}\nold`,
        labels: [DRIFT_LABEL],
        user: { type: "Bot" },
      });
    await syncDriftIssues({ github, context: CONTEXT, report: report(drifting("p1as-prod", [MISSING])) });
    expect(github.issues.filter((issue) => issue.state === "open").map((issue) => issue.number)).toEqual([4]);
    expect(github.issue(9)).toMatchObject({
      state: "closed",
      state_reason: "not_planned",
      comments: [{ body: "Duplicate of #4: one issue per stack." }],
    });
    expect(github.issue(4).body).toContain("| missing |");
  });

  it("never takes over a person's issue or a pull request that quotes the marker", async () => {
    const github = new FakeGitHub();
    github.seedIssue({
      number: 1,
      title: "why drift?",
      body: `${driftMarker("p1as-prod")} seen in the issue`,
      labels: [DRIFT_LABEL],
    });
    github.seedIssue({
      number: 2,
      title: "fix drift",
      body: driftMarker("p1as-prod"),
      labels: [DRIFT_LABEL],
      user: { type: "Bot" },
      pull_request: {},
    });
    await syncDriftIssues({ github, context: CONTEXT, report: report(drifting("p1as-prod", [MISSING])) });
    expect(github.issues.map((issue) => [issue.number, issue.body.includes("| missing |")])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it("keeps the body under GitHub's limit and free of secrets, whatever the report holds", async () => {
    const github = new FakeGitHub();
    const many = Array.from({ length: 3000 }, (_, index): DriftFinding => ({
      ...CHANGED,
      key: `host-${index}.acme.example`,
    }));
    const error = `Error: client_secret = "${SECRET}" rejected; Authorization: Bearer ${SECRET}; postgres://tf:${SECRET}@db/state`;
    await syncDriftIssues({
      github,
      context: CONTEXT,
      report: { exitCode: 1, stacks: [drifting("p1as-dev", many), { stack: "p1as-prod", status: "error", error }] },
    });
    expect(github.issues.map((issue) => issue.body.length <= 65_000)).toEqual([true, true]);
    expect(github.issue(1).body.startsWith(driftMarker("p1as-dev"))).toBe(true);
    expect(findForms(github.sent.join("\n"), [{ name: "secret", needles: forms(SECRET) }])).toEqual([]);
  });
});

describe("parseDriftReport", () => {
  it("reads the JSON report after anything npm printed first", () => {
    const json = JSON.stringify({ exitCode: 2, stacks: [drifting("p1as-dev", [MISSING])] }, null, 2);
    expect(
      parseDriftReport(`\n> p1as-cdktf@0.1.0 drift\n> node dist/tools/drift/main.js --json\n\n${json}\n`, 2),
    ).toEqual({ exitCode: 2, stacks: [drifting("p1as-dev", [MISSING])] });
  });

  it.each([
    ["no output", "", "drift: unknown option '--stack'"],
    ["a cut-off report", '{\n  "exitCode": 1,\n  "stacks": [', ""],
    ["JSON that is not a report", '{ "error": true }', ""],
  ])("turns %s into an error report, never into 'no drift'", (_, stdout, stderr) => {
    const parsed = parseDriftReport(stdout, 1, stderr);
    expect(parsed.stacks).toEqual([]);
    expect(parsed.error).toContain("npm run drift exited with 1 without a JSON report");
    if (stderr) expect(parsed.error).toContain(stderr);
  });
});

// ---- shared setup ----

const SECRET = "s3cr3t-value-that-must-not-leak-42";

const MISSING: DriftFinding = {
  kind: "hostname",
  key: "auth.acme.example",
  finding: "missing",
  differences: [],
  consequence: "a deploy creates it again (p1as_hostname.auth)",
};
const CHANGED: DriftFinding = {
  kind: "hostname",
  key: "api.acme.example",
  finding: "changed",
  differences: [{ field: "product", was: "pingaccess-engines", now: "pingfederate-engines" }],
  consequence: "a deploy puts the declared values back",
};

function drifting(stack: string, findings: readonly DriftFinding[]): StackDrift {
  return { stack, status: "drift", findings };
}

function inSync(stack: string): StackDrift {
  return { stack, status: "in-sync", findings: [] };
}

function report(...stacks: StackDrift[]): DriftReport {
  return { exitCode: stacks.some((stack) => stack.status === "drift") ? 2 : 0, stacks };
}
