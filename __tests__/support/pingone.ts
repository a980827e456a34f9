/**
 * Driving the emulated PingOne over real loopback HTTP: a worker per suite, a management API client
 * that carries the worker's token, and the recipe that makes a client-credentials application for a
 * custom resource (resource, `name`/`groups` attributes, scope, application, grant) as our stacks do.
 */
import { randomBytes, randomUUID } from "node:crypto";
import axios, { AxiosInstance } from "axios";
import { RunningEmulator } from "../../emulator/start";
import { WorkerSeed } from "../../emulator/pingone/workers";

export const TEST_PINGONE_ENV = "5e7e0000-0000-4000-8000-00000000e1a1";

/** A worker of `environmentId` with a random secret (searchable if it leaks). */
export function workerSeed(role: "full" | "read-only" = "full", environmentId = TEST_PINGONE_ENV): WorkerSeed {
  return { clientId: randomUUID(), clientSecret: `worker-${randomBytes(12).toString("hex")}`, environmentId, role };
}

/** POSTs a client-credentials token request; returns the raw response (any status). */
export function requestToken(
  emulator: RunningEmulator,
  environmentId: string,
  clientId: string,
  clientSecret: string,
  options: { via?: "basic" | "post"; scope?: string } = {},
) {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    ...(options.scope ? { scope: options.scope } : {}),
  });
  if (options.via === "post") {
    form.set("client_id", clientId);
    form.set("client_secret", clientSecret);
  }
  const headers =
    options.via === "post"
      ? {}
      : { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}` };
  return axios.post(emulator.tokenUrl(environmentId), form.toString(), { headers, validateStatus: () => true });
}

/** An axios instance on `<url>/v1/environments/<envId>` that sends the worker's token and never throws on status. */
export async function managementApi(emulator: RunningEmulator, worker: WorkerSeed): Promise<AxiosInstance> {
  const token = await requestToken(emulator, worker.environmentId, worker.clientId, worker.clientSecret);
  if (token.status !== 200) throw new Error(`worker token: ${token.status} ${JSON.stringify(token.data)}`);
  return axios.create({
    baseURL: `${emulator.managementApiUrl}/environments/${worker.environmentId}`,
    headers: { Authorization: `Bearer ${token.data.access_token}` },
    validateStatus: () => true,
  });
}

export interface ClientAppSpec {
  readonly resourceName: string;
  readonly audience: string;
  /** Raw values of the `groups` (and optionally `name`) attributes, e.g. `${{'dev-tls-admin'}}`. */
  readonly groupsValue: string;
  readonly nameValue?: string;
  readonly scope?: string;
  readonly applicationName?: string;
  readonly accessTokenValiditySeconds?: number;
  readonly tokenEndpointAuthMethod?: "CLIENT_SECRET_BASIC" | "CLIENT_SECRET_POST";
}

export interface ClientApp {
  readonly resourceId: string;
  readonly scopeId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** PingOne literal collection: `${{'a','b'}}`. */
export const literalCollection = (values: readonly string[]) =>
  `\${{${values.map((value) => `'${value}'`).join(",")}}}`;

/** Creates what a p1as environment stack declares, through the management API; fails on any non-2xx. */
export async function createClientApp(api: AxiosInstance, spec: ClientAppSpec): Promise<ClientApp> {
  const ok = async (promise: Promise<{ status: number; data: any }>, what: string) => {
    const response = await promise;
    if (response.status >= 300) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.data)}`);
    return response.data;
  };
  const resource = await ok(
    api.post("/resources", {
      name: spec.resourceName,
      audience: spec.audience,
      ...(spec.accessTokenValiditySeconds ? { accessTokenValiditySeconds: spec.accessTokenValiditySeconds } : {}),
    }),
    "resource",
  );
  await ok(
    api.post(`/resources/${resource.id}/attributes`, { name: "groups", value: spec.groupsValue }),
    "groups attribute",
  );
  if (spec.nameValue)
    await ok(
      api.post(`/resources/${resource.id}/attributes`, { name: "name", value: spec.nameValue }),
      "name attribute",
    );
  const scope = await ok(
    api.post(`/resources/${resource.id}/scopes`, { name: spec.scope ?? "p1as-self-service" }),
    "scope",
  );
  const application = await ok(
    api.post("/applications", {
      name: spec.applicationName ?? `${spec.resourceName}-client`,
      enabled: true,
      type: "WEB_APP",
      protocol: "OPENID_CONNECT",
      tokenEndpointAuthMethod: spec.tokenEndpointAuthMethod ?? "CLIENT_SECRET_BASIC",
      grantTypes: ["CLIENT_CREDENTIALS"],
      accessControl: { role: { type: "ADMIN_USERS_ONLY" } },
    }),
    "application",
  );
  await ok(
    api.post(`/applications/${application.id}/grants`, { resource: { id: resource.id }, scopes: [{ id: scope.id }] }),
    "grant",
  );
  const secret = await ok(api.get(`/applications/${application.id}/secret`), "secret");
  return { resourceId: resource.id, scopeId: scope.id, clientId: application.id, clientSecret: secret.secret };
}
