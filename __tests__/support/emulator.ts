/**
 * Shared setup for suites that drive the emulator over real loopback HTTP: an in-process emulator on
 * port 0, a client with its own credentials, and capture of every log line so suites can prove no
 * secret ever reaches one.
 */
import { createHash } from "node:crypto";
import { inspect } from "node:util";
import { RetryPolicy } from "../../client/retry";
import { SelfServiceClient } from "../../client/self-service-client";
import { TokenClient, TokenEndpointAuthMethod } from "../../client/token-client";
import { P1asEnvironment } from "../../p1as/facts";
import { ClientSeed } from "../../emulator/clients";
import { RunningEmulator, StartEmulatorOptions, startEmulator } from "../../emulator/start";
import { GeneratedCertificate, makeCertificate } from "./certs";

/** A PingOne-shaped client id (a UUID) that still says which suite it belongs to: the same name gives the same id. */
export function testClientId(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A client seeded per suite; its secret is random so a leak can be searched for. */
export function testClientSeed(clientId: string, groups: string[]): ClientSeed {
  return { clientId, clientSecret: `secret-${clientId}-${Math.random().toString(36).slice(2)}`, groups };
}

export async function startTestEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ seedDemoClients: false, ...options });
}

/**
 * One emulator for a whole test file, with a certificate pair, and a clean slate before every test (no objects,
 * faults or logged requests, no completion delay, the assumed contract). Call at the top level of the file.
 */
export function sharedEmulator(clients: ClientSeed[]): {
  readonly emulator: RunningEmulator;
  readonly cert: GeneratedCertificate;
} {
  const shared = {} as { emulator: RunningEmulator; cert: GeneratedCertificate };
  beforeAll(async () => {
    shared.emulator = await startTestEmulator({ clients });
    shared.cert = makeCertificate({ commonName: "*.dev.acme.example" });
  });
  afterAll(() => shared.emulator?.close());
  beforeEach(() => {
    const { emulator } = shared;
    emulator.service.reset();
    emulator.service.completionDelayMs = 0;
    emulator.faults.clear();
    emulator.requestLog.clear();
    emulator.state.settings.contract = "assumed";
  });
  return shared;
}

export interface TestClient {
  readonly api: SelfServiceClient;
  readonly tokens: TokenClient;
  /** Every progress line the client wrote. */
  readonly lines: string[];
}

/** Fast retry policy for tests: real backoff code, small numbers. */
export const TEST_RETRY: Partial<RetryPolicy> = { retries: 3, baseDelayMs: 5, maxDelayMs: 50 };

export function clientFor(
  emulator: RunningEmulator,
  seed: ClientSeed,
  options: {
    environment?: P1asEnvironment;
    authMethod?: TokenEndpointAuthMethod;
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
  } = {},
): TestClient {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const tokens = new TokenClient({
    tokenUrl: emulator.tokenUrl(seed.pingOneEnvironmentId),
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    authMethod: options.authMethod,
    retry: options.retry ?? TEST_RETRY,
    log,
  });
  const api = new SelfServiceClient({
    baseUrl: emulator.apiUrl(options.environment ?? "dev"),
    tokens,
    timeoutMs: options.timeoutMs,
    retry: options.retry ?? TEST_RETRY,
    log,
  });
  return { api, tokens, lines };
}

/** Runs `action`, expecting it to throw; returns the error. Fails the test if nothing is thrown. */
export async function caught(action: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await action();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Every way an error could end up printed: message, stack, util.inspect (with cause), JSON. */
export function renderings(value: unknown): string[] {
  const error = value as Error;
  return [
    String(error?.message),
    String(error?.stack),
    inspect(value, { depth: 10 }),
    JSON.stringify(value) ?? "",
    String(value),
  ];
}

/** A token shaped as the token endpoint issues it to a seeded client (trusted issuer, granted scopes), minted without HTTP. */
export async function seededClientToken(emulator: RunningEmulator, clientId: string): Promise<string> {
  const client = emulator.state.clients.get(clientId);
  if (!client) throw new Error(`no client ${clientId}`);
  const issuer = emulator.tokenUrl(client.pingOneEnvironmentId).replace(/\/token$/, "");
  return (await emulator.state.issuer.issue(client, { issuer, scope: client.scopes })).token;
}
