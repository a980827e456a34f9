import * as path from "node:path";
import { TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import type { ResolvedEnvironment } from "../config/schema";
import type { ISelfServiceCredentials } from "../constructs/credentials";
import { makeEphemeral } from "../constructs/terraform-version";
import { Certificate, ICertificate, Hostname, VirtualHosts } from "../constructs/virtual-hosts";

export interface VirtualHostsFromConfigProps {
  readonly environment: ResolvedEnvironment;
  readonly credentials: ISelfServiceCredentials;
  readonly readCredentials?: ISelfServiceCredentials;
  readonly apiUrl: string;
  /** Directory the config's relative certificate paths are resolved from. */
  readonly baseDir: string;
}

/**
 * Declares an environment's `virtualHosts` config as constructs. Construct ids are the API's keys,
 * so a construct's path names the object it manages.
 */
export function addVirtualHosts(stack: TerraformStack, props: VirtualHostsFromConfigProps): VirtualHosts {
  const { requestTimeoutMs, maxRetries, readyTimeoutMs, apiContract } = props.environment.selfService;
  const virtualHosts = new VirtualHosts(stack, "virtual-hosts", {
    credentials: props.credentials,
    readCredentials: props.readCredentials,
    apiUrl: props.apiUrl,
    requestTimeoutMs,
    maxRetries,
    readyTimeoutMs,
    apiContract,
  });
  // Grouped, because a certificate may well be named like a hostname and ids must be unique per scope.
  const certificateScope = new Construct(virtualHosts, "certificates");
  const hostnameScope = new Construct(virtualHosts, "hostnames");
  const certificates = new Map<string, ICertificate>();
  for (const certificate of props.environment.virtualHosts.certificates) {
    const file = (name: string | undefined) => (name === undefined ? undefined : path.resolve(props.baseDir, name));
    const privateKeyVariable =
      certificate.privateKeyVariable === undefined ? undefined : keyVariable(stack, certificate.privateKeyVariable, certificate.name);
    certificates.set(
      certificate.name,
      new Certificate(certificateScope, certificate.name, {
        name: certificate.name,
        fullchainFile: file(certificate.fullchainFile)!,
        privateKeyFile: file(certificate.privateKeyFile),
        privateKeyVariable,
        adopt: certificate.adopt,
      }),
    );
  }
  for (const hostname of props.environment.virtualHosts.hostnames) {
    new Hostname(hostnameScope, hostname.hostname, {
      hostname: hostname.hostname,
      product: hostname.product,
      // The config schema has already checked that every certname is declared.
      certificate: certificates.get(hostname.certname)!,
      adopt: hostname.adopt,
    });
  }
  return virtualHosts;
}

/** A certificate's private key for the write-only `private_key_wo`, set as TF_VAR_<name>; ephemeral, like the client secret. */
function keyVariable(stack: TerraformStack, name: string, certificate: string): TerraformVariable {
  // Named by its address, like the client-secret variable, so it cannot collide with a construct id.
  const variable = new TerraformVariable(stack, `var.${name}`, {
    type: "string",
    sensitive: true,
    nullable: false,
    description: `Private key PEM of certificate ${certificate} (set TF_VAR_${name})`,
  });
  variable.overrideLogicalId(name);
  makeEphemeral(variable);
  return variable;
}
