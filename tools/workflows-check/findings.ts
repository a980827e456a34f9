/**
 * The checker's catalogue: one factory per finding, each saying what is wrong, why GitHub cares, and what
 * to do, and one line per finding: `<file>:<line>: <job and step>: <key>: <message> [<rule>]`. Tests pin
 * the wording.
 */
import { CALLER_JOB_KEYS, CONTEXTS } from "./github-rules";
import { Location } from "./locations";

export type Rule =
  | "yaml"
  | "permissions-value"
  | "nested-permissions"
  | "explicit-permissions"
  | "caller-job-keys"
  | "called-workflow"
  | "secrets-inherit"
  | "secret-undeclared"
  | "secret-not-passed"
  | "secret-unknown"
  | "call-inputs"
  | "context-availability"
  | "function-availability"
  | "expression-syntax"
  | "expression-key"
  | "timeout-minutes";

export interface Finding extends Location {
  readonly rule: Rule;
  readonly message: string;
}

export function formatFinding(finding: Finding): string {
  const at = finding.line === undefined ? finding.file : `${finding.file}:${finding.line}`;
  const key = finding.key ? `${finding.key}: ` : "";
  return `${at}: ${finding.where}: ${key}${finding.message} [${finding.rule}]`;
}

const list = (names: readonly string[]) => names.join(", ");

// ---- the file itself ----------------------------------------------------------------------------------

export function notAWorkflow(at: Location, reason: string): Finding {
  return { ...at, rule: "yaml", message: `GitHub cannot read this file as a workflow: ${reason}.` };
}

// ---- permissions --------------------------------------------------------------------------------------

export function badPermissions(at: Location, problem: string): Finding {
  return { ...at, rule: "permissions-value", message: `${problem}, so GitHub refuses the workflow.` };
}

/** @param asked the scopes the nested job asks for beyond the grant, `contents: write` each */
export function nestedPermissionsExceed(
  at: Location,
  calledJob: string,
  calledFile: string,
  asked: readonly string[],
  granted: string,
  grantedBy: string,
): Finding {
  return {
    ...at,
    rule: "nested-permissions",
    message:
      `job ${calledJob} of ${calledFile} asks for ${list(asked)}, more than this job grants (${granted}, from ${grantedBy}): ` +
      "a called workflow can only lower the caller's permissions, so GitHub refuses to start the workflow. " +
      "Grant them in this job's permissions, or ask for less in the called job.",
  };
}

export function permissionsNotSet(at: Location, calledFile: string): Finding {
  return {
    ...at,
    rule: "explicit-permissions",
    message:
      `neither this job nor the workflow sets permissions, so ${calledFile} runs with the repository's default token, ` +
      "which this file cannot show and which decides whether GitHub starts it: set permissions explicitly on this job.",
  };
}

// ---- jobs that call a reusable workflow ---------------------------------------------------------------

const CALLER_KEY_HINTS: Readonly<Record<string, string>> = {
  "timeout-minutes": " Set timeout-minutes on the called workflow's jobs instead.",
  "runs-on": " The called workflow's jobs choose their runners.",
  steps: " A job either calls a workflow or runs steps.",
  env: " Pass values as inputs (with) instead.",
  environment: " Name the environment in the called workflow's jobs instead.",
};

export function callerKeyNotAllowed(at: Location, key: string): Finding {
  return {
    ...at,
    rule: "caller-job-keys",
    message: `a job that calls a reusable workflow may carry only ${list(CALLER_JOB_KEYS)}, so GitHub refuses ${key} here.${CALLER_KEY_HINTS[key] ?? ""}`,
  };
}

export function calledWorkflowMissing(at: Location, uses: string): Finding {
  return {
    ...at,
    rule: "called-workflow",
    message: `${uses} is not beside this workflow, so GitHub cannot start it. Fix the file name.`,
  };
}

export function notCallable(at: Location, calledFile: string, reason: string): Finding {
  return { ...at, rule: "called-workflow", message: `${calledFile} ${reason}, so GitHub cannot call it.` };
}

export function secretsInherited(at: Location): Finding {
  return {
    ...at,
    rule: "secrets-inherit",
    message:
      "inherit hands the called workflow every secret this job can read. Pass each secret it uses by name instead.",
  };
}

/** @param usedAt where the called workflow uses the secret: `job plan, step 7 "Plan"` */
export function secretNotPassed(at: Location, secret: string, calledFile: string, usedAt: string): Finding {
  return {
    ...at,
    rule: "secret-not-passed",
    message:
      `${calledFile} uses secrets.${secret} (${usedAt}) but this job does not pass it, so it is empty there, ` +
      "environment or not: a called workflow sees only the names its caller passes. " +
      `Add ${secret}: \${{ secrets.${secret} }} to this job's secrets.`,
  };
}

export function requiredSecretNotPassed(at: Location, secret: string, calledFile: string): Finding {
  return {
    ...at,
    rule: "secret-not-passed",
    message: `${calledFile} declares secret ${secret} required but this job does not pass it, so GitHub refuses the call. Add ${secret}: \${{ secrets.${secret} }} to this job's secrets.`,
  };
}

export function secretNotDeclared(at: Location, secret: string, calledFile: string): Finding {
  return {
    ...at,
    rule: "secret-unknown",
    message: `passes ${secret}, which ${calledFile} does not declare in on.workflow_call.secrets, so GitHub refuses the call. Declare it there or stop passing it.`,
  };
}

export function inputNotDeclared(at: Location, input: string, calledFile: string): Finding {
  return {
    ...at,
    rule: "call-inputs",
    message: `passes input ${input}, which ${calledFile} does not declare in on.workflow_call.inputs, so GitHub refuses the call. Declare it there or stop passing it.`,
  };
}

export function inputMissing(at: Location, input: string, calledFile: string): Finding {
  return {
    ...at,
    rule: "call-inputs",
    message: `does not pass input ${input}, which ${calledFile} requires and gives no default, so GitHub refuses the call. Pass it in with.`,
  };
}

// ---- inside a called workflow -------------------------------------------------------------------------

export function secretUndeclared(at: Location, secret: string): Finding {
  return {
    ...at,
    rule: "secret-undeclared",
    message:
      `uses secrets.${secret}, which on.workflow_call.secrets does not declare, so no caller can pass it by name ` +
      "(and a job's environment fills in only names its caller passed). Declare it and pass it from every caller.",
  };
}

// ---- expressions --------------------------------------------------------------------------------------

export function expressionUnclosed(at: Location, rest: string): Finding {
  return {
    ...at,
    rule: "expression-syntax",
    message: `\${{ ${rest} is never closed with }}, so GitHub refuses the workflow.`,
  };
}

export function noExpressionHere(at: Location, expression: string): Finding {
  return {
    ...at,
    rule: "expression-key",
    message: `\${{ ${expression} }}: GitHub evaluates no expression at this key, so the text stays as written. Use a literal value.`,
  };
}

export function unknownContext(at: Location, expression: string, context: string): Finding {
  return {
    ...at,
    rule: "context-availability",
    message: `\${{ ${expression} }} reads ${context}, which is not a GitHub context (${list(CONTEXTS)}), so GitHub refuses the workflow.`,
  };
}

/** @param key the context-availability row (`jobs.<job_id>.if`) and `allowed` what it lists */
export function contextNotAvailable(
  at: Location,
  expression: string,
  context: string,
  key: string,
  allowed: string,
): Finding {
  return {
    ...at,
    rule: "context-availability",
    message: `\${{ ${expression} }} reads ${context}, which GitHub does not provide at ${key} (only ${allowed}), so GitHub refuses the workflow.`,
  };
}

export function unknownFunction(at: Location, expression: string, name: string): Finding {
  return {
    ...at,
    rule: "function-availability",
    message: `\${{ ${expression} }} calls ${name}(), which is not a GitHub expression function, so GitHub refuses the workflow.`,
  };
}

export function functionNotAvailable(at: Location, expression: string, name: string, key: string): Finding {
  return {
    ...at,
    rule: "function-availability",
    message: `\${{ ${expression} }} calls ${name}(), which GitHub does not allow at ${key}, so GitHub refuses the workflow.`,
  };
}

// ---- timeouts -----------------------------------------------------------------------------------------

export function timeoutMissing(at: Location): Finding {
  return {
    ...at,
    key: "timeout-minutes",
    rule: "timeout-minutes",
    message:
      "this job runs steps with no timeout-minutes, so a hung step holds its runner, and any lock it took, for GitHub's default 360 minutes. " +
      "Set it from what the job does.",
  };
}
