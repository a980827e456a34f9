/**
 * One end-to-end scenario of the virtual-hosts suite: a stack built from a `StackSpec` (virtual-hosts-stack.ts),
 * applied and planned again by real terraform in one outdir (so state carries over), with every text terraform
 * printed, every plan JSON, state file and synthesized configuration kept so the suite can search them for secrets at the end.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { Certificate, Hostname, VirtualHosts } from "../../constructs/virtual-hosts";
import type { PersistedState } from "../../emulator/service";
import { RunningEmulator } from "../../emulator/start";
import { runTerraform, terraformEnv } from "../../tools/terraform/run";
import { Applied, Planned, apply, plan, synthesize } from "./terraform-apply";
import { StackFixture, StackSpec } from "./virtual-hosts-stack";

/** Changes a built stack before synth: import blocks, adopt, provider timings. */
export type Tweak = (found: Found) => void;

export interface Found {
  readonly stack: TerraformStack;
  hostname(key: string): Hostname;
  certificate(name: string): Certificate;
  virtualHosts(): VirtualHosts;
}

export interface DeployOptions {
  readonly tweak?: Tweak;
  readonly allowFailure?: boolean;
}

/** A scenario right after a deploy: a copy of its outdir (initialized, terraform's state inside) and the emulator's objects. */
export interface SavedScenario {
  readonly outdir: string;
  readonly held: PersistedState;
}

export class E2eScenario {
  constructor(
    private readonly fixture: StackFixture,
    /** Every text the suite captured, shared by all scenarios of the suite. */
    private readonly captured: string[],
    /** Start in this outdir (already initialized). @default - a new one at the first deploy */
    private outdir?: string,
  ) {}

  /** Puts the emulator's objects back as `saved` holds them and starts a scenario in a fresh copy of its outdir. */
  static from(saved: SavedScenario, emulator: RunningEmulator, fixture: StackFixture, captured: string[]): E2eScenario {
    emulator.service.load(structuredClone(saved.held));
    return new E2eScenario(fixture, captured, copyOutdir(saved.outdir));
  }

  /** What `from` needs to start again from here; later deploys of this scenario leave it unchanged. */
  save(emulator: RunningEmulator): SavedScenario {
    if (!this.outdir) throw new Error("nothing was applied yet");
    // A deep copy: the emulator's snapshot hands out its live objects, which later requests change in place.
    return { outdir: copyOutdir(this.outdir), held: structuredClone(emulator.service.snapshot()) };
  }

  get stackDir(): string {
    if (!this.outdir) throw new Error("nothing was applied yet");
    return path.join(this.outdir, "stacks", this.fixture.stackId);
  }

  async deploy(spec: StackSpec, options: DeployOptions = {}): Promise<Applied> {
    // The fixture learns the key variables (TF_VAR_*) while it builds: synthesize before asking for env().
    this.outdir = synthesize(this.builder(spec, options.tweak), this.outdir).outdir;
    const applied = await apply(this.builder(spec, options.tweak), {
      outdir: this.outdir,
      env: this.fixture.env(),
      allowFailure: options.allowFailure,
    });
    this.outdir = applied.outdir;
    this.capture(applied.output);
    return applied;
  }

  async plan(): Promise<Planned> {
    const planned = await plan(this.stackDir, { env: this.fixture.env() });
    this.capture(planned.output, planned.json);
    return planned;
  }

  /** Plans a changed spec without applying it (the configuration in the outdir is replaced). */
  async planFor(spec: StackSpec, tweak?: Tweak): Promise<Planned> {
    synthesize(this.builder(spec, tweak), this.outdir);
    return this.plan();
  }

  async destroy(): Promise<string> {
    const result = await runTerraform(["destroy", "-auto-approve", "-input=false", "-no-color"], {
      cwd: this.stackDir,
      env: this.fixture.env(),
    });
    this.capture(result.stdout + result.stderr);
    if (result.exitCode !== 0) throw new Error(`terraform destroy failed:\n${result.stdout}${result.stderr}`);
    return result.stdout + result.stderr;
  }

  /**
   * Applies `spec` and sends terraform SIGINT (as Ctrl-C would) once `until` holds (checked every 20 ms),
   * then waits for terraform to exit.
   */
  async applyInterrupted(spec: StackSpec, until: () => boolean): Promise<{ exitCode: number | null; output: string }> {
    if (!this.outdir) throw new Error("apply once first, so init is done");
    synthesize(this.builder(spec), this.outdir);
    const child = spawn("terraform", ["apply", "-auto-approve", "-input=false", "-no-color"], {
      cwd: this.stackDir,
      env: terraformEnv(this.fixture.env()),
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const watcher = setInterval(() => {
      if (!until()) return;
      clearInterval(watcher);
      child.kill("SIGINT");
    }, 20);
    const exitCode = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    clearInterval(watcher);
    this.capture(output);
    return { exitCode, output };
  }

  /** terraform's state file as text (captured for the secret search). */
  state(): string {
    const text = fs.readFileSync(path.join(this.stackDir, "terraform.tfstate"), "utf8");
    this.capture(text);
    return text;
  }

  /** Resource addresses in the state, with whether terraform holds them tainted. */
  stateResources(): { address: string; tainted: boolean }[] {
    const state = JSON.parse(this.state()) as {
      resources: { type: string; name: string; mode: string; instances: { status?: string }[] }[];
    };
    return state.resources
      .filter((resource) => resource.mode === "managed")
      .map((resource) => ({
        address: `${resource.type}.${resource.name}`,
        tainted: resource.instances.some((instance) => instance.status === "tainted"),
      }));
  }

  private capture(...texts: string[]): void {
    this.captured.push(...texts);
    if (this.outdir) {
      for (const file of ["terraform.tfstate", "cdk.tf.json"]) {
        const full = path.join(this.stackDir, file);
        if (fs.existsSync(full)) this.captured.push(fs.readFileSync(full, "utf8"));
      }
    }
  }

  private builder(spec: StackSpec, tweak?: Tweak): (app: App) => TerraformStack {
    const build = this.fixture.build(spec);
    return (app) => {
      const stack = build(app);
      tweak?.(finder(stack));
      return stack;
    };
  }
}

function copyOutdir(outdir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-apply-"));
  fs.cpSync(outdir, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

function finder(stack: TerraformStack): Found {
  const all = () => stack.node.findAll();
  const one = <T>(what: string, match: (construct: unknown) => construct is T): T => {
    const found = all().find((construct): construct is T & typeof construct => match(construct));
    if (!found) throw new Error(`no ${what} in stack ${stack.node.id}`);
    return found;
  };
  return {
    stack,
    hostname: (key) => one(`hostname ${key}`, (c): c is Hostname => c instanceof Hostname && c.hostname === key),
    certificate: (name) =>
      one(`certificate ${name}`, (c): c is Certificate => c instanceof Certificate && c.certificateName === name),
    virtualHosts: () => one("VirtualHosts", (c): c is VirtualHosts => c instanceof VirtualHosts),
  };
}

/** Terraform wraps its messages at 80 columns: one line, single spaces, for matching sentences. */
export function flat(text: string): string {
  return text.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
}

/** The writes (anything but GET) the API received, as "METHOD path". */
export function writes(emulator: RunningEmulator): string[] {
  return emulator.requestLog
    .list()
    .filter((entry) => entry.method !== "GET")
    .map((entry) => `${entry.method} ${entry.path}`);
}

/** The addresses a plan JSON changes, with terraform's actions for each. */
export function plannedActions(planned: Planned): Record<string, string[]> {
  const json = JSON.parse(planned.json) as {
    resource_changes?: { address: string; change: { actions: string[]; importing?: unknown } }[];
  };
  return Object.fromEntries(
    (json.resource_changes ?? [])
      .filter(
        (change) =>
          !(change.change.actions.length === 1 && change.change.actions[0] === "no-op") || change.change.importing,
      )
      .map((change) => [change.address, [...change.change.actions, ...(change.change.importing ? ["import"] : [])]]),
  );
}
