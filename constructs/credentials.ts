import { Token } from "cdktf";
import { Construct } from "constructs";
import { assertValidFields } from "./errors";
import { clientIdProblems, serviceUrlProblems } from "../p1as/rules";
import {
  ALLOWED_HOSTS_VARIABLE,
  AllowedHosts,
  apiUrlDestinationProblems,
  parseAllowedHosts,
  pingOneApiUrlDestinationProblems,
  tokenUrlDestinationProblems,
} from "../p1as/destinations";
import { secretEnvNameProblems } from "../p1as/secret-names";

/** A PingOne application the p1as provider finds by name (its id is the client id, PingOne holds its secret). */
export interface IPingOneApplicationRef {
  /** The PingOne environment that holds the application. */
  readonly environmentId: string;
  /** The application's name, unique in that environment. */
  readonly name: string;
}

/**
 * What a client of the P1AS self-service API needs to get a token: an OAuth client (client credentials grant,
 * CLIENT_SECRET_BASIC) and the PingOne token endpoint. Implemented by OrchestrationClient (a PingOne application the
 * provider looks up) and by SelfServiceCredentials.fromEnvironment (a client id and a secret variable).
 * Exactly one of `clientId` and `pingOneApplication` is set.
 */
export interface ISelfServiceCredentials {
  /** The client id, when it is known at synth. @default - looked up through `pingOneApplication` */
  readonly clientId?: string;
  /**
   * The PingOne application the provider looks the client id (and, unless `clientSecretEnv` is set, the secret) up
   * from, when it first needs a token.
   * @default - none: `clientId` and `clientSecretEnv` give the client
   */
  readonly pingOneApplication?: IPingOneApplicationRef;
  /** `https://auth.pingone.<tld>/<environmentId>/as/token` (or an emulator's). */
  readonly tokenUrl: string;
  /**
   * The scope to ask for.
   * @default - every scope granted to the client (PingOne's behaviour when `scope` is omitted)
   */
  readonly scope?: string;
  /**
   * The environment variable that the `p1as` provider process reads the secret from, at plan and at apply alike.
   * A name, never a value: nothing secret is synthesized. With `pingOneApplication`, a set variable wins over the lookup.
   */
  readonly clientSecretEnv: string;
}

export interface ClientSecretEnvProps {
  /** The existing client's id. */
  readonly clientId: string;
  /** Environment variable holding the secret where terraform runs, e.g. `P1AS_DEV_CLIENT_SECRET`; it must start with `P1AS_`. */
  readonly clientSecretEnv: string;
  /** The PingOne token endpoint. */
  readonly tokenUrl: string;
  /**
   * The scope to ask for.
   * @default - every scope granted to the client
   */
  readonly scope?: string;
}

/** Credentials of an OAuth client that exists outside this app (Bucket.fromBucketAttributes style). */
export class SelfServiceCredentials {
  /**
   * A client whose secret the provider process reads from the environment variable `clientSecretEnv`. Unlike a
   * Terraform variable, such a variable may be missing while planning and present while applying, so a plan made
   * with the read-only client alone can be applied with the write client.
   */
  public static fromEnvironment(scope: Construct, props: ClientSecretEnvProps): ISelfServiceCredentials {
    const known = (value: unknown) => !Token.isUnresolved(value);
    assertValidFields(`${scope.node.path}/${props.clientSecretEnv}`, [
      {
        field: "clientId",
        value: props.clientId,
        reasons: known(props.clientId) ? clientIdProblems(props.clientId) : [],
      },
      { field: "clientSecretEnv", value: props.clientSecretEnv, reasons: secretEnvNameProblems(props.clientSecretEnv) },
      {
        field: "tokenUrl",
        value: props.tokenUrl,
        reasons: known(props.tokenUrl) ? tokenUrlProblems(props.tokenUrl) : [],
      },
    ]);
    return Object.freeze({
      clientId: props.clientId,
      clientSecretEnv: props.clientSecretEnv,
      tokenUrl: props.tokenUrl,
      scope: props.scope,
    });
  }

  private constructor() {}
}

/** Judges a URL by the URL rules first, then by where it would send a credential (with this process's allow-list). */
function destination(value: string, rule: (url: string, allowed: AllowedHosts) => string[]): string[] {
  const problems = serviceUrlProblems(value);
  if (problems.length > 0) return problems;
  const allowed = parseAllowedHosts(process.env[ALLOWED_HOSTS_VARIABLE]);
  if (allowed.problems.length > 0)
    return [
      `cannot be judged: the environment variable ${ALLOWED_HOSTS_VARIABLE} is invalid (${allowed.problems.join("; ")})`,
    ];
  return rule(value, allowed.hosts);
}

/** A token URL that is well formed and PingOne's (or loopback, or allow-listed): where a client secret may be sent. */
export function tokenUrlProblems(value: string): string[] {
  return destination(value, (url, allowed) => tokenUrlDestinationProblems(url, {}, allowed));
}

/** An API URL that is well formed and a P1AS environment's (or loopback, or allow-listed): where a bearer token may be sent. */
export function apiUrlProblems(value: string): string[] {
  return destination(value, (url, allowed) => apiUrlDestinationProblems(url, {}, allowed));
}

/** A PingOne management API URL that is well formed and PingOne's (or loopback, or allow-listed): where a worker's token may be sent. */
export function pingOneApiUrlProblems(value: string): string[] {
  return destination(value, (url, allowed) => pingOneApiUrlDestinationProblems(url, {}, allowed));
}
