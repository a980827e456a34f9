/**
 * A new user's project in PingOne mode (no `credentials`: the stacks create their clients), bootstrapped from an
 * empty tenant: one emulator per suite (emulated PingOne with a deploy worker and a plan worker, and the P1AS
 * self-service API), the PingOne provider test double in a throw-away mirror (TF_CLI_CONFIG_FILE), and a throw-away
 * project folder (the built project linked in, a config and certificates of its own) where the commands of
 * docs/getting-started.md run as child processes, as a user runs them.
 *
 * Deploying is slow, so a suite deploys once and keeps a snapshot (both emulated services and every local state
 * file) that later tests restore.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import axios from "axios";
import type { ContractMode } from "../../emulator/contract";
import type { RunningEmulator } from "../../emulator/start";
import { startEmulator } from "../../emulator/start";
import { installTestDouble, TestDoubleInstallation } from "../../pingone-double/install";
import type { P1asEnvironment } from "../../p1as/facts";
import { makeCertificate } from "./certs";
import type { WorkerSeed } from "../../emulator/pingone/workers";
import { managementApi, workerSeed } from "./pingone";
import { workerEnv } from "./pingone-tenant";
import { cdktfCliEnv } from "./cdktf-node";

export const ROOT = path.resolve(__dirname, "..", "..");

/** The files of the project a command needs at its root; dist/, node_modules/, provider-schema/ and scripts/ are linked, not copied. */
const PROJECT_FILES = ["package.json", "tsconfig.json", "cdktf.json", "cdktf-app.js"];

export interface CommandResult {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr without terminal escapes, white space runs folded to one space (terraform wraps diagnostics at its width). */
  readonly text: string;
}

export interface PingOneProject {
  readonly emulator: RunningEmulator;
  readonly double: TestDoubleInstallation;
  /** The PingOne environment of the config and of both workers. */
  readonly environmentId: string;
  /** May manage applications, resources and the user schema, and read application secrets. */
  readonly deployWorker: WorkerSeed;
  /** Read-only, without `applications:read:secret`. */
  readonly planWorker: WorkerSeed;
  /** The project copy: commands run here, cdktf.out/ and the config live here. */
  readonly dir: string;
  readonly configFile: string;
  /** Moves the emulated PingOne's clock (previous-secret expiry) this far ahead of real time. */
  clockOffsetMs: number;
  /** Everything every command printed, for the secret search at the end. */
  readonly transcript: string[];
  /** Writes the config (PingOne mode, local state under state/) of these environments, with their overrides. */
  writeConfig(overrides?: Partial<Record<P1asEnvironment, object>>, environments?: readonly P1asEnvironment[]): void;
  /** The deploy worker's variables, the emulator's hosts and the double's CLI configuration. */
  env(worker?: WorkerSeed): NodeJS.ProcessEnv;
  run(command: string, env?: NodeJS.ProcessEnv): Promise<CommandResult>;
  /** Saves both emulated services and every state file; `restore` puts them back. */
  snapshot(): void;
  restore(): void;
  /** Every secret of this tenant: the workers', each application's current and previous one, the certificate keys. */
  secrets(): Promise<string[]>;
  /** Every local state file of the project. */
  stateFiles(): string[];
}

/** One emulator, double and project for the describe block it is called in. */
export function pingOneProject(name: string, contract: ContractMode): PingOneProject {
  const project = { clockOffsetMs: 0, transcript: [] as string[] } as {
    -readonly [K in keyof PingOneProject]: PingOneProject[K];
  };
  const keys: string[] = [];
  let saved: { pingone: unknown; service: unknown; states: Map<string, Buffer> } | undefined;

  beforeAll(async () => {
    project.environmentId = randomUUID();
    project.deployWorker = workerSeed("full", project.environmentId);
    project.planWorker = workerSeed("read-only", project.environmentId);
    project.emulator = await startEmulator({
      seedDemoClients: false,
      contract,
      pingone: { workers: [project.deployWorker, project.planWorker], clock: () => Date.now() + project.clockOffsetMs },
    });
    project.double = installTestDouble();
    project.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
    for (const file of PROJECT_FILES)
      fs.cpSync(path.join(ROOT, file), path.join(project.dir, file), { preserveTimestamps: true });
    for (const linked of ["dist", "node_modules", "provider-schema", "scripts"])
      fs.symlinkSync(path.join(ROOT, linked), path.join(project.dir, linked));
    fs.mkdirSync(path.join(project.dir, "config"));
    fs.mkdirSync(path.join(project.dir, "certs"));
    for (const environment of ["dev", "prod"]) {
      const pair = makeCertificate({ commonName: `*.${environment}.acme.example` });
      keys.push(pair.privkey);
      fs.writeFileSync(path.join(project.dir, "certs", `${environment}.pem`), pair.fullchain);
      fs.writeFileSync(path.join(project.dir, "certs", `${environment}.key`), pair.privkey, { mode: 0o600 });
    }
    project.configFile = path.join(project.dir, "config", "tenant.json");
  });
  afterAll(async () => {
    await project.emulator?.close();
    project.double?.remove();
    if (project.dir) fs.rmSync(project.dir, { recursive: true, force: true });
  });

  project.writeConfig = (overrides = {}, environments = ["dev", "prod"]) => {
    const environment = (name: P1asEnvironment) => ({
      name,
      selfService: {
        apiUrl: project.emulator.apiUrl(name),
        tokenUrl: project.emulator.tokenUrl(project.environmentId),
      },
      // Absolute, so that each project keeps its own state: a relative path is not taken from the config's folder.
      backend: { type: "local", path: path.join(project.dir, "state", `p1as-${name}.tfstate`) },
      virtualHosts: {
        certificates: [
          { name: `wildcard-${name}`, fullchainFile: `../certs/${name}.pem`, privateKeyFile: `../certs/${name}.key` },
        ],
        hostnames: [
          { hostname: `auth.${name}.acme.example`, product: "pingfederate-engines", certname: `wildcard-${name}` },
        ],
      },
      ...overrides[name],
    });
    const config = {
      customer: "acme",
      p1asRegion: "us1",
      pingone: {
        environmentId: project.environmentId,
        regionCode: "NA",
        apiUrl: project.emulator.managementApiUrl,
        roleAttributes: { manage: true },
        backend: { type: "local", path: path.join(project.dir, "state", "pingone-directory.tfstate") },
      },
      environments: environments.map(environment),
    };
    fs.writeFileSync(project.configFile, JSON.stringify(config, null, 2));
  };

  project.env = (worker = project.deployWorker) => {
    const host = new URL(project.emulator.url).host;
    const home = path.join(project.dir, "home");
    fs.mkdirSync(home, { recursive: true });
    // Nothing of the outer process's terraform or PingOne settings: a user's shell as the page sets it up.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(TF_|PINGONE_|P1AS_|CDKTF_)/.test(key)),
    );
    return {
      ...inherited,
      HOME: home,
      CHECKPOINT_DISABLE: "1",
      P1AS_CONFIG: "config/tenant.json",
      ...workerEnv(worker),
      ...project.double.env,
      PINGONE_API_SERVICE_HOSTNAME: host,
      PINGONE_AUTH_SERVICE_HOSTNAME: host,
    };
  };

  project.run = (command, env = project.env()) =>
    new Promise((resolve) => {
      execFile(
        "bash",
        ["-c", command],
        { cwd: project.dir, env: /\bcdktf\b/.test(command) ? cdktfCliEnv(env) : env, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          project.transcript.push(`$ ${command}\n${stdout}\n${stderr}`);
          // eslint-disable-next-line no-control-regex
          const text = `${stdout}\n${stderr}`.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "").replace(/\s+/g, " ");
          resolve({ command, code, stdout, stderr, text });
        },
      );
    });

  project.stateFiles = () => {
    const dir = path.join(project.dir, "state");
    return fs.existsSync(dir) ? fs.readdirSync(dir).map((file) => path.join(dir, file)) : [];
  };

  project.snapshot = () => {
    saved = {
      pingone: project.emulator.pingone.store.snapshot(),
      service: project.emulator.service.snapshot(),
      states: new Map(project.stateFiles().map((file) => [file, fs.readFileSync(file)])),
    };
  };

  project.restore = () => {
    if (!saved) throw new Error("restore before snapshot");
    project.emulator.pingone.store.load(saved.pingone as Parameters<RunningEmulator["pingone"]["store"]["load"]>[0]);
    project.emulator.service.load(saved.service as Parameters<RunningEmulator["service"]["load"]>[0]);
    for (const file of project.stateFiles()) if (!saved.states.has(file)) fs.rmSync(file);
    for (const [file, content] of saved.states) fs.writeFileSync(file, content);
    project.clockOffsetMs = 0;
  };

  project.secrets = async () => {
    const api = await managementApi(project.emulator, project.deployWorker);
    const applications = ((await api.get("/applications")).data._embedded?.applications ?? []) as { id: string }[];
    const values = [project.deployWorker.clientSecret, project.planWorker.clientSecret, ...keys.map(pemBody)];
    for (const application of applications) {
      const secret = (await api.get(`/applications/${application.id}/secret`)).data as {
        secret: string;
        previous?: { secret: string };
      };
      values.push(secret.secret, ...(secret.previous ? [secret.previous.secret] : []));
    }
    return values;
  };

  return project;
}

/** The base64 body of a PEM key, one line of it: what would show if the key leaked in any wrapping. */
function pemBody(pem: string): string {
  return pem.split("\n").filter((line) => line && !line.startsWith("-----"))[1];
}

/** An application of the emulated PingOne by name: its id (the client id) and current secret. */
export async function applicationClient(
  project: PingOneProject,
  name: string,
): Promise<{ clientId: string; clientSecret: string }> {
  const api = await managementApi(project.emulator, project.deployWorker);
  const found = ((await api.get("/applications")).data._embedded?.applications ?? []).filter(
    (item: { name: string }) => item.name === name,
  );
  if (found.length !== 1) throw new Error(`${found.length} applications named ${name}`);
  return { clientId: found[0].id, clientSecret: (await api.get(`/applications/${found[0].id}/secret`)).data.secret };
}

/** A client-credentials token response of the emulated PingOne (any status). */
export function clientToken(project: PingOneProject, client: { clientId: string; clientSecret: string }) {
  return axios.post(project.emulator.tokenUrl(project.environmentId), "grant_type=client_credentials", {
    auth: { username: client.clientId, password: client.clientSecret },
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    validateStatus: () => true,
  });
}

/** The names of what the emulated PingOne holds, by kind. */
export function pingOneNames(project: PingOneProject): {
  resources: string[];
  applications: string[];
  scopes: string[];
  grants: number;
  roles: { value: string; archived: boolean }[];
} {
  const data = project.emulator.pingone.store.snapshot().environments[project.environmentId] as unknown as Record<
    string,
    Record<string, any>[]
  >;
  const names = (items: Record<string, any>[] = []) => items.map((item) => item.name as string).sort();
  const custom = (data.resources ?? []).filter((resource) => resource.type === "CUSTOM");
  const roles = (data.schemaAttributes ?? []).find((attribute) => attribute.name === "p1asSelfServiceRoles");
  return {
    resources: names(custom),
    applications: names(data.applications),
    scopes: names(data.scopes),
    grants: (data.grants ?? []).length,
    roles: ((roles?.enumeratedValues ?? []) as { value: string; archived?: boolean }[]).map(({ value, archived }) => ({
      value,
      archived: archived === true,
    })),
  };
}

/**
 * The commands of a fenced `sh` block of docs/getting-started.md under `heading`, with the alternative a `# or:`
 * comment gives, as typed: what the acceptance test runs.
 */
export function gettingStartedCommands(heading: string): string[] {
  const page = fs.readFileSync(path.join(ROOT, "docs", "getting-started.md"), "utf8");
  const section = page.split(/^## /m).find((part) => part.startsWith(heading));
  if (!section) throw new Error(`docs/getting-started.md has no section "## ${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block.split("\n").flatMap((line) => {
    const [command, comment = ""] = line.split(/\s+#\s*/, 2);
    const alternative = /^or\b[^:]*: (.*)$/.exec(comment.trim())?.[1];
    return [command.trim(), ...(alternative ? [alternative.trim()] : [])].filter((item) => item !== "");
  });
}

/**
 * `npm run <script> -- <args>` as the script's last command with those args, without the staleness check it
 * preloads (the project is built once for the whole run, and the copy holds no sources); anything else unchanged.
 */
export function withoutBuild(command: string): string {
  const match = /^npm run ([\w:-]+)(?: -- (.*))?$/.exec(command);
  if (!match) return command;
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<
    string,
    string
  >;
  const script = scripts[match[1]];
  if (!script) throw new Error(`package.json has no script ${match[1]}`);
  const last = script.split("&&").pop()!.replace(" -r ./scripts/build-if-stale.js", "").trim();
  return match[2] ? `${last} ${match[2]}` : last;
}

/**
 * Timings of a suite's commands (docs/reliability-and-security.md quotes them). Call it inside a describe block:
 * the timings start empty before the block and are printed once after it, under `title`.
 */
export function commandTimings(title: string): <T>(label: string, action: () => Promise<T>) => Promise<T> {
  let timings: Record<string, number> = {};
  beforeAll(() => {
    timings = {};
  });
  afterAll(() => console.log(`${title} timings, ms: ${JSON.stringify(timings)}`));
  return async (label, action) => {
    const started = Date.now();
    const result = await action();
    timings[label] = Date.now() - started;
    return result;
  };
}
