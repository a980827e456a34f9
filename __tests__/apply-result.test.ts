/**
 * The deploy's apply result goes back where the change was reviewed: the merged pull request that produced
 * the commit, else the commit itself. One comment per environment and commit (a re-run edits it), never over
 * GitHub's size limit, never a secret. `github` is the in-memory fake with Octokit's shape.
 */
import { generateKeyPairSync } from "node:crypto";
import { applyResultMarker, notAppliedBody, postApplyResult } from "../tools/github/apply-result";
import { CONTEXT, FakeGitHub, GITHUB_MAX_BODY } from "./support/fake-github";
import { findForms, forms } from "./support/needles";

const SHA = CONTEXT.sha;

describe("postApplyResult", () => {
  it("comments on the merged pull request that produced the commit, naming the environment, the commit and the run", async () => {
    // GIVEN pull request 12 merged as this commit, and an open one (13) that also contains it
    const github = withPullRequests([
      { number: 13, merged_at: null },
      { number: 12, merge_commit_sha: SHA, merged_at: "2026-12-01T10:00:00Z" },
    ]);
    // WHEN
    const result = await postApplyResult({
      github,
      context: CONTEXT,
      environment: "prod",
      body: "**p1as-prod**: applied. 1 added, 0 changed, 0 destroyed.",
    });
    // THEN
    expect(result).toEqual({
      target: "pull-request",
      pullRequest: 12,
      action: "created",
      commentId: expect.any(Number),
    });
    const [comment] = github.issue(12).comments;
    expect(comment.body.split("\n\n")).toEqual([
      applyResultMarker("prod", SHA),
      "### Apply result: `prod`, commit 0123456",
      "**p1as-prod**: applied. 1 added, 0 changed, 0 destroyed.",
      "[Workflow run](https://github.example/acme/p1as/actions/runs/77)\n",
    ]);
    expect(github.issue(13).comments).toEqual([]);
    expect(github.commitComments.size).toBe(0);
  });

  it("edits its comment when the same environment's apply runs again, and adds one per environment", async () => {
    const github = withPullRequests([{ number: 12, merge_commit_sha: SHA, merged_at: "2026-12-01T10:00:00Z" }]);
    await postApplyResult({ github, context: CONTEXT, environment: "dev", body: "failed: stale plan" });
    const again = await postApplyResult({ github, context: CONTEXT, environment: "dev", body: "applied" });
    await postApplyResult({ github, context: CONTEXT, environment: "test", body: "applied" });
    expect(again.action).toBe("updated");
    const bodies = github.issue(12).comments.map((comment) => comment.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toContain("`dev`");
    expect(bodies[0]).toContain("applied");
    expect(bodies[0]).not.toContain("stale plan");
    expect(bodies[1]).toContain("`test`");
  });

  it("falls back to any merged pull request holding the commit (a rebase merge)", async () => {
    const github = withPullRequests([
      { number: 21, merge_commit_sha: "f".repeat(40), merged_at: "2026-12-01T10:00:00Z" },
    ]);
    const result = await postApplyResult({ github, context: CONTEXT, environment: "stage", body: "applied" });
    expect(result).toMatchObject({ target: "pull-request", pullRequest: 21 });
  });

  it("comments on the commit when no merged pull request produced it, and edits that comment on a re-run", async () => {
    // GIVEN a commit pushed straight to main; an open pull request that merely contains it does not count
    const github = withPullRequests([{ number: 13, merged_at: null }]);
    // WHEN
    const first = await postApplyResult({ github, context: CONTEXT, environment: "prod", body: "failed" });
    const second = await postApplyResult({ github, context: CONTEXT, environment: "prod", body: "applied" });
    // THEN
    expect(first).toEqual({ target: "commit", sha: SHA, action: "created", commentId: expect.any(Number) });
    expect(second).toEqual({ target: "commit", sha: SHA, action: "updated", commentId: first.commentId });
    expect(github.commitComments.get(SHA)!.map((comment) => comment.body.split("\n\n")[2])).toEqual(["applied"]);
    expect(github.issue(13).comments).toEqual([]);
  });

  it("never overwrites a person's commit comment that quotes the marker", async () => {
    const github = withPullRequests([]);
    const quote = `${applyResultMarker("prod", SHA)} why did prod change?`;
    github.commitComments.set(SHA, [{ id: 5, body: quote, user: { type: "User" } }]);
    await postApplyResult({ github, context: CONTEXT, environment: "prod", body: "applied" });
    expect(github.commitComments.get(SHA)!.map((comment) => comment.body)).toEqual([
      quote,
      expect.stringContaining("applied"),
    ]);
  });

  it("cuts a result too long for GitHub, keeping the marker and the end of the result", async () => {
    const github = withPullRequests([{ number: 12, merge_commit_sha: SHA, merged_at: "2026-12-01T10:00:00Z" }]);
    const lines = Array.from(
      { length: 4000 },
      (_, index) => `p1as-prod: p1as_hostname.host_${index}: Creation complete after 1s`,
    );
    // WHEN the result is ~260,000 characters (GitHub rejects more than 65,536)
    await postApplyResult({
      github,
      context: CONTEXT,
      environment: "prod",
      body: [...lines, "Apply complete! Resources: 4000 added"].join("\n"),
    });
    // THEN
    const [comment] = github.issue(12).comments;
    expect(comment.body.length).toBeLessThanOrEqual(65_000);
    expect(comment.body.length).toBeLessThan(GITHUB_MAX_BODY);
    expect(comment.body.startsWith(applyResultMarker("prod", SHA))).toBe(true);
    expect(comment.body).toContain("Apply complete! Resources: 4000 added");
    expect(comment.body).toMatch(/… \d+ lines \(\d+ characters\) omitted/);
  });

  it("never posts a secret that slipped into the result", async () => {
    const github = withPullRequests([]);
    const body = [
      `Error: p1as-prod: client_secret = "${SECRETS.clientSecret}"`,
      `Authorization: Bearer ${SECRETS.token}`,
      `state backend postgres://terraform:${SECRETS.password}@db.internal:5432/state`,
      PRIVATE_KEY_PEM.trim(),
    ].join("\n");
    await postApplyResult({ github, context: CONTEXT, environment: "prod", body });
    expect(github.sent).toHaveLength(1);
    expect(
      findForms(
        github.sent.join("\n"),
        Object.entries(SECRETS).map(([name, value]) => ({ name, needles: forms(value) })),
      ),
    ).toEqual([]);
    expect(github.sent[0]).toContain("postgres://terraform:[REDACTED]@db.internal:5432/state");
  });
});

describe("notAppliedBody", () => {
  it.each([
    [
      { plan: "failure", apply: "skipped" },
      "the plan job ended with `failure`, so there was no plan to approve or apply",
    ],
    [
      { plan: "success", apply: "failure" },
      "the apply job ended with `failure` before writing a result: the deployment was rejected, or the job failed before applying",
    ],
    [{}, "the plan job ended with `unknown`"],
  ])("says why nothing was applied (%j)", (outcomes, why) => {
    expect(notAppliedBody(outcomes)).toContain(`**Not applied**: ${why}`);
  });
});

// ---- shared setup ----

/** Made at run time: no key material is ever committed. */
const PRIVATE_KEY_PEM = String(
  generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }),
);

const SECRETS = {
  clientSecret: "cs-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  token: "tok.abcdefghijklmnopqrstuvwxyz0123456789",
  password: "pg-pa55word-7c1d2e",
  key: PRIVATE_KEY_PEM.split("\n")[1],
};

function withPullRequests(
  associated: { number: number; merge_commit_sha?: string; merged_at: string | null }[],
): FakeGitHub {
  const github = new FakeGitHub();
  for (const pullRequest of associated) github.seedIssue({ number: pullRequest.number, pull_request: {} });
  github.associated.set(SHA, associated);
  return github;
}
