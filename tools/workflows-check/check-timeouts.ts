/**
 * Every job that runs steps sets `timeout-minutes`. GitHub's default is 360 minutes, far past anything our
 * jobs do, so without it a hung step (a read that never returns, a wait on a lock) holds the runner and its
 * locks for six hours. A job that calls a reusable workflow may not set it (check-calls reports that).
 */
import { Finding, timeoutMissing } from "./findings";
import { locate } from "./locations";
import { jobsOf, WorkflowFile } from "./workflow-files";

export function checkTimeouts(workflow: WorkflowFile): Finding[] {
  return jobsOf(workflow.workflow ?? {})
    .filter(([, job]) => job.uses === undefined && job["timeout-minutes"] === undefined)
    .map(([jobId]) => timeoutMissing(locate(workflow, ["jobs", jobId])));
}
