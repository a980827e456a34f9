/**
 * One plan comment per pull request: found by its marker on any page, edited in place, created only once.
 * `github` is the in-memory fake with Octokit's shape (github-script hands the module a real one).
 */
import { upsertPlanComment } from "../tools/github/pr-comment";
import { SUMMARY_MARKER } from "../tools/plan-summary/render";
import { FakeComment, FakeGitHub } from "./support/fake-github";

describe("upsertPlanComment", () => {
  it("creates the comment when the pull request has none", async () => {
    // GIVEN a pull request with one human comment
    const github = pullRequestWith([{ id: 1, body: "LGTM", user: { type: "User" } }]);
    // WHEN
    const result = await upsertPlanComment({ github, context: CONTEXT, body: summary("v1") });
    // THEN
    expect(result).toEqual({ action: "created", commentId: expect.any(Number) });
    expect(github.issue(42).comments.map((comment) => comment.body)).toEqual(["LGTM", summary("v1")]);
  });

  it("updates the earlier summary even when it is beyond the first page of comments", async () => {
    // GIVEN 150 comments, the bot's summary the 120th
    const comments: FakeComment[] = Array.from({ length: 150 }, (_, index) => ({
      id: index + 1,
      body: `comment ${index}`,
      user: { type: "User" },
    }));
    comments[119] = { id: 120, body: summary("v1"), user: { type: "Bot" } };
    const github = pullRequestWith(comments);
    // WHEN
    const result = await upsertPlanComment({ github, context: CONTEXT, body: summary("v2") });
    // THEN every page was read (100 per page) and the one comment edited
    expect(github.pagesRead).toEqual([1, 2]);
    expect(result).toEqual({ action: "updated", commentId: 120 });
    expect(github.issue(42).comments).toHaveLength(150);
    expect(github.issue(42).comments[119].body).toBe(summary("v2"));
  });

  it("never overwrites a person's comment that quotes the summary", async () => {
    const quote = `> ${summary("v1")}\nwhy is this replaced?`;
    const github = pullRequestWith([{ id: 7, body: quote, user: { type: "User" } }]);
    const result = await upsertPlanComment({ github, context: CONTEXT, body: summary("v2") });
    expect(result.action).toBe("created");
    expect(github.issue(42).comments.map((comment) => comment.body)).toEqual([quote, summary("v2")]);
  });

  it("refuses a body without the marker, and sends nothing", async () => {
    const github = pullRequestWith([]);
    await expect(upsertPlanComment({ github, context: CONTEXT, body: "## Plan summary" })).rejects.toThrow(
      `the comment body does not contain the marker ${SUMMARY_MARKER}, so the next run could not find it`,
    );
    expect(github.pagesRead).toEqual([]);
    expect(github.sent).toEqual([]);
  });
});

// ---- shared setup ----

const CONTEXT = { repo: { owner: "acme", repo: "p1as" }, issue: { number: 42 } };

function summary(version: string): string {
  return `${SUMMARY_MARKER}\n## Plan summary\n${version}\n`;
}

function pullRequestWith(comments: FakeComment[]): FakeGitHub {
  const github = new FakeGitHub();
  github.seedIssue({ number: 42, pull_request: {}, comments });
  return github;
}
