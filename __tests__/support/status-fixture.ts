/**
 * Shared setup of the status view's suites: an emulator in a given contract mode, a config synthesized into
 * a temporary outdir (one certificate, three hostnames on it), and the API filled with exactly what the code
 * declares, straight through the emulator's service so that the only HTTP the tests see is the status view's.
 * The status view's client holds the read-only role (dev-tls-audit): a status view needs no more.
 */
import { ContractMode } from "../../emulator/contract";
import { RunningEmulator, startEmulator } from "../../emulator/start";
import { Product } from "../../p1as/facts";
import { resolveTargets, Target } from "../../tools/status/targets";
import { AppSpec, appClient, createP1asApp, P1asApp } from "./p1as-app";

export const STATUS_SPEC: AppSpec = {
  certificates: [{ name: "wildcard-dev" }],
  hostnames: [
    { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" },
    { hostname: "api.dev.acme.example", product: "pingfederate-admin-api", certname: "wildcard-dev" },
    { hostname: "www.dev.acme.example", product: "pingaccess-engines", certname: "wildcard-dev" },
  ],
  // One retry, not the default seven: the status view's tests of an unreadable API then wait one backoff (about
  // 0.3 s) instead of seven (about 25 s). No status test depends on more retries than one.
  maxRetries: 1,
};

export interface StatusFixture {
  readonly emulator: RunningEmulator;
  readonly app: P1asApp;
  readonly configFile: string;
  /** What a user exports: P1AS_CONFIG and the read-only client's secret (the status view reads, nothing more). */
  readonly env: NodeJS.ProcessEnv;
  /** Puts exactly the declared objects into the API (status complete) and forgets earlier requests. */
  fillAsDeclared(): void;
  /** A hostname the code does not declare. */
  addHostname(hostname: string, product: Product): void;
  targets(): Target[];
  close(): Promise<void>;
}

export async function startStatusFixture(name: string, contract: ContractMode): Promise<StatusFixture> {
  const client = appClient(name);
  const emulator = await startEmulator({
    seedDemoClients: false,
    contract,
    clients: [{ ...client.audit, groups: ["dev-tls-audit"] }],
  });
  const app = createP1asApp({ emulatorUrl: emulator.url, ...client });
  let configFile: string;
  try {
    configFile = app.synth(STATUS_SPEC);
  } catch (error) {
    // A suite whose setup failed must not leave a listening emulator behind (jest would never exit).
    await emulator.close();
    app.remove();
    throw error;
  }
  const env = { ...app.readOnlyEnv, P1AS_CONFIG: configFile };
  return {
    emulator,
    app,
    configFile,
    env,
    fillAsDeclared() {
      emulator.service.reset();
      for (const { name: certificate } of STATUS_SPEC.certificates) {
        emulator.service.createCertificate("dev", { name: certificate, ...app.certificatePems.get(certificate)! });
      }
      for (const hostname of STATUS_SPEC.hostnames) emulator.service.createHostname("dev", hostname);
      emulator.requestLog.clear();
    },
    addHostname(hostname, product) {
      emulator.service.createHostname("dev", { hostname, product, certname: STATUS_SPEC.certificates[0].name });
    },
    targets: () => resolveTargets({ configFile, outdir: app.outdir, env }),
    async close() {
      await emulator.close();
      app.remove();
    },
  };
}

/** Every request the emulator served that could change something: a status view must cause none. */
export function writesSeen(emulator: RunningEmulator): string[] {
  return emulator.requestLog
    .list()
    .filter((entry) => entry.method !== "GET" && !(entry.method === "POST" && /\/as\/token$/.test(entry.path)))
    .map((entry) => `${entry.method} ${entry.path}`);
}
