/**
 * The emulator's PingOne side: seeded client-credentials applications, an RS256 signing key made at
 * start-up (never written anywhere), a JWKS, and access tokens shaped like PingOne's for a custom
 * resource (`aud`, `scope`, `client_id`, and the resource attribute `groups` as an array claim).
 */
import { randomUUID } from "node:crypto";
import { JWK, KeyLike, SignJWT, errors, exportJWK, generateKeyPair, jwtVerify } from "jose";
import { accessTokenType } from "../p1as/facts";

export interface EmulatorClient {
  readonly clientId: string;
  /** Emulator credential; never logged. */
  readonly clientSecret: string;
  /** The `groups` attribute of the client's resource: self-service roles such as dev-tls-admin. */
  readonly groups: readonly string[];
  /** The PingOne environment whose token endpoint knows this client. */
  readonly pingOneEnvironmentId: string;
  /** The resource's audience (becomes `aud`). */
  readonly audience: string;
  /** Scopes the application was granted on its resource. */
  readonly scopes: readonly string[];
  /** Lifetime of tokens issued to this client. */
  readonly accessTokenValiditySeconds: number;
}

export interface AccessTokenClaims {
  readonly client_id: string;
  readonly groups: readonly string[];
  readonly scope: string;
  readonly aud: string | string[];
  readonly iss: string;
  readonly exp: number;
  readonly env: string;
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: "expired" | "invalid" };

export class TokenIssuer {
  private constructor(
    private readonly privateKey: KeyLike,
    private readonly publicKey: KeyLike,
    private readonly publicJwk: JWK,
  ) {}

  /** A fresh RS256 key pair: tokens from an earlier emulator process stop verifying, as after a key rotation. */
  static async create(): Promise<TokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
    return new TokenIssuer(privateKey, publicKey, publicJwk);
  }

  get kid(): string {
    return this.publicJwk.kid as string;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** Signs a token for `client`; `expiresInSeconds` may be negative to mint an already-expired token in tests. */
  async issue(
    client: EmulatorClient,
    options: { issuer: string; scope: readonly string[]; expiresInSeconds?: number },
  ): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = options.expiresInSeconds ?? client.accessTokenValiditySeconds;
    const claims = {
      client_id: client.clientId,
      scope: options.scope.join(" "),
      groups: [...client.groups],
      env: client.pingOneEnvironmentId,
    };
    return {
      token: await this.sign(claims, {
        issuer: options.issuer,
        audience: client.audience,
        expiresInSeconds: expiresIn,
        type: accessTokenType(new Date()),
      }),
      expiresIn,
    };
  }

  /** Signs any claims with the emulator's key: RS256, its `kid`, the given `typ`. */
  async sign(
    claims: Record<string, unknown>,
    options: { issuer: string; audience: string | string[]; expiresInSeconds: number; type: string },
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: this.kid, typ: options.type })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + options.expiresInSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  async verify(token: string): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { algorithms: ["RS256"] });
      return { ok: true, claims: payload as unknown as AccessTokenClaims };
    } catch (error) {
      return { ok: false, reason: error instanceof errors.JWTExpired ? "expired" : "invalid" };
    }
  }
}
