/**
 * `npm run drift -- [--stacks a,b] [--json]`: `terraform plan -refresh-only -detailed-exitcode` for each stack,
 * so the p1as provider reads every managed certificate and hostname from the API, rendered as a table of
 * what differs from the last apply and what a deploy does about it. The stack's `p1as_certificates` and
 * `p1as_hostnames` data sources add the objects the API holds that no one declared. Read-only: GET requests
 * and a token request to the API, no state lock. Safe to schedule.
 * A retiring stack is not checked (the next deploy destroys it); a state the config no longer declares but that
 * still holds objects is refused before anything else (tools/terraform/retired-stacks.ts).
 * Exit codes: 0 in sync, 2 drift, 1 error (an error in one stack does not hide the others' results).
 */
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { parseCommandLine, reportFailure, runMain } from "../../cli-kit/command-line";
import { CliError, EXIT_CHANGES, EXIT_ERROR } from "../../cli-kit/errors";
import { terminalText } from "../../cli-kit/escape";
import { maskKnownSecrets, redactTerraformText } from "../terraform/redact";
import { checkUndeclaredStates } from "../terraform/retired-stacks";
import {
  IF_PRESENT_OPTION_HELP,
  nothingSelected,
  selectStacks,
  stackListOption,
  SynthesizedStack,
} from "../terraform/synth-output";
import { initStack } from "../terraform/init";
import { initError, runTerraform, terraformErrors } from "../terraform/run";
import {
  CERTIFICATES_DATA_SOURCE,
  CERTIFICATE_TYPE,
  HOSTNAMES_DATA_SOURCE,
  HOSTNAME_TYPE,
} from "../../provider/public-face";
import { importBlock } from "../../p1as/terraform-names";

export const EXIT_DRIFT = EXIT_CHANGES;

const DRIFT_PLAN = "drift.tfplan";

export type DriftKind = "certificate" | "hostname";

export interface DriftFinding {
  readonly kind: DriftKind;
  readonly key: string;
  /** missing: deleted outside terraform; changed: fields differ; failed: the API reports status error; extra: held, not declared. */
  readonly finding: "missing" | "changed" | "failed" | "extra";
  readonly differences: readonly { readonly field: string; readonly was: string; readonly now: string }[];
  /** What a deploy does about it. */
  readonly consequence: string;
}

export type StackDrift =
  | { readonly stack: string; readonly status: "in-sync" | "drift"; readonly findings: readonly DriftFinding[] }
  | { readonly stack: string; readonly status: "error"; readonly error: string }
  /** The config marks it `"retire": true`: the next deploy destroys it, so its drift is not checked. */
  | { readonly stack: string; readonly status: "retiring" };

export interface DriftOptions {
  readonly outdir: string;
  /** @default - every stack with virtual hosts; [] selects none */
  readonly stacks?: readonly string[];
  /** Skip selected stacks the config does not declare instead of failing. @default false */
  readonly ifPresent?: boolean;
  /** Progress and the lines about retired states. @default - silent */
  readonly log?: (message: string) => void;
  /** Extra environment (TF_VAR_* secrets, P1AS_*, PG_CONN_STR). @default - the process environment only */
  readonly env?: NodeJS.ProcessEnv;
}

const KINDS: Record<string, { kind: DriftKind; key: string; fields: readonly string[] }> = {
  [CERTIFICATE_TYPE]: { kind: "certificate", key: "name", fields: ["sha256_fingerprint", "not_after", "status"] },
  [HOSTNAME_TYPE]: { kind: "hostname", key: "hostname", fields: ["product", "certname", "status"] },
};
const HELD = {
  [CERTIFICATES_DATA_SOURCE]: { list: "certificates", key: "name", kind: "certificate" },
  [HOSTNAMES_DATA_SOURCE]: { list: "hostnames", key: "hostname", kind: "hostname" },
} as const;

export async function detectDrift(options: DriftOptions): Promise<{ stacks: StackDrift[]; exitCode: number }> {
  maskKnownSecrets({ ...process.env, ...options.env });
  const { stacks, absent } = selectStacks(options.outdir, options.stacks, { ifPresent: options.ifPresent });
  await checkUndeclaredStates(options.outdir, { env: options.env, log: options.log });
  if (stacks.length === 0 && absent.length > 0) options.log?.(nothingSelected("drift", absent));
  const results: StackDrift[] = [];
  for (const stack of stacks) {
    if (stack.retiring) {
      results.push({ stack: stack.name, status: "retiring" });
      continue;
    }
    try {
      const plan = await refreshOnlyPlan(stack, options.env);
      if (!plan) {
        if (options.stacks)
          throw new CliError(
            `${stack.name} declares no virtual hosts; drift compares certificates and hostnames only.`,
          );
        continue;
      }
      const findings = findingsOf(plan);
      results.push({ stack: stack.name, status: findings.length === 0 ? "in-sync" : "drift", findings });
    } catch (error) {
      results.push({
        stack: stack.name,
        status: "error",
        error: redactTerraformText(error instanceof Error ? error.message : String(error)),
      });
    }
  }
  const exitCode = results.some((result) => result.status === "error")
    ? EXIT_ERROR
    : results.some((result) => result.status === "drift")
      ? EXIT_DRIFT
      : 0;
  return { stacks: results, exitCode };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PlanJson = any;

/** The refresh-only plan of a stack with virtual hosts, as `show -json`; undefined for other stacks. */
async function refreshOnlyPlan(
  stack: SynthesizedStack,
  env: NodeJS.ProcessEnv | undefined,
): Promise<PlanJson | undefined> {
  const config = JSON.parse(readFileSync(stack.configFile, "utf8"));
  if (!config.provider?.p1as) return undefined;
  const run = (args: string[]) => runTerraform(args, { cwd: stack.workingDirectory, env });
  const init = await initStack(stack, { env, log: (line) => process.stderr.write(`${line}\n`), run });
  if (init.exitCode !== 0) throw initError(stack.name, init);
  // No state lock: drift must never block, or be blocked by, a deploy.
  const plan = await run([
    "plan",
    "-refresh-only",
    "-input=false",
    "-no-color",
    "-lock=false",
    "-detailed-exitcode",
    `-out=${DRIFT_PLAN}`,
  ]);
  try {
    if (plan.exitCode === 1)
      throw new CliError(
        `${stack.name}: terraform plan -refresh-only failed:\n${terraformErrors(plan.stderr || plan.stdout)}`,
      );
    const shown = await run(["show", "-json", DRIFT_PLAN]);
    if (shown.exitCode !== 0)
      throw new CliError(`${stack.name}: terraform show -json failed:\n${terraformErrors(shown.stderr)}`);
    return JSON.parse(shown.stdout);
  } finally {
    // A plan file carries the run's variable values; nothing reads this one again.
    rmSync(path.join(stack.workingDirectory, DRIFT_PLAN), { force: true });
  }
}

function findingsOf(plan: PlanJson): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const managed = new Map<string, Set<string>>([
    ["certificate", new Set()],
    ["hostname", new Set()],
  ]);
  for (const drift of plan.resource_drift ?? []) {
    const spec = KINDS[drift.type];
    if (!spec || drift.mode !== "managed") continue;
    const before = drift.change?.before ?? {};
    const after = drift.change?.after;
    const key = String(before[spec.key]);
    if (after === null || after === undefined) {
      findings.push({
        kind: spec.kind,
        key,
        finding: "missing",
        differences: [],
        consequence: `a deploy creates it again (${drift.address})`,
      });
      continue;
    }
    const differences = spec.fields
      .filter((field) => before[field] !== after[field])
      .map((field) => ({ field, was: show(before[field]), now: show(after[field]) }));
    const failed = after.status === "error";
    if (differences.length === 0 && !failed) continue;
    findings.push({
      kind: spec.kind,
      key,
      finding: failed ? "failed" : "changed",
      differences,
      consequence: failed
        ? "a deploy sends the declared values again (status error)"
        : "a deploy puts the declared values back",
    });
  }
  const resources: PlanJson[] = plan.prior_state?.values?.root_module?.resources ?? [];
  for (const resource of resources) {
    const spec = KINDS[resource.type];
    if (spec && resource.mode === "managed") managed.get(spec.kind)!.add(String(resource.values?.[spec.key]));
  }
  // A managed object left in error by an earlier rollout shows too, though nothing changed since the last refresh.
  for (const resource of resources) {
    const spec = KINDS[resource.type];
    if (!spec || resource.mode !== "managed" || resource.values?.status !== "error") continue;
    const key = String(resource.values?.[spec.key]);
    if (findings.some((finding) => finding.kind === spec.kind && finding.key === key)) continue;
    findings.push({
      kind: spec.kind,
      key,
      finding: "failed",
      differences: [],
      consequence: "a deploy sends the declared values again (status error)",
    });
  }
  for (const resource of resources) {
    const held = HELD[resource.type as keyof typeof HELD];
    if (!held || resource.mode !== "data") continue;
    for (const item of resource.values?.[held.list] ?? []) {
      const key = String(item[held.key]);
      if (managed.get(held.kind)!.has(key)) continue;
      const type = held.kind === "certificate" ? CERTIFICATE_TYPE : HOSTNAME_TYPE;
      findings.push({
        kind: held.kind,
        key,
        finding: "extra",
        differences: [],
        consequence: `a deploy leaves it alone; to manage it, declare it and import it: ${importBlock(type, key).replace(/\n\s*/g, " ")}`,
      });
    }
  }
  return findings;
}

const show = (value: unknown) => (value === null || value === undefined ? "(none)" : String(value));

/** The report as text for a terminal: names, values and errors come from the API, so control characters show as escapes. */
export function renderDrift(stacks: readonly StackDrift[]): string {
  const lines: string[] = [];
  for (const result of stacks) {
    if (result.status === "error") {
      lines.push(`${result.stack}: ERROR: ${result.error}`);
      continue;
    }
    if (result.status === "retiring") {
      lines.push(`${result.stack}: RETIRING: not checked; the next deploy destroys every object in its state`);
      continue;
    }
    const count = (finding: DriftFinding["finding"]) =>
      result.findings.filter((item) => item.finding === finding).length;
    lines.push(
      result.status === "in-sync"
        ? `${result.stack}: in sync`
        : `${result.stack}: DRIFT: ${count("missing")} missing, ${count("changed")} changed, ${count("failed")} in error, ${count("extra")} extra`,
    );
    for (const item of result.findings) {
      const detail = item.differences
        .map((difference) => `${difference.field}: was ${difference.was}, API now ${difference.now}`)
        .join("; ");
      lines.push(
        `  ${item.finding.padEnd(8)} ${item.kind} ${item.key}${detail ? `  ${detail}` : ""}`,
        `           -> ${item.consequence}`,
      );
    }
  }
  return `${terminalText(lines.join("\n"))}\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("drift")
    .description(
      "terraform plan -refresh-only for every stack with virtual hosts, as a table (read-only). Exit 0 in sync, 2 drift, 1 error.",
    )
    .option("--outdir <dir>", "where cdktf synthesized the stacks", "cdktf.out")
    .option("--stacks <names>", "comma-separated stacks (default: every stack with virtual hosts)", stackListOption)
    .option("--if-present", IF_PRESENT_OPTION_HELP, false)
    .option("--json", "print JSON instead of text", false)
    .exitOverride();
  const stop = parseCommandLine(program, argv);
  if (stop !== undefined) return stop;
  const options = program.opts<DriftOptions & { json: boolean }>();
  try {
    const { stacks, exitCode } = await detectDrift({
      ...options,
      log: (message) => process.stderr.write(`${message}\n`),
    });
    process.stdout.write(options.json ? `${JSON.stringify({ exitCode, stacks }, null, 2)}\n` : renderDrift(stacks));
    return exitCode;
  } catch (error) {
    return reportFailure("drift", error);
  }
}

if (require.main === module) runMain(main);
