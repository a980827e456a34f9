import { Token } from "cdktf";
import { Construct } from "constructs";
import { Application } from "../../.gen/providers/pingone/application";
import { ApplicationResourceGrant } from "../../.gen/providers/pingone/application-resource-grant";
import { ApplicationSecret } from "../../.gen/providers/pingone/application-secret";
import { ISelfServiceCredentials } from "../credentials";
import { assertValidFields } from "../errors";
import { P1asEnvironment, PingOneRegionCode, pingOneAuthBaseUrl, pingOneTokenUrl } from "../../p1as/facts";
import { environmentProblems, pingOneNameProblems, regionCodeProblems, serviceUrlProblems, uuidProblems } from "../../p1as/rules";
import { clientSecretEnv } from "../../p1as/secret-names";
import { templateLiteral } from "../terraform-literal";
import { IAdminApiResource } from "./admin-api-resource";

/** The documented defaults of OrchestrationClientProps; config/schema.ts applies the same ones. */
export const ORCHESTRATION_CLIENT_DEFAULTS = {
  name: (environment: P1asEnvironment) => `p1as-${environment}-orchestration`,
} as const;

export interface OrchestrationClientProps {
  /** The PingOne environment that holds the resource and the application. */
  readonly environmentId: string;
  /** The PingOne region of that environment; it picks the token endpoint's host. */
  readonly regionCode: PingOneRegionCode;
  /** The P1AS environment the client may call. */
  readonly environment: P1asEnvironment;
  /** The resource whose scope the client is granted. */
  readonly resource: IAdminApiResource;
  /**
   * The application's name in the PingOne console.
   * @default `p1as-<environment>-orchestration`
   */
  readonly name?: string;
  /**
   * The token endpoint clients call (override it for an emulator).
   * @default - `https://auth.pingone.<tld>/<environmentId>/as/token` for regionCode
   */
  readonly tokenUrl?: string;
}

/**
 * The OAuth client that automation uses to call the self-service API: an OIDC Web App with only the
 * client-credentials grant and no response type (no user can sign in through it), CLIENT_SECRET_BASIC,
 * restricted to PingOne administrators, granted the resource's scope, plus its secret.
 */
export class OrchestrationClient extends Construct implements ISelfServiceCredentials {
  /** The OAuth client id (the application's `oidc_options.client_id`). */
  public readonly clientId: string;
  /** Sensitive: the provider marks `pingone_application_secret.secret` sensitive, so plans never show it. */
  public readonly clientSecret: string;
  /** Unused while `clientSecret` is set; the interface's name for where the secret would come from otherwise. */
  public readonly clientSecretEnv: string;
  public readonly tokenUrl: string;
  public readonly scope: string;
  /** The `pingone_application` id. */
  public readonly applicationId: string;
  /** The resource the client is granted. */
  public readonly resourceId: string;

  constructor(scope: Construct, id: string, props: OrchestrationClientProps) {
    super(scope, id);
    const name = props.name ?? ORCHESTRATION_CLIENT_DEFAULTS.name(props.environment);
    const tokenUrl = props.tokenUrl ?? pingOneTokenUrl(pingOneAuthBaseUrl(props.regionCode), props.environmentId);
    assertValidFields(this.node.path, [
      {
        field: "environmentId",
        value: props.environmentId,
        reasons: Token.isUnresolved(props.environmentId) ? [] : uuidProblems(props.environmentId),
      },
      { field: "environment", value: props.environment, reasons: environmentProblems(props.environment) },
      { field: "regionCode", value: props.regionCode, reasons: regionCodeProblems(props.regionCode) },
      { field: "name", value: name, reasons: Token.isUnresolved(name) ? [] : pingOneNameProblems(name) },
      { field: "tokenUrl", value: tokenUrl, reasons: Token.isUnresolved(tokenUrl) ? [] : serviceUrlProblems(tokenUrl) },
    ]);

    const application = new Application(this, "application", {
      environmentId: props.environmentId,
      name: templateLiteral(name),
      description: `Automation client for the P1AS ${props.environment} self-service API; managed by p1as-cdktf`,
      enabled: true,
      accessControlRoleType: "ADMIN_USERS_ONLY",
      oidcOptions: {
        type: "WEB_APP",
        grantTypes: ["CLIENT_CREDENTIALS"],
        tokenEndpointAuthMethod: "CLIENT_SECRET_BASIC",
      },
    });
    new ApplicationResourceGrant(this, "scope-grant", {
      environmentId: props.environmentId,
      applicationId: application.id,
      resourceType: "CUSTOM",
      customResourceId: props.resource.resourceId,
      scopes: [props.resource.scopeId],
    });
    const secret = new ApplicationSecret(this, "secret", {
      environmentId: props.environmentId,
      applicationId: application.id,
    });

    this.clientId = application.oidcOptions.clientId;
    this.clientSecret = secret.secret;
    this.clientSecretEnv = clientSecretEnv(props.environment, "admin");
    this.tokenUrl = tokenUrl;
    this.scope = props.resource.scope;
    this.applicationId = application.id;
    this.resourceId = props.resource.resourceId;
  }
}
