/**
 * An environment's PingOne side in the emulated PingOne, built through its management API the way the stack's
 * PingOne resources would (support/pingone.ts has the recipe): the write and the read-only client, each a resource
 * with `name` and `groups` and a scope, an application and its grant. For suites that exercise the p1as provider
 * without the PingOne provider.
 */
import type { WorkerSeed } from "../../emulator/pingone/workers";
import type { RunningEmulator } from "../../emulator/start";
import { ClientApp, createClientApp, literalCollection, managementApi } from "./pingone";

/** The PingOne provider's variables for a worker, as terraform would get them. */
export function workerEnv(worker: WorkerSeed): NodeJS.ProcessEnv {
  return {
    PINGONE_CLIENT_ID: worker.clientId,
    PINGONE_CLIENT_SECRET: worker.clientSecret,
    PINGONE_ENVIRONMENT_ID: worker.environmentId,
    PINGONE_REGION_CODE: "NA",
  };
}

/** One client: a resource whose `groups` are hard-coded, with a scope, and an application granted it. */
export async function createClient(
  emulator: RunningEmulator,
  worker: WorkerSeed,
  options: { applicationName: string; resourceName: string; audience: string; groups: readonly string[] },
): Promise<ClientApp> {
  return createClientApp(await managementApi(emulator, worker), {
    resourceName: options.resourceName,
    audience: options.audience,
    groupsValue: literalCollection(options.groups),
    nameValue: "${'OrchestrationTool'}",
    applicationName: options.applicationName,
  });
}

/** The write and the read-only client of one P1AS environment, named as the stack names them. */
export async function createEnvironmentClients(
  emulator: RunningEmulator,
  worker: WorkerSeed,
  environment: string,
): Promise<{ write: ClientApp; read: ClientApp }> {
  const audience = emulator.apiUrl(environment as "dev");
  const write = await createClient(emulator, worker, {
    applicationName: `p1as-${environment}-orchestration`,
    resourceName: `p1as-${environment}-self-service-api`,
    audience,
    groups: [`${environment}-tls-admin`],
  });
  const read = await createClient(emulator, worker, {
    applicationName: `p1as-${environment}-audit`,
    resourceName: `p1as-${environment}-self-service-api-audit`,
    audience,
    groups: [`${environment}-tls-audit`],
  });
  return { write, read };
}
