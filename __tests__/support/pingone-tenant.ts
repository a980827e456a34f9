/**
 * Builds an environment's PingOne side in the emulated PingOne through its management API, over real HTTP, the way
 * the stack's PingOne resources would: the resource with `name` and `groups` attributes and a scope, the application
 * and its grant. For suites that exercise the p1as provider without the PingOne provider.
 */
import { randomUUID } from "node:crypto";
import axios from "axios";
import type { RunningEmulator } from "../../emulator/start";

/** A PingOne worker as the emulator seeds it; the secret is random so a leak can be searched for. */
export interface TestWorker {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly environmentId: string;
  readonly role: "full" | "read-only";
}

export function testWorker(environmentId: string, role: TestWorker["role"] = "full"): TestWorker {
  return { clientId: randomUUID(), clientSecret: `worker-${randomUUID()}`, environmentId, role };
}

/** The PingOne provider's variables for a worker, as terraform would get them. */
export function workerEnv(worker: TestWorker): NodeJS.ProcessEnv {
  return { PINGONE_CLIENT_ID: worker.clientId, PINGONE_CLIENT_SECRET: worker.clientSecret, PINGONE_ENVIRONMENT_ID: worker.environmentId, PINGONE_REGION_CODE: "NA" };
}

/** A management API session of one worker. */
export async function managementApi(emulator: RunningEmulator, worker: TestWorker) {
  const token = await axios.post(emulator.tokenUrl(worker.environmentId), "grant_type=client_credentials", {
    auth: { username: worker.clientId, password: worker.clientSecret },
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  return axios.create({
    baseURL: `${emulator.managementApiUrl}/environments/${worker.environmentId}`,
    headers: { Authorization: `Bearer ${token.data.access_token}` },
    validateStatus: () => true,
  });
}

export interface CreatedClient {
  readonly applicationId: string;
  readonly resourceId: string;
}

/** One resource (groups hard-coded) with a scope, one application granted that scope: what OrchestrationClient declares. */
export async function createClient(
  emulator: RunningEmulator,
  worker: TestWorker,
  options: { applicationName: string; resourceName: string; audience: string; groups: readonly string[]; scope?: string },
): Promise<CreatedClient> {
  const api = await managementApi(emulator, worker);
  const ok = <T>(response: { status: number; data: T }, what: string): T => {
    if (response.status >= 300) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.data)}`);
    return response.data;
  };
  const resource = ok(await api.post("/resources", { name: options.resourceName, audience: options.audience, accessTokenValiditySeconds: 3600 }), "create resource") as { id: string };
  ok(await api.post(`/resources/${resource.id}/attributes`, { name: "name", value: "${'OrchestrationTool'}" }), "create name attribute");
  ok(await api.post(`/resources/${resource.id}/attributes`, { name: "groups", value: `\${{${options.groups.map((group) => `'${group}'`).join(",")}}}` }), "create groups attribute");
  const scope = ok(await api.post(`/resources/${resource.id}/scopes`, { name: options.scope ?? "p1as-self-service" }), "create scope") as { id: string };
  const application = ok(
    await api.post("/applications", {
      name: options.applicationName,
      enabled: true,
      type: "WEB_APP",
      protocol: "OPENID_CONNECT",
      tokenEndpointAuthMethod: "CLIENT_SECRET_BASIC",
      grantTypes: ["CLIENT_CREDENTIALS"],
      accessControl: { role: { type: "ADMIN_USERS_ONLY" } },
    }),
    "create application",
  ) as { id: string };
  ok(await api.post(`/applications/${application.id}/grants`, { resource: { id: resource.id }, scopes: [{ id: scope.id }] }), "create grant");
  return { applicationId: application.id, resourceId: resource.id };
}

/** The write and the read-only client of one P1AS environment, named as the stack names them. */
export async function createEnvironmentClients(emulator: RunningEmulator, worker: TestWorker, environment: string): Promise<{ write: CreatedClient; read: CreatedClient }> {
  const audience = emulator.apiUrl(environment as "dev");
  const write = await createClient(emulator, worker, { applicationName: `p1as-${environment}-orchestration`, resourceName: `p1as-${environment}-self-service-api`, audience, groups: [`${environment}-tls-admin`] });
  const read = await createClient(emulator, worker, { applicationName: `p1as-${environment}-audit`, resourceName: `p1as-${environment}-self-service-api-audit`, audience, groups: [`${environment}-tls-audit`] });
  return { write, read };
}
