/**
 * Every expression reads only the contexts, and calls only the functions, that GitHub's context-availability
 * table lists for its key; an expression at a key the table does not list is never evaluated.
 */
import { expressionSites } from "./expression-sites";
import {
  contextNotAvailable,
  expressionUnclosed,
  Finding,
  functionNotAvailable,
  noExpressionHere,
  unknownContext,
  unknownFunction,
} from "./findings";
import { CONTEXT_AVAILABILITY, CONTEXTS, FUNCTIONS, STATUS_FUNCTIONS } from "./github-rules";
import { locate } from "./locations";
import { WorkflowFile, YamlPath } from "./workflow-files";

interface Row {
  readonly key: string;
  /** The key as path segments, `*` for any job, step, env or output name. */
  readonly pattern: readonly string[];
  readonly contexts: ReadonlySet<string>;
  readonly functions: ReadonlySet<string>;
}

const names = (text = "") =>
  new Set(
    text
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );

/** The table as path patterns: `jobs.<job_id>.steps.env` is jobs / * / steps / * / env. */
const ROWS: readonly Row[] = Object.entries(CONTEXT_AVAILABILITY).map(([key, { contexts, functions }]) => ({
  key,
  pattern: key
    .split(".")
    .flatMap((segment) => (segment.startsWith("<") ? ["*"] : segment === "steps" ? ["steps", "*"] : [segment])),
  contexts: names(contexts),
  functions: names(functions),
}));

const KNOWN_CONTEXTS = new Set<string>(CONTEXTS);
const KNOWN_FUNCTIONS = new Set(FUNCTIONS.map((name) => name.toLowerCase()));
/** Functions the table restricts to the keys that list them; the others work wherever an expression does. */
const RESTRICTED_FUNCTIONS = new Set([...STATUS_FUNCTIONS, "hashfiles"]);

/** Each name once, as first written (GitHub compares names without case). */
const unique = (all: readonly string[]) =>
  all.filter((name, index) => all.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === index);

/** The table row for a value: the longest key that is a prefix of its path. */
function rowFor(at: YamlPath): Row | undefined {
  const matches = ROWS.filter(
    ({ pattern }) =>
      pattern.length <= at.length && pattern.every((segment, index) => segment === "*" || segment === at[index]),
  );
  return matches.sort((a, b) => b.pattern.length - a.pattern.length)[0];
}

export function checkExpressions(workflow: WorkflowFile): Finding[] {
  if (!workflow.workflow) return [];
  return expressionSites(workflow.workflow).flatMap(({ at, scan }) => {
    const where = locate(workflow, at);
    if ("unclosed" in scan) return [expressionUnclosed(where, scan.unclosed)];
    const row = rowFor(at);
    if (!row) return scan.expressions.slice(0, 1).map(({ text }) => noExpressionHere(where, text));
    return scan.expressions.flatMap(({ text, contexts, functions }) => [
      ...unique(contexts.map(({ context }) => context)).flatMap((context) => {
        const name = context.toLowerCase();
        if (!KNOWN_CONTEXTS.has(name)) return [unknownContext(where, text, context)];
        return row.contexts.has(name)
          ? []
          : [contextNotAvailable(where, text, context, row.key, [...row.contexts].join(", "))];
      }),
      ...unique(functions).flatMap((called) => {
        const name = called.toLowerCase();
        if (!KNOWN_FUNCTIONS.has(name)) return [unknownFunction(where, text, called)];
        return RESTRICTED_FUNCTIONS.has(name) && !row.functions.has(name)
          ? [functionNotAvailable(where, text, called, row.key)]
          : [];
      }),
    ]);
  });
}
