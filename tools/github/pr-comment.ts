/**
 * Posts the plan summary as ONE pull-request comment and edits it on every later push, instead of adding a
 * comment per push. Called from the workflow through actions/github-script (which supplies an authenticated
 * Octokit and the event context), so this logic lives here, compiled and tested, not inline in YAML.
 */
import { SUMMARY_MARKER } from "../plan-summary/render";
import { commentMarkerMissing } from "../../cli-kit/errors";
import { botItemsWithMarker, GitHubClient, GitHubItem, safeBody } from "./api";

export type { GitHubClient } from "./api";

/** The slice of github-script's `context` this module uses. */
export interface PullRequestContext {
  readonly repo: { readonly owner: string; readonly repo: string };
  readonly issue: { readonly number: number };
}

export interface UpsertResult {
  readonly action: "created" | "updated";
  readonly commentId: number;
}

/**
 * Finds the earlier summary by its hidden marker among comments written by a bot (a person quoting the
 * summary must not have their comment overwritten) and edits it; creates one when there is none. The body
 * goes through safeBody like every other posted body (the plan summary masked and escaped its own text).
 */
export async function upsertPlanComment(options: {
  github: GitHubClient;
  context: PullRequestContext;
  body: string;
  marker?: string;
}): Promise<UpsertResult> {
  const { github, context, body } = options;
  return upsertIssueComment({
    github,
    repo: context.repo,
    issueNumber: context.issue.number,
    body: safeBody(body),
    marker: options.marker ?? SUMMARY_MARKER,
  });
}

/**
 * The one comment on an issue or pull request that carries `marker`: edited when it exists, created otherwise.
 * Every page of comments is read: on a long pull request the comment is not on the first page.
 */
export async function upsertIssueComment(options: {
  github: GitHubClient;
  repo: { readonly owner: string; readonly repo: string };
  issueNumber: number;
  body: string;
  marker: string;
}): Promise<UpsertResult> {
  const { github, body, marker, issueNumber } = options;
  if (!body.includes(marker)) throw commentMarkerMissing(marker);
  const { owner, repo } = options.repo;
  const comments = await github.paginate<GitHubItem>(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const [earlier] = botItemsWithMarker(comments, marker);
  if (earlier) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: earlier.id, body });
    return { action: "updated", commentId: earlier.id };
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  return { action: "created", commentId: created.data.id };
}
