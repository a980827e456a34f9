/**
 * The emulated API's route table. The app serves exactly these routes and the OpenAPI document is
 * generated from the same entries (and the same zod schemas that validate request bodies, and shape
 * responses), so the served routes and the documented ones cannot drift apart. A contract mode
 * (./contract.ts) serves a subset of the table, with responses cut to that mode's fields.
 */
import * as z from "zod/v4";
import {
  CERTIFICATE_FINGERPRINT_FIELD,
  CERTIFICATE_NOT_AFTER_FIELD,
  CERTIFICATE_ROUTE,
  FORCE_DELETE_PARAM,
  HOSTNAME_ROUTE,
  OBJECT_STATUSES,
  RouteAssumption,
  STATUS_FIELD,
} from "../p1as/assumptions";
import {
  CERTIFICATE_CONFIRMED_FIELDS,
  CREATE_STATUS,
  DELETE_STATUS,
  HOSTNAME_CONFIRMED_FIELDS,
  P1asEnvironment,
  PRODUCTS,
} from "../p1as/facts";
import { CONTRACT_PROFILES, ContractMode } from "./contract";
import { Outcome, SelfServiceEmulator } from "./service";
import { managementRouteKeys } from "./pingone/routes";

export interface RouteContext {
  readonly service: SelfServiceEmulator;
  readonly environment: P1asEnvironment;
  readonly params: Record<string, string>;
  readonly query: Record<string, unknown>;
  /** The body, already validated against the route's `body` schema. */
  readonly body: any;
  readonly outcome: Outcome;
}

export interface RouteSpec {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** OpenAPI-style path under /api/v1: `/certificates/{name}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** Whether public sources confirm the route (facts) or it is a guess (p1as/assumptions.ts). */
  readonly source: "confirmed" | "assumed";
  /** read: any self-service role of the environment; write: an admin role. */
  readonly access: "read" | "write";
  readonly successStatus: number;
  readonly body?: z.ZodObject;
  readonly response?: z.ZodType;
  readonly query?: readonly { name: string; description: string; schema: object }[];
  /** Error statuses the route can answer besides 401/403; "in-use" is the mode's certificateInUseStatus. */
  readonly errors: readonly (number | "in-use")[];
  /** The response fields public sources confirm (facts.ts); the confirmed mode answers with only these. @default - all */
  readonly confirmedFields?: readonly string[];
  readonly handle: (context: RouteContext) => unknown;
}

const CertificateCreate = z.object({
  name: z.string().describe("Certificate name; becomes the TLS Secret name."),
  fullchain: z.string().describe("PEM chain, leaf first (single line with \\n escapes in JSON)."),
  privkey: z.string().describe("PEM RSA private key of the leaf. Never returned."),
});
const HostnameCreate = z.object({
  hostname: z.string().describe("Fully qualified, lowercase host name; becomes the Ingress name."),
  product: z.enum(PRODUCTS),
  certname: z.string().describe("Name of an existing certificate."),
});
const pickFields = (schema: z.ZodObject, fields: readonly string[]) =>
  schema.pick(Object.fromEntries(fields.map((field) => [field, true])) as Record<string, true>);

const Status = z.enum(OBJECT_STATUSES).describe("Assumed field (p1as/assumptions.ts).");
const CertificateView = z.object({
  name: z.string(),
  [STATUS_FIELD]: Status,
  [CERTIFICATE_FINGERPRINT_FIELD]: z.string().optional().describe("Assumed: leaf SHA-256 fingerprint."),
  [CERTIFICATE_NOT_AFTER_FIELD]: z.string().optional().describe("Assumed: leaf expiry, ISO-8601."),
});
const HostnameView = z.object({
  hostname: z.string(),
  product: z.enum(PRODUCTS),
  certname: z.string(),
  [STATUS_FIELD]: Status,
});

const keyed = (route: RouteAssumption) => `${route.collection}/{${route.keyField}}`;

type Handler = RouteSpec["handle"];

/**
 * The four routes of one resource: list (confirmed by the docs: VH) and create (confirmed: Ping's test)
 * on the collection, update (assumed method and path) and delete (confirmed: Ping's test) on `/{key}`.
 */
function resourceRoutes(resource: {
  readonly noun: string;
  readonly route: RouteAssumption;
  readonly createBody: z.ZodObject;
  readonly view: z.ZodObject;
  /** The fields facts.ts confirms for this resource's responses. */
  readonly confirmedFields: readonly string[];
  readonly list: Handler;
  readonly create: Handler;
  readonly update: Handler;
  readonly remove: Handler;
  readonly deleteQuery?: RouteSpec["query"];
  readonly deleteErrors: RouteSpec["errors"];
  readonly summaries: { list: string; create: string; update: string };
}): RouteSpec[] {
  const { noun, route } = resource;
  return [
    // List items keep the status field even in the confirmed mode: see STATUS_FIELD.
    {
      method: "GET",
      path: route.collection,
      operationId: `list_${noun}s`,
      summary: resource.summaries.list,
      source: "confirmed",
      access: "read",
      successStatus: 200,
      response: z.array(resource.view),
      confirmedFields: [...resource.confirmedFields, STATUS_FIELD],
      errors: [],
      handle: resource.list,
    },
    {
      method: "POST",
      path: route.collection,
      operationId: `create_${noun}`,
      summary: resource.summaries.create,
      source: "confirmed",
      access: "write",
      successStatus: CREATE_STATUS,
      body: resource.createBody,
      response: resource.view,
      confirmedFields: resource.confirmedFields,
      errors: [409, 422],
      handle: resource.create,
    },
    {
      method: route.updateMethod as "PUT",
      path: keyed(route),
      operationId: `update_${noun}`,
      summary: resource.summaries.update,
      source: "assumed",
      access: "write",
      successStatus: 200,
      body: pickFields(resource.createBody, route.updateFields),
      response: resource.view,
      errors: [404, 422],
      handle: resource.update,
    },
    {
      method: "DELETE",
      path: keyed(route),
      operationId: `delete_${noun}`,
      summary: `Delete a ${noun}`,
      source: "confirmed",
      access: "write",
      successStatus: DELETE_STATUS,
      query: resource.deleteQuery,
      errors: resource.deleteErrors,
      handle: resource.remove,
    },
  ];
}

const certificateKey = (params: Record<string, string>) => params[CERTIFICATE_ROUTE.keyField];
const hostnameKey = (params: Record<string, string>) => params[HOSTNAME_ROUTE.keyField];

export const API_ROUTES: readonly RouteSpec[] = [
  ...resourceRoutes({
    noun: "certificate",
    route: CERTIFICATE_ROUTE,
    createBody: CertificateCreate,
    view: CertificateView,
    confirmedFields: CERTIFICATE_CONFIRMED_FIELDS,
    summaries: {
      list: "List certificates (never returns fullchain or privkey)",
      create: "Create a certificate",
      update: "Replace a certificate's chain and key",
    },
    list: ({ service, environment }) => service.listCertificates(environment),
    create: ({ service, environment, body, outcome }) => service.createCertificate(environment, body, outcome),
    update: ({ service, environment, params, body, outcome }) =>
      service.updateCertificate(environment, certificateKey(params), body, outcome),
    remove: ({ service, environment, params, query }) =>
      service.deleteCertificate(
        environment,
        certificateKey(params),
        String(query[FORCE_DELETE_PARAM]).toLowerCase() === "true",
      ),
    deleteQuery: [
      {
        name: FORCE_DELETE_PARAM,
        description:
          "Delete even if hostnames use it (otherwise refused; the status is a guess: CERTIFICATE_IN_USE_STATUSES).",
        schema: { type: "boolean", default: false },
      },
    ],
    deleteErrors: [404, "in-use"],
  }),
  ...resourceRoutes({
    noun: "hostname",
    route: HOSTNAME_ROUTE,
    createBody: HostnameCreate,
    view: HostnameView,
    confirmedFields: HOSTNAME_CONFIRMED_FIELDS,
    summaries: {
      list: "List hostnames",
      create: "Create a hostname (virtual host) routed to a product",
      update: "Change a hostname's product or certificate",
    },
    list: ({ service, environment }) => service.listHostnames(environment),
    create: ({ service, environment, body, outcome }) => service.createHostname(environment, body, outcome),
    update: ({ service, environment, params, body, outcome }) =>
      service.updateHostname(environment, hostnameKey(params), body, outcome),
    remove: ({ service, environment, params }) => service.deleteHostname(environment, hostnameKey(params)),
    deleteErrors: [404],
  }),
];

/** The routes a contract mode serves and documents. */
export const servedRoutes = (mode: ContractMode): RouteSpec[] =>
  API_ROUTES.filter((route) => CONTRACT_PROFILES[mode].serves(route));

/** A route's response schema in a mode: the table's schema, cut to the mode's fields. */
export function responseSchema(route: RouteSpec, mode: ContractMode): z.ZodType | undefined {
  const fields = CONTRACT_PROFILES[mode].responseFields(route);
  if (!route.response || !fields) return route.response;
  return route.response instanceof z.ZodArray
    ? z.array(pickFields(route.response.element as z.ZodObject, fields))
    : pickFields(route.response as z.ZodObject, fields);
}

/** The key faults use: "POST /hostnames". */
export const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/** PingOne routes a fault may target (paths without the environment id). */
export const TOKEN_ROUTE_KEYS = ["POST /as/token", "GET /as/jwks"] as const;
/** The OpenAPI document, so tests can hide or break it as a tenant might. */
export const DOCUMENT_ROUTE_KEY = "GET /openapi.json";

export const KNOWN_ROUTE_KEYS: readonly string[] = [
  ...API_ROUTES.map(routeKey),
  DOCUMENT_ROUTE_KEY,
  ...TOKEN_ROUTE_KEYS,
  ...managementRouteKeys(),
];

/** `/certificates/{name}` -> `/certificates/:name` */
export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

const REASONS: Record<number | "in-use", string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  401: "Invalid or expired access token (and, in the assumed mode, a missing one)",
  403: "Access token is missing required scopes (self-service role); in the confirmed mode also a missing token",
  404: "Not found",
  409: "Conflict",
  422: "Validation error",
  "in-use": "Certificate in use by hostnames; use force_delete=true",
};

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
};

/** OpenAPI 3.1 for one environment's API in one contract mode, built from the routes that mode serves. */
export function openApiDocument(environment: P1asEnvironment, mode: ContractMode): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of servedRoutes(mode)) {
    const response = responseSchema(route, mode);
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const queryParams = (route.query ?? []).map((param) => ({
      name: param.name,
      in: "query",
      required: false,
      description: param.description,
      schema: param.schema,
    }));
    const detail = { content: { "application/json": { schema: { $ref: "#/components/schemas/HTTPError" } } } };
    const responses: Record<string, object> = {
      [route.successStatus]: response
        ? {
            description: REASONS[route.successStatus],
            content: { "application/json": { schema: jsonSchema(response) } },
          }
        : { description: REASONS[route.successStatus] },
    };
    for (const error of [401, 403, ...route.errors]) {
      responses[error === "in-use" ? CONTRACT_PROFILES[mode].certificateInUseStatus : error] = {
        description: REASONS[error],
        ...detail,
      };
    }
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      description: `Requires a ${route.access === "write" ? "<env>-tls-admin or all-tls-admin" : "<env>-tls-admin|audit or all-tls-admin|audit"} role in the token's groups claim.`,
      "x-p1as-source": route.source,
      parameters: [...pathParams, ...queryParams],
      ...(route.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(route.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: `P1AS self-service API emulator (${environment})`,
      version: "v1",
      description:
        mode === "confirmed"
          ? "Local stand-in serving only publicly confirmed routes and fields (p1as/facts.ts); compare with your tenant's /api/v1/openapi.json."
          : "Local stand-in. Operations with x-p1as-source: assumed are guesses kept in p1as/assumptions.ts; compare with your tenant's /api/v1/openapi.json.",
      "x-p1as-contract": mode,
    },
    servers: [{ url: `/${environment}/api/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { HTTPError: { type: "object", properties: { detail: {} }, required: ["detail"] } },
    },
    paths,
  };
}

/** The /docs page: a plain list of the same routes, pointing at openapi.json. */
export function docsPage(environment: P1asEnvironment, mode: ContractMode): string {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = servedRoutes(mode)
    .map(
      (route) =>
        `<tr><td>${route.method}</td><td><code>/api/v1${escape(route.path)}</code></td><td>${escape(route.summary)}</td><td>${route.access}</td><td>${route.source}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>P1AS self-service API emulator (${environment})</title></head>
<body>
<h1>P1AS self-service API emulator: ${environment} (${mode} contract)</h1>
<p>OpenAPI document: <a href="/${environment}/api/v1/openapi.json">/${environment}/api/v1/openapi.json</a>. Send <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<table border="1" cellpadding="4"><tr><th>Method</th><th>Path</th><th>Summary</th><th>Access</th><th>Source</th></tr>
${rows}
</table>
</body></html>
`;
}
