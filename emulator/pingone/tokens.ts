/**
 * Tokens of the emulated PingOne's token endpoint (`POST /{envId}/as/token`), for the two kinds of
 * client it knows besides the seeded ones of ../clients.ts:
 * - workers: a token for the management API (`aud` PINGONE_API_AUDIENCE);
 * - applications that exist in the store: client-credentials tokens for one custom resource, with the
 *   granted scopes, the resource's audience and lifetime, and its attributes as claims (./pel.ts).
 */
import { accessTokenType } from "../../p1as/facts";
import type { TokenIssuer } from "../tokens";
import { evaluateAttribute } from "./pel";
import type { EmulatedPingOne } from "./pingone";

/** [I] The audience of a worker's token (PingOne's management API; real tokens name the region's API host). */
export const PINGONE_API_AUDIENCE = "https://api.pingone.com";
/** Lifetime of worker tokens ([S] PingOne's default access token lifetime). */
export const WORKER_TOKEN_SECONDS = 3600;

export interface TokenRequest {
  readonly environmentId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** How the client authenticated: HTTP Basic or client_secret in the form. */
  readonly via: "basic" | "post";
  readonly grantType: string | undefined;
  /** Requested scopes (empty: all granted scopes of the one granted resource). */
  readonly scopes: readonly string[];
  /** The `iss` claim: `<origin>/<envId>/as`. */
  readonly issuer: string;
}

export type TokenOutcome =
  | {
      readonly ok: true;
      readonly clientId: string;
      readonly body: { access_token: string; token_type: "Bearer"; expires_in: number; scope: string };
    }
  | {
      readonly ok: false;
      readonly status: number;
      readonly error: string;
      readonly description: string;
      readonly clientId?: string;
    };

const refuse = (status: number, error: string, description: string, clientId?: string): TokenOutcome => ({
  ok: false,
  status,
  error,
  description,
  clientId,
});
const INVALID_CLIENT = "Request denied: Unsupported authentication method or invalid client credentials.";

/** Answers a token request for a worker or an application of the store; undefined when neither knows the client id. */
export async function pingOneToken(
  pingone: EmulatedPingOne,
  issuer: TokenIssuer,
  request: TokenRequest,
  equal: (a: string, b: string) => boolean,
): Promise<TokenOutcome | undefined> {
  const worker = pingone.workers.get(request.clientId);
  if (worker) {
    if (worker.environmentId !== request.environmentId || !equal(worker.clientSecret, request.clientSecret))
      return refuse(401, "invalid_client", INVALID_CLIENT);
    if (request.grantType !== "client_credentials")
      return refuse(400, "unsupported_grant_type", "The grant type must be client_credentials.", worker.clientId);
    const claims = { client_id: worker.clientId, env: worker.environmentId, scope: "" };
    const token = await issuer.sign(claims, {
      issuer: request.issuer,
      audience: [PINGONE_API_AUDIENCE],
      expiresInSeconds: WORKER_TOKEN_SECONDS,
      type: accessTokenType(new Date()),
    });
    return {
      ok: true,
      clientId: worker.clientId,
      body: { access_token: token, token_type: "Bearer", expires_in: WORKER_TOKEN_SECONDS, scope: "" },
    };
  }
  const { store } = pingone;
  if (!store.hasEnvironment(request.environmentId)) return undefined;
  const application = store.applications(request.environmentId).find((candidate) => candidate.id === request.clientId);
  if (!application) return undefined;
  const envId = request.environmentId;
  // [S] The application's tokenEndpointAuthMethod decides how it authenticates.
  const expected =
    application.tokenEndpointAuthMethod === "CLIENT_SECRET_BASIC"
      ? "basic"
      : application.tokenEndpointAuthMethod === "CLIENT_SECRET_POST"
        ? "post"
        : undefined;
  if (expected !== request.via || !store.secretMatches(envId, application.id, request.clientSecret, equal))
    return refuse(401, "invalid_client", INVALID_CLIENT);
  if (!application.enabled)
    return refuse(401, "invalid_client", "Request denied: the application is disabled.", application.id);
  if (request.grantType !== "client_credentials")
    return refuse(400, "unsupported_grant_type", "The grant type must be client_credentials.", application.id);
  if (!application.grantTypes.includes("CLIENT_CREDENTIALS"))
    return refuse(
      400,
      "unauthorized_client",
      "The application may not use the client_credentials grant.",
      application.id,
    );

  const granted = store.grants(envId, application.id).flatMap((grant) =>
    store
      .scopes(envId, grant.resourceId)
      .filter((scope) => grant.scopeIds.includes(scope.id))
      .map((scope) => ({ resourceId: grant.resourceId, name: scope.name })),
  );
  let chosen: typeof granted;
  if (request.scopes.length > 0) {
    const missing = request.scopes.filter((name) => !granted.some((scope) => scope.name === name));
    if (missing.length > 0)
      return refuse(
        400,
        "invalid_scope",
        `The application was not granted scope(s): ${missing.join(" ")}.`,
        application.id,
      );
    chosen = granted.filter((scope) => request.scopes.includes(scope.name));
  } else {
    chosen = granted;
  }
  const resourceIds = [...new Set(chosen.map((scope) => scope.resourceId))];
  // [S] Only scopes of one custom resource go into one token.
  if (resourceIds.length === 0)
    return refuse(400, "invalid_scope", "The application has no granted scopes.", application.id);
  if (resourceIds.length > 1)
    return refuse(
      400,
      "invalid_scope",
      "The scopes belong to more than one resource; request the scopes of one resource.",
      application.id,
    );

  const resource = store.resource(envId, resourceIds[0]);
  const claims: Record<string, unknown> = {};
  for (const attribute of store.attributes(envId, resource.id)) {
    if (attribute.type === "CORE") continue;
    const evaluation = evaluateAttribute(attribute.value);
    if (!evaluation.ok) {
      return refuse(
        400,
        "invalid_request",
        `The emulator can't evaluate the expression of resource attribute '${attribute.name}' of resource '${resource.name}': it ${evaluation.reason}. It evaluates only 'literal' and {'a','b'} forms.`,
        application.id,
      );
    }
    claims[attribute.name] = evaluation.value;
  }
  const scope = [...new Set(chosen.map((item) => item.name))].join(" ");
  Object.assign(claims, { client_id: application.id, sub: application.id, env: envId, scope });
  const expiresIn = resource.accessTokenValiditySeconds;
  const token = await issuer.sign(claims, {
    issuer: request.issuer,
    audience: resource.audience,
    expiresInSeconds: expiresIn,
    type: accessTokenType(new Date()),
  });
  return {
    ok: true,
    clientId: application.id,
    body: { access_token: token, token_type: "Bearer", expires_in: expiresIn, scope },
  };
}
