/**
 * Posts the plan summary as ONE pull-request comment and edits it on every later push, instead of adding a
 * comment per push. Called from the workflow through actions/github-script (which supplies an authenticated
 * Octokit and the event context), so this logic lives here, compiled and tested, not inline in YAML.
 */
import { SUMMARY_MARKER } from "./plan-summary/render";
import { commentMarkerMissing } from "./errors";

/** The slice of Octokit this module uses (github-script's `github`). */
export interface GitHubClient {
  paginate<T>(method: unknown, parameters: Record<string, unknown>): Promise<T[]>;
  rest: {
    issues: {
      listComments: unknown;
      createComment(parameters: { owner: string; repo: string; issue_number: number; body: string }): Promise<{ data: { id: number } }>;
      updateComment(parameters: { owner: string; repo: string; comment_id: number; body: string }): Promise<{ data: { id: number } }>;
    };
  };
}

/** The slice of github-script's `context` this module uses. */
export interface PullRequestContext {
  readonly repo: { readonly owner: string; readonly repo: string };
  readonly issue: { readonly number: number };
}

interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user?: { readonly type?: string } | null;
}

export interface UpsertResult {
  readonly action: "created" | "updated";
  readonly commentId: number;
}

/**
 * Finds the earlier summary by its hidden marker among comments written by a bot (a person quoting the
 * summary must not have their comment overwritten) and edits it; creates one when there is none.
 * Every page of comments is read: on a long pull request the summary is not on the first page.
 */
export async function upsertPlanComment(options: {
  github: GitHubClient;
  context: PullRequestContext;
  body: string;
  marker?: string;
}): Promise<UpsertResult> {
  const { github, context, body } = options;
  const marker = options.marker ?? SUMMARY_MARKER;
  if (!body.includes(marker)) throw commentMarkerMissing(marker);
  const { owner, repo } = context.repo;
  const comments = await github.paginate<IssueComment>(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: context.issue.number,
    per_page: 100,
  });
  const earlier = comments.find((comment) => comment.user?.type === "Bot" && (comment.body ?? "").includes(marker));
  if (earlier) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: earlier.id, body });
    return { action: "updated", commentId: earlier.id };
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number: context.issue.number, body });
  return { action: "created", commentId: created.data.id };
}
