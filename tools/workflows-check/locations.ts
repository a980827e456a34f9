/**
 * Where a finding is: the file and line, the job (and step) it belongs to, and the key inside it. Derived
 * from the YAML path of the value, so every check names places the same way.
 */
import { isYamlMap, WorkflowFile, YamlPath } from "./workflow-files";

export interface Location {
  readonly file: string;
  readonly line?: number;
  /** `workflow`, `job plan` or `job plan, step 4 "Plan every stack"`. */
  readonly where: string;
  /** The key inside that place, dotted: `permissions`, `env.PG_CONN_STR`, `with.script`. */
  readonly key: string;
}

/** The place of the value at `at` in `workflow`. */
export function locate(workflow: WorkflowFile, at: YamlPath): Location {
  const line = workflow.lineOf(at);
  const [root, job, third, index] = at;
  if (root !== "jobs" || job === undefined) return { file: workflow.file, line, where: "workflow", key: dotted(at) };
  if (third === "steps" && typeof index === "number") {
    return {
      file: workflow.file,
      line,
      where: `job ${job}, ${stepLabel(workflow, String(job), index)}`,
      key: dotted(at.slice(4)),
    };
  }
  return { file: workflow.file, line, where: `job ${job}`, key: dotted(at.slice(2)) };
}

/** `step 4 "Plan every stack"`: counted from 1 as GitHub's log does, named by its name, action or command. */
function stepLabel(workflow: WorkflowFile, job: string, index: number): string {
  const jobs = workflow.workflow?.jobs;
  const steps = isYamlMap(jobs) && isYamlMap(jobs[job]) ? jobs[job].steps : undefined;
  const step = Array.isArray(steps) && isYamlMap(steps[index]) ? steps[index] : {};
  const label = [step.name, step.uses, step.run].find((value): value is string => typeof value === "string");
  const short = label?.split("\n")[0].trim();
  return short
    ? `step ${index + 1} ${JSON.stringify(short.length > 60 ? `${short.slice(0, 57)}...` : short)}`
    : `step ${index + 1}`;
}

const dotted = (at: YamlPath) => at.map(String).join(".");
