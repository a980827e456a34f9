/**
 * API and config text in what the tools print and post. Every body GitHub renders (the drift issue, the plan
 * summary is in plan-summary-render.test.ts, the apply result and the deploy's result table) is judged by a
 * GFM renderer: hostile text must add no structure, mention, reference or link. Every terminal text (status
 * --once, drift, deploy's result lines, any tool's failure line) must hold no control character but newline,
 * except the tools' own colour codes.
 */
import { applyResultMarker, postApplyResult } from "../tools/github/apply-result";
import { reportFailure } from "../cli-kit/command-line";
import { DeployReport, resultLines, resultMarkdown } from "../tools/deploy/main";
import { renderDrift, StackDrift } from "../tools/drift/main";
import { syncDriftIssues } from "../tools/github/drift-issues";
import { CliError } from "../cli-kit/errors";
import { StatusReport } from "../tools/status/model";
import { renderTerminal } from "../tools/status/render-terminal";
import { CONTEXT, FakeGitHub } from "./support/fake-github";
import { HOSTILE, prose, references, render, tags } from "./support/markdown";

/** Any control character a terminal would act on (newline aside); SGR colour codes are checked apart. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const withoutSgr = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

describe("Markdown bodies with API text in them", () => {
  test("the drift issue: hostile keys, values, consequences and errors add nothing to the rendered issue", async () => {
    // GIVEN the same report twice: with the hostile corpus in every field the API or the tool fills, and with plain words
    const drifted = (value: string): StackDrift[] => [
      {
        stack: "p1as-dev",
        status: "drift",
        findings: [
          {
            kind: "hostname",
            key: value,
            finding: "changed",
            differences: [{ field: value, was: value, now: value }],
            consequence: value,
          },
        ],
      },
      { stack: "p1as-prod", status: "error", error: value },
    ];
    const rendered = async (value: string) => {
      const github = new FakeGitHub();
      await syncDriftIssues({ github, context: CONTEXT, report: { exitCode: 1, stacks: drifted(value) } });
      return github.issues.map((issue) => render(issue.body));
    };
    // WHEN both are synced and rendered
    const [hostile, plain] = [await rendered(HOSTILE), await rendered("plain words")];
    // THEN each hostile issue has the plain one's structure, one table row of five cells, and nothing that notifies or links
    expect(hostile.map(tags)).toEqual(plain.map(tags));
    for (const html of hostile)
      expect(references(prose(html).replace(/https:\/\/github\.example\S*/g, ""))).toEqual([]);
  });

  test("the deploy's result table and the apply-result comment: a hostile API error stays in its cell, as text", async () => {
    // GIVEN a failed apply whose reason quotes the API (terraform's error lines)
    const report = (reason: string): DeployReport => ({
      stacks: [
        { stack: "p1as-dev", status: "failed", reason },
        { stack: "p1as-prod", status: "not started" },
      ],
    });
    // WHEN the result is written and posted to the pull request
    const posted = async (reason: string) => {
      const github = new FakeGitHub();
      github.seedIssue({ number: 12, pull_request: {} });
      github.associated.set(CONTEXT.sha, [
        { number: 12, merge_commit_sha: CONTEXT.sha, merged_at: "2026-12-01T10:00:00Z" },
      ]);
      await postApplyResult({ github, context: CONTEXT, environment: "dev", body: resultMarkdown(report(reason)) });
      return github.issue(12).comments[0].body;
    };
    const [hostile, plain] = [
      await posted(`terraform apply failed:\n${HOSTILE}`),
      await posted("terraform apply failed:\nplain words"),
    ];
    // THEN the comment keeps its marker and has the plain one's structure: a table of two rows, no mention, reference or link
    expect(hostile).toContain(applyResultMarker("dev", CONTEXT.sha));
    // (a line break per line of the reason is the table's own: the plain reason has fewer lines)
    const structure = (body: string) => tags(render(body)).filter((tag) => tag !== "<br>");
    expect(structure(hostile)).toEqual(structure(plain));
    expect(references(prose(render(hostile)).replace(/https:\/\/github\.example\S*/g, ""))).toEqual([]);
  });
});

describe("terminal text with API text in it", () => {
  test("status --once shows control characters in names, details and errors as escapes, with and without colour", () => {
    // GIVEN a report whose hostname, details and error came from a hostile API
    const report: StatusReport = {
      generatedAt: "2026-12-01T10:00:00.000Z",
      exitCode: 1,
      environments: [
        {
          environment: "dev",
          stack: "p1as-dev",
          rows: [
            {
              kind: "hostname",
              key: HOSTILE,
              status: "complete",
              colour: "green",
              sync: "drifted",
              differences: [HOSTILE],
              detail: HOSTILE,
              green: false,
            },
          ],
        },
        { environment: "prod", stack: "p1as-prod", rows: [], error: HOSTILE },
      ],
    };
    // WHEN printed
    for (const colour of [false, true]) {
      const printed = renderTerminal(report, { colour });
      // THEN no control character reaches the terminal but the table's own colours
      expect(withoutSgr(printed)).not.toMatch(RAW_CONTROL);
      expect(printed).toContain("\\x1b]8;;https://evil.example\\x07link");
      if (colour)
        expect(printed.match(/\u001b\[[0-9;]*m/g)!.every((code) => /^\u001b\[(0|3[1-4]|90)m$/.test(code))).toBe(true);
    }
  });

  test("drift's table shows control characters in keys, values and errors as escapes", () => {
    const printed = renderDrift([
      {
        stack: "p1as-dev",
        status: "drift",
        findings: [
          {
            kind: "hostname",
            key: HOSTILE,
            finding: "changed",
            differences: [{ field: "product", was: HOSTILE, now: HOSTILE }],
            consequence: HOSTILE,
          },
        ],
      },
      { stack: "p1as-prod", status: "error", error: HOSTILE },
    ]);
    expect(printed).not.toMatch(RAW_CONTROL);
    expect(printed).not.toContain("\u001b");
    expect(printed).toContain("\\x1b[31mred\\x1b[0m");
  });

  test("deploy's result lines and any tool's failure line show control characters as escapes", () => {
    const lines = resultLines({
      stacks: [{ stack: "p1as-dev", status: "failed", reason: `terraform apply failed:\n${HOSTILE}` }],
    });
    expect(lines.every((line) => line.startsWith("p1as-dev: "))).toBe(true);
    expect(lines.join("\n")).not.toMatch(RAW_CONTROL);
    let printed = "";
    reportFailure("drift", new CliError(`p1as-dev: failed:\n${HOSTILE}`), {
      stdout: () => undefined,
      stderr: (text) => (printed += text),
    });
    expect(printed).not.toMatch(RAW_CONTROL);
    expect(printed).toContain("\\x1b]8;;https://evil.example\\x07");
  });
});
