/**
 * The emulator's HTTP layer (express 5). `createApp` builds the app and does not listen; bin.ts and
 * startEmulator() do. One app serves the PingOne token endpoint for every seeded PingOne environment
 * and the self-service API of all four P1AS environments:
 *   POST /<pingoneEnvId>/as/token, GET /<pingoneEnvId>/as/jwks
 *   /<p1asEnv>/api/v1/{certificates,hostnames}[/<key>], /<p1asEnv>/docs, /<p1asEnv>/api/v1/openapi.json
 *   /_emulator/{requests,faults,state,status,settings}  (unauthenticated test controls: loopback only)
 * What the API serves depends on the contract mode (./contract.ts), read on every request so
 * PATCH /_emulator/settings can switch it at run time.
 */
import { timingSafeEqual } from "node:crypto";
import express, { NextFunction, Request, Response } from "express";
import {
  ERROR_STATUS,
  EXPIRED_TOKEN_DETAIL,
  FASTAPI_DEFAULTS,
  INVALID_TOKEN_DETAIL,
  MISSING_ROLE_DETAIL,
  NOT_AUTHENTICATED_DETAIL,
  OBJECT_STATUSES,
} from "../p1as/assumptions";
import {
  OPENAPI_DOCUMENT_PATH,
  P1AS_ENVIRONMENTS,
  P1asEnvironment,
  SELF_SERVICE_LEVELS,
  selfServiceRole,
} from "../p1as/facts";
import { CONTRACT_MODES, CONTRACT_PROFILES, ContractMode, ContractProfile, isContractMode } from "./contract";
import { FaultInjector, RequestLog } from "./faults";
import { applyPreFault, drop } from "./fault-answers";
import {
  API_ROUTES,
  DOCUMENT_ROUTE_KEY,
  RouteSpec,
  docsPage,
  expressPath,
  openApiDocument,
  responseSchema,
  routeKey,
  servedRoutes,
} from "./routes";
import { DetailItem, SelfServiceEmulator, ServiceError } from "./service";
import { EmulatorClient, TokenIssuer } from "./tokens";
import { TokenAcceptance, acceptedAudience, acceptedScope, trustedIssuer } from "./token-checks";
import { EmulatedPingOne } from "./pingone/pingone";
import { mountManagementApi } from "./pingone/routes";
import { pingOneToken } from "./pingone/tokens";

/** Settings of the HTTP layer that PATCH /_emulator/settings may change at run time. */
export interface EmulatorSettings {
  /** Which contract the API serves (./contract.ts). */
  contract: ContractMode;
  /** Extra audiences and scopes the assumed mode accepts (./token-checks.ts). */
  accept: TokenAcceptance;
}

export interface EmulatorState {
  readonly service: SelfServiceEmulator;
  readonly settings: EmulatorSettings;
  readonly issuer: TokenIssuer;
  /** Seeded client-credentials applications, by client id. */
  readonly clients: Map<string, EmulatorClient>;
  readonly faults: FaultInjector;
  readonly requestLog: RequestLog;
  /** The emulated PingOne: management API, workers, and applications whose tokens the API may see. */
  readonly pingone: EmulatedPingOne;
}

export interface AppOptions {
  /** Serve the /_emulator/ control endpoints. @default true */
  readonly adminEndpoints?: boolean;
  /** Sets `state.settings.contract` when given. @default - the state's setting ("assumed" from createState) */
  readonly contract?: ContractMode;
}

function isEnvironment(value: string): value is P1asEnvironment {
  return (P1AS_ENVIRONMENTS as readonly string[]).includes(value);
}

const environmentOf = (req: Request) => String((req.params as Record<string, string>).p1asEnv);

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function tokenRoutes(app: express.Express, state: EmulatorState): void {
  const oauthError = (res: Response, status: number, error: string, description: string) => {
    if (status === 401) res.set("WWW-Authenticate", 'Basic realm="PingOne"');
    res.status(status).json({ error, error_description: description });
  };

  app.post("/:envId/as/token", express.urlencoded({ extended: false }), async (req, res) => {
    const envId = String(req.params.envId);
    if (
      await applyPreFault(state.faults.take("POST /as/token"), req, res, (detail) => ({
        error: "server_error",
        error_description: detail,
      }))
    )
      return;
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const basic = basicCredentials(req.headers.authorization);
    if (basic && (form.client_id || form.client_secret)) {
      return oauthError(
        res,
        400,
        "invalid_request",
        "Use one client authentication method: Basic or client_secret_post, not both.",
      );
    }
    const credentials = basic ?? { id: form.client_id ?? "", secret: form.client_secret ?? "" };
    const requested = (form.scope ?? "").split(/\s+/).filter(Boolean);
    const issuer = `${req.protocol}://${req.get("host")}/${envId}/as`;
    const client = state.clients.get(credentials.id);
    if (!client) {
      const outcome = await pingOneToken(
        state.pingone,
        state.issuer,
        {
          environmentId: envId,
          clientId: credentials.id,
          clientSecret: credentials.secret,
          via: basic ? "basic" : "post",
          grantType: form.grant_type,
          scopes: requested,
          issuer,
        },
        safeEqual,
      );
      if (!outcome)
        return oauthError(
          res,
          401,
          "invalid_client",
          "Request denied: Unsupported authentication method or invalid client credentials.",
        );
      res.locals.clientId = outcome.ok ? outcome.clientId : (outcome.clientId ?? null);
      if (!outcome.ok) return oauthError(res, outcome.status, outcome.error, outcome.description);
      return void res.set("Cache-Control", "no-store").json(outcome.body);
    }
    if (!safeEqual(client.clientSecret, credentials.secret) || client.pingOneEnvironmentId !== envId) {
      return oauthError(
        res,
        401,
        "invalid_client",
        "Request denied: Unsupported authentication method or invalid client credentials.",
      );
    }
    res.locals.clientId = client.clientId;
    if (form.grant_type !== "client_credentials") {
      return oauthError(res, 400, "unsupported_grant_type", "The grant type must be client_credentials.");
    }
    const unknown = requested.filter((scope) => !client.scopes.includes(scope));
    if (unknown.length > 0)
      return oauthError(res, 400, "invalid_scope", `The client was not granted scope(s): ${unknown.join(" ")}.`);
    const scope = requested.length > 0 ? requested : [...client.scopes];
    const { token, expiresIn } = await state.issuer.issue(client, { issuer, scope });
    res
      .set("Cache-Control", "no-store")
      .json({ access_token: token, token_type: "Bearer", expires_in: expiresIn, scope: scope.join(" ") });
  });

  app.get("/:envId/as/jwks", async (req, res) => {
    if (
      await applyPreFault(state.faults.take("GET /as/jwks"), req, res, (detail) => ({
        error: "server_error",
        error_description: detail,
      }))
    )
      return;
    res.json(state.issuer.jwks());
  });
}

/** Roles that satisfy `access` in `environment`: its own and the all-tls ones. */
function acceptedRoles(environment: P1asEnvironment, access: "read" | "write"): string[] {
  const levels = access === "write" ? ["admin" as const] : [...SELF_SERVICE_LEVELS];
  return levels.flatMap((level) => [selfServiceRole(environment, level), selfServiceRole("all", level)]);
}

/** Bearer check: signature, expiry, role. Answers 401/403 itself and returns false on failure. */
async function authorize(
  state: EmulatorState,
  profile: ContractProfile,
  req: Request,
  res: Response,
  environment: P1asEnvironment,
  access: "read" | "write",
): Promise<boolean> {
  const deny = (status: number, detail: string) => {
    if (status === 401) res.set("WWW-Authenticate", "Bearer");
    res.status(status).json({ detail });
    return false;
  };
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!match) return deny(profile.missingTokenStatus, NOT_AUTHENTICATED_DETAIL);
  const check = await state.issuer.verify(match[1]);
  if (!check.ok)
    return deny(ERROR_STATUS.unauthenticated, check.reason === "expired" ? EXPIRED_TOKEN_DETAIL : INVALID_TOKEN_DETAIL);
  res.locals.clientId = check.claims.client_id ?? null;
  const trusted = new Set([
    ...[...state.clients.values()].map((client) => client.pingOneEnvironmentId),
    ...state.pingone.store.environmentIds(),
  ]);
  if (!trustedIssuer(check.claims.iss, trusted)) return deny(ERROR_STATUS.unauthenticated, INVALID_TOKEN_DETAIL);
  if (profile.checksAudienceAndScope) {
    const ownApiUrl = `${req.protocol}://${req.get("host")}/${environment}/api/v1`;
    if (!acceptedAudience(check.claims.aud, environment, ownApiUrl, state.settings.accept))
      return deny(ERROR_STATUS.unauthenticated, INVALID_TOKEN_DETAIL);
    if (!acceptedScope(check.claims.scope, state.settings.accept))
      return deny(ERROR_STATUS.missingRole, MISSING_ROLE_DETAIL);
  }
  const groups = Array.isArray(check.claims.groups)
    ? check.claims.groups
    : String(check.claims.groups ?? "").split(/[\s,]+/);
  if (!acceptedRoles(environment, access).some((role) => groups.includes(role)))
    return deny(ERROR_STATUS.missingRole, MISSING_ROLE_DETAIL);
  return true;
}

function validationDetail(issues: readonly { path: PropertyKey[]; message: string; code: string }[]): DetailItem[] {
  return issues.map((issue) => ({
    loc: ["body", ...issue.path.map((part) => (typeof part === "number" ? part : String(part)))],
    msg: issue.message,
    type: issue.code,
  }));
}

const profileOf = (state: EmulatorState) => CONTRACT_PROFILES[state.settings.contract];

function apiRoute(state: EmulatorState, route: RouteSpec) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const profile = profileOf(state);
    // Not served in this mode: fall through to the 405 (or 404) a FastAPI app would give.
    if (!profile.serves(route)) return next();
    const environment = environmentOf(req);
    if (!isEnvironment(environment)) return void res.status(404).json({ detail: "Not Found" });
    const fault = state.faults.take(routeKey(route), environment);
    if (await applyPreFault(fault, req, res, (detail) => ({ detail }))) return;
    if (!(await authorize(state, profile, req, res, environment, route.access))) return;
    if (fault?.tokenExpired)
      return void res
        .status(ERROR_STATUS.unauthenticated)
        .set("WWW-Authenticate", "Bearer")
        .json({ detail: EXPIRED_TOKEN_DETAIL });
    let body: unknown;
    if (route.body) {
      const parsed = route.body.safeParse(req.body);
      if (!parsed.success)
        return void res.status(ERROR_STATUS.invalid).json({ detail: validationDetail(parsed.error.issues) });
      body = parsed.data;
    }
    let result: unknown;
    try {
      result = route.handle({
        service: state.service,
        environment,
        params: req.params as Record<string, string>,
        query: req.query as Record<string, unknown>,
        body,
        outcome: fault?.objectStatus === "stuck" ? "stuck" : fault?.objectStatus === "error" ? "error" : "complete",
      });
    } catch (error) {
      if (error instanceof ServiceError) {
        return void res
          .status(error.code === "certificate-in-use" ? profile.certificateInUseStatus : error.status)
          .json({ detail: error.detail });
      }
      throw error;
    }
    // The change is committed; a lost response means the client cannot know that.
    if (fault?.drop === "after-commit") return drop(req, res);
    if (route.successStatus === 204) return void res.status(204).end();
    // Shaped by the same schema the OpenAPI document shows, so the two cannot disagree.
    const schema = responseSchema(route, profile.mode);
    res.status(route.successStatus).json(schema ? schema.parse(result) : result);
  };
}

const templatePattern = (path: string) => new RegExp(`^/api/v1${path.replace(/\{\w+\}/g, "[^/]+")}$`);

/** Starlette's redirect_slashes (FASTAPI_DEFAULTS): a path served only without its trailing slash. */
function slashRedirect(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const profile = profileOf(state);
    const bare = req.path.replace(/\/$/, "");
    if (
      !profile.redirectSlashes ||
      bare === req.path ||
      !servedRoutes(profile.mode).some((route) => templatePattern(route.path).test(bare))
    )
      return next();
    const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
    res.redirect(
      FASTAPI_DEFAULTS.slashRedirectStatus,
      `${req.protocol}://${req.get("host")}${req.baseUrl}${bare}${query}`,
    );
  };
}

function selfServiceRoutes(app: express.Express, state: EmulatorState): void {
  const router = express.Router({ mergeParams: true });
  router.use(slashRedirect(state));
  router.use(express.json({ limit: "1mb" }));
  for (const route of API_ROUTES) {
    const handler = apiRoute(state, route);
    const path = `/api/v1${expressPath(route.path)}`;
    if (route.method === "GET") router.get(path, handler);
    else if (route.method === "POST") router.post(path, handler);
    else if (route.method === "PUT") router.put(path, handler);
    else router.delete(path, handler);
  }
  // FastAPI answers 405 (FASTAPI_DEFAULTS) for a path the mode serves with other methods only.
  for (const path of new Set(API_ROUTES.map((route) => route.path))) {
    router.all(`/api/v1${expressPath(path)}`, (_req, res, next) => {
      const methods = servedRoutes(state.settings.contract)
        .filter((route) => route.path === path)
        .map((route) => route.method);
      if (methods.length === 0) return next();
      res
        .set("Allow", methods.join(", "))
        .status(FASTAPI_DEFAULTS.methodNotAllowed.status)
        .json({ detail: FASTAPI_DEFAULTS.methodNotAllowed.detail });
    });
  }
  router.get(`/api/v1${OPENAPI_DOCUMENT_PATH}`, async (req, res) => {
    const environment = environmentOf(req);
    if (!isEnvironment(environment)) return void res.status(404).json({ detail: "Not Found" });
    if (await applyPreFault(state.faults.take(DOCUMENT_ROUTE_KEY, environment), req, res, (detail) => ({ detail })))
      return;
    res.json(openApiDocument(environment, state.settings.contract));
  });
  router.get("/docs", (req, res) => {
    const environment = environmentOf(req);
    if (!isEnvironment(environment)) return void res.status(404).json({ detail: "Not Found" });
    res.type("html").send(docsPage(environment, state.settings.contract));
  });
  app.use("/:p1asEnv", router);
}

function adminRoutes(app: express.Express, state: EmulatorState): void {
  const admin = express.Router();
  admin.use(express.json());
  const badRequest = (res: Response, error: unknown) =>
    res.status(400).json({ detail: error instanceof Error ? error.message : String(error) });
  admin.get("/requests", (_req, res) => void res.json(state.requestLog.list()));
  admin.delete("/requests", (_req, res) => {
    state.requestLog.clear();
    res.status(204).end();
  });
  admin.get("/faults", (_req, res) => void res.json(state.faults.list()));
  admin.post("/faults", (req, res) => {
    const faults = Array.isArray(req.body) ? req.body : [req.body];
    try {
      state.faults.add(...faults);
      res.status(201).json({ queued: faults.length });
    } catch (error) {
      badRequest(res, error);
    }
  });
  admin.delete("/faults", (_req, res) => {
    state.faults.clear();
    res.status(204).end();
  });
  admin.get(
    "/state",
    (_req, res) =>
      void res.json({
        completionDelayMs: state.service.completionDelayMs,
        exposeCertificateFingerprint: state.service.exposeCertificateFingerprint,
        contract: state.settings.contract,
        accept: state.settings.accept,
        environments: state.service.publicSnapshot(),
        pingone: state.pingone.store.publicSnapshot(),
      }),
  );
  admin.delete("/state", (_req, res) => {
    state.service.reset();
    state.pingone.store.reset();
    res.status(204).end();
  });
  admin.post("/status", (req, res) => {
    const { environment, kind, key, status } = (req.body ?? {}) as Record<string, string>;
    if (
      !isEnvironment(environment) ||
      !["certificate", "hostname"].includes(kind) ||
      !(OBJECT_STATUSES as readonly string[]).includes(status)
    ) {
      return void badRequest(
        res,
        `body must be {environment: ${P1AS_ENVIRONMENTS.join("|")}, kind: certificate|hostname, key, status: ${OBJECT_STATUSES.join("|")}}`,
      );
    }
    try {
      state.service.setStatus(
        environment,
        kind as "certificate" | "hostname",
        key,
        status as (typeof OBJECT_STATUSES)[number],
      );
      res.status(204).end();
    } catch (error) {
      if (error instanceof ServiceError) return void res.status(error.status).json({ detail: error.detail });
      throw error;
    }
  });
  admin.patch("/settings", (req, res) => {
    const { completionDelayMs, exposeCertificateFingerprint, contract, acceptAudiences, acceptScopes } = (req.body ??
      {}) as Record<string, unknown>;
    const stringList = (value: unknown) =>
      value === undefined || (Array.isArray(value) && value.every((item) => typeof item === "string" && item !== ""));
    if (!stringList(acceptAudiences))
      return void badRequest(res, "acceptAudiences must be a list of non-empty strings");
    if (!stringList(acceptScopes)) return void badRequest(res, "acceptScopes must be a list of non-empty strings");
    if (
      completionDelayMs !== undefined &&
      !(Number.isInteger(completionDelayMs) && (completionDelayMs as number) >= 0)
    ) {
      return void badRequest(res, "completionDelayMs must be a whole number >= 0");
    }
    if (exposeCertificateFingerprint !== undefined && typeof exposeCertificateFingerprint !== "boolean") {
      return void badRequest(res, "exposeCertificateFingerprint must be true or false");
    }
    if (contract !== undefined && !isContractMode(contract))
      return void badRequest(res, `contract must be one of ${CONTRACT_MODES.join(", ")}`);
    if (contract !== undefined) state.settings.contract = contract;
    if (acceptAudiences !== undefined) state.settings.accept.audiences = [...(acceptAudiences as string[])];
    if (acceptScopes !== undefined) state.settings.accept.scopes = [...(acceptScopes as string[])];
    if (completionDelayMs !== undefined) state.service.completionDelayMs = completionDelayMs as number;
    if (exposeCertificateFingerprint !== undefined)
      state.service.exposeCertificateFingerprint = exposeCertificateFingerprint as boolean;
    res.status(204).end();
  });
  app.use("/_emulator", admin);
}

export function createApp(state: EmulatorState, options: AppOptions = {}): express.Express {
  if (options.contract !== undefined) state.settings.contract = options.contract;
  const app = express();
  app.disable("x-powered-by");
  // Request log: method, path, status, client. Never headers, bodies or query strings.
  app.use((req, res, next) => {
    if (req.path.startsWith("/_emulator")) return next();
    const finish = state.requestLog.record({
      method: req.method,
      path: req.path,
      status: 0,
      clientId: null,
      timestamp: new Date().toISOString(),
    });
    res.on("close", () =>
      finish({
        status: res.locals.dropped || !res.headersSent ? 0 : res.statusCode,
        clientId: (res.locals.clientId as string | undefined) ?? null,
      }),
    );
    next();
  });
  if (options.adminEndpoints ?? true) adminRoutes(app, state);
  tokenRoutes(app, state);
  mountManagementApi(app, state.pingone, state.issuer, state.faults);
  selfServiceRoutes(app, state);
  app.use((_req, res) => void res.status(404).json({ detail: "Not Found" }));
  // Malformed JSON gets FastAPI's 422; anything else is a 500 that never echoes the request.
  app.use((error: { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (error?.type === "entity.parse.failed")
      return void res.status(422).json({ detail: [{ loc: ["body"], msg: "JSON decode error", type: "json_invalid" }] });
    if (error?.status && error.status < 500) return void res.status(error.status).json({ detail: "Bad Request" });
    res.status(500).json({ detail: "Internal Server Error" });
  });
  return app;
}
