/**
 * The GitHub workflows run Terraform as careful teams do, and this file checks it by parsing them:
 * - the plan a reviewer or approver saw is the plan applied (saved per environment, sealed, uploaded, applied as a file);
 * - secrets never reach `npm ci` or tests: only the env of the steps that plan, apply or check drift, never at
 *   workflow or job level, and never for a fork's pull request;
 * - plans run read-only: the pull-request plan, drift and the deploy's plan hold each environment's audit
 *   client and no write secret (the pull-request plan no plan key either); only apply holds write secrets;
 *   every step that synthesizes, plans, applies or checks drift reads the host allow-list from vars;
 * - least privilege: every write permission belongs to the one step that needs it, and each deploy call grants
 *   exactly what the called jobs ask for, passing its secrets by name (npm run workflows:check checks the
 *   rules GitHub enforces at start);
 * - every job has a timeout sized from what it does;
 * - every action pinned to a commit, the setup-terraform wrapper off, no persisted git credentials;
 * - the Node matrix covers every line in package.json `engines`; drift runs on a schedule and files issues.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { READY_TIMEOUT_MS_DEFAULT } from "../provider/public-face";
import { clientSecretEnv } from "../p1as/secret-names";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const scripts: Record<string, string> = packageJson.scripts;

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  readonly id?: string;
}

interface Job {
  readonly uses?: string;
  readonly secrets?: Record<string, string> | "inherit";
  readonly "timeout-minutes"?: number;
  readonly with?: Record<string, unknown>;
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly steps?: readonly Step[];
  readonly env?: Record<string, string>;
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly strategy?: { readonly matrix?: Record<string, unknown> };
  readonly outputs?: Record<string, string>;
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
  readonly env?: Record<string, string>;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { readonly group: string; readonly "cancel-in-progress": boolean };
}

const files = readdirSync(WORKFLOW_DIR).filter((file) => /\.ya?ml$/.test(file));
const workflows = files.map((file) => {
  const text = readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
  return { file, text, workflow: parse(text, { prettyErrors: true }) as Workflow };
});
const jobs = workflows.flatMap(({ file, workflow }) =>
  Object.entries(workflow.jobs).map(([name, job]) => ({ file, name, job })),
);
const allSteps = jobs.flatMap(({ file, name, job }) => (job.steps ?? []).map((step) => ({ file, job: name, step })));

const PLAN_APPLY_OR_DRIFT = /\bnpm run (?:--silent )?(?:plan:summary|deploy|drift)\b/;
/** A command line (not a message that names the command) that synthesizes, plans, applies or checks drift. */
const SYNTH_PLAN_APPLY_OR_DRIFT = /^\s*npm run (?:--silent )?(?:synth|plan:summary|deploy|drift)\b/m;
const INSTALL_OR_TEST = /\bnpm (?:ci|install|i|test|run test)\b/;
const P1AS_ENVIRONMENTS = ["dev", "test", "stage", "prod"] as const;
const PINGONE_WORKER = ["PINGONE_CLIENT_ID", "PINGONE_CLIENT_SECRET", "PINGONE_ENVIRONMENT_ID", "PINGONE_REGION_CODE"];
/** `P1AS_<ENV>_AUDIT_CLIENT_SECRET: ${{ secrets.P1AS_<ENV>_AUDIT_CLIENT_SECRET }}` for every environment: the provider reads it. */
const READ_CLIENTS = Object.fromEntries(
  P1AS_ENVIRONMENTS.map((env) => [clientSecretEnv(env, "audit"), `\${{ secrets.${clientSecretEnv(env, "audit")} }}`]),
);
const WRITE_CLIENTS = Object.fromEntries(
  P1AS_ENVIRONMENTS.map((env) => [clientSecretEnv(env, "admin"), `\${{ secrets.${clientSecretEnv(env, "admin")} }}`]),
);
const ALLOWED_HOSTS = "${{ vars.P1AS_ALLOWED_HOSTS }}";

describe("GitHub workflows", () => {
  it("include the pull-request, deploy and drift workflows", () => {
    expect(files).toEqual(expect.arrayContaining(["pull-request.yml", "deploy.yml", "deploy-stack.yml", "drift.yml"]));
  });

  it.each(workflows)("$file parses as YAML with jobs", ({ workflow }) => {
    expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
  });

  it("call only npm scripts that exist in package.json", () => {
    const called = allSteps
      .flatMap(({ step }) =>
        step.run ? [...step.run.matchAll(/\bnpm (?:run(?:-script)? (?:--silent )?([\w:.-]+)|(test|start|ci)\b)/g)] : [],
      )
      .map(([, script, builtin]) => script ?? builtin);
    expect(new Set(called)).toEqual(new Set(["ci", "test", "synth", "build", "plan:summary", "deploy", "drift"]));
    for (const script of called.filter((name) => name !== "ci")) {
      expect({ script, exists: script in scripts }).toEqual({ script, exists: true });
    }
  });

  it("load github-script helpers only from compiled modules of tools/github/*.ts", () => {
    const required = allSteps.flatMap(({ step }) =>
      [...String(step.with?.script ?? "").matchAll(/require\("\.\/dist\/tools\/github\/([\w-]+)\.js"\)/g)].map(
        ([, module]) => module,
      ),
    );
    expect(new Set(required)).toEqual(new Set(["pr-comment", "apply-result", "drift-issues"]));
    for (const module of required)
      expect({ module, exists: existsSync(path.join(ROOT, "tools", "github", `${module}.ts`)) }).toEqual({
        module,
        exists: true,
      });
  });

  it.each(workflows)("$file pins every action to a full commit SHA", ({ workflow }) => {
    const uses = [
      ...Object.values(workflow.jobs).flatMap((job) => (job.uses ? [job.uses] : [])),
      ...Object.values(workflow.jobs).flatMap((job) =>
        (job.steps ?? []).flatMap((step) => (step.uses ? [step.uses] : [])),
      ),
    ];
    for (const action of uses) {
      if (action.startsWith("./"))
        expect({ action, exists: existsSync(path.join(ROOT, action)) }).toEqual({ action, exists: true });
      else expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    }
  });

  it("synthesize with a frozen state inventory, so a stack cannot reach CI without its inventory entry", () => {
    const synths = allSteps.filter(({ step }) => /\bnpm run synth\b/.test(step.run ?? ""));
    expect(synths.length).toBeGreaterThan(0);
    for (const { file, job, step } of synths)
      expect({ file, job, frozen: step.env?.P1AS_FROZEN_INVENTORY }).toEqual({ file, job, frozen: "1" });
  });

  it("keep the setup-terraform wrapper off and never persist git credentials", () => {
    for (const { file, job, step } of allSteps) {
      if (step.uses?.startsWith("hashicorp/setup-terraform@"))
        expect({ file, job, wrapper: step.with?.terraform_wrapper }).toEqual({ file, job, wrapper: false });
      if (step.uses?.startsWith("actions/checkout@"))
        expect({ file, job, persist: step.with?.["persist-credentials"] }).toEqual({ file, job, persist: false });
    }
  });

  describe("secrets", () => {
    it("never appear in workflow- or job-level env, so `npm ci` and its install scripts never see one", () => {
      for (const { file, workflow } of workflows)
        expect({ file, env: mentionsSecrets(workflow.env) }).toEqual({ file, env: false });
      for (const { file, name, job } of jobs)
        expect({ file, job: name, env: mentionsSecrets(job.env) }).toEqual({ file, job: name, env: false });
    });

    it("appear only in the env of steps that plan, apply or check drift", () => {
      const withSecrets = allSteps.filter(({ step }) => mentionsSecrets(step));
      expect(withSecrets.length).toBeGreaterThan(0);
      for (const { file, job, step } of withSecrets) {
        expect({
          file,
          job,
          step: step.name ?? step.run ?? step.uses,
          plansAppliesOrDrifts: PLAN_APPLY_OR_DRIFT.test(step.run ?? ""),
        }).toEqual(expect.objectContaining({ plansAppliesOrDrifts: true }));
        expect({ file, job, onlyInEnv: mentionsSecrets({ ...step, env: undefined }) }).toEqual({
          file,
          job,
          onlyInEnv: false,
        });
        expect({ file, job, installsOrTests: INSTALL_OR_TEST.test(step.run ?? "") }).toEqual({
          file,
          job,
          installsOrTests: false,
        });
      }
    });

    it("come from GitHub secrets, never a literal", () => {
      const envs = [
        ...workflows.map(({ workflow }) => workflow.env),
        ...jobs.map(({ job }) => job.env),
        ...allSteps.map(({ step }) => step.env),
      ];
      for (const [name, value] of envs.flatMap((env) => Object.entries(env ?? {}))) {
        if (/SECRET|PASSWORD|TOKEN|CONN_STR|CLIENT_ID|ENVIRONMENT_ID|PLAN_KEY/i.test(name)) {
          expect({ name, value }).toEqual({ name, value: expect.stringMatching(/^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/) });
        }
      }
    });

    it("never reach a pull request from a fork: every pull-request job with secrets or an environment is guarded", () => {
      const pullRequest = workflowOf("pull-request.yml");
      const privileged = Object.entries(pullRequest.jobs).filter(
        ([, job]) => job.environment || (job.steps ?? []).some((step) => mentionsSecrets(step)),
      );
      expect(privileged.map(([name]) => name)).toEqual(["plan"]);
      for (const [, job] of privileged)
        expect(job.if?.replace(/\s+/g, " ")).toContain(
          "github.event.pull_request.head.repo.full_name == github.repository",
        );
    });
  });

  describe("permissions", () => {
    it.each(workflows)("$file grants contents: read and nothing else at workflow level", ({ workflow }) => {
      expect(workflow.permissions).toEqual({ contents: "read" });
    });

    it("are declared per job, and each write permission serves the github-script step that needs it", () => {
      for (const { file, name, job } of jobs.filter(({ job }) => !job.uses)) {
        expect({ file, job: name, declared: job.permissions !== undefined }).toEqual({
          file,
          job: name,
          declared: true,
        });
        const helpers = (job.steps ?? []).map((step) => String(step.with?.script ?? ""));
        const uses = (module: string) => helpers.some((script) => script.includes(`dist/tools/github/${module}.js`));
        for (const [scope, level] of Object.entries(job.permissions ?? {})) {
          if (level === "read") continue;
          const needed =
            (scope === "pull-requests" && (uses("pr-comment") || uses("apply-result"))) ||
            (scope === "issues" && uses("drift-issues")) ||
            // A commit comment needs contents: write; such a job must hold no secret.
            (scope === "contents" && uses("apply-result") && !(job.steps ?? []).some((step) => mentionsSecrets(step)));
          expect({ file, job: name, scope, level, needed }).toEqual({ file, job: name, scope, level, needed: true });
        }
      }
    });
  });

  describe("read-only plans", () => {
    const planSteps = [
      { file: "pull-request.yml", step: stepOf(workflowOf("pull-request.yml").jobs.plan, /npm run plan:summary/) },
      { file: "drift.yml", step: stepOf(workflowOf("drift.yml").jobs.drift, /npm run (--silent )?drift/) },
      { file: "deploy-stack.yml", step: stepOf(workflowOf("deploy-stack.yml").jobs.plan, /npm run plan:summary/) },
    ];

    it.each(planSteps)(
      "$file plans with every environment's audit client, the PingOne worker and the state, and no write secret",
      ({ step }) => {
        const env = step.env ?? {};
        expect(env).toMatchObject(READ_CLIENTS);
        expect(env).toMatchObject(
          Object.fromEntries([...PINGONE_WORKER, "PG_CONN_STR"].map((name) => [name, `\${{ secrets.${name} }}`])),
        );
        const writeSecrets = Object.entries(env).filter(
          ([name, value]) =>
            name in WRITE_CLIENTS || /secrets\.P1AS_(?!\w+_AUDIT_CLIENT_SECRET\b)\w+_CLIENT_SECRET\b/.test(value),
        );
        expect(writeSecrets).toEqual([]);
      },
    );

    it("no job in a plan environment (plan, <env>-plan) reads a write secret", () => {
      const planJobs = jobs.filter(({ job }) => /(^|-)plan$/.test(String(job.environment ?? "")));
      expect(planJobs.map(({ file, name }) => `${file} ${name}`)).toEqual([
        "deploy-stack.yml plan",
        "drift.yml drift",
        "pull-request.yml plan",
      ]);
      for (const { file, name, job } of planJobs) {
        const read = [...JSON.stringify(job).matchAll(/secrets\.(P1AS_\w+_CLIENT_SECRET)\b/g)].map(
          ([, secret]) => secret,
        );
        expect({ file, job: name, write: read.filter((secret) => !secret.endsWith("_AUDIT_CLIENT_SECRET")) }).toEqual({
          file,
          job: name,
          write: [],
        });
      }
    });

    it("the pull-request plan never sees the plan key: pull-request.yml does not name it", () => {
      expect(workflows.find(({ file }) => file === "pull-request.yml")?.text).not.toMatch(/P1AS_PLAN_KEY/);
    });

    it("only the deploy's apply holds the write clients, beside the read clients, the deploy worker and the plan key", () => {
      const step = stepOf(workflowOf("deploy-stack.yml").jobs.apply, /npm run deploy/);
      expect(step.env).toMatchObject({
        ...WRITE_CLIENTS,
        ...READ_CLIENTS,
        P1AS_PLAN_KEY: "${{ secrets.P1AS_PLAN_KEY }}",
        PINGONE_CLIENT_SECRET: "${{ secrets.PINGONE_CLIENT_SECRET }}",
      });
      const holders = allSteps
        .filter(({ step: candidate }) => Object.keys(candidate.env ?? {}).some((name) => name in WRITE_CLIENTS))
        .map(({ file, job }) => `${file} ${job}`);
      expect(holders).toEqual(["deploy-stack.yml apply"]);
    });

    it("every step that synthesizes, plans, applies or checks drift reads the host allow-list from vars, and no other step does", () => {
      const withList = allSteps
        .filter(({ step }) => step.env?.P1AS_ALLOWED_HOSTS !== undefined)
        .map(({ file, job, step }) => `${file} ${job} ${step.name ?? step.run}`);
      const needing = allSteps
        .filter(({ step }) => SYNTH_PLAN_APPLY_OR_DRIFT.test(step.run ?? ""))
        .map(({ file, job, step }) => `${file} ${job} ${step.name ?? step.run}`);
      expect(needing.length).toBe(8);
      expect(withList).toEqual(needing);
      for (const { step } of allSteps.filter(({ step }) => step.env?.P1AS_ALLOWED_HOSTS !== undefined))
        expect(step.env?.P1AS_ALLOWED_HOSTS).toBe(ALLOWED_HOSTS);
      // Never from the config or a literal, never for the whole workflow or job (the test job must not see it).
      for (const { workflow } of workflows) expect(Object.keys(workflow.env ?? {})).not.toContain("P1AS_ALLOWED_HOSTS");
      for (const { job } of jobs) expect(Object.keys(job.env ?? {})).not.toContain("P1AS_ALLOWED_HOSTS");
    });
  });

  describe("calls of deploy-stack.yml", () => {
    const deploy = workflowOf("deploy.yml");
    const stack = workflowOf("deploy-stack.yml");
    const callers = Object.entries(deploy.jobs);
    const declared = Object.keys(
      (stack.on.workflow_call as { secrets?: Record<string, unknown> } | undefined)?.secrets ?? {},
    );

    it("pass every secret deploy-stack.yml declares, by name, and declare every secret it reads", () => {
      const read = new Set([...JSON.stringify(stack.jobs).matchAll(/secrets\.(\w+)/g)].map(([, name]) => name));
      expect(new Set(declared)).toEqual(read);
      for (const [name, job] of callers) {
        expect({ job: name, secrets: job.secrets }).toEqual({
          job: name,
          secrets: Object.fromEntries(declared.map((secret) => [secret, `\${{ secrets.${secret} }}`])),
        });
      }
    });

    it("grant exactly what the called jobs ask for: their union, no more", () => {
      const union: Record<string, string> = {};
      for (const job of Object.values(stack.jobs)) {
        for (const [scope, level] of Object.entries(job.permissions ?? stack.permissions ?? {}))
          if (union[scope] !== "write") union[scope] = level;
      }
      expect(union).toEqual({ contents: "write", "pull-requests": "write" });
      for (const [name, job] of callers)
        expect({ job: name, permissions: job.permissions }).toEqual({ job: name, permissions: union });
    });
  });

  describe("timeouts", () => {
    const minutes = (file: string, job: string) => Number(workflowOf(file).jobs[job]?.["timeout-minutes"]);

    it("are set on every job that runs steps, and never on a job that calls a workflow (GitHub refuses it there)", () => {
      for (const { file, name, job } of jobs) {
        if (job.uses)
          expect({ file, job: name, timeout: job["timeout-minutes"] }).toEqual({ file, job: name, timeout: undefined });
        else
          expect({ file, job: name, timeout: job["timeout-minutes"] }).toEqual({
            file,
            job: name,
            timeout: expect.any(Number),
          });
      }
    });

    it("let an apply wait for the state lock and for a certificate, then its hostname, to become ready", () => {
      const lockMinutes = Number(
        /--lock-timeout (\d+)m\b/.exec(
          stepOf(workflowOf("deploy-stack.yml").jobs.apply, /npm run deploy/).run ?? "",
        )?.[1],
      );
      const readyMinutes = READY_TIMEOUT_MS_DEFAULT / 60_000;
      expect(lockMinutes).toBe(5);
      expect(minutes("deploy-stack.yml", "apply")).toBeGreaterThanOrEqual(lockMinutes + 2 * readyMinutes + 10);
      // A saved plan waits up to 5 minutes for a deploy's lock too; setup takes about 3.
      expect(minutes("deploy-stack.yml", "plan")).toBeGreaterThanOrEqual(5 + 5);
    });

    it("stay well under GitHub's default of 360 minutes", () => {
      for (const { file, name, job } of jobs.filter(({ job }) => !job.uses))
        expect({ file, job: name, short: Number(job["timeout-minutes"]) <= 60 }).toEqual({
          file,
          job: name,
          short: true,
        });
    });
  });

  describe("pull requests", () => {
    const pullRequest = workflowOf("pull-request.yml");

    it("test on every Node line in package.json engines (20, 22 and 24), with no secret and no environment", () => {
      const test = pullRequest.jobs.test;
      const matrix = (test.strategy?.matrix?.node as unknown[]).map(String);
      expect(matrix).toEqual(expect.arrayContaining(["20", "22", "24"]));
      expect(new Set(matrix)).toEqual(new Set(engineMajors()));
      expect(stepOf(test, /\bnpm test\b/).run).toBeDefined();
      expect(stepOf(test, /\bnpm ci\b/).run).toBeDefined();
      expect(test.steps?.find((step) => step.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"]).toBe(
        "${{ matrix.node }}",
      );
      expect({
        environment: test.environment,
        secrets: (test.steps ?? []).some((step) => mentionsSecrets(step)),
      }).toEqual({ environment: undefined, secrets: false });
    });

    it("run every other job on a Node line that the tests cover", () => {
      for (const { file, job, step } of allSteps.filter(({ step }) => step.uses?.startsWith("actions/setup-node@"))) {
        const version = String(step.with?.["node-version"]);
        if (version !== "${{ matrix.node }}")
          expect({ file, job, version, tested: engineMajors().includes(version) }).toEqual({
            file,
            job,
            version,
            tested: true,
          });
      }
    });

    it("plan speculatively: nothing saved, nothing applied", () => {
      const plan = stepOf(pullRequest.jobs.plan, /npm run plan:summary/);
      expect(plan.run).not.toMatch(/--save-plans|--plans/);
      expect(
        Object.values(pullRequest.jobs)
          .flatMap((job) => job.steps ?? [])
          .some((step) => /npm run deploy/.test(step.run ?? "")),
      ).toBe(false);
    });

    it("post the plan comment with the job's own token only", () => {
      const comment = pullRequest.jobs.plan.steps!.find((step) => step.uses?.startsWith("actions/github-script@"))!;
      expect(comment.with?.script).toContain('require("./dist/tools/github/pr-comment.js")');
      expect(comment.with?.["github-token"]).toBeUndefined();
      expect(mentionsSecrets(comment)).toBe(false);
    });
  });

  describe("deploys", () => {
    const deploy = workflowOf("deploy.yml");
    const stack = workflowOf("deploy-stack.yml");
    const { plan, apply, report } = stack.jobs;

    it("run on main, one environment after the other: pingone-directory → dev → test → stage → prod", () => {
      expect(deploy.on.push).toEqual({ branches: ["main"] });
      const order: string[] = [];
      for (let next = Object.entries(deploy.jobs).find(([, job]) => !job.needs); next;) {
        const [name, job] = next;
        expect(job.uses).toBe("./.github/workflows/deploy-stack.yml");
        order.push(String(job.with?.environment));
        next = Object.entries(deploy.jobs).find(([, candidate]) => [candidate.needs].flat().includes(name));
      }
      expect(order).toEqual(["pingone-directory", "dev", "test", "stage", "prod"]);
      expect(deploy.jobs.prod.with).toEqual({ environment: "prod", stack: "p1as-prod" });
    });

    it("never cancel a deploy midway", () => {
      expect(deploy.concurrency?.["cancel-in-progress"]).toBe(false);
    });

    it("plan without approval, in the environment's plan environment, at the pushed commit", () => {
      expect(plan.environment).toBe("${{ inputs.environment }}-plan");
      expect(plan.needs).toBeUndefined();
      expect(checkoutRef(plan)).toBe("${{ github.sha }}");
    });

    it("save the plan of the selected stack only, sealed, with no 'empty selection means all'", () => {
      const step = stepOf(plan, /npm run plan:summary/);
      expect(step.run).toMatch(/--stacks "\$STACK"/);
      expect(step.run).toMatch(/--if-present/);
      expect(step.run).toMatch(/--save-plans plans\b/);
      expect(step.env?.P1AS_PLAN_KEY).toBe("${{ secrets.P1AS_PLAN_KEY }}");
      expect(step.run).toMatch(/-z "\$P1AS_PLAN_KEY"[\s\S]*exit 1[\s\S]*npm run plan:summary/);
      expect(stack.env?.STACK).toBe("${{ inputs.stack }}");
      expect(stack.on.workflow_call).toMatchObject({
        inputs: { stack: { required: true }, environment: { required: true } },
      });
    });

    it("write the plan to the job summary, where the approver reads it", () => {
      // plan-summary appends to $GITHUB_STEP_SUMMARY itself; nothing may point it elsewhere.
      const step = stepOf(plan, /npm run plan:summary/);
      expect(Object.keys({ ...stack.env, ...plan.env, ...step.env })).not.toContain("GITHUB_STEP_SUMMARY");
      expect(scripts["plan:summary"]).toMatch(
        /^node -r \.\/scripts\/build-if-stale\.js dist\/tools\/plan-summary\/main\.js$/,
      );
      expect(readFileSync(path.join(ROOT, "tools", "plan-summary", "main.ts"), "utf8")).toMatch(
        /appendFileSync\(process\.env\.GITHUB_STEP_SUMMARY/,
      );
    });

    it("upload only the sealed plan, briefly kept, and apply only when there is one", () => {
      const upload = plan.steps!.find((step) => step.uses?.startsWith("actions/upload-artifact@"))!;
      expect(upload.with?.path).toBe("plans/*.tfplan.sealed");
      expect(upload.with?.name).toBe("plan-${{ inputs.environment }}");
      expect(Number(upload.with?.["retention-days"])).toBeLessThanOrEqual(7);
      expect(plan.outputs?.planned).toMatch(/steps\.\w+\.outputs\.planned/);
      expect(apply.if).toContain("needs.plan.outputs.planned == 'true'");
    });

    it("apply in the protected environment, after the plan, exactly the saved plan file", () => {
      expect(apply.environment).toBe("${{ inputs.environment }}");
      expect([apply.needs].flat()).toContain("plan");
      expect(checkoutRef(apply)).toBe("${{ github.sha }}");
      const download = apply.steps!.find((step) => step.uses?.startsWith("actions/download-artifact@"))!;
      expect(download.with).toEqual({ name: "plan-${{ inputs.environment }}", path: "plans" });
      const step = stepOf(apply, /npm run deploy/);
      expect(step.run).toMatch(/--stacks "\$STACK"/);
      expect(step.run).toMatch(/--if-present/);
      expect(step.run).toMatch(/--plans plans\b/);
      expect(step.run).toMatch(/--result-out deploy-result\.md/);
      expect(step.env?.P1AS_PLAN_KEY).toBe("${{ secrets.P1AS_PLAN_KEY }}");
      expect((apply.steps ?? []).some((candidate) => /plan:summary/.test(candidate.run ?? ""))).toBe(false);
      expect(apply.steps!.indexOf(download)).toBeLessThan(apply.steps!.indexOf(step));
    });

    it("post the apply result back to the pull request or commit, also when the apply failed", () => {
      expect([report.needs].flat()).toEqual(expect.arrayContaining(["plan", "apply"]));
      expect(report.if).toContain("!cancelled()");
      expect(report.if).toContain("needs.plan.result == 'failure'");
      const post = report.steps!.find((step) => step.uses?.startsWith("actions/github-script@"))!;
      expect(post.with?.script).toContain('require("./dist/tools/github/apply-result.js")');
      expect(post.with?.script).toContain("postApplyResult(");
      const upload = apply.steps!.find((step) => step.uses?.startsWith("actions/upload-artifact@"))!;
      expect({ if: upload.if, path: upload.with?.path }).toEqual({
        if: "${{ !cancelled() }}",
        path: "deploy-result.md",
      });
    });
  });

  describe("drift", () => {
    const drift = workflowOf("drift.yml");
    const job = drift.jobs.drift;

    it("runs on a schedule and by hand, read-only, and may write issues", () => {
      expect(drift.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
      expect(drift.on).toHaveProperty("workflow_dispatch");
      expect(job.permissions).toEqual({ contents: "read", issues: "write" });
      expect(stepOf(job, /npm run (--silent )?drift -- --json/).run).not.toMatch(/--stack\b(?!s)/);
    });

    it("syncs one issue per stack in every outcome, and fails the run on an error", () => {
      const sync = job.steps!.find((step) => String(step.with?.script ?? "").includes("syncDriftIssues("))!;
      expect(sync.if).toBe("${{ !cancelled() }}");
      const check = stepOf(job, /npm run (--silent )?drift/);
      expect(check.run).toMatch(/set \+e/);
      const failing = job.steps!.slice(job.steps!.indexOf(sync) + 1).find((step) => /exit 1/.test(step.run ?? ""));
      expect(failing?.if).toMatch(/exit-code != '0' && .*exit-code != '2'/);
    });
  });
});

// ---- shared setup ----

/** A missing file reads as a workflow with no jobs, so each check fails on its own instead of the whole suite. */
function workflowOf(file: string): Workflow {
  return workflows.find((candidate) => candidate.file === file)?.workflow ?? { on: {}, jobs: {} };
}

function stepOf(job: Job, run: RegExp): Step {
  const step = (job.steps ?? []).find((candidate) => run.test(candidate.run ?? ""));
  if (!step) throw new Error(`no step runs ${run}`);
  return step;
}

function checkoutRef(job: Job): unknown {
  return job.steps?.find((step) => step.uses?.startsWith("actions/checkout@"))?.with?.ref;
}

function mentionsSecrets(value: unknown): boolean {
  return value !== undefined && /\bsecrets\./.test(JSON.stringify(value));
}

/** The major Node lines package.json `engines` allows, spelled `^20.9.0 || ^22.11.0 || ^24.11.0`. */
function engineMajors(): string[] {
  return [...String(packageJson.engines.node).matchAll(/\^(\d+)\./g)].map(([, major]) => major);
}
