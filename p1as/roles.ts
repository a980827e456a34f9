/**
 * The P1AS role catalogue: which custom user attribute holds which role values.
 * Role names and attribute spellings are confirmed by Ping's docs and test code, except where a
 * comment says "inferred" (see the README's facts/assumptions table).
 */
import { P1AS_ENVIRONMENTS, P1asEnvironment, SELF_SERVICE_LEVELS, selfServiceRole } from "./facts";

export interface RoleAttributeSpec {
  /** The PingOne user attribute name, in the spelling of Ping's code. */
  readonly name: string;
  readonly displayName: string;
  /** Every role value the attribute may hold for the given P1AS environments. */
  readonly values: (environments: readonly P1asEnvironment[]) => string[];
}

const perEnvironment = (levels: readonly string[], product: string) => (environments: readonly P1asEnvironment[]) =>
  environments.flatMap((env) => levels.map((level) => `${env}-${product}-${level}`));

export const ROLE_ATTRIBUTES: readonly RoleAttributeSpec[] = [
  {
    name: "p1asSelfServiceRoles",
    displayName: "P1AS Self-Service Roles",
    values: (environments) => [
      ...environments.flatMap((env) => SELF_SERVICE_LEVELS.map((level) => selfServiceRole(env, level))),
      ...SELF_SERVICE_LEVELS.map((level) => selfServiceRole("all", level)),
    ],
  },
  {
    name: "p1asPingFederateRoles",
    displayName: "P1AS PingFederate Roles",
    values: perEnvironment(["audit", "roleadmin", "crypto", "expression", "useradmin"], "pf"),
  },
  {
    name: "p1asPingAccessRoles",
    displayName: "P1AS PingAccess Roles",
    values: perEnvironment(["admin", "audit", "platform"], "pa"),
  },
  { name: "p1asArgoCDRoles", displayName: "P1AS ArgoCD Roles", values: () => ["argo-configteam"] },
  { name: "p1asOpensearchRoles", displayName: "P1AS OpenSearch Roles", values: () => ["os-configteam"] },
  // Inferred spelling: the docs name it P1ASGrafanaRoles; Ping's code spells the others p1as<Product>Roles.
  { name: "p1asGrafanaRoles", displayName: "P1AS Grafana Roles", values: perEnvironment(["editor"], "graf") },
];

/** Every role value of every attribute for these environments: the set a config may grant. */
export function allRoleValues(environments: readonly P1asEnvironment[] = P1AS_ENVIRONMENTS): Set<string> {
  return new Set(ROLE_ATTRIBUTES.flatMap((attribute) => attribute.values(environments)));
}
