/**
 * The whole user path for backend, drift and adoption suites: a config file (explicit credentials: a write client
 * and a read-only one; the emulator as self-service API; any state backend), `synthesize` from main.ts, then
 * `deploy` and `plan` with real terraform. Certificates and the client secrets are generated per app and never
 * written to git.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { BackendConfig } from "../../config/schema";
import { DEMO_PINGONE_ENVIRONMENT_ID } from "../../emulator/clients";
import type { ContractMode } from "../../emulator/contract";
import type { PersistedState } from "../../emulator/service";
import { RunningEmulator, startEmulator } from "../../emulator/start";
import { synthesize } from "../../stacks/synthesize";
import { P1AS_ENVIRONMENTS, P1asEnvironment, Product } from "../../p1as/facts";
import { clientSecretEnv } from "../../p1as/secret-names";
import { deploy, DeployOptions } from "../../tools/deploy/main";
import { runTerraform, TerraformResult } from "../../tools/terraform/run";
import { makeCertificate } from "./certs";
import { testClientId } from "./emulator";

export interface AppHostname {
  readonly hostname: string;
  readonly product: Product;
  readonly certname: string;
  readonly adopt?: boolean;
}

export interface AppCertificate {
  readonly name: string;
  readonly adopt?: boolean;
}

export interface AppEnvironmentSpec {
  readonly certificates: readonly AppCertificate[];
  readonly hostnames: readonly AppHostname[];
  /** The environment's `retire` flag. @default - not set */
  readonly retire?: boolean;
  /** `selfService.maxRetries`. @default - not set (the provider's default) */
  readonly maxRetries?: number;
}

export interface AppSpec extends AppEnvironmentSpec {
  /** dev's backend. @default - local state in the app's directory */
  readonly backend?: BackendConfig;
  /**
   * P1AS environments after dev, on the same client, each with local state in the app's directory (the
   * emulator's client needs their `<env>-tls-admin` group: startEmulatorFor's `environments`).
   * @default - none
   */
  readonly others?: Partial<Record<Exclude<P1asEnvironment, "dev">, AppEnvironmentSpec>>;
  /** `pingone.roleAttributes.retiredEnvironments`. @default - none */
  readonly retiredEnvironments?: readonly P1asEnvironment[];
}

export interface P1asApp {
  readonly dir: string;
  readonly outdir: string;
  /** The one stack this app deploys. */
  readonly stack: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly audit: AppClient;
  /** Both clients' secrets under every environment's variables (and PG_CONN_STR when given): what an apply job exports. */
  readonly env: NodeJS.ProcessEnv;
  /** The read-only client's secrets only: what a plan job exports. */
  readonly readOnlyEnv: NodeJS.ProcessEnv;
  /** The PEM files of every certificate generated so far, by name (a certificate keeps its files once made). */
  readonly certificatePems: Map<string, { fullchain: string; privkey: string }>;
  /** Writes the config for `spec` and synthesizes it into `outdir`. Returns the config file. */
  synth(spec: AppSpec): string;
  deploy(options?: Partial<DeployOptions>, log?: (message: string) => void): Promise<string[]>;
  /** `terraform plan -detailed-exitcode`: 0 no changes, 2 changes. */
  plan(): Promise<TerraformResult>;
  terraform(args: readonly string[]): Promise<TerraformResult>;
  /** Deletes the local state file (and its backup): the next deploy starts from no state. */
  resetState(): void;
  remove(): void;
}

/** One OAuth client the emulator knows. */
export interface AppClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The write client (`<env>-tls-admin`) and, in `audit`, the read-only one (`<env>-tls-audit`). */
export interface AppClients extends AppClient {
  readonly audit: AppClient;
}

/** Where the provider reads dev's write client secret: what a test sets to a wrong value to see it used. */
export const APP_CLIENT_SECRET_ENV = clientSecretEnv("dev", "admin");

/** Each environment's variables hold the same app clients (the emulator gives them every environment's roles). */
function secretsEnv(clients: AppClients, levels: readonly ("admin" | "audit")[]): NodeJS.ProcessEnv {
  return Object.fromEntries(
    P1AS_ENVIRONMENTS.flatMap((name) =>
      levels.map((level) => [
        clientSecretEnv(name, level),
        level === "admin" ? clients.clientSecret : clients.audit.clientSecret,
      ]),
    ),
  );
}

export interface P1asAppOptions extends AppClients {
  /** Base URL of the emulator (or a proxy in front of it). */
  readonly emulatorUrl: string;
  /** @default - none */
  readonly env?: NodeJS.ProcessEnv;
}

export function createP1asApp(options: P1asAppOptions): P1asApp {
  const dir = mkdtempSync(path.join(tmpdir(), "p1as-app-"));
  const outdir = path.join(dir, "cdktf.out");
  const certDir = path.join(dir, "certs");
  mkdirSync(certDir);
  const stack = "p1as-dev";
  const stackDir = path.join(outdir, "stacks", stack);
  const env = { ...secretsEnv(options, ["admin", "audit"]), ...options.env };
  const readOnlyEnv = { ...secretsEnv(options, ["audit"]), ...options.env };
  const certificatePems = new Map<string, { fullchain: string; privkey: string }>();
  const terraform = (args: readonly string[]) => runTerraform(args, { cwd: stackDir, env });

  const synth = (spec: AppSpec): string => {
    const others = Object.entries(spec.others ?? {}) as [P1asEnvironment, AppEnvironmentSpec][];
    for (const { name } of [spec, ...others.map(([, other]) => other)].flatMap(
      (environment) => environment.certificates,
    )) {
      if (certificatePems.has(name)) continue;
      const pem = makeCertificate({ commonName: `*.${name}.acme.example` });
      certificatePems.set(name, pem);
      writeFileSync(path.join(certDir, `${name}.pem`), pem.fullchain);
      writeFileSync(path.join(certDir, `${name}.key`), pem.privkey, { mode: 0o600 });
    }
    const environment = (name: P1asEnvironment, environmentSpec: AppEnvironmentSpec, backend: BackendConfig) => ({
      name,
      ...(environmentSpec.retire === undefined ? {} : { retire: environmentSpec.retire }),
      selfService: {
        apiUrl: `${options.emulatorUrl}/${name}/api/v1`,
        tokenUrl: `${options.emulatorUrl}/${DEMO_PINGONE_ENVIRONMENT_ID}/as/token`,
        ...(environmentSpec.maxRetries === undefined ? {} : { maxRetries: environmentSpec.maxRetries }),
      },
      credentials: { clientId: options.clientId, audit: { clientId: options.audit.clientId } },
      backend,
      virtualHosts: {
        certificates: environmentSpec.certificates.map(({ name: certname, adopt }) => ({
          name: certname,
          fullchainFile: `certs/${certname}.pem`,
          privateKeyFile: `certs/${certname}.key`,
          ...(adopt === undefined ? {} : { adopt }),
        })),
        hostnames: environmentSpec.hostnames,
      },
    });
    const roleAttributes = {
      manage: false,
      ...(spec.retiredEnvironments ? { retiredEnvironments: spec.retiredEnvironments } : {}),
    };
    const config = {
      customer: "acme",
      p1asRegion: "us1",
      pingone: { environmentId: DEMO_PINGONE_ENVIRONMENT_ID, regionCode: "NA", roleAttributes },
      environments: [
        environment("dev", spec, spec.backend ?? { type: "local", path: path.join(dir, "p1as-dev.tfstate") }),
        ...others.map(([name, other]) =>
          environment(name, other, { type: "local", path: path.join(dir, `p1as-${name}.tfstate`) }),
        ),
      ],
    };
    const file = path.join(dir, "p1as.json");
    writeFileSync(file, JSON.stringify(config, null, 2));
    rmSync(outdir, { recursive: true, force: true });
    synthesize(file, outdir);
    return file;
  };

  return {
    dir,
    outdir,
    stack,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    audit: options.audit,
    env,
    readOnlyEnv,
    certificatePems,
    synth,
    deploy: (deployOptions = {}, log?: (message: string) => void) =>
      deploy({ outdir, lockTimeout: "0s", ifPresent: false, env, ...deployOptions }, log),
    plan: () => terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock=false"]),
    terraform,
    resetState: () =>
      ["", ".backup"].forEach((suffix) => rmSync(path.join(dir, `p1as-dev.tfstate${suffix}`), { force: true })),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** One wildcard certificate and the two hostnames on it: the dev stack the drift, adopt and pg suites deploy. */
export const TWO_HOSTNAMES: AppSpec = {
  certificates: [{ name: "wildcard-dev" }],
  hostnames: [
    { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" },
    { hostname: "api.dev.acme.example", product: "pingfederate-admin-api", certname: "wildcard-dev" },
  ],
};

/**
 * An emulator that knows only these clients, the write client as `<env>-tls-admin` and the read-only one as
 * `<env>-tls-audit` of each of `environments` (default dev), serving `contract` (the provider discovers it).
 */
export function startEmulatorFor(
  clients: AppClients,
  contract: ContractMode = "assumed",
  environments: readonly P1asEnvironment[] = ["dev"],
): Promise<RunningEmulator> {
  const seed = (client: AppClient, level: string) => ({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    groups: environments.map((name) => `${name}-tls-${level}`),
  });
  return startEmulator({
    seedDemoClients: false,
    clients: [seed(clients, "admin"), seed(clients.audit, "audit")],
    contract,
  });
}

/** Both contract modes, for `describe.each`: the suites' behaviour differs where the API has no update route. */
export const CONTRACT_MODES: readonly ContractMode[] = ["assumed", "confirmed"];

/** Two clients (write and read-only), each an id and a random secret, so a leak of either can be searched for. */
export function appClient(name: string): AppClients {
  const one = (id: string) => ({
    clientId: testClientId(id),
    clientSecret: `${id}-${randomBytes(16).toString("hex")}`,
  });
  return { ...one(name), audit: one(`${name}-audit`) };
}

/** What the emulator's dev environment holds, by key, sorted. */
export function heldKeys(emulator: RunningEmulator): { certificates: string[]; hostnames: string[] } {
  const keys = (items: object[], field: string) => items.map((item) => (item as Record<string, string>)[field]).sort();
  return {
    certificates: keys(emulator.service.listCertificates("dev"), "name"),
    hostnames: keys(emulator.service.listHostnames("dev"), "hostname"),
  };
}

/** A dev hostname's routing as the emulator holds it; undefined when absent. */
export function routingOf(
  emulator: RunningEmulator,
  hostname: string,
): { product: string; certname: string } | undefined {
  const found = emulator.service
    .listHostnames("dev")
    .find((item) => (item as { hostname: string }).hostname === hostname) as
    { product: string; certname: string } | undefined;
  return found && { product: found.product, certname: found.certname };
}

/**
 * An emulator that knows one client, and an app for it, for the whole of a describe block (the drift and adopt
 * suites): created before its first test, removed after its last. Read the fields inside tests.
 */
export function sharedP1asApp(
  name: string,
  contract?: ContractMode,
  environments?: readonly P1asEnvironment[],
): { readonly emulator: RunningEmulator; readonly app: P1asApp } {
  const shared = {} as { emulator: RunningEmulator; app: P1asApp };
  const client = appClient(name);
  beforeAll(async () => {
    shared.emulator = await startEmulatorFor(client, contract, environments);
    shared.app = createP1asApp({ emulatorUrl: shared.emulator.url, ...client });
  });
  afterAll(async () => {
    await shared.emulator?.close();
    shared.app?.remove();
  });
  return shared;
}

/** The app's local state files (and their backups): what terraform knows, beside what the emulator holds. */
const STATE_FILE = /\.tfstate(\.backup)?$/;

/**
 * Runs `prepare` once for the whole describe block (after sharedP1asApp's setup), and returns `restore`, which
 * puts back what the emulator held and what terraform's local state recorded right after it: a test that changes
 * either (drift made in the console, a repairing deploy, an import) leaves nothing for the next one, without
 * paying for the preparation's deploys itself. The emulator's request log is cleared too; the synthesized
 * output is the caller's (synthesize again in beforeEach when a test changes it).
 */
export function preparedOnce(
  shared: { readonly emulator: RunningEmulator; readonly app: P1asApp },
  prepare: () => Promise<void>,
): { restore(): void } {
  let held: PersistedState;
  let states: Map<string, Buffer>;
  beforeAll(async () => {
    await prepare();
    // A deep copy: the emulator's snapshot hands out its live objects, which later requests change in place.
    held = structuredClone(shared.emulator.service.snapshot());
    states = new Map(
      readdirSync(shared.app.dir)
        .filter((name) => STATE_FILE.test(name))
        .map((name) => [name, readFileSync(path.join(shared.app.dir, name))]),
    );
  });
  return {
    restore: () => {
      shared.emulator.service.load(held);
      for (const name of readdirSync(shared.app.dir).filter((file) => STATE_FILE.test(file)))
        rmSync(path.join(shared.app.dir, name));
      for (const [name, content] of states) writeFileSync(path.join(shared.app.dir, name), content);
      shared.emulator.requestLog.clear();
    },
  };
}

/** preparedOnce with a synth and a deploy of `spec`: the stack deployed and in sync before every test. */
export function deployedOnce(
  shared: { readonly emulator: RunningEmulator; readonly app: P1asApp },
  spec: AppSpec,
): { restore(): void } {
  return preparedOnce(shared, async () => {
    shared.app.synth(spec);
    await shared.app.deploy();
  });
}
