/**
 * The emulated PingOne management API over HTTP: `/v1/environments/{envId}/…` for the objects our
 * stacks declare. Every call needs a worker's bearer token (./tokens.ts) for that environment; a
 * read-only worker may only read, and never an application's secret. Errors are PingOne's
 * `{id, code, message, details}` bodies (./errors.ts).
 */
import express, { NextFunction, Request, Response } from "express";
import type * as z from "zod/v4";
import type { TokenIssuer } from "../tokens";
import { applyPreFault } from "../fault-answers";
import type { FaultInjector } from "../faults";
import { ACCESS_FAILED_401, ACCESS_FAILED_403, PingOneError, detailsOf, invalidData } from "./errors";
import {
  ApplicationBody,
  GrantBody,
  ResourceAttributeBody,
  ResourceBody,
  ResourceScopeBody,
  SchemaAttributeBody,
  SecretRegenerateBody,
} from "./model";
import { EmulatedPingOne, createPingOne } from "./pingone";
import { PINGONE_API_AUDIENCE } from "./tokens";
import {
  applicationView,
  attributeView,
  grantView,
  listEnvelope,
  resourceView,
  schemaAttributeView,
  schemaView,
  scopeView,
  secretView,
} from "./views";

/** Path prefix of the management API on the emulator (PingOne's is `https://api.pingone.<tld>/v1`). */
export const MANAGEMENT_API_PREFIX = "/v1";

type Params = Record<string, string>;

interface Call {
  readonly envId: string;
  readonly params: Params;
  readonly body: unknown;
  readonly href: string;
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw invalidData(detailsOf(parsed.error.issues));
  return parsed.data;
}

/** Bearer check: a worker token of this environment; read-only workers only read, and never secrets. */
function authorize(pingone: EmulatedPingOne, issuer: TokenIssuer) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
      const check = match ? await issuer.verify(match[1]) : undefined;
      const claims = check?.ok ? (check.claims as unknown as Record<string, unknown>) : undefined;
      const audiences = claims ? [claims.aud].flat() : [];
      const worker =
        claims && audiences.includes(PINGONE_API_AUDIENCE) ? pingone.workers.get(String(claims.client_id)) : undefined;
      if (!worker) throw ACCESS_FAILED_401();
      res.locals.clientId = worker.clientId;
      const envId = String(req.params.envId);
      if (worker.environmentId !== envId || claims?.env !== envId)
        throw ACCESS_FAILED_403("the worker has no role in this environment");
      if (worker.role === "read-only" && req.method !== "GET")
        throw ACCESS_FAILED_403("the worker's roles do not allow changes");
      if (worker.role === "read-only" && /\/secret\/?$/.test(req.path))
        throw ACCESS_FAILED_403("the worker lacks the permission applications:read:secret");
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** [I] The `code` of a PingOne error body for an injected status. */
const FAULT_CODES: Record<number, string> = {
  400: "INVALID_DATA",
  401: "ACCESS_FAILED",
  403: "ACCESS_FAILED",
  404: "NOT_FOUND",
  409: "INVALID_DATA",
  429: "REQUEST_LIMITED",
};
const faultBody = (detail: string, status: number) =>
  new PingOneError(status, FAULT_CODES[status] ?? "UNEXPECTED_SERVER_ERROR", detail).body();

/**
 * The management API's router. Faults (./faults.ts) name its routes by method and path template under the
 * environment, e.g. `POST /resources`, `GET /applications/{applicationId}/secret` (see managementRouteKeys).
 */
export function managementApiRouter(
  pingone: EmulatedPingOne,
  issuer: TokenIssuer,
  faults?: FaultInjector,
  routeKeys: string[] = [],
): express.Router {
  const { store } = pingone;
  const router = express.Router({ mergeParams: true });
  router.use(authorize(pingone, issuer));
  router.use(express.json({ limit: "1mb" }));

  const route = (
    method: "get" | "post" | "put" | "delete",
    path: string,
    status: number,
    handle: (call: Call) => object | void,
  ) => {
    const key = `${method.toUpperCase()} ${path.replace(/:(\w+)/g, "{$1}")}`;
    routeKeys.push(key);
    router[method](path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (await applyPreFault(faults?.take(key), req, res, faultBody)) return;
        const params = req.params as Params;
        const result = handle({
          envId: params.envId,
          params,
          body: req.body,
          href: `${req.protocol}://${req.get("host")}${req.originalUrl.split("?")[0]}`,
        });
        if (status === 204) return void res.status(204).end();
        res.status(status).json(result);
      } catch (error) {
        next(error);
      }
    });
  };

  /** The five routes of a collection: list (in an `_embedded` envelope), create, read, replace, delete. */
  const collection = (
    path: string,
    name: string,
    idParam: string,
    ops: {
      list(call: Call): object[];
      create(call: Call): object;
      read(call: Call): object;
      update(call: Call): object;
      remove(call: Call): void;
    },
  ) => {
    route("get", path, 200, (call) => listEnvelope(call.href, name, ops.list(call)));
    route("post", path, 201, (call) => ops.create(call));
    route("get", `${path}/:${idParam}`, 200, (call) => ops.read(call));
    route("put", `${path}/:${idParam}`, 200, (call) => ops.update(call));
    route("delete", `${path}/:${idParam}`, 204, (call) => ops.remove(call));
  };

  // resources, with their attributes and scopes
  collection("/resources", "resources", "resourceId", {
    list: ({ envId }) => store.data(envId).resources.map((item) => resourceView(envId, item)),
    create: ({ envId, body }) => resourceView(envId, store.createResource(envId, parse(ResourceBody, body))),
    read: ({ envId, params }) => resourceView(envId, store.resource(envId, params.resourceId)),
    update: ({ envId, params, body }) =>
      resourceView(envId, store.updateResource(envId, params.resourceId, parse(ResourceBody, body))),
    remove: ({ envId, params }) => store.deleteResource(envId, params.resourceId),
  });
  collection("/resources/:resourceId/attributes", "attributes", "attributeId", {
    list: ({ envId, params }) => store.attributes(envId, params.resourceId).map((item) => attributeView(envId, item)),
    create: ({ envId, params, body }) =>
      attributeView(envId, store.createAttribute(envId, params.resourceId, parse(ResourceAttributeBody, body))),
    read: ({ envId, params }) => attributeView(envId, store.attribute(envId, params.resourceId, params.attributeId)),
    update: ({ envId, params, body }) =>
      attributeView(
        envId,
        store.updateAttribute(envId, params.resourceId, params.attributeId, parse(ResourceAttributeBody, body)),
      ),
    remove: ({ envId, params }) => store.deleteAttribute(envId, params.resourceId, params.attributeId),
  });
  collection("/resources/:resourceId/scopes", "scopes", "scopeId", {
    list: ({ envId, params }) => store.scopes(envId, params.resourceId).map((item) => scopeView(envId, item)),
    create: ({ envId, params, body }) => {
      store.resource(envId, params.resourceId);
      return scopeView(envId, store.createScope(envId, params.resourceId, parse(ResourceScopeBody, body)));
    },
    read: ({ envId, params }) => scopeView(envId, store.scope(envId, params.resourceId, params.scopeId)),
    update: ({ envId, params, body }) =>
      scopeView(envId, store.updateScope(envId, params.resourceId, params.scopeId, parse(ResourceScopeBody, body))),
    remove: ({ envId, params }) => store.deleteScope(envId, params.resourceId, params.scopeId),
  });

  // applications, their secret and grants
  collection("/applications", "applications", "applicationId", {
    list: ({ envId }) => store.applications(envId).map((item) => applicationView(envId, item)),
    create: ({ envId, body }) => applicationView(envId, store.createApplication(envId, parse(ApplicationBody, body))),
    read: ({ envId, params }) => applicationView(envId, store.application(envId, params.applicationId)),
    update: ({ envId, params, body }) =>
      applicationView(envId, store.updateApplication(envId, params.applicationId, parse(ApplicationBody, body))),
    remove: ({ envId, params }) => store.deleteApplication(envId, params.applicationId),
  });
  route("get", "/applications/:applicationId/secret", 200, ({ envId, params }) =>
    secretView(store.secret(envId, params.applicationId)),
  );
  route("post", "/applications/:applicationId/secret", 200, ({ envId, params, body }) => {
    store.application(envId, params.applicationId);
    const input = parse(SecretRegenerateBody, body);
    return secretView(store.regenerateSecret(envId, params.applicationId, input.previous?.expiresAt));
  });
  route("delete", "/applications/:applicationId/secret", 204, ({ envId, params }) =>
    store.deletePreviousSecret(envId, params.applicationId),
  );
  collection("/applications/:applicationId/grants", "grants", "grantId", {
    list: ({ envId, params }) => store.grants(envId, params.applicationId).map((item) => grantView(envId, item)),
    create: ({ envId, params, body }) => {
      store.application(envId, params.applicationId);
      return grantView(envId, store.createGrant(envId, params.applicationId, parse(GrantBody, body)));
    },
    read: ({ envId, params }) => grantView(envId, store.grant(envId, params.applicationId, params.grantId)),
    update: ({ envId, params, body }) => {
      store.grant(envId, params.applicationId, params.grantId);
      return grantView(envId, store.updateGrant(envId, params.applicationId, params.grantId, parse(GrantBody, body)));
    },
    remove: ({ envId, params }) => store.deleteGrant(envId, params.applicationId, params.grantId),
  });

  // schemas (the User schema, read only) and their attributes
  route("get", "/schemas", 200, ({ envId, href }) =>
    listEnvelope(
      href,
      "schemas",
      store.schemas(envId).map((item) => schemaView(envId, item)),
    ),
  );
  route("get", "/schemas/:schemaId", 200, ({ envId, params }) =>
    schemaView(envId, store.schema(envId, params.schemaId)),
  );
  collection("/schemas/:schemaId/attributes", "attributes", "attributeId", {
    list: ({ envId, params }) =>
      store.schemaAttributes(envId, params.schemaId).map((item) => schemaAttributeView(envId, item)),
    create: ({ envId, params, body }) => {
      store.schema(envId, params.schemaId);
      return schemaAttributeView(
        envId,
        store.createSchemaAttribute(envId, params.schemaId, parse(SchemaAttributeBody, body)),
      );
    },
    read: ({ envId, params }) =>
      schemaAttributeView(envId, store.schemaAttribute(envId, params.schemaId, params.attributeId)),
    update: ({ envId, params, body }) => {
      store.schemaAttribute(envId, params.schemaId, params.attributeId);
      return schemaAttributeView(
        envId,
        store.updateSchemaAttribute(envId, params.schemaId, params.attributeId, parse(SchemaAttributeBody, body)),
      );
    },
    remove: ({ envId, params }) => store.deleteSchemaAttribute(envId, params.schemaId, params.attributeId),
  });

  router.use((_req: Request, _res: Response, next: NextFunction) =>
    next(new PingOneError(404, "NOT_FOUND", "The requested resource was not found.")),
  );
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof PingOneError) {
      if (error.status === 401) res.set("WWW-Authenticate", 'Bearer realm="PingOne"');
      return void res.status(error.status).json(error.body());
    }
    if ((error as { type?: string })?.type === "entity.parse.failed") {
      return void res
        .status(400)
        .json(
          invalidData([
            { code: "INVALID_VALUE", target: "(body)", message: "The request body is not valid JSON." },
          ]).body(),
        );
    }
    res.status(500).json(new PingOneError(500, "UNEXPECTED_ERROR", "An unexpected error occurred.").body());
  });
  return router;
}

/** Mounts the management API at `/v1/environments/:envId`. */
export function mountManagementApi(
  app: express.Express,
  pingone: EmulatedPingOne,
  issuer: TokenIssuer,
  faults?: FaultInjector,
): void {
  app.use(`${MANAGEMENT_API_PREFIX}/environments/:envId`, managementApiRouter(pingone, issuer, faults));
}

/** The fault keys of the management API's routes, read from the router itself so they cannot drift from it. */
export function managementRouteKeys(): string[] {
  const keys: string[] = [];
  // Building the router registers its routes and serves nothing; the issuer is never asked.
  managementApiRouter(createPingOne(), undefined as unknown as TokenIssuer, undefined, keys);
  return keys;
}
