/**
 * Stack selection and the retirement of a P1AS environment, through the real tools (deploy, plan summary,
 * drift), real terraform and the p1as provider against the emulator: dev and prod with explicit credentials
 * (no PingOne objects, so every stack plans offline). Runs dist/ (npm run build).
 */
import { EXIT_USAGE } from "../cli-kit/errors";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { main as deployMain } from "../tools/deploy/main";
import { main as driftMain } from "../tools/drift/main";
import { main as planSummaryMain, runPlanSummary } from "../tools/plan-summary/main";
import { captured, withEnv } from "./support/capture";
import { AppSpec, P1asApp, sharedP1asApp, TWO_HOSTNAMES } from "./support/p1as-app";
import { RunningEmulator } from "../emulator/start";

jest.setTimeout(300_000);

const PROD: AppSpec["others"] = {
  prod: {
    certificates: [{ name: "wildcard-prod" }],
    hostnames: [
      { hostname: "auth.acme.example", product: "pingfederate-engines", certname: "wildcard-prod" },
      { hostname: "www.acme.example", product: "pingaccess-engines", certname: "wildcard-prod" },
    ],
  },
};
const DEV_AND_PROD: AppSpec = { ...TWO_HOSTNAMES, others: PROD };
const PROD_RETIRING: AppSpec = { ...TWO_HOSTNAMES, others: { prod: { ...PROD.prod!, retire: true } } };
const PROD_RETIRED: AppSpec = { ...TWO_HOSTNAMES, retiredEnvironments: ["prod"] };

const PROCEDURE = "docs/tasks/retire-an-environment.md";

let emulator: RunningEmulator;
let app: P1asApp;
const shared = sharedP1asApp("retire-e2e", "assumed", ["dev", "prod"]);
beforeEach(() => ({ emulator, app } = shared));

/** Everything the tools printed in this file, searched for the secret at the end. */
const printed: string[] = [];

/** Runs a tool's main with the app's secrets in the environment (as CI exports them); both streams, in order. */
/** What the tool itself printed: every line but terraform's own, which deploy streams prefixed with the stack. */
const ownLines = (text: string) => text.split("\n").filter((line) => line !== "" && !/^p1as-\w+ │/.test(line));

async function run(
  main: (argv: readonly string[]) => Promise<number>,
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const streams = { stdout: "", stderr: "" };
  const spies = (["stdout", "stderr"] as const).map((name) =>
    jest.spyOn(process[name], "write").mockImplementation((chunk) => ((streams[name] += String(chunk)), true)),
  );
  try {
    const code = await withEnv(app.env, () => main(["--outdir", app.outdir, ...args]));
    return { code, out: streams.stdout, err: streams.stderr };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
    printed.push(streams.stdout, streams.stderr);
  }
}

const held = (environment: "dev" | "prod") => ({
  certificates: emulator.service
    .listCertificates(environment)
    .map((item) => (item as { name: string }).name)
    .sort(),
  hostnames: emulator.service
    .listHostnames(environment)
    .map((item) => (item as { hostname: string }).hostname)
    .sort(),
});
const DEV_HELD = { certificates: ["wildcard-dev"], hostnames: ["api.dev.acme.example", "auth.dev.acme.example"] };
const PROD_HELD = { certificates: ["wildcard-prod"], hostnames: ["auth.acme.example", "www.acme.example"] };
const apiWrites = () =>
  emulator.requestLog.list().filter((entry) => entry.method !== "GET" && !/\/as\/token$/.test(entry.path));
const stateFile = (stack: string) => path.join(app.dir, `${stack}.tfstate`);

describe("stack selection: an explicit selection never means 'all'", () => {
  beforeAll(() => {
    shared.emulator.service.reset();
    shared.app.synth(DEV_AND_PROD);
  });
  beforeEach(() => emulator.requestLog.clear());

  it("deploy --stacks p1as-test --if-present, with no test environment, applies nothing and says so on one line (exit 0)", async () => {
    // GIVEN dev and prod synthesized, neither deployed WHEN the test environment's job runs
    const result = await run(deployMain, ["--stacks", "p1as-test", "--if-present"]);

    // THEN one line, exit 0, and terraform touched neither stack: no request, no state
    expect(result).toEqual({
      code: 0,
      out: "deploy: nothing to do: p1as-test is not a stack of this config (--if-present)\n",
      err: "",
    });
    expect(emulator.requestLog.list()).toEqual([]);
    expect(existsSync(stateFile("p1as-dev"))).toBe(false);
    expect(existsSync(stateFile("p1as-prod"))).toBe(false);
  });

  it("deploy --stacks p1as-test without --if-present is an error naming the stacks that exist, and applies nothing", async () => {
    const result = await run(deployMain, ["--stacks", "p1as-test"]);
    expect(result).toEqual({
      code: 1,
      out: "",
      err: 'deploy: invalid --stacks "p1as-test": no such stack p1as-test. Synthesized stacks: p1as-dev, p1as-prod.\n',
    });
    expect(emulator.requestLog.list()).toEqual([]);
  });

  it.each([
    ["deploy", deployMain],
    ["plan-summary", planSummaryMain],
    ["drift", driftMain],
  ])("%s rejects an empty --stacks before doing anything", async (_tool, main) => {
    for (const value of ["", "p1as-dev,"]) {
      const result = await run(main, ["--stacks", value]);
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toContain("must be stack names separated by commas, such as p1as-dev,p1as-prod. See --help.");
    }
    expect(emulator.requestLog.list()).toEqual([]);
  });

  it("drift no longer knows --stack: one option name, --stacks, in every tool", async () => {
    const result = await run(driftMain, ["--stack", "p1as-dev"]);
    expect({ code: result.code, err: result.err }).toEqual({
      code: EXIT_USAGE,
      err: "drift: unknown option '--stack' (Did you mean --stacks?). See --help.\n",
    });
  });

  it("plan summary and drift select nothing for an absent stack under --if-present (exit 0), and an empty list selects nothing", async () => {
    const summary = await run(planSummaryMain, [
      "--stacks",
      "p1as-test",
      "--if-present",
      "--out",
      path.join(app.dir, "summary.md"),
    ]);
    expect(summary.code).toBe(0);
    expect(summary.err).toBe("plan-summary: nothing to do: p1as-test is not a stack of this config (--if-present)\n");
    expect(summary.out).toContain("**0 stacks**");
    const drift = await run(driftMain, ["--stacks", "p1as-test", "--if-present", "--json"]);
    expect({ code: drift.code, json: JSON.parse(drift.out), err: drift.err }).toEqual({
      code: 0,
      json: { exitCode: 0, stacks: [] },
      err: "drift: nothing to do: p1as-test is not a stack of this config (--if-present)\n",
    });
    // The library call: [] is a selection of nothing, not "no selection".
    const none = await withEnv(app.env, () =>
      runPlanSummary({
        outdir: app.outdir,
        stacks: [],
        out: path.join(app.dir, "none.md"),
        maxChars: 65_000,
        allowUnplannable: false,
      }),
    );
    expect(none.outcomes).toEqual([]);
    expect(emulator.requestLog.list()).toEqual([]);
  });

  it("deploy --stacks p1as-dev,p1as-test --if-present deploys dev only", async () => {
    const result = await run(deployMain, ["--stacks", "p1as-dev,p1as-test", "--if-present"]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/\ndeploy: p1as-dev: applied \(Resources: 3 added, 0 changed, 0 destroyed\)\n$/);
    expect(held("dev")).toEqual(DEV_HELD);
    expect(held("prod")).toEqual({ certificates: [], hostnames: [] });
    expect(existsSync(stateFile("p1as-prod"))).toBe(false);
  });
});

describe("retiring prod", () => {
  beforeAll(async () => {
    // GIVEN dev and prod deployed
    shared.emulator.service.reset();
    shared.app.synth(DEV_AND_PROD);
    const result = await withEnv(shared.app.env, () =>
      captured("stdout", () => deployMain(["--outdir", shared.app.outdir])),
    );
    expect(result.code).toBe(0);
  });
  beforeEach(() => emulator.requestLog.clear());

  it("starts with both environments' virtual hosts in the API, and both stacks in the committed inventory", () => {
    expect(held("dev")).toEqual(DEV_HELD);
    expect(held("prod")).toEqual(PROD_HELD);
    const inventory = JSON.parse(readFileSync(path.join(app.dir, "p1as.inventory.json"), "utf8"));
    expect(inventory.stacks).toEqual([
      { stack: "p1as-dev", environment: "dev", backend: { type: "local", path: stateFile("p1as-dev") } },
      { stack: "p1as-prod", environment: "prod", backend: { type: "local", path: stateFile("p1as-prod") } },
    ]);
  });

  it("dropping prod from the config without retiring it: deploy, plan summary and drift refuse, naming p1as-prod, its state and the procedure, and apply nothing", async () => {
    // WHEN prod is simply removed
    app.synth(TWO_HOSTNAMES);

    // THEN every tool refuses before touching anything, dev included
    const refusal = (text: string) => {
      expect(text).toContain(
        `p1as-prod: the config no longer declares this stack, but its state at local:${stateFile("p1as-prod")} still holds 3 objects (`,
      );
      for (const address of [
        "p1as_certificate.wildcard-prod",
        "p1as_hostname.auth_acme_example",
        "p1as_hostname.www_acme_example",
      ])
        expect(text).toContain(address);
      expect(text).toContain('Put prod back in environments with "retire": true and deploy');
      expect(text).toContain(PROCEDURE);
      expect(text).toContain("Nothing was planned or applied.");
    };
    const deployed = await run(deployMain, []);
    expect(deployed.code).toBe(1);
    refusal(deployed.err);
    expect(deployed.out).not.toContain("terraform apply");
    const summaryFile = path.join(app.dir, "refused.md");
    const summary = await run(planSummaryMain, ["--out", summaryFile]);
    expect(summary.code).toBe(1);
    refusal(summary.err);
    // The pull request's summary says it too, so reviewers see why nothing was planned
    const markdown = readFileSync(summaryFile, "utf8");
    expect(markdown).toContain("> [!CAUTION]\n> **Nothing was planned.**");
    expect(markdown).toContain("p1as-prod: the config no longer declares this stack");
    const drift = await run(driftMain, ["--json"]);
    expect(drift.code).toBe(1);
    refusal(drift.err);
    // ... even for a job that selects only dev
    const devOnly = await run(deployMain, ["--stacks", "p1as-dev"]);
    expect(devOnly.code).toBe(1);
    refusal(devOnly.err);

    expect(emulator.requestLog.list()).toEqual([]);
    expect(held("prod")).toEqual(PROD_HELD);
    expect(held("dev")).toEqual(DEV_HELD);
  });

  it('with "retire": true, the plan summary shows prod RETIRING and lists what the destroy removes; drift leaves prod out; nothing is written', async () => {
    // WHEN prod is put back, marked retiring
    app.synth(PROD_RETIRING);
    const summary = await run(planSummaryMain, ["--out", path.join(app.dir, "summary.md")]);

    // THEN
    expect(summary.code).toBe(0);
    expect(summary.out).toContain("`p1as-prod` is **RETIRING**: the deploy destroys every object in its state.");
    expect(summary.out).toContain("### ⚠️ `p1as-prod`: RETIRING");
    expect(summary.out).toContain("`Plan: 0 to add, 0 to change, 0 to replace, 3 to destroy`");
    for (const destroyed of [
      "🛑 **destroy** hostname `auth.acme.example` in `p1as-prod`",
      "🛑 **destroy** hostname `www.acme.example` in `p1as-prod`",
      "⚠️ **destroy** certificate `wildcard-prod` in `p1as-prod`",
    ]) {
      expect(summary.out).toContain(destroyed);
    }
    expect(summary.out).toContain("### ✅ `p1as-dev`");
    const drift = await run(driftMain, []);
    expect(drift).toEqual({
      code: 0,
      out: "p1as-dev: in sync\np1as-prod: RETIRING: not checked; the next deploy destroys every object in its state\n",
      err: "",
    });
    expect(apiWrites()).toEqual([]);
  });

  it("deploy destroys prod's hostnames and certificate in the API and leaves dev alone", async () => {
    const result = await run(deployMain, []);
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      "p1as-prod │ terraform apply -input=false -no-color -lock-timeout=0s -auto-approve -destroy\n",
    );
    expect(result.out).toMatch(
      /^deploy: p1as-prod: applied \(Resources: (0 added, 0 changed, )?3 destroyed\): retiring: every object in its state was destroyed$/m,
    );
    expect(held("prod")).toEqual({ certificates: [], hostnames: [] });
    expect(held("dev")).toEqual(DEV_HELD);
    expect(apiWrites().filter((entry) => !entry.path.startsWith("/prod/"))).toEqual([]);
    expect(
      apiWrites()
        .map((entry) => `${entry.method} ${entry.path}`)
        .sort(),
    ).toEqual([
      "DELETE /prod/api/v1/certificates/wildcard-prod",
      "DELETE /prod/api/v1/hostnames/auth.acme.example",
      "DELETE /prod/api/v1/hostnames/www.acme.example",
    ]);
  });

  it("once prod's state is empty, deploy and plan summary say the config change is what is left", async () => {
    const line = `p1as-prod: retired; remove prod from environments and list it under pingone.roleAttributes.retiredEnvironments (${PROCEDURE})`;
    const deployed = await run(deployMain, []);
    expect(deployed.code).toBe(0);
    expect(deployed.out).toContain(`deploy: ${line.replace("retired; ", "retired: ")}\n`);
    expect(deployed.out).not.toContain("p1as-prod │ terraform apply");
    const summary = await run(planSummaryMain, ["--out", path.join(app.dir, "summary.md")]);
    expect(summary.code).toBe(0);
    expect(summary.err).toContain(`${line}\n`);
    expect(summary.out).toContain("### 🪦 `p1as-prod`: retired");
    expect(apiWrites()).toEqual([]);
  });

  it("removed from environments and listed under retiredEnvironments, every tool carries on with one 'retired' line", async () => {
    app.synth(PROD_RETIRED);
    const line = `p1as-prod: retired, its state holds nothing (local:${stateFile("p1as-prod")})\n`;

    const deployed = await run(deployMain, []);
    expect(deployed.code).toBe(0);
    expect(deployed.out).toContain(line);
    expect(deployed.out).toMatch(/\ndeploy: p1as-dev: applied \(Resources: 0 added, 0 changed, 0 destroyed\)\n$/);
    const summary = await run(planSummaryMain, ["--out", path.join(app.dir, "summary.md")]);
    expect(summary.code).toBe(0);
    expect(summary.err).toContain(line);
    expect(summary.out).toContain("**1 stack**: 0 with changes, 1 without changes");
    const drift = await run(driftMain, []);
    expect(drift).toEqual({ code: 0, out: "p1as-dev: in sync\n", err: line });

    // The inventory still remembers prod: entries are only ever added
    const inventory = JSON.parse(readFileSync(path.join(app.dir, "p1as.inventory.json"), "utf8"));
    expect(inventory.stacks.map((entry: { stack: string }) => entry.stack)).toEqual(["p1as-dev", "p1as-prod"]);
    expect(apiWrites()).toEqual([]);
    expect(held("dev")).toEqual(DEV_HELD);
  });

  it("a stack whose backend moved while the old state still holds its objects is refused too, so no object has two states", async () => {
    // WHEN dev's state is pointed elsewhere without moving it
    const moved = path.join(app.dir, "p1as-dev-moved.tfstate");
    app.synth({ ...PROD_RETIRED, backend: { type: "local", path: moved } });
    const deployed = await run(deployMain, []);

    // THEN
    expect(deployed.code).toBe(1);
    expect(deployed.err).toContain(
      `p1as-dev: the stack now keeps its state at local:${moved}, but its state at local:${stateFile("p1as-dev")} still holds 3 objects (`,
    );
    expect(deployed.err).toContain("terraform init -migrate-state");
    expect(apiWrites()).toEqual([]);
    expect(existsSync(moved)).toBe(false);

    // WHEN put back THEN the unused new location is reported empty, and the deploy goes on
    app.synth(PROD_RETIRED);
    const back = await run(deployMain, []);
    expect(ownLines(back.err)).toEqual([]);
    expect(back.code).toBe(0);
    expect(back.out).toContain(`p1as-dev: its former state at local:${moved} holds nothing\n`);
  });

  it("never prints the client secret, nor writes it into the inventory or the stack index", () => {
    const files = [path.join(app.outdir, "p1as-stacks.json"), path.join(app.dir, "p1as.inventory.json")].map((file) =>
      readFileSync(file, "utf8"),
    );
    expect(printed.length).toBeGreaterThan(10);
    for (const text of [...printed, ...files]) expect(text).not.toContain(app.clientSecret);
  });
});
