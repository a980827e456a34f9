/**
 * Starting the emulator: in-process for tests (`startEmulator()` on port 0) and from bin.ts.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { AddressInfo } from "node:net";
import { Server } from "node:http";
import { P1asEnvironment } from "../p1as/facts";
import { EmulatorState, createApp } from "./app";
import { ClientSeed, DEMO_CLIENTS, DEMO_PINGONE_ENVIRONMENT_ID, toClient } from "./clients";
import { ContractMode, DEFAULT_CONTRACT_MODE } from "./contract";
import { FaultInjector, RequestLog } from "./faults";
import { KNOWN_ROUTE_KEYS } from "./routes";
import { PersistedState, SelfServiceEmulator } from "./service";
import { TokenIssuer } from "./tokens";
import { EmulatedPingOne, PingOneOptions, createPingOne } from "./pingone/pingone";
import { PingOnePersistedState } from "./pingone/store";
import { MANAGEMENT_API_PREFIX } from "./pingone/routes";

export interface StartEmulatorOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** @default 0 */
  readonly completionDelayMs?: number;
  /** Extra client-credentials applications. @default - none */
  readonly clients?: readonly ClientSeed[];
  /** Also seed the documented demo clients. @default true */
  readonly seedDemoClients?: boolean;
  /**
   * JSON file that keeps the API state across restarts. It holds private keys (the API needs them to
   * serve TLS), so it is written with mode 0600 and must be treated as a secret. @default - memory only
   */
  readonly stateFile?: string;
  /** @default true */
  readonly exposeCertificateFingerprint?: boolean;
  /**
   * Which contract the API serves: every guess of p1as/assumptions.ts, or only the publicly confirmed
   * facts (see ./contract.ts). Switchable later with PATCH /_emulator/settings. @default "assumed"
   */
  readonly contract?: ContractMode;
  /**
   * The emulated PingOne: workers for its management API (seed them here or through the bin's
   * environment variables / --config file, never argv) and a clock for secret expiry in tests.
   * The management API is always served; without a worker every call to it gets 401. @default - no workers
   */
  readonly pingone?: Omit<PingOneOptions, "onChange">;
  /**
   * Audiences and scopes the self-service API accepts in the assumed contract besides the built-in ones
   * (./token-checks.ts). Changeable with PATCH /_emulator/settings {acceptAudiences, acceptScopes}. @default - none
   */
  readonly accept?: { readonly audiences?: readonly string[]; readonly scopes?: readonly string[] };
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly state: EmulatorState;
  readonly service: SelfServiceEmulator;
  readonly requestLog: RequestLog;
  readonly faults: FaultInjector;
  readonly pingone: EmulatedPingOne;
  /** `…/v1`: base URL of the emulated PingOne management API (paths `/environments/{envId}/…`). */
  readonly managementApiUrl: string;
  /** Token endpoint of a PingOne environment. @default DEMO_PINGONE_ENVIRONMENT_ID */
  tokenUrl(pingOneEnvironmentId?: string): string;
  /** Self-service API base URL (…/api/v1) of a P1AS environment. */
  apiUrl(environment: P1asEnvironment): string;
  close(): Promise<void>;
}

/** The state file: the self-service API's objects and, under `pingone`, the emulated PingOne's (older files have none). */
type StateFile = PersistedState & { readonly pingone?: PingOnePersistedState };

function loadState(service: SelfServiceEmulator, pingone: EmulatedPingOne, file: string): void {
  if (!existsSync(file)) return;
  const state = JSON.parse(readFileSync(file, "utf8")) as StateFile;
  if (state?.version !== 1 || typeof state.environments !== "object")
    throw new Error(`${file}: not an emulator state file (version 1)`);
  service.load(state);
  if (state.pingone) pingone.store.load(state.pingone);
}

function saveState(service: SelfServiceEmulator, pingone: EmulatedPingOne, file: string): void {
  const temporary = `${file}.tmp`;
  const state: StateFile = { ...service.snapshot(), pingone: pingone.store.snapshot() };
  writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

export async function createState(options: StartEmulatorOptions = {}): Promise<EmulatorState> {
  const stateFile = options.stateFile;
  const save = stateFile ? () => saveState(service, pingone, stateFile) : undefined;
  const service: SelfServiceEmulator = new SelfServiceEmulator({
    completionDelayMs: options.completionDelayMs ?? 0,
    exposeCertificateFingerprint: options.exposeCertificateFingerprint,
    onChange: save,
  });
  const pingone: EmulatedPingOne = createPingOne({ ...options.pingone, onChange: save });
  if (stateFile) loadState(service, pingone, stateFile);
  const seeds = [...((options.seedDemoClients ?? true) ? DEMO_CLIENTS : []), ...(options.clients ?? [])];
  return {
    service,
    settings: {
      contract: options.contract ?? DEFAULT_CONTRACT_MODE,
      accept: { audiences: [...(options.accept?.audiences ?? [])], scopes: [...(options.accept?.scopes ?? [])] },
    },
    issuer: await TokenIssuer.create(),
    clients: new Map(seeds.map((seed) => [seed.clientId, toClient(seed)])),
    faults: new FaultInjector(KNOWN_ROUTE_KEYS),
    requestLog: new RequestLog(),
    pingone,
  };
}

/** Listens once the socket is bound (no sleeping), and resolves with its URL and controls. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const state = await createState(options);
  const app = createApp(state);
  const host = options.host ?? "127.0.0.1";
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  // Clients keep connections alive (Node's default agent does); a server closing an idle socket just as a
  // client reuses it resets that request. A long idle timeout keeps that race out of slow, loaded test runs.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    state,
    service: state.service,
    requestLog: state.requestLog,
    faults: state.faults,
    pingone: state.pingone,
    managementApiUrl: `${url}${MANAGEMENT_API_PREFIX}`,
    tokenUrl: (pingOneEnvironmentId = DEMO_PINGONE_ENVIRONMENT_ID) => `${url}/${pingOneEnvironmentId}/as/token`,
    apiUrl: (environment) => `${url}/${environment}/api/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
