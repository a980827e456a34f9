/**
 * Saved plans on disk, with real terraform on stacks that need no provider (an output, or nothing at all), so
 * every case runs offline in a second or two:
 * - with P1AS_PLAN_KEY set, `deploy --plans` opens sealed files only: an unsealed plan or "nothing to apply"
 *   marker in the folder is refused, naming the file, and nothing is applied; the sealed marker keeps the
 *   local flow working; `--plans ""` is a usage error;
 * - every plan file terraform writes for us is created 0600, and a speculative plan leaves none behind.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { deployStacks, DeployOptions, main as deployMain } from "../tools/deploy/main";
import { EXIT_USAGE } from "../cli-kit/errors";
import { PLAN_FOLDER_PREFIX, planStacks } from "../tools/plan-summary/plan-stacks";
import { PLAN_KEY_VARIABLE } from "../tools/plan-summary/saved-plans";
import { synthesizedStacks } from "../tools/terraform/synth-output";
import { runTerraform } from "../tools/terraform/run";
import { captured } from "./support/capture";

jest.setTimeout(120_000);

const KEY = "a plan key of more than sixteen characters";
const withKey = { [PLAN_KEY_VARIABLE]: KEY };
/** The process may carry a key of its own (a developer's shell): every case says which one it means. */
const withoutKey = { [PLAN_KEY_VARIABLE]: "" };

let dir: string;
let outdir: string;
let plans: string;
let umask: number;
beforeAll(() => (umask = process.umask(0o022)));
afterAll(() => process.umask(umask));
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "p1as-saved-plans-"));
  outdir = providerlessOutdir(path.join(dir, "cdktf.out"));
  plans = path.join(dir, "plans");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("deploy --plans with P1AS_PLAN_KEY set applies sealed plans only", () => {
  it("refuses an unsealed plan left in the folder, naming the file, and applies nothing", async () => {
    // GIVEN a plan saved without a key (a keyless run, or a file copied into the folder)
    await savePlans(withoutKey);
    expect(files(plans)).toEqual(["p1as-dev.tfplan", "p1as-dev.tfplan.json", "p1as-prod.unchanged.json"]);

    // WHEN deployed with a key set
    const refused = await deploy(withKey).catch((error: Error) => error);

    // THEN it is refused, naming the file and what to do, and no stack was applied
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toBe(unsealed("p1as-dev", path.join(plans, "p1as-dev.tfplan")));
    expect(applied()).toEqual([]);
  });

  it("refuses an unsealed plan beside the sealed one, as a plan committed in the checkout would be", async () => {
    await savePlans(withKey);
    writeFileSync(path.join(plans, "p1as-dev.tfplan"), "anything");
    await expect(deploy(withKey)).rejects.toThrow(unsealed("p1as-dev", path.join(plans, "p1as-dev.tfplan")));
    expect(applied()).toEqual([]);
  });

  it("refuses a forged 'nothing to apply' marker, so it cannot make the deploy skip a stack", async () => {
    // GIVEN sealed plans, and a hand-written marker for dev in the form a keyless run writes
    await savePlans(withKey);
    rmSync(path.join(plans, "p1as-dev.tfplan.sealed"));
    const configSha256 = createHash("sha256")
      .update(readFileSync(path.join(outdir, "stacks/p1as-dev/cdk.tf.json")))
      .digest("hex");
    writeFileSync(
      path.join(plans, "p1as-dev.unchanged.json"),
      JSON.stringify({ stack: "p1as-dev", configSha256, destroy: false, applyable: false }),
    );

    // WHEN deployed with the key THEN the marker is refused and nothing is applied
    await expect(deploy(withKey)).rejects.toThrow(unsealed("p1as-dev", path.join(plans, "p1as-dev.unchanged.json")));
    expect(applied()).toEqual([]);
  });

  it("writes the 'nothing to apply' marker sealed, and deploy reports that stack unchanged while it applies the other", async () => {
    // GIVEN plans saved with a key: dev has a change, prod has none
    await savePlans(withKey);
    // THEN both files are sealed, and only dev's matches the workflow's upload pattern (*.tfplan.sealed)
    expect(files(plans)).toEqual(["p1as-dev.tfplan.sealed", "p1as-prod.unchanged.sealed"]);

    // WHEN deployed with the key
    const report = await deploy(withKey);

    // THEN dev's reviewed plan is applied and prod is unchanged, without terraform
    expect(report.stacks.map(({ stack, status, reason }) => ({ stack, status, reason }))).toEqual([
      { stack: "p1as-dev", status: "applied", reason: undefined },
      { stack: "p1as-prod", status: "unchanged", reason: "the reviewed plan has no changes: nothing to apply" },
    ]);
    expect(applied()).toEqual(["p1as-dev"]);
  });

  it.each([
    [
      "a sealed plan renamed to the marker",
      "p1as-dev.tfplan.sealed",
      "p1as-dev.unchanged.sealed",
      "its own record says it is a plan with changes",
    ],
    [
      "a sealed marker renamed to a plan",
      "p1as-prod.unchanged.sealed",
      "p1as-prod.tfplan.sealed",
      'its own record says it is a "nothing to apply" marker',
    ],
  ])("refuses %s (the name is not authenticated, the record inside is)", async (_name, from, to, says) => {
    await savePlans(withKey);
    renameSync(path.join(plans, from), path.join(plans, to));
    await expect(deploy(withKey)).rejects.toThrow(
      `the saved plan ${path.join(plans, to)} was renamed: ${says}. Nothing was applied.`,
    );
    expect(applied()).toEqual([]);
  });

  it("names the sealed files it looks for when a stack has none", async () => {
    await savePlans(withKey);
    rmSync(path.join(plans, "p1as-prod.unchanged.sealed"));
    await expect(deploy(withKey)).rejects.toThrow(
      `p1as-prod: no saved plan for this stack in ${plans} (expected p1as-prod.tfplan.sealed or p1as-prod.unchanged.sealed). Nothing was applied.`,
    );
  });

  it("without a key, the keyless local flow is unchanged: the clear plan is applied and the clear marker skips its stack", async () => {
    await savePlans(withoutKey);
    const report = await deploy(withoutKey);
    expect(report.stacks.map(({ stack, status }) => [stack, status])).toEqual([
      ["p1as-dev", "applied"],
      ["p1as-prod", "unchanged"],
    ]);
  });

  it.each([
    ["--plans ''", ["--plans", ""]],
    ["--plans=", ["--plans="]],
    ["--plans ' '", ["--plans", " "]],
  ])("%s is a usage error (exit 64): nothing is planned or applied", async (_name, args) => {
    const result = await captured("stderr", () => deployMain(["--outdir", outdir, ...args]));
    expect(result).toEqual({
      code: EXIT_USAGE,
      text: `deploy: option '--plans <dir>' argument '${args.length === 1 ? "" : args[1]}' is invalid. must name the folder of the saved plans (plan:summary --save-plans <dir>); without one, deploy would plan and apply with no reviewed plan. See --help.\n`,
    });
    expect(applied()).toEqual([]);
  });

  it("an empty plans folder is refused by the library call too", async () => {
    const refused = await deploy(withKey, "").catch((error) => error);
    expect({ message: refused.message, exitCode: refused.exitCode }).toEqual({
      message:
        "--plans must name the folder of the saved plans (plan:summary --save-plans <dir>); without one, deploy would plan and apply with no reviewed plan. Nothing was applied.",
      exitCode: EXIT_USAGE,
    });
    expect(applied()).toEqual([]);
  });
});

describe("plan files", () => {
  it("a speculative plan (no --save-plans) leaves no plan file behind", async () => {
    const outcomes = await planStacks(synthesizedStacks(outdir));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["planned", "planned"]);
    expect(planFilesIn(outdir)).toEqual([]);
  });

  it.each([
    ["without a key", withoutKey, ["p1as-dev.tfplan", "p1as-dev.tfplan.json", "p1as-prod.unchanged.json"]],
    ["with a key", withKey, ["p1as-dev.tfplan.sealed", "p1as-prod.unchanged.sealed"]],
  ])(
    "saved plans and markers are created 0600 %s, and nothing is left in the stack directories",
    async (_name, env, expected) => {
      await savePlans(env);
      expect(files(plans).map((file) => [file, mode(path.join(plans, file))])).toEqual(
        expected.map((file) => [file, 0o600]),
      );
      expect(planFilesIn(outdir)).toEqual([]);
    },
  );

  it("terraform creates its plan file 0600 whatever this process's umask, and a local state too", async () => {
    // GIVEN a process umask of 022 (set for the suite), under which terraform would write 0644
    const work = path.join(dir, "work");
    mkdirSync(work);
    writeFileSync(path.join(work, "cdk.tf.json"), JSON.stringify({ output: { greeting: { value: "hello" } } }));
    // WHEN terraform plans to a file and applies it through the tools' runner
    expect((await runTerraform(["init", "-input=false", "-no-color"], { cwd: work })).exitCode).toBe(0);
    expect((await runTerraform(["plan", "-input=false", "-no-color", "-out=out.tfplan"], { cwd: work })).exitCode).toBe(
      0,
    );
    const planMode = mode(path.join(work, "out.tfplan"));
    expect((await runTerraform(["apply", "-input=false", "-no-color", "out.tfplan"], { cwd: work })).exitCode).toBe(0);
    // THEN both files are readable by this user only, and this process's umask is what it was
    expect({ plan: planMode, state: mode(path.join(work, "terraform.tfstate")), umask: process.umask() }).toEqual({
      plan: 0o600,
      state: 0o600,
      umask: 0o022,
    });
    // AND a file this process creates still gets its usual mode
    writeFileSync(path.join(work, "ours"), "x");
    expect(mode(path.join(work, "ours"))).toBe(0o644);
  });
});

// ---- shared setup ----------------------------------------------------------------------------

/** Two synthesized stacks terraform can plan offline: dev declares an output (a change), prod nothing. */
function providerlessOutdir(root: string): string {
  const stacks: Record<string, object> = { "p1as-dev": { output: { greeting: { value: "hello" } } }, "p1as-prod": {} };
  const manifest: Record<string, object> = {};
  for (const [name, config] of Object.entries(stacks)) {
    mkdirSync(path.join(root, "stacks", name), { recursive: true });
    writeFileSync(path.join(root, "stacks", name, "cdk.tf.json"), JSON.stringify(config));
    manifest[name] = { name, workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
  }
  writeFileSync(path.join(root, "manifest.json"), JSON.stringify({ stacks: manifest }));
  return root;
}

async function savePlans(env: NodeJS.ProcessEnv): Promise<void> {
  const key = env[PLAN_KEY_VARIABLE] || undefined;
  const outcomes = await planStacks(synthesizedStacks(outdir), { savePlans: { dir: plans, key } });
  expect(outcomes.map((outcome) => outcome.status)).toEqual(["planned", "planned"]);
}

function deploy(env: NodeJS.ProcessEnv, plansDir = plans) {
  const options: DeployOptions = { outdir, lockTimeout: "0s", ifPresent: false, plans: plansDir, env };
  return deployStacks(options);
}

/** Stacks whose state terraform wrote: the only trace an apply leaves with no provider. */
function applied(): string[] {
  return ["p1as-dev", "p1as-prod"].filter((stack) =>
    existsSync(path.join(outdir, "stacks", stack, "terraform.tfstate")),
  );
}

const files = (folder: string) => readdirSync(folder).sort();
const mode = (file: string) => statSync(file).mode & 0o777;

/** Every plan file or private plan folder anywhere under `root`. */
function planFilesIn(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" }).filter(
    (name) => /tfplan/.test(name) || path.basename(name).startsWith(PLAN_FOLDER_PREFIX),
  );
}

const unsealed = (stack: string, file: string) =>
  `${stack}: refused the unsealed ${file}: with P1AS_PLAN_KEY set only sealed plans are applied, and an unsealed plan or "nothing to apply" marker ` +
  `could have been written by anyone who can write to that folder or commit to the repository. Nothing was applied. Delete it; plan again (npm run plan:summary -- --stacks ${stack} --save-plans <dir>) and have the new plan reviewed before applying it.`;
