/**
 * Permissions GitHub accepts, and calls GitHub starts: every job of a called workflow asks for no more than
 * the calling job grants (its own permissions, else its workflow's). GitHub checks this before the run and
 * refuses the whole workflow otherwise, which no test of the YAML alone shows.
 */
import { Call } from "./calls";
import { badPermissions, Finding, nestedPermissionsExceed, permissionsNotSet } from "./findings";
import { locate } from "./locations";
import { beyond, describeGrants, Grants, ReadPermissions, readPermissions } from "./permissions";
import { jobsOf, WorkflowFile, YamlMap } from "./workflow-files";

/** Every `permissions` of the file (top level and each job) that GitHub would refuse. */
export function checkPermissionValues(workflow: WorkflowFile): Finding[] {
  if (!workflow.workflow) return [];
  const places: [readonly string[], unknown][] = [
    [["permissions"], workflow.workflow.permissions],
    ...jobsOf(workflow.workflow).map(([jobId, job]): [readonly string[], unknown] => [
      ["jobs", jobId, "permissions"],
      job.permissions,
    ]),
  ];
  return places.flatMap(([at, value]) => {
    const read = readPermissions(value);
    return read.kind === "invalid" ? read.problems.map((problem) => badPermissions(locate(workflow, at), problem)) : [];
  });
}

export function checkNestedPermissions(
  workflow: WorkflowFile & { readonly workflow: YamlMap },
  calls: readonly Call[],
): Finding[] {
  return calls.flatMap(({ jobId, job, called }) => {
    const at = locate(workflow, ["jobs", jobId, "permissions"]);
    const own = readPermissions(job.permissions);
    const fromWorkflow = readPermissions(workflow.workflow.permissions);
    const [grant, grantedBy] =
      own.kind !== "unset" ? [own, "this job's permissions"] : [fromWorkflow, "the workflow's permissions"];
    if (grant.kind === "unset") return [permissionsNotSet(at, called.file)];
    if (grant.kind === "invalid") return [];
    const calledDefault = readPermissions(called.workflow.permissions);
    return jobsOf(called.workflow).flatMap(([calledJobId, calledJob]) => {
      const asked = effective(readPermissions(calledJob.permissions), calledDefault, grant.grants);
      const over = asked ? beyond(asked, grant.grants) : [];
      return over.length > 0
        ? [nestedPermissionsExceed(at, calledJobId, called.file, over, describeGrants(grant.grants), grantedBy)]
        : [];
    });
  });
}

/** A called job's token: its own permissions, else its workflow's, else the caller's grant as it stands. */
function effective(own: ReadPermissions, workflowDefault: ReadPermissions, inherited: Grants): Grants | undefined {
  for (const candidate of [own, workflowDefault]) {
    if (candidate.kind === "set") return candidate.grants;
    if (candidate.kind === "invalid") return undefined;
  }
  return inherited;
}
