/**
 * Checks workflow files against the rules GitHub applies before it starts a run (reusable-workflow
 * permissions and arguments, expression contexts) and ours (no inherited secrets, a timeout on every job).
 * Findings come sorted by file and line.
 */
import { localCalls } from "./calls";
import { checkCallArguments, checkCallerKeys, checkDeclaredSecrets, checkInheritedSecrets } from "./check-calls";
import { checkExpressions } from "./check-expressions";
import { checkNestedPermissions, checkPermissionValues } from "./check-permissions";
import { checkTimeouts } from "./check-timeouts";
import { Finding, notAWorkflow } from "./findings";
import { WorkflowFile, WorkflowSet, YamlMap } from "./workflow-files";

export interface CheckResult {
  readonly files: readonly WorkflowFile[];
  readonly findings: readonly Finding[];
}

/**
 * @param targets directories (every `*.yml`/`*.yaml` in them) or files
 * @param reportFrom the directory findings name files relative to
 */
export function checkWorkflows(targets: readonly string[], reportFrom: string): CheckResult {
  const workflows = new WorkflowSet(reportFrom);
  const files = targets.flatMap((target) => workflows.read(target));
  const findings = files.flatMap((file) => checkFile(file, workflows));
  return { files, findings: findings.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0)) };
}

function checkFile(file: WorkflowFile, workflows: WorkflowSet): Finding[] {
  if (!file.workflow)
    return [
      notAWorkflow(
        { file: file.file, line: file.problem?.line, where: "workflow", key: "" },
        file.problem?.message ?? "unreadable",
      ),
    ];
  const readable = file as WorkflowFile & { readonly workflow: YamlMap };
  const { calls, findings: callFindings } = localCalls(readable, workflows);
  return [
    ...checkPermissionValues(readable),
    ...checkCallerKeys(readable),
    ...callFindings,
    ...checkNestedPermissions(readable, calls),
    ...checkInheritedSecrets(readable),
    ...checkCallArguments(readable, calls),
    ...checkDeclaredSecrets(readable),
    ...checkExpressions(readable),
    ...checkTimeouts(readable),
  ];
}
