/**
 * One way to connect: the token clients, the contract choice and the API client, built from plain settings. The
 * provider, the status view, the p1as CLI and the demo all connect through here, so a new setting changes one place.
 */
import type { AllowedHosts } from "../p1as/destinations";
import type { RetryPolicy } from "./retry";
import { API_CONTRACTS, ApiContractSetting, apiContractProblems } from "./defaults";
import { ASSUMED_CONTRACT, ApiContract, CONFIRMED_CONTRACT, discoverContract } from "./contract";
import { SelfServiceClient, requireApiDestination } from "./self-service-client";
import { TokenClient, TokenEndpointAuthMethod } from "./token-client";

export { API_CONTRACTS, type ApiContractSetting, apiContractProblems };

/** One OAuth client: its id and secret (or functions that look them up when the first token is needed). */
export interface ClientCredentials {
  readonly clientId: string | (() => Promise<string>);
  readonly clientSecret: string | (() => Promise<string>);
  /** @default "CLIENT_SECRET_BASIC" */
  readonly authMethod?: TokenEndpointAuthMethod;
}

export interface ConnectionSettings {
  readonly apiUrl: string;
  readonly tokenUrl: string;
  /** The write client (`<env>-tls-admin`). @default - none: writes are refused, nothing is sent */
  readonly write?: ClientCredentials;
  /** The read-only client (`<env>-tls-audit`). @default - reads use `write` */
  readonly read?: ClientCredentials;
  /** Said when a write is refused for lack of the write client. @default - a generic hint */
  readonly writeCredentialsHint?: string;
  /** @default - every scope granted to the client */
  readonly scope?: string;
  /** Every caller says it (the provider's default is API_CONTRACT_DEFAULT of provider/public-face.ts). */
  readonly apiContract: ApiContractSetting;
  /** Budget of one request, retries included. @default - each client's own default */
  readonly timeoutMs?: number;
  /** Retries of one request after its first attempt (within `timeoutMs`). @default - DEFAULT_RETRY_POLICY's */
  readonly maxRetries?: number;
  /** @default - stderr */
  readonly log?: (line: string) => void;
  /** Log which contract discovery found (terraform's log wants it; a command's output for people does not). @default true */
  readonly logContract?: boolean;
  /** @default - P1AS_ALLOWED_HOSTS of this process */
  readonly allowedHosts?: AllowedHosts;
}

export interface Connection {
  readonly client: SelfServiceClient;
  readonly contract: ApiContract;
  /** The token client every read uses (the read-only client's, else the write client's). */
  readonly readTokens: TokenClient;
}

/** The contract of a setting; `discover` reads the tenant's `/api/v1/openapi.json` (no credential is sent for it). */
export async function contractFor(
  setting: ApiContractSetting,
  apiUrl: string,
  options: {
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    log?: (line: string) => void;
    logContract?: boolean;
  } = {},
): Promise<ApiContract> {
  if (setting === "confirmed") return CONFIRMED_CONTRACT;
  if (setting === "assumed") return ASSUMED_CONTRACT;
  const contract = await discoverContract(apiUrl, options);
  if (options.logContract !== false)
    options.log?.(
      `API contract: ${contract.origin} (${contract.reason}); update routes: certificates ${contract.certificates.update ? "yes" : "no"}, hostnames ${contract.hostnames.update ? "yes" : "no"}`,
    );
  return contract;
}

/** Builds the clients. Every URL is judged (well formed, and where a credential may go) before anything is sent. */
export async function connect(settings: ConnectionSettings): Promise<Connection> {
  const { apiUrl, tokenUrl, scope, timeoutMs, log, allowedHosts } = settings;
  const retry = settings.maxRetries === undefined ? undefined : { retries: settings.maxRetries };
  const tokens = (client: ClientCredentials | undefined) =>
    client &&
    new TokenClient({
      tokenUrl,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      authMethod: client.authMethod,
      scope,
      timeoutMs,
      retry,
      log,
      allowedHosts,
    });
  const write = tokens(settings.write);
  const read = tokens(settings.read);
  // Before the discovery request: that one carries no credential, but it still goes nowhere it may not.
  requireApiDestination(apiUrl, allowedHosts);
  const contract = await contractFor(settings.apiContract, apiUrl, {
    timeoutMs,
    retry,
    log,
    logContract: settings.logContract,
  });
  const client = new SelfServiceClient({
    baseUrl: apiUrl,
    tokens: write,
    readTokens: read,
    writeCredentialsHint: settings.writeCredentialsHint,
    timeoutMs,
    retry,
    log,
    contract,
    allowedHosts,
  });
  return { client, contract, readTokens: (read ?? write)! };
}
