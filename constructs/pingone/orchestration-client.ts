import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { Application } from "../../.gen/providers/pingone/application";
import { ApplicationResourceGrant } from "../../.gen/providers/pingone/application-resource-grant";
import { IPingOneApplicationRef, ISelfServiceCredentials } from "../credentials";
import { assertValidFields } from "../errors";
import {
  P1asEnvironment,
  PingOneRegionCode,
  SELF_SERVICE_LEVELS,
  SelfServiceLevel,
  pingOneAuthBaseUrl,
  pingOneTokenUrl,
} from "../../p1as/facts";
import {
  environmentProblems,
  pingOneNameProblems,
  regionCodeProblems,
  serviceUrlProblems,
  uuidProblems,
} from "../../p1as/rules";
import { clientSecretEnv } from "../../p1as/secret-names";
import { templateLiteral } from "../terraform-literal";
import { IAdminApiResource } from "./admin-api-resource";

/** The documented defaults of OrchestrationClientProps; config/schema/defaults.ts applies the same ones. */
export const ORCHESTRATION_CLIENT_DEFAULTS = {
  access: "admin" as SelfServiceLevel,
  name: (environment: P1asEnvironment, access: SelfServiceLevel = "admin") =>
    `p1as-${environment}-${access === "audit" ? "audit" : "orchestration"}`,
} as const;

export interface OrchestrationClientProps {
  /** The PingOne environment that holds the resource and the application. */
  readonly environmentId: string;
  /** The PingOne region of that environment; it picks the token endpoint's host. */
  readonly regionCode: PingOneRegionCode;
  /** The P1AS environment the client may call. */
  readonly environment: P1asEnvironment;
  /** The resource whose scope the client is granted; its `groups` decide what the client may do. */
  readonly resource: IAdminApiResource;
  /**
   * What the client is for: `admin` applies, `audit` plans, checks drift and shows status. It names the environment
   * variable that may hold the secret instead of a lookup (`P1AS_<ENV>_CLIENT_SECRET` or `P1AS_<ENV>_AUDIT_CLIENT_SECRET`).
   * @default "admin"
   */
  readonly access?: SelfServiceLevel;
  /**
   * The application's name in the PingOne console: the p1as provider finds the application by it.
   * @default `p1as-<environment>-orchestration`, or `p1as-<environment>-audit` for `access: "audit"`
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
 * restricted to PingOne administrators, granted the resource's scope.
 *
 * It declares no `pingone_application_secret`: PingOne generates the secret with the application, and the p1as
 * provider reads it from PingOne when it first needs a token, by the application's name. So neither the client id
 * nor the secret is a Terraform value: the provider's configuration is known at plan, even before the application
 * exists, and no state holds the secret (docs/reliability-and-security.md).
 */
export class OrchestrationClient extends Construct implements ISelfServiceCredentials {
  /** How the p1as provider finds the client: the application's PingOne environment and name. */
  public readonly pingOneApplication: IPingOneApplicationRef;
  /** The application's name in PingOne. */
  public readonly applicationName: string;
  /** The variable that, when set where terraform runs, holds the secret instead of the lookup (a plan job's worker may not read secrets). */
  public readonly clientSecretEnv: string;
  public readonly tokenUrl: string;
  public readonly scope: string;
  public readonly access: SelfServiceLevel;
  /** The `pingone_application` id (its client id), known after apply. */
  public readonly applicationId: string;
  /** The resource the client is granted. */
  public readonly resourceId: string;
  /**
   * The application and its grant: what a resource that calls the API with this client must depend on, so one
   * apply creates them first (their tokens carry the granted scope only once the grant exists).
   */
  public readonly dependables: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: OrchestrationClientProps) {
    super(scope, id);
    const access = props.access ?? ORCHESTRATION_CLIENT_DEFAULTS.access;
    const name = props.name ?? ORCHESTRATION_CLIENT_DEFAULTS.name(props.environment, access);
    const tokenUrl = props.tokenUrl ?? pingOneTokenUrl(pingOneAuthBaseUrl(props.regionCode), props.environmentId);
    assertValidFields(this.node.path, [
      // A literal: the provider must know where to look at plan, before anything exists.
      {
        field: "environmentId",
        value: props.environmentId,
        reasons: Token.isUnresolved(props.environmentId)
          ? ["must be known at synth (a literal), not a Terraform reference"]
          : uuidProblems(props.environmentId),
      },
      { field: "environment", value: props.environment, reasons: environmentProblems(props.environment) },
      { field: "regionCode", value: props.regionCode, reasons: regionCodeProblems(props.regionCode) },
      {
        field: "access",
        value: access,
        reasons: (SELF_SERVICE_LEVELS as readonly string[]).includes(access)
          ? []
          : [`must be one of ${SELF_SERVICE_LEVELS.join(", ")}`],
      },
      {
        field: "name",
        value: name,
        reasons: Token.isUnresolved(name)
          ? ["must be known at synth (a literal), not a Terraform reference"]
          : pingOneNameProblems(name),
      },
      { field: "tokenUrl", value: tokenUrl, reasons: Token.isUnresolved(tokenUrl) ? [] : serviceUrlProblems(tokenUrl) },
    ]);

    const application = new Application(this, "application", {
      environmentId: props.environmentId,
      name: templateLiteral(name),
      description: `${access === "audit" ? "Read-only automation" : "Automation"} client for the P1AS ${props.environment} self-service API; managed by p1as-cdktf`,
      enabled: true,
      accessControlRoleType: "ADMIN_USERS_ONLY",
      oidcOptions: {
        type: "WEB_APP",
        grantTypes: ["CLIENT_CREDENTIALS"],
        tokenEndpointAuthMethod: "CLIENT_SECRET_BASIC",
      },
    });
    const grant = new ApplicationResourceGrant(this, "scope-grant", {
      environmentId: props.environmentId,
      applicationId: application.id,
      resourceType: "CUSTOM",
      customResourceId: props.resource.resourceId,
      scopes: [props.resource.scopeId],
    });

    this.pingOneApplication = Object.freeze({ environmentId: props.environmentId, name });
    this.applicationName = name;
    this.clientSecretEnv = clientSecretEnv(props.environment, access);
    this.tokenUrl = tokenUrl;
    this.scope = props.resource.scope;
    this.access = access;
    this.applicationId = application.id;
    this.resourceId = props.resource.resourceId;
    this.dependables = Object.freeze([application, grant]);
  }
}
