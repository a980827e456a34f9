import { TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import { assertValidFields } from "./errors";
import { makeEphemeral } from "./terraform-version";
import { clientIdProblems, serviceUrlProblems, variableNameProblems } from "../p1as/rules";

/**
 * What a client of the P1AS self-service API needs to get a token: an OAuth client (client
 * credentials grant, CLIENT_SECRET_BASIC) and the PingOne token endpoint. Implemented by
 * OrchestrationClient and by SelfServiceCredentials.fromClientSecretVariable.
 */
export interface ISelfServiceCredentials {
  readonly clientId: string;
  /** Sensitive: a Terraform token that resolves to the secret at apply time, never the secret itself. */
  readonly clientSecret: string;
  /** `https://auth.pingone.<tld>/<environmentId>/as/token` (or an emulator's). */
  readonly tokenUrl: string;
  /**
   * The scope to ask for.
   * @default - every scope granted to the client (PingOne's behaviour when `scope` is omitted)
   */
  readonly scope?: string;
}

export interface ClientSecretVariableProps {
  /** The existing client's id. */
  readonly clientId: string;
  /** Name of the sensitive Terraform variable that carries the secret; set it as TF_VAR_<name>. */
  readonly clientSecretVariable: string;
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
   * Declares the sensitive variable `<clientSecretVariable>` in `scope`'s stack, so the secret comes
   * from TF_VAR_<clientSecretVariable> at plan time and is never written to a file.
   */
  public static fromClientSecretVariable(scope: Construct, props: ClientSecretVariableProps): ISelfServiceCredentials {
    const path = `${scope.node.path}/${props.clientSecretVariable}`;
    const stack = TerraformStack.of(scope);
    // The construct id is the variable's Terraform address, so no name can collide with a sibling construct's id (`virtual-hosts`).
    const id = `var.${props.clientSecretVariable}`;
    assertValidFields(path, [
      { field: "clientId", value: props.clientId, reasons: Token.isUnresolved(props.clientId) ? [] : clientIdProblems(props.clientId) },
      {
        field: "clientSecretVariable",
        value: props.clientSecretVariable,
        reasons: [
          ...variableNameProblems(props.clientSecretVariable),
          ...(stack.node.tryFindChild(id) ? [`is already declared in stack ${stack.node.path}; give each secret its own variable`] : []),
        ],
      },
      {
        field: "tokenUrl",
        value: props.tokenUrl,
        reasons: Token.isUnresolved(props.tokenUrl) ? [] : serviceUrlProblems(props.tokenUrl),
      },
    ]);
    const variable = new TerraformVariable(stack, id, {
      type: "string",
      sensitive: true,
      nullable: false,
      description: `Client secret of OAuth client ${props.clientId} (set TF_VAR_${props.clientSecretVariable})`,
    });
    // The variable's address must be exactly the configured name, or TF_VAR_<name> would not reach it.
    variable.overrideLogicalId(props.clientSecretVariable);
    makeEphemeral(variable);
    return Object.freeze({ clientId: props.clientId, clientSecret: variable.stringValue, tokenUrl: props.tokenUrl, scope: props.scope });
  }

  private constructor() {}
}
