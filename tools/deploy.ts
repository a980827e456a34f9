/**
 * `npm run deploy -- --stacks p1as-dev [--lock-timeout 5m]`: init and apply synthesized stacks, in manifest
 * order, stopping at the first failure. Run `npm run synth` first. A retiring stack is applied with -destroy.
 * Before anything, every state the config no longer declares is checked (tools/retired-stacks.ts).
 * Exit codes: 0 deployed (or nothing selected under --if-present), 1 failed (the message names the stack; a
 * state lock held by another run gets its own message).
 */
import { Command } from "commander";
import { parseCommandLine, reportFailure, runMain } from "./cli";
import { applyFailed, stateLocked } from "./errors";
import { redactTerraformText } from "./redact";
import { checkUndeclaredStates, retiredLine, stateAddresses } from "./retired-stacks";
import { IF_PRESENT_OPTION_HELP, nothingSelected, planModeArgs, selectStacks, stackListOption } from "./synth-output";
import { initStack } from "./stack-init";
import { initError, runTerraform, stateError, terraformErrors } from "./terraform";

export interface DeployOptions {
  readonly outdir: string;
  /** @default - every synthesized stack, in manifest order; [] selects none */
  readonly stacks?: readonly string[];
  /** Terraform duration (`0s`, `5m`). */
  readonly lockTimeout: string;
  /** Stacks the config does not declare are skipped instead of failing (one workflow job per P1AS environment). */
  readonly ifPresent: boolean;
  /**
   * Extra environment for terraform (TF_VAR_* secrets, PG_CONN_STR).
   * @default - the process environment only
   */
  readonly env?: NodeJS.ProcessEnv;
}

/** What terraform prints when the backend refuses the lock; the line after it says why. */
const LOCK_ERROR = /Error acquiring the state lock/;

export async function deploy(options: DeployOptions, log: (message: string) => void = () => {}): Promise<string[]> {
  const { stacks, absent } = selectStacks(options.outdir, options.stacks, { ifPresent: options.ifPresent });
  await checkUndeclaredStates(options.outdir, { env: options.env, log });
  if (stacks.length === 0 && absent.length > 0) log(nothingSelected("deploy", absent));
  const deployed: string[] = [];
  for (const stack of stacks) {
    const terraform = async (args: string[]) => {
      log(`${stack.name}: terraform ${args.join(" ")}`);
      const result = await runTerraform(args, { cwd: stack.workingDirectory, env: options.env });
      if (result.stdout) log(redactTerraformText(result.stdout.trimEnd()));
      return result;
    };
    const init = await initStack(stack, { env: options.env, log, run: terraform });
    if (init.exitCode !== 0) throw initError(stack.name, init);
    if (stack.retiring && (await stateAddresses(stack, { env: options.env, log, initialized: true })).length === 0) {
      log(retiredLine(stack.name));
      continue;
    }
    // The p1as provider reads every object from the API while planning, so drift is repaired by the apply itself.
    const apply = await terraform(["apply", ...planModeArgs(stack), "-input=false", "-no-color", "-auto-approve", `-lock-timeout=${options.lockTimeout}`]);
    if (apply.exitCode !== 0) {
      const errors = redactTerraformText(terraformErrors(apply.stderr || apply.stdout));
      const unreadable = stateError(stack.name, errors);
      if (unreadable) throw unreadable;
      if (LOCK_ERROR.test(errors)) throw stateLocked(stack.name, /^Error message: (.*)$/m.exec(errors)?.[1] ?? "lock refused");
      throw applyFailed(stack.name, errors);
    }
    if (stack.retiring) log(`${stack.name}: retiring: every object in its state was destroyed`);
    deployed.push(stack.name);
  }
  return deployed;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("deploy")
    .description("terraform init + apply the synthesized stacks (run `npm run synth` first).")
    .option("--outdir <dir>", "where cdktf synthesized the stacks", "cdktf.out")
    .option("--stacks <names>", "comma-separated stacks to deploy, in manifest order (default: every stack)", stackListOption)
    .option("--lock-timeout <duration>", "how long to wait for another run's state lock (terraform duration)", "0s")
    .option("--if-present", IF_PRESENT_OPTION_HELP, false)
    .exitOverride();
  const stop = parseCommandLine(program, argv);
  if (stop !== undefined) return stop;
  const options = program.opts<DeployOptions>();
  try {
    const deployed = await deploy(options, (message) => process.stdout.write(`${message}\n`));
    if (deployed.length > 0) process.stdout.write(`deployed: ${deployed.join(", ")}\n`);
    return 0;
  } catch (error) {
    return reportFailure("deploy", error);
  }
}

if (require.main === module) runMain(main);
