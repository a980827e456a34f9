/**
 * The scheduled drift workflow's memory: ONE open issue per stack that is drifting (or whose check fails),
 * found again by a hidden marker and a label, its body rewritten on every run to show the latest findings;
 * closed with a comment when the stack is back in sync. So a drifting stack does not open an issue a day, and
 * a fixed one does not stay open. Called through actions/github-script (see drift.yml) with the parsed output
 * of `npm run drift -- --json`.
 */
import type { DriftFinding, StackDrift } from "../drift/main";
import { markdownBlock, markdownCode, markdownText } from "../../cli-kit/escape";
import { botItemsWithMarker, GitHubClient, GitHubItem, runUrl, safeBody, WorkflowContext } from "./api";

export const DRIFT_LABEL = "p1as-drift";

/** The pseudo-stack for "the drift check could not run at all" (no report, so no stack to blame). */
export const WHOLE_CHECK = "(drift check)";

export function driftMarker(stack: string): string {
  return `<!-- p1as-drift ${stack} -->`;
}

/** `npm run drift -- --json`'s output, or, when it printed none, the exit code and why. */
export interface DriftReport {
  readonly exitCode: number;
  readonly stacks: readonly StackDrift[];
  /** Set when the tool failed before reporting any stack (no JSON at all). */
  readonly error?: string;
}

export interface DriftIssueAction {
  readonly stack: string;
  readonly action: "opened" | "updated" | "unchanged" | "closed" | "in sync" | "not checked";
  readonly issue?: number;
}

/**
 * Reads the tool's stdout. The JSON is the last thing it prints; anything before it (npm's banner when the
 * workflow forgets --silent) is skipped. Output that holds no report becomes a report of the error, so a
 * broken check is never mistaken for "no drift".
 */
export function parseDriftReport(stdout: string, exitCode: number, stderr = ""): DriftReport {
  const start = stdout.search(/^\{/m);
  if (start >= 0) {
    try {
      const parsed = JSON.parse(stdout.slice(start));
      if (Array.isArray(parsed?.stacks)) return { exitCode, stacks: parsed.stacks };
    } catch {
      // falls through to the error report below
    }
  }
  const why = stderr.trim().split("\n").slice(-20).join("\n") || "(no output)";
  return { exitCode, stacks: [], error: `npm run drift exited with ${exitCode} without a JSON report:\n${why}` };
}

/**
 * Opens, updates or closes issues to match `report`. Only the stacks in the report are touched: a stack the
 * run did not check keeps its issue as it is. When the whole check failed, one issue says so, and no stack's
 * issue is closed on the strength of a run that checked nothing.
 */
export async function syncDriftIssues(options: {
  github: GitHubClient;
  context: WorkflowContext;
  report: DriftReport;
}): Promise<DriftIssueAction[]> {
  const { github, context, report } = options;
  const issues = github.rest.issues;
  const { listForRepo, create, update } = issueMethods(github);
  const { owner, repo } = context.repo;
  // The REST API lists pull requests among issues; a pull request is never a drift issue.
  const open = (
    await github.paginate<GitHubItem>(listForRepo, { owner, repo, state: "open", labels: DRIFT_LABEL, per_page: 100 })
  ).filter((issue) => !issue.pull_request);
  const link = runUrl(context);

  /** The one issue for `stack`: the oldest; any later duplicate (two runs racing) is closed as such. */
  async function issueOf(stack: string): Promise<GitHubItem | undefined> {
    const [first, ...duplicates] = botItemsWithMarker(open, driftMarker(stack)).sort(
      (a, b) => (a.number ?? 0) - (b.number ?? 0),
    );
    for (const duplicate of duplicates) {
      await issues.createComment({
        owner,
        repo,
        issue_number: duplicate.number!,
        body: `Duplicate of #${first.number}: one issue per stack.`,
      });
      await update({ owner, repo, issue_number: duplicate.number!, state: "closed", state_reason: "not_planned" });
    }
    return first;
  }

  async function upsert(stack: string, title: string, text: string): Promise<DriftIssueAction> {
    const body = safeBody(`${driftMarker(stack)}\n${text}\n\n_Last checked by [this run](${link})._\n`);
    const existing = await issueOf(stack);
    if (!existing) {
      const created = await create({ owner, repo, title, body, labels: [DRIFT_LABEL] });
      return { stack, action: "opened", issue: created.data.number };
    }
    if (existing.body === body) return { stack, action: "unchanged", issue: existing.number };
    await update({ owner, repo, issue_number: existing.number!, title, body });
    return { stack, action: "updated", issue: existing.number };
  }

  async function close(
    stack: string,
    why: string,
    reason: "completed" | "not_planned" = "completed",
  ): Promise<DriftIssueAction> {
    const existing = await issueOf(stack);
    if (!existing) return { stack, action: reason === "completed" ? "in sync" : "not checked" };
    await issues.createComment({
      owner,
      repo,
      issue_number: existing.number!,
      body: safeBody(`${why} ([run](${link})). Closing.`),
    });
    await update({ owner, repo, issue_number: existing.number!, state: "closed", state_reason: reason });
    return { stack, action: "closed", issue: existing.number };
  }

  if (report.error !== undefined) {
    return [
      await upsert(
        WHOLE_CHECK,
        "Drift check could not run",
        `## The scheduled drift check could not run\n\n${markdownBlock(report.error)}\n\n${errorAdvice(context)}`,
      ),
    ];
  }
  const actions: DriftIssueAction[] = [await close(WHOLE_CHECK, "The drift check runs again")];
  for (const result of report.stacks) {
    // Read as a string: a status this module does not know yet must leave the stack's issue alone, not close it.
    const status: string = result.status;
    if (result.status === "error") {
      actions.push(
        await upsert(
          result.stack,
          `Drift check failing: ${result.stack}`,
          `## The drift check of ${markdownCode(result.stack)} fails\n\n${markdownBlock(result.error)}\n\n${errorAdvice(context)}`,
        ),
      );
    } else if (result.status === "drift") {
      actions.push(
        await upsert(result.stack, `Drift in ${result.stack}`, renderFindings(result.stack, result.findings)),
      );
    } else if (result.status === "in-sync") {
      actions.push(await close(result.stack, `${markdownCode(result.stack)} is back in sync with its state`));
    } else if (status === "retiring") {
      // A retiring stack is being destroyed through a reviewed plan; its drift no longer matters.
      actions.push(
        await close(
          result.stack,
          `${markdownCode(result.stack)} is retiring, so its drift is no longer checked`,
          "not_planned",
        ),
      );
    } else {
      actions.push({ stack: result.stack, action: "not checked" });
    }
  }
  return actions;
}

/** github-script's Octokit has them all; GitHubClient marks them optional because the plan comment does not need them. */
function issueMethods(github: GitHubClient) {
  const { listForRepo, create, update } = github.rest.issues;
  if (!listForRepo || !create || !update)
    throw new Error("syncDriftIssues needs github.rest.issues.listForRepo, create and update");
  return { listForRepo, create, update };
}

/** An issue body is not rendered inside the repository, so a link to the docs must be absolute. */
function errorAdvice(context: WorkflowContext): string {
  const guide = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/blob/HEAD/docs/tasks/run-in-ci.md#drift-one-issue-per-drifting-stack`;
  return `Until this is fixed, drift goes unnoticed here. The run's log has the full output; see [Drift](${guide}) in the operator's guide.`;
}

function renderFindings(stack: string, findings: readonly DriftFinding[]): string {
  const rows = findings.map((finding) => {
    const detail = finding.differences
      .map((difference) => `${difference.field}: ${difference.was} → ${difference.now}`)
      .join("; ");
    return `| ${markdownText(finding.finding)} | ${markdownText(finding.kind)} | ${markdownCode(finding.key)} | ${markdownText(detail) || "–"} | ${markdownText(finding.consequence)} |`;
  });
  const table = [
    "| finding | kind | name | was → API now | what a deploy does |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
  return [
    `## Drift in ${markdownCode(stack)}`,
    `The API no longer matches what the last apply left in ${markdownCode(stack)}'s state: ${findings.length} finding${findings.length === 1 ? "" : "s"}.`,
    table,
    "Either let the next deploy put the declared values back (re-run the deploy workflow on `main`), or change the config " +
      "in a pull request so that it declares what the API now holds. This issue closes itself when the stack is back in sync.",
  ].join("\n\n");
}
