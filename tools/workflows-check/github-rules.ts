/**
 * What GitHub documents about workflow files, as data, each with the page it comes from (under
 * https://docs.github.com/en/actions/). The checks read these tables; nothing else in the checker knows a
 * GitHub rule by heart. Where what users observe is stricter than the docs (environment secrets in called
 * workflows), the check that relies on it says so (check-calls.ts).
 */

/** The context names an expression may start with. Source: reference/workflows-and-actions/contexts. */
export const CONTEXTS = [
  "github",
  "env",
  "vars",
  "job",
  "jobs",
  "steps",
  "runner",
  "secrets",
  "strategy",
  "matrix",
  "needs",
  "inputs",
] as const;

/** Status check functions: only in `if` conditionals (the table below lists them at the two `if` keys). */
export const STATUS_FUNCTIONS = ["always", "cancelled", "success", "failure"] as const;

/**
 * Functions usable wherever an expression is, except hashFiles, which the table restricts like a context.
 * Source: reference/workflows-and-actions/expressions.
 */
export const FUNCTIONS = [
  "contains",
  "startsWith",
  "endsWith",
  "format",
  "join",
  "toJSON",
  "fromJSON",
  "hashFiles",
  "case",
  ...STATUS_FUNCTIONS,
] as const;

/**
 * The context-availability table, as GitHub spells it: the listed contexts and special functions are
 * available at that key and nowhere else, and a key that is not listed evaluates no expression at all.
 * `steps` in a key stands for every step of the job.
 * Source: reference/workflows-and-actions/contexts#context-availability.
 */
export const CONTEXT_AVAILABILITY: Readonly<
  Record<string, { readonly contexts: string; readonly functions?: string }>
> = {
  "run-name": { contexts: "github, inputs, vars" },
  concurrency: { contexts: "github, inputs, vars" },
  env: { contexts: "github, secrets, inputs, vars" },
  "jobs.<job_id>.concurrency": { contexts: "github, needs, strategy, matrix, inputs, vars" },
  "jobs.<job_id>.container": { contexts: "github, needs, strategy, matrix, vars, inputs" },
  "jobs.<job_id>.container.credentials": { contexts: "github, needs, strategy, matrix, env, vars, secrets, inputs" },
  "jobs.<job_id>.container.env.<env_id>": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, inputs",
  },
  "jobs.<job_id>.container.image": { contexts: "github, needs, strategy, matrix, vars, inputs" },
  "jobs.<job_id>.continue-on-error": { contexts: "github, needs, strategy, vars, matrix, inputs" },
  "jobs.<job_id>.defaults.run": { contexts: "github, needs, strategy, matrix, env, vars, inputs" },
  "jobs.<job_id>.env": { contexts: "github, needs, strategy, matrix, vars, secrets, inputs" },
  "jobs.<job_id>.environment": { contexts: "github, needs, strategy, matrix, vars, inputs" },
  "jobs.<job_id>.environment.url": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, steps, inputs",
  },
  "jobs.<job_id>.if": { contexts: "github, needs, vars, inputs", functions: "always, cancelled, success, failure" },
  "jobs.<job_id>.name": { contexts: "github, needs, strategy, matrix, vars, inputs" },
  "jobs.<job_id>.outputs.<output_id>": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, steps, inputs",
  },
  "jobs.<job_id>.runs-on": { contexts: "github, needs, strategy, matrix, vars, inputs" },
  "jobs.<job_id>.secrets.<secrets_id>": { contexts: "github, needs, strategy, matrix, secrets, inputs, vars" },
  "jobs.<job_id>.services": { contexts: "github, needs, strategy, matrix, vars, inputs" },
  "jobs.<job_id>.services.<service_id>.credentials": {
    contexts: "github, needs, strategy, matrix, env, vars, secrets, inputs",
  },
  "jobs.<job_id>.services.<service_id>.env.<env_id>": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, inputs",
  },
  "jobs.<job_id>.steps.continue-on-error": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, steps, inputs",
    functions: "hashFiles",
  },
  "jobs.<job_id>.steps.env": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, steps, inputs",
    functions: "hashFiles",
  },
  "jobs.<job_id>.steps.if": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, steps, inputs",
    functions: "always, cancelled, success, failure, hashFiles",
  },
  "jobs.<job_id>.steps.name": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, steps, inputs",
    functions: "hashFiles",
  },
  "jobs.<job_id>.steps.run": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, steps, inputs",
    functions: "hashFiles",
  },
  "jobs.<job_id>.steps.timeout-minutes": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, steps, inputs",
    functions: "hashFiles",
  },
  "jobs.<job_id>.steps.with": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, steps, inputs",
    functions: "hashFiles",
  },
  "jobs.<job_id>.steps.working-directory": {
    contexts: "github, needs, strategy, matrix, job, runner, env, vars, secrets, steps, inputs",
    functions: "hashFiles",
  },
  "jobs.<job_id>.strategy": { contexts: "github, needs, vars, inputs" },
  "jobs.<job_id>.timeout-minutes": { contexts: "github, needs, strategy, matrix, vars, inputs" },
  "jobs.<job_id>.with.<with_id>": { contexts: "github, needs, strategy, matrix, inputs, vars" },
  "on.workflow_call.inputs.<inputs_id>.default": { contexts: "github, inputs, vars" },
  "on.workflow_call.outputs.<output_id>.value": { contexts: "github, jobs, vars, inputs" },
};

/**
 * The only keys a job that calls a reusable workflow (`uses:`) may carry; GitHub refuses the workflow otherwise.
 * Source: reference/workflows-and-actions/reusing-workflow-configurations#supported-keywords-for-jobs-that-call-a-reusable-workflow,
 * which also says a called workflow can only lower the permissions its caller passes.
 */
export const CALLER_JOB_KEYS = [
  "name",
  "uses",
  "with",
  "secrets",
  "strategy",
  "needs",
  "if",
  "concurrency",
  "permissions",
] as const;

/**
 * GITHUB_TOKEN permission scopes and the levels each takes. Every scope a map leaves out is `none`.
 * Source: reference/workflows-and-actions/workflow-syntax#permissions.
 */
export const PERMISSION_SCOPES: Readonly<Record<string, readonly PermissionLevel[]>> = {
  actions: ["read", "write", "none"],
  "artifact-metadata": ["read", "write", "none"],
  attestations: ["read", "write", "none"],
  checks: ["read", "write", "none"],
  contents: ["read", "write", "none"],
  deployments: ["read", "write", "none"],
  "id-token": ["write", "none"],
  issues: ["read", "write", "none"],
  models: ["read", "none"],
  discussions: ["read", "write", "none"],
  packages: ["read", "write", "none"],
  pages: ["read", "write", "none"],
  "pull-requests": ["read", "write", "none"],
  "repository-projects": ["read", "write", "none"],
  "security-events": ["read", "write", "none"],
  statuses: ["read", "write", "none"],
};

export type PermissionLevel = "none" | "read" | "write";

/** The secret every workflow run has, called workflows included, without being passed. */
export const AUTOMATIC_SECRET = "GITHUB_TOKEN";
