/**
 * A hostname a killed deploy created without recording it, then removed from the configuration: no state knows
 * it, so no apply deletes it. The next `npm run deploy` names it with the p1as CLI command that deletes it, and
 * that command, run as printed, deletes it. Real terraform (killed with SIGKILL to its process group), the p1as
 * provider, the deploy tool and the CLI as processes, the emulator in both contract modes. Needs `npm run build`
 * first (dist/tools and the provider bundle).
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { ContractMode } from "../emulator/contract";
import { terraformEnv } from "../tools/terraform/run";
import { CONTRACT_MODES } from "./support/p1as-app";
import { createFixture, Fixture } from "./support/plan-fixture";
import { HostnameSpec, StackSpec } from "./support/virtual-hosts-stack";

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "..");
const host = (name: string): HostnameSpec => ({
  hostname: `${name}.dev.acme.example`,
  product: "pingfederate-engines",
  certname: "wildcard-dev",
});
const CERTIFICATE_ONLY: StackSpec = { certificates: [{ name: "wildcard-dev" }], hostnames: [] };
const THREE: StackSpec = { ...CERTIFICATE_ONLY, hostnames: [host("a"), host("b"), host("c")] };
/** What the next commit declares: c only. */
const C_ONLY: StackSpec = { ...CERTIFICATE_ONLY, hostnames: [host("c")] };

describe.each(CONTRACT_MODES)("%s contract", (contract: ContractMode) => {
  let fixture: Fixture;
  beforeAll(async () => (fixture = await createFixture(contract)));
  afterAll(() => fixture?.remove());

  test("a killed deploy's unrecorded hostname, no longer declared, is reported by the next deploy with a delete command that works", async () => {
    // GIVEN the certificate deployed, then an apply of three hostnames whose rollouts take 3 s, killed
    // (process group, SIGKILL) once the API answered a hostname create: the API holds it, the state does not
    fixture.synth([{ environment: "dev", spec: CERTIFICATE_ONLY }]);
    await fixture.apply("p1as-dev");
    fixture.emulator.service.completionDelayMs = 3_000;
    fixture.synth([{ environment: "dev", spec: THREE }]);
    fixture.emulator.requestLog.clear();
    const apply = spawn("terraform", ["apply", "-auto-approve", "-input=false", "-no-color"], {
      cwd: path.join(fixture.outdir, "stacks", "p1as-dev"),
      env: terraformEnv(fixture.env()),
      detached: true,
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => apply.on("close", resolve));
    await until(
      () =>
        fixture.emulator.requestLog
          .list(/^POST \/dev\/api\/v1\/hostnames$/)
          .some((entry) => entry.status >= 200 && entry.status < 300),
      120_000,
    );
    process.kill(-apply.pid!, "SIGKILL");
    await exited;
    const state = await fixture.terraform("p1as-dev", ["state", "list"]);
    expect(state.stdout).not.toMatch(/^p1as_hostname\./m);
    const unrecorded = fixture.emulator.service.listHostnames("dev").map((h) => (h as { hostname: string }).hostname);
    expect(unrecorded.length).toBeGreaterThan(0);
    fixture.emulator.service.completionDelayMs = 0;

    // WHEN the next commit declares c only, and is deployed
    fixture.synth([{ environment: "dev", spec: C_ONLY }]);
    const deployed = await tool("deploy", ["--outdir", fixture.outdir, "--lock-timeout", "0s"], fixture.env());

    // THEN it succeeds; c (declared) was adopted or created, and each unrecorded hostname not declared is named once,
    // with the command that deletes it; the client secret is in no line
    expect({ code: deployed.code, errors: deployed.stderr.split("\n").filter((line) => /Error/.test(line)) }).toEqual({
      code: 0,
      errors: [],
    });
    const reported = deployed.stdout.split("\n").filter((line) => line.includes("is in the API but not declared here"));
    const orphans = unrecorded.filter((hostname) => hostname !== "c.dev.acme.example").sort();
    expect(reported.map((line) => /hostname (\S+) is in the API/.exec(line)?.[1]).sort()).toEqual(orphans);
    expect(deployed.stdout).not.toContain(fixture.clientSecret);
    for (const line of reported) {
      expect(line).toMatch(
        /^p1as-dev: hostname \S+ is in the API but not declared here \(left by a deploy killed before it recorded it, or made by hand\); to delete it: P1AS_API_URL=http:\/\/127\.0\.0\.1:\d+\/dev\/api\/v1 P1AS_TOKEN_URL=\S+ P1AS_CLIENT_ID=\S+ (P1AS_CLIENT_SECRET="\$\w+" )?npm run p1as -- hostnames delete \S+$/,
      );
    }

    // WHEN each command is run as printed, in a shell that holds the deploy's variables
    for (const line of reported) {
      const command = line.slice(line.indexOf("to delete it: ") + "to delete it: ".length);
      // (not spawnSync: the emulator answers from this process)
      const run = await finished(
        spawn("bash", ["-c", command], {
          cwd: ROOT,
          env: { ...process.env, ...fixture.env() },
          stdio: ["ignore", "pipe", "pipe"],
        }),
      );
      expect({
        command,
        status: run.code,
        stdout: run.stdout.trim().split("\n").at(-1),
        stderr: run.stderr.split("\n").filter((l) => l.startsWith("p1as:")),
      }).toEqual({
        command,
        status: 0,
        stdout: `hostname ${/delete (\S+)$/.exec(command)?.[1]} deleted`,
        stderr: [],
      });
    }

    // THEN the API holds exactly what is declared, and the next deploy reports nothing
    expect(fixture.emulator.service.listHostnames("dev").map((h) => (h as { hostname: string }).hostname)).toEqual([
      "c.dev.acme.example",
    ]);
    const again = await tool("deploy", ["--outdir", fixture.outdir, "--lock-timeout", "0s"], fixture.env());
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("not declared here");
    expect(
      (await fixture.terraform("p1as-dev", ["plan", "-detailed-exitcode", "-input=false", "-no-color"])).exitCode,
    ).toBe(0);
  });
});

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A tool from dist/ as its own process, as `npm run <tool>` starts it. */
function tool(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return finished(
    spawn(process.execPath, [path.join(ROOT, "dist", "tools", name, "main.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, P1AS_PLAN_KEY: "", GITHUB_STEP_SUMMARY: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
}

function finished(child: ChildProcess): Promise<Finished> {
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
