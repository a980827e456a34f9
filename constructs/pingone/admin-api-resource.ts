import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { Resource } from "../../.gen/providers/pingone/resource";
import { ResourceAttribute } from "../../.gen/providers/pingone/resource-attribute";
import { ResourceScope } from "../../.gen/providers/pingone/resource-scope";
import { assertValidFields } from "../errors";
import {
  ACCESS_TOKEN_VALIDITY_SECONDS,
  P1asEnvironment,
  SELF_SERVICE_LEVELS,
  SelfServiceLevel,
  selfServiceRole,
} from "../../p1as/facts";
import {
  accessTokenValidityProblems,
  audienceProblems,
  environmentProblems,
  expressionLiteralProblems,
  groupsProblems,
  pingOneNameProblems,
  scopeNameProblems,
  uuidProblems,
} from "../../p1as/rules";
import { templateLiteral } from "../terraform-literal";

/** What an OAuth client needs to be granted access to the self-service API's resource. */
export interface IAdminApiResource {
  /** The PingOne environment that holds the resource. */
  readonly environmentId: string;
  /** The `pingone_resource` id. */
  readonly resourceId: string;
  /** The `pingone_resource_scope` id, for a resource grant. */
  readonly scopeId: string;
  /** The scope's name, as a client asks for it in a token request. */
  readonly scope: string;
}

export interface AdminApiResourceProps {
  /** The PingOne environment (connected to P1AS) that issues the tokens. */
  readonly environmentId: string;
  /** The P1AS environment whose self-service API the tokens are for. */
  readonly environment: P1asEnvironment;
  /** The token's `aud`: an absolute URL without fragment, not containing "pingone" or "pingidentity". */
  readonly audience: string;
  /**
   * What tokens for this resource may do. PingOne's resource attributes are hard-coded per resource, so a
   * read-only client needs a resource of its own (same audience, `groups` of audit roles only).
   * @default "admin"
   */
  readonly access?: SelfServiceLevel;
  /**
   * The resource's name in the PingOne console.
   * @default `p1as-<environment>-self-service-api`, or `p1as-<environment>-self-service-api-audit` for `access: "audit"`
   */
  readonly name?: string;
  /**
   * Access-token lifetime, 300 to 2592000.
   * @default 3600
   */
  readonly accessTokenValiditySeconds?: number;
  /**
   * The scope clients are granted.
   * @default "p1as-self-service"
   */
  readonly scope?: string;
  /**
   * The hard-coded value of the token's `name` claim.
   * @default "OrchestrationTool"
   */
  readonly orchestrationName?: string;
  /**
   * The hard-coded self-service roles of the token's `groups` claim: the environment's own `<env>-tls-*` roles,
   * and the cross-environment `all-tls-*` ones only with `allowAllEnvironmentRoles`. With `access: "audit"`, audit roles only.
   * @default - `[<environment>-tls-<access>]`, least privilege
   */
  readonly groups?: readonly string[];
  /**
   * Allows `all-tls-*` roles in `groups`. Such a role lets this environment's client act on every environment,
   * past the approvals of the others, so it takes this explicit, reviewable opt-in.
   * @default false
   */
  readonly allowAllEnvironmentRoles?: boolean;
}

/** The documented defaults of AdminApiResourceProps; config/schema/defaults.ts applies the same ones. */
export const ADMIN_API_RESOURCE_DEFAULTS = {
  access: "admin" as SelfServiceLevel,
  name: (environment: P1asEnvironment, access: SelfServiceLevel = "admin") =>
    `p1as-${environment}-self-service-api${access === "audit" ? "-audit" : ""}`,
  accessTokenValiditySeconds: ACCESS_TOKEN_VALIDITY_SECONDS.default,
  scope: "p1as-self-service",
  orchestrationName: "OrchestrationTool",
  /** Least privilege: the environment's own admin role, nothing across environments. */
  groups: (environment: P1asEnvironment, access: SelfServiceLevel = "admin"): string[] => [
    selfServiceRole(environment, access),
  ],
} as const;

/** A single-quoted PingOne expression-language literal, e.g. `'OrchestrationTool'`. */
const literal = (value: string) => `'${value}'`;
/** A PingOne expression (`${...}`): text for PingOne, so a Terraform literal like any other (written `$${...}`). */
const pingOneExpression = (body: string) => templateLiteral(`\${${body}}`);

/**
 * The custom PingOne resource that stands for one P1AS environment's self-service (administrative) API:
 * a `pingone_resource` with the audience and token lifetime, the hard-coded `name` and `groups`
 * attributes the API reads from client-credentials tokens, and one scope.
 */
export class AdminApiResource extends Construct implements IAdminApiResource {
  /**
   * The `name` and `groups` attributes. Whatever calls the API with this resource's tokens must depend on them:
   * otherwise a destroy may delete them first, and the tokens of the same run carry no `groups` (403).
   */
  public readonly claimAttributes: readonly ITerraformDependable[];
  public readonly environmentId: string;
  public readonly resourceId: string;
  public readonly scopeId: string;
  public readonly scope: string;
  public readonly audience: string;
  /** What its tokens may do. */
  public readonly access: SelfServiceLevel;
  /** The resource's name in PingOne. */
  public readonly name: string;
  /** The self-service roles every token for this resource carries. */
  public readonly groups: readonly string[];
  /** The `name` claim's value. */
  public readonly orchestrationName: string;

  constructor(scope: Construct, id: string, props: AdminApiResourceProps) {
    super(scope, id);
    const defaults = ADMIN_API_RESOURCE_DEFAULTS;
    const access = props.access ?? defaults.access;
    const name = props.name ?? defaults.name(props.environment, access);
    const validity = props.accessTokenValiditySeconds ?? defaults.accessTokenValiditySeconds;
    const scopeName = props.scope ?? defaults.scope;
    const orchestrationName = props.orchestrationName ?? defaults.orchestrationName;
    const groups = props.groups ?? defaults.groups(props.environment, access);
    const known = (value: unknown) => !Token.isUnresolved(value);
    assertValidFields(this.node.path, [
      { field: "environment", value: props.environment, reasons: environmentProblems(props.environment) },
      {
        field: "access",
        value: access,
        reasons: (SELF_SERVICE_LEVELS as readonly string[]).includes(access)
          ? []
          : [`must be one of ${SELF_SERVICE_LEVELS.join(", ")}`],
      },
      {
        field: "environmentId",
        value: props.environmentId,
        reasons: known(props.environmentId) ? uuidProblems(props.environmentId) : [],
      },
      {
        field: "audience",
        value: props.audience,
        reasons: known(props.audience) ? audienceProblems(props.audience) : [],
      },
      { field: "name", value: name, reasons: known(name) ? pingOneNameProblems(name) : [] },
      {
        field: "accessTokenValiditySeconds",
        value: validity,
        reasons: known(validity) ? accessTokenValidityProblems(validity) : [],
      },
      { field: "scope", value: scopeName, reasons: scopeNameProblems(scopeName) },
      { field: "orchestrationName", value: orchestrationName, reasons: expressionLiteralProblems(orchestrationName) },
      {
        field: "groups",
        value: groups,
        reasons: [
          ...groupsProblems(props.environment, groups, { allEnvironments: props.allowAllEnvironmentRoles ?? false }),
          // A read-only client's resource must never carry a role that writes.
          ...(access === "audit"
            ? groups
                .filter((group) => !group.endsWith("-tls-audit"))
                .map((group) => `${JSON.stringify(group)} is not an audit role, and access is "audit"`)
            : []),
        ],
      },
    ]);

    const resource = new Resource(this, "resource", {
      environmentId: props.environmentId,
      name: templateLiteral(name),
      description: `P1AS ${props.environment} self-service (administrative) API${access === "audit" ? ", read-only clients" : ""}; managed by p1as-cdktf`,
      audience: templateLiteral(props.audience),
      accessTokenValiditySeconds: validity,
    });
    const attribute = (attributeId: string, attributeName: string, expression: string) =>
      new ResourceAttribute(this, attributeId, {
        environmentId: props.environmentId,
        resourceType: "CUSTOM",
        customResourceId: resource.id,
        name: attributeName,
        value: pingOneExpression(expression),
      });
    this.claimAttributes = Object.freeze([
      attribute("name-attribute", "name", literal(orchestrationName)),
      attribute("groups-attribute", "groups", `{${groups.map(literal).join(",")}}`),
    ]);
    const resourceScope = new ResourceScope(this, "scope", {
      environmentId: props.environmentId,
      resourceId: resource.id,
      name: templateLiteral(scopeName),
      description: `Call the P1AS ${props.environment} self-service API`,
    });

    this.environmentId = props.environmentId;
    this.resourceId = resource.id;
    this.scopeId = resourceScope.id;
    this.scope = scopeName;
    this.audience = props.audience;
    this.access = access;
    this.name = name;
    this.groups = Object.freeze([...groups]);
    this.orchestrationName = orchestrationName;
  }
}
