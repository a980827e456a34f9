/**
 * What the github-script helpers (plan comment, apply result, drift issues) share: the slice of Octokit and
 * of github-script's `context` they use, and how every body is made safe to post. Workflows call these helpers
 * through actions/github-script, which hands over an authenticated Octokit, so the logic lives here, compiled
 * and unit-tested with an in-memory fake, not inline in YAML.
 */
import { cutText, DEFAULT_MAX_CHARS } from "../plan-summary/render";
import { REDACTED, redactTerraformText } from "../terraform/redact";

/** A comment or issue as the REST API returns it; only the fields the helpers read. */
export interface GitHubItem {
  readonly id: number;
  readonly number?: number;
  readonly body?: string | null;
  readonly user?: { readonly type?: string } | null;
  readonly pull_request?: unknown;
}

type Call<P, R = { data: { id: number; number?: number } }> = (parameters: P) => Promise<R>;
type Repo = { owner: string; repo: string };

/** The slice of Octokit (github-script's `github`) the helpers use. List methods are only handed to paginate. */
export interface GitHubClient {
  paginate<T>(method: unknown, parameters: Record<string, unknown>): Promise<T[]>;
  rest: {
    issues: {
      listComments: unknown;
      createComment: Call<Repo & { issue_number: number; body: string }>;
      updateComment: Call<Repo & { comment_id: number; body: string }>;
      listForRepo?: unknown;
      create?: Call<Repo & { title: string; body: string; labels: string[] }>;
      update?: Call<
        Repo & {
          issue_number: number;
          title?: string;
          body?: string;
          state?: "open" | "closed";
          state_reason?: "completed" | "not_planned";
        }
      >;
    };
    repos?: {
      listPullRequestsAssociatedWithCommit: Call<
        Repo & { commit_sha: string },
        { data: readonly AssociatedPullRequest[] }
      >;
      listCommentsForCommit: unknown;
      createCommitComment: Call<Repo & { commit_sha: string; body: string }>;
      updateCommitComment: Call<Repo & { comment_id: number; body: string }>;
    };
  };
}

export interface AssociatedPullRequest {
  readonly number: number;
  readonly merge_commit_sha?: string | null;
  readonly merged_at?: string | null;
}

/** The slice of github-script's `context` the helpers use (a push event's, or a pull request's). */
export interface WorkflowContext {
  readonly repo: { readonly owner: string; readonly repo: string };
  readonly sha: string;
  readonly serverUrl: string;
  readonly runId: number;
}

export function runUrl(context: WorkflowContext): string {
  return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
}

/**
 * Everything a helper posts goes through here. Terraform and the tools already mask what they know is secret;
 * this catches what slips through anyway (a secret-named attribute, a PEM key, a token, a connection string
 * with its password) because a comment or an issue is readable by everyone who can read the repository, and
 * GitHub keeps every edit. Then the body is cut to GitHub's size limit (it rejects more than 65,536
 * characters), keeping its head, where the helpers put their hidden marker, and its tail.
 */
export function safeBody(body: string, maxChars: number = DEFAULT_MAX_CHARS): string {
  const redacted = redactTerraformText(body).replace(CREDENTIALS_IN_URL, `$1${REDACTED}@`);
  return cutText(redacted, maxChars);
}

/** `postgres://user:password@host/db` and the like: the user stays (it helps), the password goes. */
const CREDENTIALS_IN_URL = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

/** Only comments and issues a workflow wrote count: a person quoting a marker must never have their text replaced. */
export function botItemsWithMarker<T extends GitHubItem>(items: readonly T[], marker: string): T[] {
  return items.filter((item) => item.user?.type === "Bot" && (item.body ?? "").includes(marker));
}
