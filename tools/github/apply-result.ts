/**
 * After the deploy workflow applies an environment's reviewed plan, the result goes back where the change
 * was reviewed: the pull request that produced the commit, or, for a commit pushed without one, a comment on
 * the commit itself. One comment per environment and commit, found again by a hidden marker, so a re-run
 * edits it instead of adding another. Called through actions/github-script (see deploy-stack.yml).
 */
import { commentMarkerMissing } from "../../cli-kit/errors";
import { markdownCode } from "../../cli-kit/escape";
import {
  AssociatedPullRequest,
  botItemsWithMarker,
  GitHubClient,
  GitHubItem,
  runUrl,
  safeBody,
  WorkflowContext,
} from "./api";
import { upsertIssueComment } from "./pr-comment";

export function applyResultMarker(environment: string, sha: string): string {
  return `<!-- p1as-apply-result ${environment} ${sha} -->`;
}

export type ApplyResultTarget =
  | {
      readonly target: "pull-request";
      readonly pullRequest: number;
      readonly action: "created" | "updated";
      readonly commentId: number;
    }
  | {
      readonly target: "commit";
      readonly sha: string;
      readonly action: "created" | "updated";
      readonly commentId: number;
    };

/**
 * `body` is what `npm run deploy -- --result-out` wrote (or, when the apply job ended before writing it, a
 * line saying so). It is wrapped with the environment, the commit and a link to the run, then made safe
 * (secrets masked, cut to GitHub's size limit) before anything is sent.
 */
export async function postApplyResult(options: {
  github: GitHubClient;
  context: WorkflowContext;
  environment: string;
  body: string;
}): Promise<ApplyResultTarget> {
  const { github, context, environment } = options;
  const repos = github.rest.repos;
  if (!repos) throw new Error("postApplyResult needs github.rest.repos (github-script's Octokit has it)");
  const { owner, repo } = context.repo;
  const marker = applyResultMarker(environment, context.sha);
  const body = safeBody(
    [
      marker,
      `### Apply result: ${markdownCode(environment)}, commit ${context.sha.slice(0, 7)}`,
      options.body.trim(),
      `[Workflow run](${runUrl(context)})`,
    ].join("\n\n") + "\n",
  );
  if (!body.includes(marker)) throw commentMarkerMissing(marker);

  const associated = await repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: context.sha });
  const pullRequest = reviewedPullRequest(associated.data, context.sha);
  if (pullRequest !== undefined) {
    const result = await upsertIssueComment({ github, repo: context.repo, issueNumber: pullRequest, body, marker });
    return { target: "pull-request", pullRequest, ...result };
  }

  const comments = await github.paginate<GitHubItem>(repos.listCommentsForCommit, {
    owner,
    repo,
    commit_sha: context.sha,
    per_page: 100,
  });
  const [earlier] = botItemsWithMarker(comments, marker);
  if (earlier) {
    await repos.updateCommitComment({ owner, repo, comment_id: earlier.id, body });
    return { target: "commit", sha: context.sha, action: "updated", commentId: earlier.id };
  }
  const created = await repos.createCommitComment({ owner, repo, commit_sha: context.sha, body });
  return { target: "commit", sha: context.sha, action: "created", commentId: created.data.id };
}

/**
 * What the pull request is told when no result was written: the plan failed (nothing was planned to apply), or
 * the apply job was rejected by the approver or failed before applying. Outcomes are the jobs' `needs.<job>.result`.
 */
export function notAppliedBody(outcomes: { plan?: string; apply?: string }): string {
  const why =
    outcomes.plan !== "success"
      ? `the plan job ended with ${markdownCode(outcomes.plan ?? "unknown")}, so there was no plan to approve or apply`
      : `the apply job ended with ${markdownCode(outcomes.apply ?? "unknown")} before writing a result: the deployment was rejected, or the job failed before applying`;
  return `**Not applied**: ${why}. Nothing was changed by this run in this environment unless its log says otherwise; see the run.`;
}

/**
 * The merged pull request whose merge produced this commit; failing that, any merged one that contains it
 * (a rebase merge). An open pull request that merely contains the commit did not produce the deploy.
 */
function reviewedPullRequest(pullRequests: readonly AssociatedPullRequest[], sha: string): number | undefined {
  const merged = pullRequests.filter((pullRequest) => pullRequest.merged_at);
  return (merged.find((pullRequest) => pullRequest.merge_commit_sha === sha) ?? merged[0])?.number;
}
