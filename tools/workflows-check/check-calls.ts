/**
 * What a job that calls a reusable workflow may say, and what it must pass. Secrets go by name only:
 * `secrets: inherit` would hand over every secret the caller can read. GitHub documents that an
 * environment named in the called job supplies that environment's value of a secret; it has been seen not to
 * add a name the caller did not pass (actions/runner#1490), so every secret a called workflow uses must be
 * declared there and passed by each caller, environment or not.
 */
import { Call } from "./calls";
import { secretReads } from "./expression-sites";
import {
  callerKeyNotAllowed,
  Finding,
  inputMissing,
  inputNotDeclared,
  requiredSecretNotPassed,
  secretNotDeclared,
  secretNotPassed,
  secretsInherited,
  secretUndeclared,
} from "./findings";
import { AUTOMATIC_SECRET, CALLER_JOB_KEYS } from "./github-rules";
import { locate } from "./locations";
import { isYamlMap, jobsOf, WorkflowFile, workflowCall, YamlMap } from "./workflow-files";

const ALLOWED_KEYS = new Set<string>(CALLER_JOB_KEYS);

/** Secret names are case-insensitive in GitHub. */
const sameName = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
const has = (names: readonly string[], name: string) => names.some((known) => sameName(known, name));
const keysOf = (value: unknown) => (isYamlMap(value) ? Object.keys(value) : []);

/** Keys a calling job may not carry: GitHub refuses them on a `uses:` job, whatever it calls. */
export function checkCallerKeys(workflow: WorkflowFile): Finding[] {
  return jobsOf(workflow.workflow ?? {}).flatMap(([jobId, job]) =>
    job.uses === undefined
      ? []
      : Object.keys(job)
          .filter((key) => !ALLOWED_KEYS.has(key))
          .map((key) => callerKeyNotAllowed(locate(workflow, ["jobs", jobId, key]), key)),
  );
}

/** `secrets: inherit` anywhere, local call or not. */
export function checkInheritedSecrets(workflow: WorkflowFile): Finding[] {
  return jobsOf(workflow.workflow ?? {}).flatMap(([jobId, job]) =>
    job.secrets === "inherit" ? [secretsInherited(locate(workflow, ["jobs", jobId, "secrets"]))] : [],
  );
}

export function checkCallArguments(workflow: WorkflowFile, calls: readonly Call[]): Finding[] {
  return calls.flatMap((call) => [...secretArguments(workflow, call), ...inputArguments(workflow, call)]);
}

function secretArguments(workflow: WorkflowFile, { jobId, job, called, trigger }: Call): Finding[] {
  if (job.secrets === "inherit") return [];
  const at = locate(workflow, ["jobs", jobId, "secrets"]);
  const passed = keysOf(job.secrets);
  const declared = isYamlMap(trigger.secrets) ? trigger.secrets : {};
  const required = Object.keys(declared).filter(
    (name) => isYamlMap(declared[name]) && declared[name].required === true,
  );
  const used = firstReads(called);
  return [
    ...passed
      .filter((name) => !has(Object.keys(declared), name))
      .map((name) => secretNotDeclared(locate(workflow, ["jobs", jobId, "secrets", name]), name, called.file)),
    ...required.filter((name) => !has(passed, name)).map((name) => requiredSecretNotPassed(at, name, called.file)),
    ...[...used]
      .filter(([name]) => !has(passed, name) && !has(required, name))
      .map(([name, usedAt]) => secretNotPassed(at, name, called.file, usedAt)),
  ];
}

/** Each secret a workflow reads (GITHUB_TOKEN aside), with the first place that reads it. */
function firstReads(workflow: Call["called"]): Map<string, string> {
  const reads = new Map<string, string>();
  for (const { secret, at } of secretReads(workflow.workflow)) {
    if (!sameName(secret, AUTOMATIC_SECRET) && !has([...reads.keys()], secret))
      reads.set(secret, locate(workflow, at).where);
  }
  return reads;
}

function inputArguments(workflow: WorkflowFile, { jobId, job, called, trigger }: Call): Finding[] {
  const given = keysOf(job.with);
  const inputs = isYamlMap(trigger.inputs) ? trigger.inputs : {};
  const required = Object.entries(inputs).filter(
    ([, spec]) => isYamlMap(spec) && spec.required === true && spec.default === undefined,
  );
  return [
    ...given
      .filter((name) => !(name in inputs))
      .map((name) => inputNotDeclared(locate(workflow, ["jobs", jobId, "with", name]), name, called.file)),
    ...required
      .filter(([name]) => !given.includes(name))
      .map(([name]) => inputMissing(locate(workflow, ["jobs", jobId, "with"]), name, called.file)),
  ];
}

/** In a reusable workflow: every secret it reads is one it declares, or no caller can give it a value. */
export function checkDeclaredSecrets(workflow: WorkflowFile & { readonly workflow: YamlMap }): Finding[] {
  const trigger = workflowCall(workflow.workflow);
  if (!trigger) return [];
  const declared = keysOf(trigger.secrets);
  return secretReads(workflow.workflow)
    .filter(({ secret }) => !sameName(secret, AUTOMATIC_SECRET) && !has(declared, secret))
    .map(({ secret, at }) => secretUndeclared(locate(workflow, at), secret));
}
