/**
 * The GitHub workflows stay thin and safe: they parse, call only npm scripts that exist, pin every action to
 * a commit, keep the setup-terraform wrapper off, and take secrets only from GitHub secrets.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const scripts: Record<string, string> = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}

interface Job {
  readonly uses?: string;
  readonly steps?: readonly Step[];
  readonly env?: Record<string, string>;
  readonly environment?: string;
}

interface Workflow {
  readonly jobs: Record<string, Job>;
  readonly env?: Record<string, string>;
}

const files = readdirSync(WORKFLOW_DIR).filter((file) => /\.ya?ml$/.test(file));
const workflows = files.map((file) => ({ file, text: readFileSync(path.join(WORKFLOW_DIR, file), "utf8") }));

describe("GitHub workflows", () => {
  it("include the pull-request and deploy workflows", () => {
    expect(files).toEqual(expect.arrayContaining(["pull-request.yml", "deploy.yml", "deploy-stack.yml"]));
  });

  it.each(workflows)("$file parses as YAML with jobs", ({ text }) => {
    const workflow = parse(text, { prettyErrors: true }) as Workflow;
    expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
  });

  it("call only npm scripts that exist in package.json: tests, synth, plan summary and deploy", () => {
    const commands = workflows.flatMap(({ text }) => runCommands(text)).flatMap((run) => [...run.matchAll(/\bnpm (?:run(?:-script)? ([\w:.-]+)|(test|start|ci)\b)/g)]);
    const called = commands.map(([, script, builtin]) => script ?? builtin);
    expect(new Set(called)).toEqual(new Set(["ci", "test", "synth", "plan:summary", "deploy"]));
    for (const script of called.filter((name) => name !== "ci")) {
      expect({ script, exists: script in scripts }).toEqual({ script, exists: true });
    }
  });

  it.each(workflows)("$file pins every action to a full commit SHA", ({ text }) => {
    for (const uses of usesOf(text)) {
      if (uses.startsWith("./")) {
        expect({ uses, exists: existsSync(path.join(ROOT, uses)) }).toEqual({ uses, exists: true });
      } else {
        expect(uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      }
    }
  });

  it.each(workflows)("$file keeps the setup-terraform wrapper off", ({ text }) => {
    for (const step of steps(text).filter((candidate) => candidate.uses?.startsWith("hashicorp/setup-terraform@"))) {
      expect(step.with?.terraform_wrapper).toBe(false);
    }
  });

  it.each(workflows)("$file takes every credential from GitHub secrets, never a literal", ({ text }) => {
    const workflow = parse(text) as Workflow;
    const envs = [workflow.env ?? {}, ...Object.values(workflow.jobs).map((job) => job.env ?? {})];
    for (const [name, value] of envs.flatMap((env) => Object.entries(env))) {
      if (/SECRET|PASSWORD|TOKEN|CONN_STR|CLIENT_ID|ENVIRONMENT_ID/i.test(name)) {
        expect({ name, value }).toEqual({ name, value: expect.stringMatching(/^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/) });
      }
    }
  });

  it("posts the plan comment through the compiled, tested module", () => {
    const text = workflows.find(({ file }) => file === "pull-request.yml")!.text;
    const script = steps(text).find((step) => step.uses?.startsWith("actions/github-script@"))?.with?.script as string;
    expect(script).toContain('require("./dist/tools/pr-comment.js")');
    expect(existsSync(path.join(ROOT, "tools", "pr-comment.ts"))).toBe(true);
  });

  it("gates every deploy job with a GitHub environment", () => {
    const stackWorkflow = parse(workflows.find(({ file }) => file === "deploy-stack.yml")!.text) as Workflow;
    expect(stackWorkflow.jobs.deploy.environment).toBe("${{ inputs.environment }}");
    const deploy = parse(workflows.find(({ file }) => file === "deploy.yml")!.text) as { jobs: Record<string, { with: { environment: string } }> };
    expect(Object.values(deploy.jobs).map((job) => job.with.environment)).toEqual(["pingone-directory", "dev", "test", "stage", "prod"]);
  });
});

// ---- shared setup ----

function steps(text: string): Step[] {
  const workflow = parse(text) as Workflow;
  return Object.values(workflow.jobs).flatMap((job) => [...(job.steps ?? [])]);
}

function runCommands(text: string): string[] {
  return steps(text).flatMap((step) => (step.run ? [step.run] : []));
}

function usesOf(text: string): string[] {
  const workflow = parse(text) as Workflow;
  return [
    ...Object.values(workflow.jobs).flatMap((job) => (job.uses ? [job.uses] : [])),
    ...steps(text).flatMap((step) => (step.uses ? [step.uses] : [])),
  ];
}
