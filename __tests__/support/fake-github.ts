/**
 * An in-memory GitHub with the shape of the Octokit that actions/github-script hands the helpers: issues and
 * pull requests (one number space, as on GitHub), their comments, commit comments, and the pull requests a
 * commit is associated with. No HTTP: the helpers call these methods, and the tests read the resulting state.
 * Like GitHub it rejects a body over 65,536 characters, and it records every body sent, so suites can search
 * them for secrets. `paginate` serves list methods page by page (per_page as asked), recording the pages read.
 */
import type { AssociatedPullRequest, GitHubClient, WorkflowContext } from "../../tools/github/api";

export const GITHUB_MAX_BODY = 65_536;

export interface FakeComment {
  id: number;
  body: string;
  user: { type: "Bot" | "User" };
}

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  state_reason?: string;
  user: { type: "Bot" | "User" };
  pull_request?: object;
  comments: FakeComment[];
}

export const CONTEXT: WorkflowContext = {
  repo: { owner: "acme", repo: "p1as" },
  sha: "0123456789abcdef0123456789abcdef01234567",
  serverUrl: "https://github.example",
  runId: 77,
};

export class FakeGitHub implements GitHubClient {
  readonly issues: FakeIssue[] = [];
  readonly commitComments = new Map<string, FakeComment[]>();
  readonly associated = new Map<string, AssociatedPullRequest[]>();
  /** Every body (issue, comment, commit comment) the helpers sent, in order. */
  readonly sent: string[] = [];
  readonly pagesRead: number[] = [];
  private nextId = 1000;

  /** A pull request or issue someone (a person, unless `user` says otherwise) already wrote. */
  seedIssue(issue: Partial<FakeIssue> & { number: number }): FakeIssue {
    const seeded: FakeIssue = {
      id: this.nextId++,
      title: "",
      body: "",
      labels: [],
      state: "open",
      user: { type: "User" },
      comments: [],
      ...issue,
    };
    this.issues.push(seeded);
    return seeded;
  }

  issue(number: number): FakeIssue {
    const found = this.issues.find((candidate) => candidate.number === number);
    if (!found) throw Object.assign(new Error(`Not Found: issue ${number}`), { status: 404 });
    return found;
  }

  async paginate<T>(method: unknown, parameters: Record<string, unknown>): Promise<T[]> {
    const lists: unknown[] = [
      this.rest.issues.listComments,
      this.rest.issues.listForRepo,
      this.rest.repos.listCommentsForCommit,
    ];
    if (!lists.includes(method)) throw new Error("paginate was handed a method that is not a list method");
    const list = method as (parameters: Record<string, unknown>) => unknown[];
    const all: unknown[] = [];
    for (let page = 1; ; page++) {
      const items = list({ ...parameters, page });
      if (items.length === 0) break;
      this.pagesRead.push(page);
      all.push(...items);
      if (items.length < Number(parameters.per_page ?? 30)) break;
    }
    return all as T[];
  }

  readonly rest = {
    issues: {
      listComments: (parameters: Record<string, unknown>) =>
        pageOf(this.issue(Number(parameters.issue_number)).comments, parameters),
      createComment: async ({ issue_number, body }: { issue_number: number; body: string }) => {
        const comment = { id: this.nextId++, body: this.accept(body), user: { type: "Bot" as const } };
        this.issue(issue_number).comments.push(comment);
        return { data: { id: comment.id } };
      },
      updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
        const comment = this.issues.flatMap((issue) => issue.comments).find((candidate) => candidate.id === comment_id);
        if (!comment) throw Object.assign(new Error(`Not Found: comment ${comment_id}`), { status: 404 });
        comment.body = this.accept(body);
        return { data: { id: comment_id } };
      },
      listForRepo: (parameters: Record<string, unknown>) =>
        pageOf(
          this.issues.filter(
            (issue) =>
              issue.state === parameters.state &&
              (!parameters.labels || issue.labels.includes(String(parameters.labels))),
          ),
          parameters,
        ),
      create: async ({ title, body, labels }: { title: string; body: string; labels: string[] }) => {
        const number = Math.max(0, ...this.issues.map((issue) => issue.number)) + 1;
        const issue = this.seedIssue({ number, title, body: this.accept(body), labels, user: { type: "Bot" } });
        return { data: { id: issue.id, number } };
      },
      update: async ({
        issue_number,
        ...changes
      }: {
        issue_number: number;
        title?: string;
        body?: string;
        state?: "open" | "closed";
        state_reason?: string;
      }) => {
        const issue = this.issue(issue_number);
        if (changes.body !== undefined) issue.body = this.accept(changes.body);
        if (changes.title !== undefined) issue.title = changes.title;
        if (changes.state !== undefined) issue.state = changes.state;
        if (changes.state_reason !== undefined) issue.state_reason = changes.state_reason;
        return { data: { id: issue.id, number: issue.number } };
      },
    },
    repos: {
      listPullRequestsAssociatedWithCommit: async ({ commit_sha }: { commit_sha: string }) => ({
        data: this.associated.get(commit_sha) ?? [],
      }),
      listCommentsForCommit: (parameters: Record<string, unknown>) =>
        pageOf(this.commitComments.get(String(parameters.commit_sha)) ?? [], parameters),
      createCommitComment: async ({ commit_sha, body }: { commit_sha: string; body: string }) => {
        const comment = { id: this.nextId++, body: this.accept(body), user: { type: "Bot" as const } };
        this.commitComments.set(commit_sha, [...(this.commitComments.get(commit_sha) ?? []), comment]);
        return { data: { id: comment.id } };
      },
      updateCommitComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
        const comment = [...this.commitComments.values()].flat().find((candidate) => candidate.id === comment_id);
        if (!comment) throw Object.assign(new Error(`Not Found: commit comment ${comment_id}`), { status: 404 });
        comment.body = this.accept(body);
        return { data: { id: comment_id } };
      },
    },
  };

  /** GitHub answers 422 to a body over its limit; the fake does too, so a helper that forgets the cap fails. */
  private accept(body: string): string {
    if (body.length > GITHUB_MAX_BODY)
      throw Object.assign(new Error(`Validation Failed: body is too long (maximum is ${GITHUB_MAX_BODY} characters)`), {
        status: 422,
      });
    this.sent.push(body);
    return body;
  }
}

function pageOf<T>(items: readonly T[], parameters: Record<string, unknown>): T[] {
  const perPage = Number(parameters.per_page ?? 30);
  const page = Number(parameters.page ?? 1);
  return items.slice((page - 1) * perPage, page * perPage);
}
