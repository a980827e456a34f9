/**
 * The p1as provider's credentials when the stack names PingOne applications instead of client ids: the provider
 * finds each application by name through the PingOne management API, with the PingOne worker of its environment
 * (the PingOne provider's own variables), when it first needs a token. The configuration is then all literals,
 * known at plan even when the applications are created by the same apply (docs/reference/provider.md).
 *
 * A secret in the client's own variable (`P1AS_<ENV>_AUDIT_CLIENT_SECRET`, ...) wins over reading it from PingOne:
 * a plan job's worker is not allowed to read secrets.
 */
import type { ClientCredentials } from "./connect";
import { PingOneApplication, PingOneApplications, PingOneLookupError } from "./pingone-applications";
import type { AllowedHosts } from "../p1as/destinations";
import { PINGONE_REGION_CODES, PingOneRegionCode, pingOneApiBaseUrl, pingOneTokenUrl } from "../p1as/facts";
import { uuidProblems } from "../p1as/rules";

/** The PingOne provider's variables: the worker that may read applications (and, where applies run, their secrets). */
export const PINGONE_WORKER_ENV = {
  clientId: "PINGONE_CLIENT_ID",
  clientSecret: "PINGONE_CLIENT_SECRET",
  environmentId: "PINGONE_ENVIRONMENT_ID",
  regionCode: "PINGONE_REGION_CODE",
} as const;

/** The PingOne permission a worker needs to read an application's secret; plan workers should not hold it. */
export const READ_SECRET_PERMISSION = "applications:read:secret";

export interface LookupSettings {
  /** The PingOne environment that holds the applications. */
  readonly environmentId: string;
  /** Management API base; absent: from PINGONE_REGION_CODE. */
  readonly apiUrl?: string;
  /** The p1as token URL: the worker's token endpoint is on the same host. */
  readonly tokenUrl: string;
  readonly allowedHosts: AllowedHosts;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

/** The worker and the management API, or the problems that stop a lookup (each naming its variable). */
export function lookupClient(
  settings: LookupSettings,
  env: NodeJS.ProcessEnv,
): { applications: PingOneApplications } | { problems: string[] } {
  const problems: string[] = [];
  const worker = Object.fromEntries(
    Object.entries(PINGONE_WORKER_ENV).map(([key, name]) => [key, env[name] ?? ""]),
  ) as Record<keyof typeof PINGONE_WORKER_ENV, string>;
  for (const key of ["clientId", "clientSecret", "environmentId"] as const) {
    if (!worker[key])
      problems.push(
        `${PINGONE_WORKER_ENV[key]} is not set: the provider finds its clients in PingOne with the PingOne worker of the PingOne provider (${Object.values(PINGONE_WORKER_ENV).join(", ")})`,
      );
  }
  // It becomes part of the token URL the worker's secret is sent to: checked before anything is sent.
  if (worker.environmentId)
    problems.push(
      ...uuidProblems(worker.environmentId).map((problem) => `${PINGONE_WORKER_ENV.environmentId} ${problem}`),
    );
  const regionCode = worker.regionCode ? (worker.regionCode.toUpperCase() as PingOneRegionCode) : undefined;
  if (regionCode && !PINGONE_REGION_CODES.includes(regionCode))
    problems.push(`${PINGONE_WORKER_ENV.regionCode} must be one of ${PINGONE_REGION_CODES.join(", ")}`);
  const apiUrl =
    settings.apiUrl ??
    (regionCode && PINGONE_REGION_CODES.includes(regionCode) ? pingOneApiBaseUrl(regionCode) : undefined);
  if (!apiUrl)
    problems.push(
      `pingone_api_url (or P1AS_PINGONE_API_URL) is not set and neither is ${PINGONE_WORKER_ENV.regionCode}, which picks https://api.pingone.<tld>/v1`,
    );
  if (problems.length > 0 || !apiUrl) return { problems };
  try {
    const applications = new PingOneApplications({
      apiUrl,
      environmentId: settings.environmentId,
      // The worker's own environment, on the host of the p1as token endpoint (PingOne's auth host, or the emulator).
      workerTokenUrl: pingOneTokenUrl(new URL(settings.tokenUrl).origin, worker.environmentId),
      workerClientId: worker.clientId,
      workerClientSecret: worker.clientSecret,
      allowedHosts: settings.allowedHosts,
      timeoutMs: settings.timeoutMs,
      log: settings.log,
    });
    return { applications };
  } catch (error) {
    return { problems: [(error as Error).message] };
  }
}

export interface LookedUpClient {
  /** The application's name. */
  readonly name: string;
  /** The provider setting that named it, for messages. */
  readonly setting: string;
  /** The variable whose value, when set, is the secret. */
  readonly secretEnv: string;
  /** That variable's value, when set. */
  readonly secret?: string;
  /** What the client is for, in messages: "read-only" or "write". */
  readonly role: string;
}

/**
 * Credentials whose id (and secret, unless its variable holds it) come from PingOne at the first token request.
 * One lookup per application and process; a failed one is tried again at the next token request.
 */
export function lookedUpCredentials(
  applications: PingOneApplications,
  client: LookedUpClient,
  environmentId: string,
): ClientCredentials {
  let found: Promise<PingOneApplication> | undefined;
  const application = () =>
    (found ??= applications.require(client.name).catch((error: unknown) => {
      found = undefined;
      throw explain(error, client, environmentId);
    }));
  return {
    clientId: async () => (await application()).id,
    clientSecret:
      client.secret ??
      (async () => {
        const app = await application();
        return applications.secret(app).catch((error: unknown) => {
          throw explain(error, client, environmentId);
        });
      }),
  };
}

/** A lookup failure in the provider's words: the setting, the variable and the permission that would fix it. */
function explain(error: unknown, client: LookedUpClient, environmentId: string): unknown {
  if (!(error instanceof PingOneLookupError)) return error;
  const fields = { operation: error.operation, status: error.status };
  switch (error.problem) {
    case "application-missing":
      return new PingOneLookupError(
        `PingOne application ${JSON.stringify(client.name)} (${client.setting}, the ${client.role} client) does not exist in PingOne environment ${environmentId}. ` +
          "The stack that declares it creates it; if it was deleted or renamed outside this configuration, deploy that stack again.",
        "application-missing",
        fields,
        error.target,
      );
    case "secret-forbidden":
      return new PingOneLookupError(
        `the PingOne worker (${PINGONE_WORKER_ENV.clientId}) may not read the secret of application ${JSON.stringify(client.name)}: it lacks the permission ${READ_SECRET_PERMISSION}. ` +
          `Set ${client.secretEnv} to the ${client.role} client's secret where terraform runs, or give this job a worker whose role has ${READ_SECRET_PERMISSION} (deploy jobs only).`,
        "secret-forbidden",
        fields,
      );
    default:
      return new PingOneLookupError(
        `the PingOne worker (${PINGONE_WORKER_ENV.clientId}) may not list the applications of PingOne environment ${environmentId} (HTTP ${error.status}): give its role read access to applications there.`,
        error.problem,
        fields,
      );
  }
}
