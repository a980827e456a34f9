/**
 * Every place in a workflow that holds an expression: each string value with `${{`, and each `if:` of a job
 * or step (GitHub reads those as an expression even without `${{ }}`).
 */
import { ContextRead, ExpressionScan, scanExpressions } from "./expressions";
import { isYamlMap, YamlMap, YamlPath } from "./workflow-files";

export interface ExpressionSite {
  readonly at: YamlPath;
  readonly scan: ExpressionScan;
}

/** `jobs.<id>.if` and `jobs.<id>.steps[n].if`. */
const isCondition = (at: YamlPath) =>
  at.length >= 3 &&
  at[0] === "jobs" &&
  at[at.length - 1] === "if" &&
  (at.length === 3 || (at.length === 5 && at[2] === "steps"));

export function expressionSites(workflow: YamlMap): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  const visit = (value: unknown, at: YamlPath): void => {
    if (typeof value === "string") {
      if (value.includes("${{") || isCondition(at)) sites.push({ at, scan: scanExpressions(value, isCondition(at)) });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...at, index]));
    } else if (isYamlMap(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, [...at, key]);
    }
  };
  visit(workflow, []);
  return sites;
}

/** Each `secrets.<name>` a workflow reads, where it reads it. `secrets[expr]` names no secret and is left out. */
export function secretReads(workflow: YamlMap): { readonly secret: string; readonly at: YamlPath }[] {
  return expressionSites(workflow).flatMap(({ at, scan }) =>
    "expressions" in scan
      ? scan.expressions.flatMap(({ contexts }) =>
          contexts
            .filter(
              (read): read is Required<ContextRead> =>
                read.context.toLowerCase() === "secrets" && read.property !== undefined,
            )
            .map(({ property }) => ({ secret: property, at })),
        )
      : [],
  );
}
