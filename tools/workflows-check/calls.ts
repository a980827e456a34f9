/**
 * The jobs of a workflow that call a reusable workflow in this repository, each with the workflow it calls,
 * read and checked to be callable. Remote calls (`owner/repo/...@ref`) cannot be read here and are left out.
 */
import { calledWorkflowMissing, Finding, notCallable } from "./findings";
import { locate } from "./locations";
import { jobsOf, LOCAL_WORKFLOW, WorkflowFile, WorkflowSet, workflowCall, YamlMap } from "./workflow-files";

export interface Call {
  readonly jobId: string;
  readonly job: YamlMap;
  readonly called: WorkflowFile & { readonly workflow: YamlMap };
  /** The called workflow's `on.workflow_call`. */
  readonly trigger: YamlMap;
}

export interface Calls {
  readonly calls: readonly Call[];
  /** Calls GitHub could not start: a missing file, or one without `on.workflow_call`. */
  readonly findings: readonly Finding[];
}

export function localCalls(workflow: WorkflowFile, workflows: WorkflowSet): Calls {
  const calls: Call[] = [];
  const findings: Finding[] = [];
  for (const [jobId, job] of workflow.workflow ? jobsOf(workflow.workflow) : []) {
    if (typeof job.uses !== "string" || !LOCAL_WORKFLOW.test(job.uses)) continue;
    const at = locate(workflow, ["jobs", jobId, "uses"]);
    const called = workflows.called(workflow, job.uses);
    if (!called) findings.push(calledWorkflowMissing(at, job.uses));
    else if (!called.workflow)
      findings.push(notCallable(at, called.file, `is not a workflow GitHub can read (${called.problem?.message})`));
    else {
      const trigger = workflowCall(called.workflow);
      if (!trigger) findings.push(notCallable(at, called.file, "has no on.workflow_call trigger"));
      else calls.push({ jobId, job, called: called as Call["called"], trigger });
    }
  }
  return { calls, findings };
}
