import * as path from "node:path";
import { ITerraformDependable, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import type { ResolvedEnvironment } from "../config/schema";
import type { ISelfServiceCredentials } from "../constructs/credentials";
import { invalidField } from "../constructs/errors";
import { makeEphemeral } from "../constructs/terraform-version";
import { readPemFile } from "../p1as/pem-file";
import { Certificate, ICertificate, Hostname, VirtualHosts } from "../constructs/virtual-hosts";

export interface VirtualHostsFromConfigProps {
  readonly environment: ResolvedEnvironment;
  readonly credentials: ISelfServiceCredentials;
  readonly readCredentials?: ISelfServiceCredentials;
  readonly apiUrl: string;
  /** What every certificate and hostname depends on (the clients' PingOne applications and grants). */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** The PingOne management API the provider looks its clients up in. */
  readonly pingOneApiUrl?: string;
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
    dependsOn: props.dependsOn,
    pingOneApiUrl: props.pingOneApiUrl,
    requestTimeoutMs,
    maxRetries,
    readyTimeoutMs,
    apiContract,
  });
  // Grouped, because a certificate may well be named like a hostname and ids must be unique per scope.
  const certificateScope = new Construct(virtualHosts, "certificates");
  const hostnameScope = new Construct(virtualHosts, "hostnames");
  const certificates = new Map<string, ICertificate>();
  props.environment.virtualHosts.certificates.forEach((certificate, index) => {
    const file = (field: "fullchainFile" | "privateKeyFile", name: string | undefined) =>
      name === undefined
        ? undefined
        : configFile(
            `environments[${props.environment.name}].virtualHosts.certificates[${index}]`,
            field,
            name,
            props.baseDir,
          );
    const privateKeyVariable =
      certificate.privateKeyVariable === undefined
        ? undefined
        : keyVariable(stack, certificate.privateKeyVariable, certificate.name);
    certificates.set(
      certificate.name,
      new Certificate(certificateScope, certificate.name, {
        name: certificate.name,
        fullchainFile: file("fullchainFile", certificate.fullchainFile)!,
        privateKeyFile: file("privateKeyFile", certificate.privateKeyFile),
        privateKeyVariable,
        adopt: certificate.adopt,
      }),
    );
  });
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

/**
 * The one rule for the config's paths: relative to the config file's folder (`baseDir`). Checked here, where the
 * config path is known, so the error names the config field and the folder, not the construct's rule.
 */
function configFile(where: string, field: string, name: string, baseDir: string): string {
  const file = path.resolve(baseDir, name);
  const read = readPemFile(file);
  if (!read.ok) {
    throw invalidField(where, field, name, [
      `must be a readable regular file: ${read.reason}. Every relative path in the JSON config is relative to the config file's folder (${path.resolve(baseDir)})`,
    ]);
  }
  return file;
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
