/**
 * Plans each synthesized stack with real terraform and turns the result into a StackOutcome.
 * A stack that fails never stops the others: a reviewer needs the rest of the summary either way.
 */
import { mkdtempSync, rmSync } from "node:fs";
import * as path from "node:path";
import { retiredLine, stateAddresses } from "../terraform/retired-stacks";
import { initStack } from "../terraform/init";
import { planModeArgs, SynthesizedStack } from "../terraform/synth-output";
import { runTerraform, terraformErrors } from "../terraform/run";
import { parsePlanJson, summarizePlan, withOffline } from "./plan-json";
import { EXPECTED_OFFLINE_WINDOW, offlineHostnames } from "./offline-hostnames";
import { configSha256, forgetSavedPlan, saveNothingToApply, savePlan } from "./saved-plans";
import { StackOutcome } from "./render";

export interface PlanStacksOptions {
  /**
   * Extra environment for terraform (TF_VAR_* secrets, PG_CONN_STR).
   * @default - the process environment only
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Called before each terraform command, for progress output.
   * @default - silent
   */
  readonly onProgress?: (message: string) => void;
  /**
   * Keep each stack's plan for `deploy --plans` (see saved-plans.ts): in `dir`, sealed when `key` is given.
   * @default - the plan is only summarized (a speculative pull-request plan)
   */
  readonly savePlans?: { readonly dir: string; readonly key?: string };
}

/** A saved plan is applied later, so it waits for a running deploy's lock instead of reading a state mid-write. */
const SAVED_PLAN_LOCK_TIMEOUT = "5m";

/**
 * Terraform's plan file holds the prior state and the variable values, secrets included. It is written into a
 * folder of its own that only this user can enter (mkdtemp: 0700) inside the stack directory, terraform creates
 * it 0600 (tools/terraform/run.ts runs terraform with umask 077), and the folder is removed when the stack is done,
 * whatever happened: a speculative plan leaves no plan file, a saved one leaves only its copy in the plans folder.
 */
export const PLAN_FOLDER_PREFIX = ".p1as-plan-";
const PLAN_FILE = "tfplan";

/**
 * What `terraform init` prints when it cannot fetch a provider: offline, registry down, or a version that
 * does not exist. Anything else (a broken backend, a bad lock file) is a failure the author must fix.
 */
const PROVIDER_UNAVAILABLE =
  /Failed to query available provider packages|Failed to install provider|Could not retrieve the list of available versions|Failed to resolve provider packages/;

export async function planStacks(
  stacks: readonly SynthesizedStack[],
  options: PlanStacksOptions = {},
): Promise<StackOutcome[]> {
  const outcomes: StackOutcome[] = [];
  for (const stack of stacks) outcomes.push(await planStack(stack, options));
  return outcomes;
}

async function planStack(stack: SynthesizedStack, options: PlanStacksOptions): Promise<StackOutcome> {
  const run = (args: string[]) => {
    options.onProgress?.(`${stack.name}: terraform ${args.join(" ")}`);
    return runTerraform(args, { cwd: stack.workingDirectory, env: options.env });
  };

  const init = await initStack(stack, { env: options.env, log: options.onProgress, run });
  if (init.exitCode !== 0) {
    const errors = terraformErrors(init.stderr || init.stdout);
    if (PROVIDER_UNAVAILABLE.test(errors)) {
      return { stack: stack.name, status: "unplannable", reason: providerReason(errors), detail: errors };
    }
    return { stack: stack.name, status: "failed", error: `terraform init failed:\n${errors}` };
  }

  // A retiring stack whose state is empty needs no plan (nor credentials): only the config change is left.
  if (stack.retiring) {
    const addresses = await stateAddresses(stack, { env: options.env, initialized: true }).catch(
      (error: Error) => error,
    );
    if (addresses instanceof Error) return { stack: stack.name, status: "failed", error: addresses.message };
    if (addresses.length === 0) {
      if (options.savePlans)
        saveNothingToApply(
          options.savePlans.dir,
          { stack: stack.name, configSha256: configSha256(stack), destroy: true },
          options.savePlans.key,
        );
      return { stack: stack.name, status: "retired", note: retiredLine(stack.name) };
    }
  }

  // A pull-request plan is speculative: it is never applied (deploy plans again), so it takes no state lock
  // and can never block, or be blocked by, a deploy that is running. A saved plan takes the lock: terraform
  // would refuse it as stale anyway if the state changed (it compares lineage and serial at apply), but a
  // plan read while another deploy writes the state would show reviewers a plan that can never be applied.
  const lock = options.savePlans ? `-lock-timeout=${SAVED_PLAN_LOCK_TIMEOUT}` : "-lock=false";
  if (options.savePlans) forgetSavedPlan(options.savePlans.dir, stack.name);
  const configSha = configSha256(stack);
  const folder = mkdtempSync(path.join(stack.workingDirectory, PLAN_FOLDER_PREFIX));
  try {
    const planFile = path.join(folder, PLAN_FILE);
    const plan = await run(["plan", "-input=false", "-no-color", lock, ...planModeArgs(stack), `-out=${planFile}`]);
    if (plan.exitCode !== 0) {
      return { stack: stack.name, status: "failed", error: terraformErrors(plan.stderr || plan.stdout) };
    }

    const show = await run(["show", "-json", "-no-color", planFile]);
    if (show.exitCode !== 0) {
      return { stack: stack.name, status: "failed", error: `terraform show failed:\n${terraformErrors(show.stderr)}` };
    }
    const planned: StackOutcome = {
      stack: stack.name,
      status: "planned",
      summary: withOffline(
        summarizePlan(parsePlanJson(show.stdout)),
        offlineHostnames(plan.stdout).planned,
        EXPECTED_OFFLINE_WINDOW,
      ),
      planText: plan.stdout,
      retiring: stack.retiring,
    };
    if (options.savePlans) {
      const subject = { stack: stack.name, configSha256: configSha, destroy: planModeArgs(stack).includes("-destroy") };
      // terraform's own verdict: a plan with no change to resources or outputs is not applyable. Saving none means
      // the deploy workflow has nothing to upload, so a stack without changes asks no approver for anything.
      const applyable = JSON.parse(show.stdout).applyable !== false;
      const { dir, key } = options.savePlans;
      const saved = applyable ? savePlan(planFile, dir, subject, key) : saveNothingToApply(dir, subject, key);
      options.onProgress?.(
        applyable ? `${stack.name}: plan saved as ${saved}` : `${stack.name}: no changes, nothing to apply (${saved})`,
      );
    }
    return planned;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** "provider pingidentity/pingone could not be installed (...)", with terraform's headline as the why. */
function providerReason(errors: string): string {
  const provider = /provider\s+((?:[\w.-]+\/)?[\w.-]+\/[\w.-]+)/.exec(errors)?.[1];
  const headline = /^Error: (.*)$/m.exec(errors)?.[1] ?? "provider installation failed";
  return `${provider ? `provider ${provider}` : "a provider"} could not be installed (terraform init: ${headline}), so terraform cannot plan this stack here.`;
}
