/**
 * Real terraform on a synthesized stack, for end-to-end suites: synthesize into a temporary outdir,
 * run terraform directly in `stacks/<id>` (faster than the cdktf CLI), and hand back `destroy`.
 *
 *   const deployed = await apply((app) => myStack(app), { env: { TF_VAR_secret: secret } });
 *   ...
 *   await deployed.destroy();
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, LocalBackend, TerraformBackend, TerraformStack } from "cdktf";
import { installBesideStack } from "../../provider/install";
import { TerraformResult, runTerraform } from "../../tools/terraform/run";

export interface ApplyOptions {
  /**
   * Synthesize into this outdir (a second apply of a changed stack into the same outdir keeps its state).
   * @default - a new temporary directory
   */
  readonly outdir?: string;
  /** Environment for terraform (TF_VAR_* secrets). @default - none beyond the process's */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolve instead of throwing when terraform fails; the result says what happened. @default false */
  readonly allowFailure?: boolean;
}

export interface Applied {
  readonly outdir: string;
  /** `<outdir>/stacks/<stack id>`: terraform's working directory and the state's home. */
  readonly stackDir: string;
  /** Every line terraform printed (stdout then stderr) during init and apply. */
  readonly output: string;
  readonly exitCode: number;
  /** `terraform destroy` of the same stack; throws on failure unless allowFailure. */
  readonly destroy: (options?: Pick<ApplyOptions, "env" | "allowFailure">) => Promise<TerraformResult>;
}

/** Builds one stack with `build`, synthesizes it and applies it. */
export async function apply(build: (app: App) => TerraformStack, options: ApplyOptions = {}): Promise<Applied> {
  const { outdir, stackDir } = synthesize(build, options.outdir);
  let output = "";
  if (!fs.existsSync(path.join(stackDir, ".terraform"))) {
    output += await terraform(["init", "-input=false", "-no-color"], stackDir, options);
  }
  const result = await runTerraform(["apply", "-auto-approve", "-input=false", "-no-color"], {
    cwd: stackDir,
    env: options.env,
  });
  output += result.stdout + result.stderr;
  if (result.exitCode !== 0 && !options.allowFailure)
    throw new Error(`terraform apply failed (exit ${result.exitCode}):\n${output}`);
  return {
    outdir,
    stackDir,
    output,
    exitCode: result.exitCode,
    destroy: async (destroyOptions = {}) => {
      const destroyed = await runTerraform(["destroy", "-auto-approve", "-input=false", "-no-color"], {
        cwd: stackDir,
        env: destroyOptions.env ?? options.env,
      });
      if (destroyed.exitCode !== 0 && !destroyOptions.allowFailure) {
        throw new Error(
          `terraform destroy failed (exit ${destroyed.exitCode}):\n${destroyed.stdout}${destroyed.stderr}`,
        );
      }
      return destroyed;
    },
  };
}

export interface Planned {
  /** 0 = no changes, 2 = changes (terraform's -detailed-exitcode). */
  readonly exitCode: number;
  readonly output: string;
  /** `terraform show -json` of the saved plan. */
  readonly json: string;
}

/** Plans a synthesized (and applied) stack again without changing anything. */
export async function plan(stackDir: string, options: Pick<ApplyOptions, "env"> = {}): Promise<Planned> {
  const planned = await runTerraform(["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=tfplan.bin"], {
    cwd: stackDir,
    env: options.env,
  });
  if (planned.exitCode === 1) throw new Error(`terraform plan failed:\n${planned.stdout}${planned.stderr}`);
  const shown = await runTerraform(["show", "-json", "tfplan.bin"], { cwd: stackDir, env: options.env });
  return { exitCode: planned.exitCode, output: planned.stdout + planned.stderr, json: shown.stdout };
}

/** A fresh App writing into `outdir`; without a backend of its own, state lives next to the stack (`terraform.tfstate`). */
export function synthesize(build: (app: App) => TerraformStack, outdir?: string): { outdir: string; stackDir: string } {
  const dir = outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), "p1as-apply-"));
  const app = new App({ outdir: dir });
  const stack = build(app);
  if (!stack.node.children.some((child) => child instanceof TerraformBackend))
    new LocalBackend(stack, { path: "terraform.tfstate" });
  app.synth();
  const stackDir = path.join(dir, "stacks", stack.node.id);
  // As main.ts's synthesize does: the p1as provider beside the stack, found by terraform init offline.
  installBesideStack(stackDir);
  return { outdir: dir, stackDir };
}

async function terraform(args: string[], cwd: string, options: ApplyOptions): Promise<string> {
  const result = await runTerraform(args, { cwd, env: options.env });
  const output = result.stdout + result.stderr;
  if (result.exitCode !== 0) throw new Error(`terraform ${args[0]} failed (exit ${result.exitCode}):\n${output}`);
  return output;
}
