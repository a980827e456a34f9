/**
 * The one place the tools run `terraform init` for a synthesized stack (deploy, plan summary, drift):
 * - a directory initialised against another backend (P1AS_CONFIG switched) is re-initialised with
 *   `-reconfigure` and one line naming the stack, the old and the new state location;
 * - a pg backend gets its schema, table and workspace row created first, one creator at a time
 *   (tools/terraform/pg-bootstrap.ts), so first deploys neither race nor block other stacks; a file its connection names
 *   that terraform's driver could not read and be done with (a device, a named pipe, a huge file) stops the
 *   stack before terraform starts.
 */
import { backendSwitch, backendSwitchLine, configuredBackend } from "../../stacks/backend-cache";
import { CliError } from "../../cli-kit/errors";
import { preparePgState } from "./pg-bootstrap";
import { redactTerraformText } from "./redact";
import { SynthesizedStack } from "./synth-output";
import { TerraformResult, terraformEnv } from "./run";

export interface InitStackOptions {
  /** Extra environment for terraform, as given to `run` (PG_CONN_STR, PGPASSWORD). @default - the process environment only */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives the lines worth an operator's attention (a backend switch). @default - silent */
  readonly log?: (line: string) => void;
  /** Terraform's colours in its output (a deploy on a terminal). @default false */
  readonly colour?: boolean;
  /** Runs terraform in the stack's directory: the caller's own runner, with its progress output. */
  readonly run: (args: string[]) => Promise<TerraformResult>;
}

/**
 * PostgreSQL's answer when two sessions create the same catalog object at once (`CREATE ... IF NOT EXISTS`
 * is not safe between sessions). Only a run that skipped the bootstrap can meet it; a second init finds the
 * object made, so it is retried.
 */
const CATALOG_RACE = /duplicate key value violates unique constraint "pg_\w+"/;
const INIT_ATTEMPTS = 3;

/** `terraform init` for the stack; the result is terraform's, for the caller's own error handling. */
export async function initStack(stack: SynthesizedStack, options: InitStackOptions): Promise<TerraformResult> {
  const log = options.log ?? (() => undefined);
  const args = ["init", "-input=false", ...(options.colour ? [] : ["-no-color"])];
  const change = backendSwitch(stack.workingDirectory, stack.configFile, terraformEnv(options.env));
  if (change) {
    log(backendSwitchLine(stack.name, change));
    args.push("-reconfigure");
  }

  const backend = configuredBackend(stack.configFile);
  if (backend.type === "pg") {
    try {
      await preparePgState({
        backend: backend.config,
        env: terraformEnv(options.env),
        terraformVersion: () => terraformVersion(options.run),
      });
    } catch (error) {
      // A file terraform's driver would read without end (a device, a named pipe): terraform must not start.
      if (error instanceof CliError) return { exitCode: 1, stdout: "", stderr: `Error: ${error.message}\n` };
      // Terraform's own init reports an unreachable or misconfigured database in its words; this line says
      // only that the creation was not serialised this time.
      // (errors from node's own modules are not `instanceof Error` inside jest's sandbox, hence the duck test)
      const message = (error as { message?: unknown } | undefined)?.message;
      const reason = redactTerraformText(typeof message === "string" ? message : String(error));
      log(
        `${stack.name}: could not prepare the pg state before terraform init (${reason}); terraform creates it itself`,
      );
    }
  }

  let result = await options.run(args);
  for (
    let attempt = 1;
    attempt < INIT_ATTEMPTS && result.exitCode !== 0 && CATALOG_RACE.test(result.stderr + result.stdout);
    attempt++
  ) {
    log(
      `${stack.name}: another run was creating the pg backend's tables at the same moment; running terraform init again`,
    );
    result = await options.run(args);
  }
  return result;
}

async function terraformVersion(run: InitStackOptions["run"]): Promise<string> {
  const result = await run(["version", "-json"]);
  const version =
    result.exitCode === 0
      ? (JSON.parse(result.stdout) as { terraform_version?: unknown }).terraform_version
      : undefined;
  if (typeof version !== "string") throw new Error("terraform version -json did not say its version");
  return version;
}
