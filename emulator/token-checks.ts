/**
 * Which tokens the emulated self-service API accepts, before roles: a trusted issuer (both contract
 * modes; see p1as/assumptions.ts TOKEN_AUDIENCE_CHECKED for the rest), and in the assumed mode an
 * audience naming this API and a scope of its resource. Tokens are signed by the emulator's one key,
 * so the issuer check is about which PingOne environments the API trusts, not about signatures.
 */
import { P1asEnvironment } from "../p1as/facts";
import { DEMO_AUDIENCE, DEMO_SCOPE } from "./clients";

/** Scopes the assumed mode accepts without settings: the demo clients' and the stacks' default scope name. */
export const DEFAULT_ACCEPTED_SCOPES: readonly string[] = [DEMO_SCOPE, "p1as-self-service"];

export interface TokenAcceptance {
  /** Audiences accepted for every environment besides the built-in ones (see acceptedAudience). */
  audiences: string[];
  /** Scopes accepted besides DEFAULT_ACCEPTED_SCOPES. */
  scopes: string[];
}

/** `iss` is `<any origin>/<envId>/as` for a PingOne environment the emulator knows. */
export function trustedIssuer(issuer: unknown, trustedEnvironments: ReadonlySet<string>): boolean {
  if (typeof issuer !== "string") return false;
  try {
    const match = /^\/([^/]+)\/as$/.exec(new URL(issuer).pathname);
    return match !== null && trustedEnvironments.has(match[1]);
  } catch {
    return false;
  }
}

/**
 * The API of `environment` accepts `aud` when it names: the demo resource, this emulator's own API URL of
 * that environment (the default audience of a config whose apiUrl points here), the real API URL pattern
 * of that environment (`https://self-service-api.<env>-<customer>.<region>.ping.cloud[/api/v1]`), or an
 * audience added in the settings.
 */
export function acceptedAudience(
  audience: unknown,
  environment: P1asEnvironment,
  ownApiUrl: string,
  acceptance: TokenAcceptance,
): boolean {
  const realApi = new RegExp(
    `^https://self-service-api\\.${environment}-[a-z0-9-]+\\.[a-z0-9-]+\\.ping\\.cloud(/api/v1)?/?$`,
  );
  return [audience]
    .flat()
    .some(
      (value) =>
        typeof value === "string" &&
        (value === DEMO_AUDIENCE || value === ownApiUrl || realApi.test(value) || acceptance.audiences.includes(value)),
    );
}

export function acceptedScope(scope: unknown, acceptance: TokenAcceptance): boolean {
  const scopes = typeof scope === "string" ? scope.split(/\s+/) : [];
  return scopes.some((value) => DEFAULT_ACCEPTED_SCOPES.includes(value) || acceptance.scopes.includes(value));
}
