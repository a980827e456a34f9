/**
 * Plans each synthesized stack with real terraform and turns the result into a StackOutcome.
 * A stack that fails never stops the others: a reviewer needs the rest of the summary either way.
 */
import { retiredLine, stateAddresses } from "../retired-stacks";
import { planModeArgs, SynthesizedStack } from "../synth-output";
import { initStack } from "../stack-init";
import { runTerraform, terraformErrors } from "../terraform";
import { parsePlanJson, summarizePlan } from "./plan-json";
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
}

/** The plan file's name inside each stack directory. It holds variable values, secrets included: never upload it. */
export const PLAN_FILE = "tfplan";

/**
 * What `terraform init` prints when it cannot fetch a provider: offline, registry down, or a version that
 * does not exist. Anything else (a broken backend, a bad lock file) is a failure the author must fix.
 */
const PROVIDER_UNAVAILABLE =
  /Failed to query available provider packages|Failed to install provider|Could not retrieve the list of available versions|Failed to resolve provider packages/;

export async function planStacks(stacks: readonly SynthesizedStack[], options: PlanStacksOptions = {}): Promise<StackOutcome[]> {
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
    const addresses = await stateAddresses(stack, { env: options.env, initialized: true }).catch((error: Error) => error);
    if (addresses instanceof Error) return { stack: stack.name, status: "failed", error: addresses.message };
    if (addresses.length === 0) return { stack: stack.name, status: "retired", note: retiredLine(stack.name) };
  }

  // A pull-request plan is speculative: it is never applied (deploy plans again), so it takes no state lock
  // and can never block, or be blocked by, a deploy that is running.
  const plan = await run(["plan", ...planModeArgs(stack), "-input=false", "-no-color", "-lock=false", `-out=${PLAN_FILE}`]);
  if (plan.exitCode !== 0) {
    return { stack: stack.name, status: "failed", error: terraformErrors(plan.stderr || plan.stdout) };
  }

  const show = await run(["show", "-json", "-no-color", PLAN_FILE]);
  if (show.exitCode !== 0) {
    return { stack: stack.name, status: "failed", error: `terraform show failed:\n${terraformErrors(show.stderr)}` };
  }
  return { stack: stack.name, status: "planned", summary: summarizePlan(parsePlanJson(show.stdout)), planText: plan.stdout, retiring: stack.retiring };
}

/** "provider pingidentity/pingone could not be installed (...)", with terraform's headline as the why. */
function providerReason(errors: string): string {
  const provider = /provider\s+((?:[\w.-]+\/)?[\w.-]+\/[\w.-]+)/.exec(errors)?.[1];
  const headline = /^Error: (.*)$/m.exec(errors)?.[1] ?? "provider installation failed";
  return `${provider ? `provider ${provider}` : "a provider"} could not be installed (terraform init: ${headline}), so terraform cannot plan this stack here.`;
}
