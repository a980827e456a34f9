/**
 * Contract discovery: which routes and fields a tenant's self-service API really has, read from its
 * own OpenAPI document (`<apiUrl>/openapi.json`, p1as/facts.ts). Public sources confirm only create,
 * list and delete; whether an update route exists (and its method, path and body), what list items
 * carry and whether an object can be read by key are known only from that document.
 *
 * When the document cannot be read (absent, hidden behind auth, a server error after retries, not JSON, not
 * OpenAPI), discovery fails with ContractDiscoveryError naming the URL and the setting that pins the contract.
 * It never falls back silently: on a tenant that can update in place, a fallback to CONFIRMED_CONTRACT would
 * turn an update into a delete and create (an outage) and change the plan without a word. With discovery off,
 * CONFIRMED_CONTRACT is used: the client still works, and refuses updates locally instead of guessing a route.
 */
import axios from "axios";
import { z } from "zod";
import {
  CERTIFICATE_FINGERPRINT_FIELD,
  CERTIFICATE_NOT_AFTER_FIELD,
  CERTIFICATE_ROUTE,
  CERTIFICATE_VIEW_EXPOSES_FINGERPRINT,
  HOSTNAME_ROUTE,
  RouteAssumption,
  STATUS_FIELD,
} from "../p1as/assumptions";
import { CERTIFICATE_CONFIRMED_FIELDS, HOSTNAME_CONFIRMED_FIELDS, OPENAPI_DOCUMENT_PATH } from "../p1as/facts";
import { FieldProblem, discoveryFailed, httpFailure, invalidInput } from "./errors";
import { redactText } from "./redact";
import { RetryPolicy, installRetry, resolveRetryPolicy } from "./retry";
import { keepAliveAgents } from "./http-agents";
import { requireSecureUrl } from "./validation";

export const UPDATE_METHODS = ["PUT", "PATCH"] as const;
export type UpdateMethod = (typeof UPDATE_METHODS)[number];

export interface UpdateRoute {
  readonly method: UpdateMethod;
  /** Path template under the API base URL with one key parameter: `/certificates/{name}`. */
  readonly path: string;
  /** Fields the body carries (the key travels in the path). */
  readonly bodyFields: readonly string[];
}

export interface ResourceContract {
  /** Path of list (GET) and create (POST) under the API base URL: `/certificates`. */
  readonly collection: string;
  /** Path template of delete (and of update and GET-by-key, when they exist): `/certificates/{name}`. */
  readonly keyPath: string;
  /** Fields list items carry. */
  readonly listItemFields: readonly string[];
  /** @default - none: the client refuses updates locally */
  readonly update?: UpdateRoute;
  /** A GET of one object by key. The client reads through the list either way; this is for callers such as import. @default - none */
  readonly getByKey?: { readonly path: string };
}

export type ContractOrigin = "discovered" | "confirmed" | "assumed" | "override";

export interface ApiContract {
  /** Where the contract came from. */
  readonly origin: ContractOrigin;
  /** Why this contract is in use, in words: "read from <url>", "<url> answered HTTP 404", "discovery is off". */
  readonly reason: string;
  readonly certificates: ResourceContract;
  readonly hostnames: ResourceContract;
}

export type ResourceName = "certificates" | "hostnames";

/** Fields the client can put in a body, per resource (the create body's fields). */
export const BODY_FIELDS: Readonly<Record<ResourceName, readonly string[]>> = {
  certificates: ["name", "fullchain", "privkey"],
  hostnames: ["hostname", "product", "certname"],
};

const keyPathOf = (route: RouteAssumption) => `${route.collection}/{${route.keyField}}`;

/** Only the publicly confirmed routes: list, create, delete; no update, no GET by key; list items without fingerprint or expiry. */
export const CONFIRMED_CONTRACT: ApiContract = {
  origin: "confirmed",
  reason: "only the publicly confirmed routes and fields (p1as/facts.ts)",
  certificates: {
    collection: CERTIFICATE_ROUTE.collection,
    keyPath: keyPathOf(CERTIFICATE_ROUTE),
    listItemFields: [...CERTIFICATE_CONFIRMED_FIELDS, STATUS_FIELD],
  },
  hostnames: {
    collection: HOSTNAME_ROUTE.collection,
    keyPath: keyPathOf(HOSTNAME_ROUTE),
    listItemFields: [...HOSTNAME_CONFIRMED_FIELDS, STATUS_FIELD],
  },
};

function assumedResource(route: RouteAssumption, listItemFields: readonly string[]): ResourceContract {
  return {
    collection: route.collection,
    keyPath: keyPathOf(route),
    listItemFields,
    update: { method: route.updateMethod, path: keyPathOf(route), bodyFields: route.updateFields },
  };
}

/** Every guess of p1as/assumptions.ts: the client's default, so callers that never discover keep today's behaviour. */
export const ASSUMED_CONTRACT: ApiContract = {
  origin: "assumed",
  reason: "the guesses in p1as/assumptions.ts",
  certificates: assumedResource(CERTIFICATE_ROUTE, [
    ...CERTIFICATE_CONFIRMED_FIELDS,
    STATUS_FIELD,
    ...(CERTIFICATE_VIEW_EXPOSES_FINGERPRINT ? [CERTIFICATE_FINGERPRINT_FIELD, CERTIFICATE_NOT_AFTER_FIELD] : []),
  ]),
  hostnames: assumedResource(HOSTNAME_ROUTE, [...HOSTNAME_CONFIRMED_FIELDS, STATUS_FIELD]),
};

/** Whether list items of a resource carry a field (the certificate fingerprint, say). */
export function listItemCarries(resource: ResourceContract, field: string): boolean {
  return resource.listItemFields.includes(field);
}

/** `/certificates/{name}` with the key filled in, encoded as one path segment. */
export function fillKey(template: string, key: string): string {
  return template.replace(/\{[^}/]+\}/, encodeURIComponent(key));
}

// ---- overrides ------------------------------------------------------------------------------------

const PathTemplate = (resource: ResourceName) =>
  z
    .string()
    .regex(
      /^\/[^{}]*\{[^{}/]+\}\/?$/,
      `must be a path under the API base URL ending in one {key} parameter, such as /${resource}/{key}`,
    );

const resourceOverride = (resource: ResourceName) =>
  z
    .object({
      collection: z
        .string()
        .regex(/^\/[^{}]*$/, `must be a path under the API base URL without parameters, such as /${resource}`),
      keyPath: PathTemplate(resource),
      listItemFields: z.array(z.string().min(1)),
      update: z
        .object({
          method: z.enum(UPDATE_METHODS),
          path: PathTemplate(resource),
          bodyFields: z
            .array(z.enum(BODY_FIELDS[resource] as [string, ...string[]]))
            .min(1, "must name at least one field"),
        })
        .strict()
        .optional(),
      getByKey: z
        .object({ path: PathTemplate(resource) })
        .strict()
        .optional(),
    })
    .strict()
    .partial();

const ContractOverride = z
  .object({
    certificates: resourceOverride("certificates").optional(),
    hostnames: resourceOverride("hostnames").optional(),
  })
  .strict();

/** What a caller may set instead of discovery: per resource, any part; the rest stays as CONFIRMED_CONTRACT. */
export type ContractOverride = z.input<typeof ContractOverride>;

/** Checks an override and lays it over CONFIRMED_CONTRACT; names every bad field. */
export function contractFromOverride(override: ContractOverride): ApiContract {
  const parsed = ContractOverride.safeParse(override);
  if (!parsed.success) {
    const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({
      field: ["contract", ...issue.path].join("."),
      value: issue.path.reduce<unknown>(
        (value, key) => (value as Record<string | number, unknown> | undefined)?.[key],
        override,
      ),
      reasons: [issue.message],
    }));
    throw invalidInput("configure API contract", problems);
  }
  return {
    origin: "override",
    reason: "set by the caller instead of discovery",
    certificates: { ...CONFIRMED_CONTRACT.certificates, ...parsed.data.certificates },
    hostnames: { ...CONFIRMED_CONTRACT.hostnames, ...parsed.data.hostnames },
  };
}

// ---- discovery ------------------------------------------------------------------------------------

export interface DiscoveryOptions {
  /** Read the document; false uses CONFIRMED_CONTRACT and sends nothing. @default true */
  readonly enabled?: boolean;
  /** Use this instead of discovery (for tenants that hide the document); sends nothing. @default - discover */
  readonly override?: ContractOverride;
  /** Bearer token, for tenants whose docs require auth. @default - none (the Helm default is docsRequireAuth: false) */
  readonly token?: string;
  /** Budget for the request including its retries. @default 10000 */
  readonly timeoutMs?: number;
  /** @default DEFAULT_RETRY_POLICY */
  readonly retry?: Partial<RetryPolicy>;
  /** Progress lines (retries). @default - write to stderr */
  readonly log?: (line: string) => void;
}

export const DISCOVERY_TIMEOUT_MS_DEFAULT = 10_000;

const OpenApiDocument = z
  .object({
    openapi: z.string(),
    paths: z.record(z.record(z.unknown())),
    servers: z.array(z.object({ url: z.string() }).passthrough()).optional(),
    components: z
      .object({ schemas: z.record(z.unknown()).optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();
type OpenApiDocument = z.infer<typeof OpenApiDocument>;

/**
 * The contract of the API at `apiUrl` (ending in `/api/v1`). Throws ContractDiscoveryError when the document
 * cannot be read or used (see the module comment), ClientValidationError for a bad apiUrl or override.
 */
export async function discoverContract(apiUrl: string, options: DiscoveryOptions = {}): Promise<ApiContract> {
  const base = requireSecureUrl("apiUrl", apiUrl).toString().replace(/\/+$/, "");
  if (options.override) return contractFromOverride(options.override);
  if (options.enabled === false) return { ...CONFIRMED_CONTRACT, reason: "discovery is off" };
  const log = (line: string) => (options.log ?? ((text) => process.stderr.write(`${text}\n`)))(redactText(line));
  const url = `${base}${OPENAPI_DOCUMENT_PATH}`;
  const unusable = (why: string): never => {
    throw discoveryFailed(url, why);
  };
  const http = axios.create({
    ...keepAliveAgents(),
    timeout: options.timeoutMs ?? DISCOVERY_TIMEOUT_MS_DEFAULT,
    maxRedirects: 0,
    responseType: "text",
  });
  const policy = resolveRetryPolicy(options.retry);
  installRetry(http, policy, (event) =>
    log(`${event.operation}: ${event.reason}; retry ${event.retryNumber} of ${event.retries} in ${event.delayMs} ms`),
  );
  let text: string;
  try {
    const response = await http.get<string>(url, {
      operation: "discover API contract",
      headers: { Accept: "application/json", ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    });
    text = String(response.data);
  } catch (error) {
    const failure = httpFailure("api", "discover API contract", error);
    return unusable(
      failure.status === 0 ? `${url} could not be read (${failure.message})` : `${url} answered HTTP ${failure.status}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return unusable(`${url} is not JSON`);
  }
  const parsed = OpenApiDocument.safeParse(json);
  if (!parsed.success)
    return unusable(
      `${url} is not an OpenAPI document (${parsed.error.issues.map((i) => `${i.path.join(".") || "document"}: ${i.message}`).join("; ")})`,
    );
  const pathOf = relativePaths(parsed.data, new URL(base).pathname);
  return {
    origin: "discovered",
    reason: `read from ${url}`,
    certificates: resourceFrom(parsed.data, pathOf, "certificates"),
    hostnames: resourceFrom(parsed.data, pathOf, "hostnames"),
  };
}

/**
 * Maps each documented path to the path under the API base URL. FastAPI documents full paths
 * (`/api/v1/hostnames`); a document with `servers` documents them under the server's path.
 */
function relativePaths(document: OpenApiDocument, basePath: string): Map<string, string> {
  const server = document.servers?.[0]?.url;
  const serverPath = server ? new URL(server, "http://placeholder.invalid").pathname.replace(/\/+$/, "") : "";
  const prefixes = [basePath.replace(/\/+$/, ""), "/api/v1"].filter(Boolean);
  return new Map(
    Object.keys(document.paths).map((documented) => {
      const full = `${serverPath}${documented}`;
      const prefix = prefixes.find((candidate) => full.startsWith(`${candidate}/`));
      return [prefix ? full.slice(prefix.length) : full, documented];
    }),
  );
}

type Schema = Record<string, unknown>;

/** Follows local `$ref`s (FastAPI puts every model under components.schemas). */
function deref(document: OpenApiDocument, schema: unknown, depth = 0): Schema {
  const node = (schema ?? {}) as Schema;
  const ref = node.$ref;
  if (typeof ref !== "string" || depth > 10) return node;
  const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
  return deref(document, name ? document.components?.schemas?.[name] : undefined, depth + 1);
}

/** Property names of an object schema, through `$ref` and `allOf`. */
function propertiesOf(document: OpenApiDocument, schema: unknown): string[] {
  const node = deref(document, schema);
  const own = Object.keys((node.properties ?? {}) as object);
  const inherited = Array.isArray(node.allOf) ? node.allOf.flatMap((part) => propertiesOf(document, part)) : [];
  return [...new Set([...own, ...inherited])];
}

const jsonSchemaOf = (body: unknown): unknown =>
  ((body as Schema | undefined)?.content as Record<string, Schema> | undefined)?.["application/json"]?.schema;

function resourceFrom(
  document: OpenApiDocument,
  pathOf: Map<string, string>,
  resource: ResourceName,
): ResourceContract {
  const fallback = CONFIRMED_CONTRACT[resource];
  const bare = fallback.collection;
  const collection = [bare, `${bare}/`].find((path) => pathOf.has(path)) ?? bare;
  const keyPattern = new RegExp(`^${bare}/\\{[^{}/]+\\}/?$`);
  const keyPath = [...pathOf.keys()].find((path) => keyPattern.test(path));
  const operations = (path: string | undefined) =>
    path && pathOf.has(path) ? (document.paths[pathOf.get(path) as string] as Record<string, Schema>) : {};
  const listed = operations(collection).get?.responses as Record<string, unknown> | undefined;
  const listSchema = deref(document, jsonSchemaOf(listed?.["200"]));
  const listItemFields = listSchema.type === "array" ? propertiesOf(document, listSchema.items) : [];
  const keyed = operations(keyPath);
  const method = UPDATE_METHODS.find((candidate) => keyed[candidate.toLowerCase()]);
  return {
    collection,
    keyPath: keyPath ?? fallback.keyPath,
    // A list without a documented item schema tells nothing: rely on the confirmed fields only.
    listItemFields: listItemFields.length > 0 ? listItemFields : fallback.listItemFields,
    ...(method && keyPath
      ? {
          update: {
            method,
            path: keyPath,
            bodyFields: propertiesOf(document, jsonSchemaOf(keyed[method.toLowerCase()].requestBody)),
          },
        }
      : {}),
    ...(keyed.get && keyPath ? { getByKey: { path: keyPath } } : {}),
  };
}
