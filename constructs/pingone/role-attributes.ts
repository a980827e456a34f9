import { Token } from "cdktf";
import { Construct } from "constructs";
import { SchemaAttribute, SchemaAttributeEnumeratedValues } from "../../.gen/providers/pingone/schema-attribute";
import { assertValidFields } from "../errors";
import { P1AS_ENVIRONMENTS, P1asEnvironment } from "../../p1as/facts";
import { ROLE_ATTRIBUTES, allRoleValues } from "../../p1as/roles";
import { environmentListProblems, uuidProblems } from "../../p1as/rules";
import { templateLiterals } from "../terraform-literal";

export interface RoleAttributesProps {
  /** The PingOne environment (connected to P1AS) whose User schema gets the attributes. */
  readonly environmentId: string;
  /** The P1AS environments whose roles users may be given. */
  readonly environments: readonly P1asEnvironment[];
  /**
   * P1AS environments that used to be configured. Their roles stay on the attributes as archived
   * values, because the provider rejects a plan that removes an enumerated value.
   * @default - none
   */
  readonly retiredEnvironments?: readonly P1asEnvironment[];
  /**
   * Individual role values that may no longer be assigned (kept, archived).
   * @default - none
   */
  readonly archivedRoles?: readonly string[];
}

/**
 * The P1AS custom user attributes (`p1asSelfServiceRoles`, `p1asPingFederateRoles`, ...): one
 * multi-valued STRING `pingone_schema_attribute` each, whose enumerated values are the role catalogue
 * of p1as/roles.ts. They belong to the PingOne environment, so exactly one RoleAttributes may exist
 * per PingOne environment; a second copy would be rejected by the API.
 */
export class RoleAttributes extends Construct {
  /** The PingOne id of each attribute, keyed by attribute name. */
  public readonly attributeIds: Readonly<Record<string, string>>;
  /** Attribute names, in catalogue order. */
  public readonly attributeNames: readonly string[];

  constructor(scope: Construct, id: string, props: RoleAttributesProps) {
    super(scope, id);
    const retired = props.retiredEnvironments ?? [];
    const archivedRoles = props.archivedRoles ?? [];
    const known = allRoleValues(P1AS_ENVIRONMENTS);
    assertValidFields(this.node.path, [
      {
        field: "environmentId",
        value: props.environmentId,
        reasons: Token.isUnresolved(props.environmentId) ? [] : uuidProblems(props.environmentId),
      },
      {
        field: "environments",
        value: props.environments,
        reasons: [
          ...(props.environments.length === 0 ? ["must list at least one P1AS environment"] : []),
          ...(new Set(props.environments).size !== props.environments.length
            ? ["must not list an environment twice"]
            : []),
          ...environmentListProblems(props.environments),
        ],
      },
      {
        field: "retiredEnvironments",
        value: retired,
        reasons: [
          ...retired
            .filter((env) => props.environments.includes(env))
            .map((env) => `${env} is also in environments; an environment is either configured or retired`),
          ...environmentListProblems(retired),
        ],
      },
      {
        field: "archivedRoles",
        value: archivedRoles,
        reasons: archivedRoles
          .filter((role) => !known.has(role))
          .map((role) => `${JSON.stringify(role)} is not a role of any P1AS attribute`),
      },
    ]);

    const ids: Record<string, string> = {};
    for (const spec of ROLE_ATTRIBUTES) {
      const active = spec.values(props.environments);
      const enumeratedValues: SchemaAttributeEnumeratedValues[] = [
        ...new Set([
          ...active,
          ...spec.values(retired),
          ...archivedRoles.filter((role) => spec.values(P1AS_ENVIRONMENTS).includes(role)),
        ]),
      ].map((value) => ({ value, archived: !active.includes(value) || archivedRoles.includes(value) }));
      // The attribute name is the construct id: renaming it would replace the attribute and drop users' roles.
      const attribute = new SchemaAttribute(this, spec.name, {
        environmentId: props.environmentId,
        name: spec.name,
        displayName: spec.displayName,
        description: `P1AS roles (${spec.displayName}); managed by p1as-cdktf`,
        type: "STRING",
        multivalued: true,
        enumeratedValues: templateLiterals(enumeratedValues),
      });
      ids[spec.name] = attribute.id;
    }
    this.attributeIds = Object.freeze(ids);
    this.attributeNames = Object.freeze(ROLE_ATTRIBUTES.map((spec) => spec.name));
  }
}
