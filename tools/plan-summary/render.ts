/**
 * Renders the pull-request comment for a set of stack plans. Pure: JSON and text in, markdown out, so every
 * layout rule (banner first, counts outside the fold, size limit, masking) is tested without terraform.
 */
import { ChangeAction, PlanCounts, ResourceChangeSummary, StackPlanSummary } from "./plan-json";
import { htmlText, markdownBlock, markdownCode, markdownText } from "../../cli-kit/escape";
import { redactTerraformText as redactText } from "../terraform/redact";

/** Hidden tag the workflow uses to find and update its one comment instead of adding a new one per push. */
export const SUMMARY_MARKER = "<!-- p1as-plan-summary -->";

/**
 * GitHub rejects comments over 65,536 characters. The default leaves room for a footer the workflow may add
 * (a link to the run) and for characters GitHub counts differently from JavaScript.
 */
export const DEFAULT_MAX_CHARS = 65_000;

/** One stack's result. `unplannable` means terraform never got as far as planning (its provider could not be installed). */
export type StackOutcome =
  | {
      readonly stack: string;
      readonly status: "planned";
      readonly summary: StackPlanSummary;
      readonly planText: string;
      /** A destroy plan: the config marks the environment `"retire": true`. @default false */
      readonly retiring?: boolean;
    }
  /** A retiring stack whose state is already empty: nothing to plan, only the config change is left. */
  | { readonly stack: string; readonly status: "retired"; readonly note: string }
  | { readonly stack: string; readonly status: "failed"; readonly error: string }
  | { readonly stack: string; readonly status: "unplannable"; readonly reason: string; readonly detail: string };

export interface RenderOptions {
  /**
   * Upper bound for the whole comment, marker included.
   * @default 65000
   */
  readonly maxChars?: number;
  /**
   * A line under the title, e.g. the commit the plan was made for.
   * @default - none
   */
  readonly subtitle?: string;
}

const ACTION_LABELS: Record<ChangeAction, string> = {
  replace: "`-/+` replace",
  delete: "`-` destroy",
  forget: "`.` forget",
  create: "`+` create",
  update: "`~` update",
  import: "`<=` import",
};

/** Tables are cut before plan text is dropped entirely; destructive rows sort first and so survive. */
const ROW_LIMITS = [200, 50, 10, 0] as const;
/** Error text is shown whole up to here; terraform's errors are short, a crash dump is not. */
const MAX_ERROR_CHARS = 4_000;

export function renderSummary(outcomes: readonly StackOutcome[], options: RenderOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const planTexts = outcomes.map((outcome) =>
    outcome.status === "planned" ? redactText(cleanPlanText(outcome.planText)) : "",
  );
  for (const rowLimit of ROW_LIMITS) {
    const shell = (texts: readonly string[]) => renderShell(outcomes, texts, rowLimit, options.subtitle);
    const fixed = shell(planTexts.map(() => "")).length;
    if (fixed > maxChars) continue;
    const budgets = shareBudget(
      planTexts.map((text) => text.length),
      maxChars - fixed,
    );
    const result = shell(planTexts.map((text, index) => cutText(text, budgets[index])));
    if (result.length <= maxChars) return result;
  }
  // Only reachable with a limit too small for even the counts; say so rather than post a broken comment.
  return `${SUMMARY_MARKER}\n## Plan summary\n\nThe summary does not fit in ${maxChars} characters; see the workflow log.\n`.slice(
    0,
    maxChars,
  );
}

/**
 * The summary when the tools refused to plan at all (a state the config no longer declares still holds
 * objects): reviewers see why in the pull request, not only in the job log.
 */
export function renderRefusal(message: string, subtitle?: string): string {
  const quoted = message.split("\n").map((line) => `> ${escapeText(line)}`);
  return `${[SUMMARY_MARKER, "## Plan summary", ...(subtitle ? [escapeText(subtitle)] : []), ["> [!CAUTION]", "> **Nothing was planned.**", ">", ...quoted].join("\n")].join("\n\n")}\n`;
}

function renderShell(
  outcomes: readonly StackOutcome[],
  planTexts: readonly string[],
  rowLimit: number,
  subtitle?: string,
): string {
  const parts = [SUMMARY_MARKER, "## Plan summary", ...(subtitle ? [escapeText(subtitle)] : [])];
  parts.push(...renderBanners(outcomes));
  outcomes.forEach((outcome, index) => parts.push(renderStack(outcome, planTexts[index], rowLimit)));
  parts.push(renderFooter(outcomes));
  return `${parts.join("\n\n")}\n`;
}

/** Destroys and replaces first, hostnames above all: a replaced hostname takes its virtual host down until it is back. */
function renderBanners(outcomes: readonly StackOutcome[]): string[] {
  const banners: string[] = [];
  const retiring = outcomes.filter(
    (outcome) => outcome.status === "planned" && outcome.retiring && outcome.summary.changes.length > 0,
  );
  if (retiring.length > 0) {
    const items = retiring.map(
      (outcome) => `> - ${code(outcome.stack)} is **RETIRING**: the deploy destroys every object in its state.`,
    );
    banners.push(["> [!CAUTION]", `> **${plural(retiring.length, "stack")} retiring.**`, ">", ...items].join("\n"));
  }
  const destructive = outcomes.flatMap((outcome) =>
    outcome.status === "planned"
      ? outcome.summary.changes
          .filter((change) => change.destructive)
          .map((change) => ({ stack: outcome.stack, change }))
      : [],
  );
  if (destructive.length > 0) {
    destructive.sort((a, b) => Number(b.change.kind === "hostname") - Number(a.change.kind === "hostname"));
    const hostnames = destructive.filter((item) => item.change.kind === "hostname").length;
    const headline =
      `**This plan destroys or replaces ${plural(destructive.length, "object")}` +
      (hostnames > 0 ? `, ${plural(hostnames, "hostname")} among them` : "") +
      ".** Check that this is intended before merging.";
    const items = destructive.map(({ stack, change }) => `> - ${describeDestructive(stack, change)}`);
    banners.push(["> [!CAUTION]", `> ${headline}`, ">", ...items].join("\n"));
  }
  const problems = outcomes.flatMap((outcome) => {
    if (outcome.status === "failed")
      return [`> - ${code(outcome.stack)}: **plan failed**: ${escapeText(firstLine(outcome.error))}`];
    if (outcome.status === "unplannable")
      return [`> - ${code(outcome.stack)}: **could not plan**: ${escapeText(outcome.reason)}`];
    return [];
  });
  if (problems.length > 0) {
    banners.push(
      [
        "> [!WARNING]",
        `> **${plural(problems.length, "stack")} not planned.** Nothing below covers ${problems.length === 1 ? "it" : "them"}.`,
        ">",
        ...problems,
      ].join("\n"),
    );
  }
  return banners;
}

function describeDestructive(stack: string, change: ResourceChangeSummary): string {
  const verb = change.offline ? "replace (offline)" : change.action === "replace" ? "replace" : "destroy";
  const where = `in ${code(stack)}`;
  const what =
    change.kind === "hostname"
      ? `🛑 **${verb}** hostname ${code(valueOf(change, "hostname"))} ${where}`
      : change.kind === "certificate"
        ? `⚠️ **${verb}** certificate ${code(valueOf(change, "name"))} ${where}`
        : `⚠️ **${verb}** ${code(change.address)} ${where}`;
  const details = [
    renderFields(change.kind === "other" ? [] : change.fields.slice(1)),
    renderChanges(change),
    change.reason ? escapeText(change.reason) : "",
  ]
    .filter(Boolean)
    .join("; ");
  return details ? `${what} (${details})` : what;
}

function renderStack(outcome: StackOutcome, planText: string, rowLimit: number): string {
  const stack = code(outcome.stack);
  if (outcome.status === "failed") {
    return [
      `### ❌ ${stack}: plan failed`,
      "Terraform's error:",
      markdownBlock(clip(redactText(outcome.error), MAX_ERROR_CHARS)),
    ].join("\n\n");
  }
  if (outcome.status === "unplannable") {
    return [
      `### ⚪ ${stack}: could not plan`,
      escapeText(outcome.reason),
      fold("Terraform's output", markdownBlock(clip(redactText(outcome.detail), MAX_ERROR_CHARS))),
    ].join("\n\n");
  }
  if (outcome.status === "retired") return [`### 🪦 ${stack}: retired`, escapeText(outcome.note)].join("\n\n");
  const { summary } = outcome;
  const heading = `### ${summary.changes.length === 0 ? "✅" : hasDestructive(summary) ? "⚠️" : "📝"} ${stack}`;
  const parts = outcome.retiring
    ? [
        `${heading}: RETIRING`,
        "**This stack is retiring: its plan destroys every object it manages** (virtual hosts and PingOne objects).",
        `\`${countsLine(summary.counts)}\``,
      ]
    : [heading, `\`${countsLine(summary.counts)}\``];
  if (summary.driftCount > 0) {
    parts.push(`**${plural(summary.driftCount, "object")} changed outside of Terraform** (see the full plan).`);
  }
  if (summary.changes.length > 0) parts.push(renderTable(summary.changes, rowLimit));
  parts.push(
    fold(
      `Full plan for ${outcome.stack}`,
      planText
        ? markdownBlock(planText)
        : "_Omitted: the comment would exceed GitHub's size limit; see the workflow log._",
    ),
  );
  return parts.join("\n\n");
}

/** Terraform's own "Plan:" line counts a replace as one add plus one destroy; reviewers want it separate. */
export function countsLine(counts: PlanCounts): string {
  const extra = [
    ...(counts.import > 0 ? [`${counts.import} to import`] : []),
    ...(counts.forget > 0 ? [`${counts.forget} to forget`] : []),
  ];
  if (counts.add + counts.change + counts.replace + counts.destroy + counts.import + counts.forget === 0)
    return "No changes.";
  return `Plan: ${[`${counts.add} to add`, `${counts.change} to change`, `${counts.replace} to replace`, `${counts.destroy} to destroy`, ...extra].join(", ")}`;
}

function renderTable(changes: readonly ResourceChangeSummary[], rowLimit: number): string {
  if (rowLimit === 0)
    return `_${plural(changes.length, "resource")} change; the list is omitted to fit the comment size limit._`;
  const rows = changes.slice(0, rowLimit).map((change) => {
    const details = [
      renderFields(change.fields),
      renderChanges(change),
      change.reason ? `_${escapeText(change.reason)}_` : "",
    ]
      .filter(Boolean)
      .join("<br>");
    return `| ${ACTION_LABELS[change.action]} | ${code(change.address)} | ${details} |`;
  });
  const more = changes.length > rowLimit ? [`\n_…and ${changes.length - rowLimit} more; see the full plan._`] : [];
  return ["| Action | Resource | Virtual host |", "| --- | --- | --- |", ...rows].join("\n") + more.join("");
}

const FIELD_LABELS: Record<string, string> = {
  hostname: "hostname",
  product: "product",
  certname: "certificate",
  name: "certificate",
  sha256_fingerprint: "SHA-256",
  not_after: "not after",
  status: "status",
  adopt: "adopt",
};

function renderFields(fields: ResourceChangeSummary["fields"]): string {
  return fields
    .map(
      ({ field, value }) =>
        `${FIELD_LABELS[field] ?? field} ${code(field === "sha256_fingerprint" ? shortFingerprint(value) : value)}`,
    )
    .join(" · ");
}

/** A full SHA-256 (95 characters) swamps the table; head and tail identify a certificate, the full plan has the rest. */
export function shortFingerprint(value: string): string {
  return value.length > 24 ? `${value.slice(0, 11)}…${value.slice(-8)}` : value;
}

function renderChanges(change: ResourceChangeSummary): string {
  const shown = (field: string, value: string) =>
    code(field === "sha256_fingerprint" ? shortFingerprint(value) : value);
  return change.changes
    .map(
      ({ field, before, after }) => `${FIELD_LABELS[field] ?? field}: ${shown(field, before)} → ${shown(field, after)}`,
    )
    .join(", ");
}

function renderFooter(outcomes: readonly StackOutcome[]): string {
  const planned = outcomes.filter((outcome) => outcome.status === "planned");
  const changed = planned.filter(
    (outcome) => outcome.status === "planned" && outcome.summary.changes.length > 0,
  ).length;
  const failed = outcomes.filter((outcome) => outcome.status === "failed").length;
  const unplannable = outcomes.filter((outcome) => outcome.status === "unplannable").length;
  const retired = outcomes.filter((outcome) => outcome.status === "retired").length;
  return (
    `**${plural(outcomes.length, "stack")}**: ${changed} with changes, ${planned.length - changed} without changes, ` +
    `${failed} failed, ${unplannable} could not be planned${retired > 0 ? `, ${retired} retired` : ""}.`
  );
}

/**
 * Keeps the head and the tail of the plan (the tail holds terraform's own "Plan:" line and warnings),
 * cut on line boundaries, with a notice saying how much is missing. Never returns more than `maxChars`.
 */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const lines = text.split("\n");
  const notice = (omittedLines: number, omittedChars: number) =>
    `\n… ${omittedLines} lines (${omittedChars} characters) omitted to stay under GitHub's comment size limit; the workflow log has the full plan …\n`;
  const reserve = notice(lines.length, text.length).length;
  const half = Math.floor((maxChars - reserve) / 2);
  if (half <= 0) return "";
  const head = takeLines(lines, half);
  const tail = takeLines([...lines.slice(head.length)].reverse(), half).reverse();
  const keptChars = head.join("\n").length + tail.join("\n").length;
  const omittedLines = lines.length - head.length - tail.length;
  return `${head.join("\n")}${notice(omittedLines, text.length - keptChars)}${tail.join("\n")}`;
}

function takeLines(lines: readonly string[], maxChars: number): string[] {
  const taken: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (length + line.length + 1 > maxChars) break;
    taken.push(line);
    length += line.length + 1;
  }
  return taken;
}

/**
 * Water-filling: every text gets an equal share of what is left, and a short text hands what it doesn't need
 * to the longer ones, so one huge stack cannot crowd out the others.
 */
export function shareBudget(lengths: readonly number[], total: number): number[] {
  const budgets = lengths.map(() => 0);
  let remaining = Math.max(0, total);
  let open = lengths.map((length, index) => ({ length, index })).filter(({ length }) => length > 0);
  while (open.length > 0) {
    const share = Math.floor(remaining / open.length);
    const fits = open.filter(({ length }) => length <= share);
    if (fits.length === 0) {
      for (const { index } of open) budgets[index] = share;
      break;
    }
    for (const { length, index } of fits) {
      budgets[index] = length;
      remaining -= length;
    }
    open = open.filter(({ length }) => length > share);
  }
  return budgets;
}

/**
 * Refresh lines are noise in review (Atlantis and tfcmt drop them too); the saved-plan hint is for humans at a
 * terminal; a certificate chain is dozens of lines of base64 no reviewer reads (the table shows its SHA-256
 * and expiry), and would crowd the rest of the plan out of the size limit.
 */
export function cleanPlanText(text: string): string {
  const lines = text.split("\n").filter((line) => !/: (Refreshing state|Reading|Read complete after)\b/.test(line));
  return foldChains(lines)
    .join("\n")
    .replace(/\n*─+\n+Saved the plan to:[\s\S]*$/, "")
    .replace(/\n*Saved the plan to:[\s\S]*$/, "")
    .trim();
}

/** A heredoc's first line in terraform's plan: `<indent>[+-~ ]<name> = <<-EOT[ # note]`. */
const HEREDOC_START = /^( *(?:[-+~] )?)(\S[^=]*?\s*= )<<-EOT((?: #.*)?)$/;

/**
 * Each certificate chain's heredoc becomes one line. The heredoc ends at the `EOT` in its attribute's own
 * column: terraform indents the value's lines deeper, so an `EOT` line inside a chain (with made-up plan
 * lines after it) cannot end the heredoc early and leave those lines in the plan as if terraform had printed
 * them. The chain rule refuses such files already (p1as/pem.ts); this holds even for a chain that got past it.
 */
function foldChains(lines: readonly string[]): string[] {
  const folded: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const start = HEREDOC_START.exec(lines[index]);
    const close = start ? new RegExp(`^ {${start[1].length}}EOT((?: -> .*)?)$`) : undefined;
    const end = close ? lines.findIndex((line, at) => at > index && close.test(line)) : -1;
    const body = lines.slice(index + 1, end);
    if (
      !start ||
      end < 0 ||
      !(/^fullchain\b/.test(start[2]) || body.some((line) => line.includes("-----BEGIN CERTIFICATE-----")))
    ) {
      folded.push(lines[index]);
      continue;
    }
    const tail = close!.exec(lines[end])![1];
    folded.push(`${start[1]}${start[2]}(certificate chain, ${body.length} lines, omitted)${tail}${start[3]}`);
    index = end;
  }
  return folded;
}

/** `summary` is text (a stack's name among it), shown in the fold's HTML summary element. */
function fold(summary: string, body: string): string {
  return `<details><summary>${htmlText(redactText(summary))}</summary>\n\n${body}\n\n</details>`;
}

/** A value as a code span (cli-kit/escape.ts has the rule), masked first. */
function code(value: string): string {
  return markdownCode(redactText(value));
}

/** Text from terraform, the API or the config as Markdown text (cli-kit/escape.ts has the rule), masked first. */
function escapeText(value: string): string {
  return markdownText(redactText(value));
}

function valueOf(change: ResourceChangeSummary, field: string): string {
  return change.fields.find((candidate) => candidate.field === field)?.value ?? change.address;
}

function hasDestructive(summary: StackPlanSummary): boolean {
  return summary.changes.some((change) => change.destructive);
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? text;
}

function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : cutText(text, maxChars);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
