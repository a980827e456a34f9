/**
 * One plan comment per pull request: found by its marker on any page, edited in place, created only once.
 * `github` is an in-memory stand-in with Octokit's shape (github-script hands the module a real one).
 */
import { GitHubClient, upsertPlanComment } from "../tools/pr-comment";
import { SUMMARY_MARKER } from "../tools/plan-summary/render";

describe("upsertPlanComment", () => {
  it("creates the comment when the pull request has none", async () => {
    // GIVEN a pull request with one human comment
    const github = fakeGitHub([{ id: 1, body: "LGTM", user: { type: "User" } }]);
    // WHEN
    const result = await upsertPlanComment({ github, context: CONTEXT, body: summary("v1") });
    // THEN
    expect(result).toEqual({ action: "created", commentId: 1001 });
    expect(github.created).toEqual([{ owner: "acme", repo: "p1as", issue_number: 42, body: summary("v1") }]);
    expect(github.updated).toEqual([]);
  });

  it("updates the earlier summary even when it is beyond the first page of comments", async () => {
    // GIVEN 150 comments, the bot's summary the 120th
    const comments = Array.from({ length: 150 }, (_, index) => ({ id: index + 1, body: `comment ${index}`, user: { type: "User" } }));
    comments[119] = { id: 120, body: summary("v1"), user: { type: "Bot" } };
    const github = fakeGitHub(comments);
    // WHEN
    const result = await upsertPlanComment({ github, context: CONTEXT, body: summary("v2") });
    // THEN every page was read (100 per page) and the one comment edited
    expect(github.pagesRead).toEqual([1, 2]);
    expect(result).toEqual({ action: "updated", commentId: 120 });
    expect(github.updated).toEqual([{ owner: "acme", repo: "p1as", comment_id: 120, body: summary("v2") }]);
    expect(github.created).toEqual([]);
  });

  it("never overwrites a person's comment that quotes the summary", async () => {
    const github = fakeGitHub([{ id: 7, body: `> ${summary("v1")}\nwhy is this replaced?`, user: { type: "User" } }]);
    const result = await upsertPlanComment({ github, context: CONTEXT, body: summary("v2") });
    expect(result.action).toBe("created");
    expect(github.updated).toEqual([]);
  });

  it("refuses a body without the marker, and sends nothing", async () => {
    const github = fakeGitHub([]);
    await expect(upsertPlanComment({ github, context: CONTEXT, body: "## Plan summary" })).rejects.toThrow(
      `the comment body does not contain the marker ${SUMMARY_MARKER}, so the next run could not find it`,
    );
    expect(github.pagesRead).toEqual([]);
    expect(github.created).toEqual([]);
  });
});

// ---- shared setup ----

const CONTEXT = { repo: { owner: "acme", repo: "p1as" }, issue: { number: 42 } };

function summary(version: string): string {
  return `${SUMMARY_MARKER}\n## Plan summary\n${version}\n`;
}

interface Comment {
  id: number;
  body: string;
  user: { type: string };
}

/** Octokit's paginate over listComments, 100 per page as requested, recording what was asked. */
function fakeGitHub(comments: Comment[]) {
  const created: unknown[] = [];
  const updated: unknown[] = [];
  const pagesRead: number[] = [];
  const listComments = ({ per_page, page }: { per_page: number; page: number }) => comments.slice((page - 1) * per_page, page * per_page);
  const github: GitHubClient & { created: unknown[]; updated: unknown[]; pagesRead: number[] } = {
    created,
    updated,
    pagesRead,
    paginate: async <T>(method: unknown, parameters: Record<string, unknown>) => {
      expect(method).toBe(listComments);
      expect(parameters).toMatchObject({ owner: "acme", repo: "p1as", issue_number: 42 });
      const all: unknown[] = [];
      for (let page = 1; ; page++) {
        const items = listComments({ per_page: parameters.per_page as number, page });
        if (items.length === 0) break;
        pagesRead.push(page);
        all.push(...items);
        if (items.length < (parameters.per_page as number)) break;
      }
      return all as T[];
    },
    rest: {
      issues: {
        listComments,
        createComment: async (parameters) => {
          created.push(parameters);
          return { data: { id: 1001 } };
        },
        updateComment: async (parameters) => {
          updated.push(parameters);
          return { data: { id: parameters.comment_id } };
        },
      },
    },
  };
  return github;
}
