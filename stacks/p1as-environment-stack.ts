import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { ResolvedConfig, ResolvedEnvironment } from "../config/schema";
import { ISelfServiceCredentials, SelfServiceCredentials } from "../constructs/credentials";
import { AdminApiResource } from "../constructs/pingone/admin-api-resource";
import { OrchestrationClient } from "../constructs/pingone/orchestration-client";
import { addBackend } from "./backend";
import { addPingOneProvider } from "./pingone-provider";
import { VirtualHosts } from "../constructs/virtual-hosts";
import { addVirtualHosts } from "./virtual-hosts";
import { selfServiceRole } from "../p1as/facts";

export interface P1asEnvironmentStackProps {
  /** The checked config (customer, region, PingOne environment). */
  readonly config: ResolvedConfig;
  /** The P1AS environment this stack is for: one of `config.environments`. */
  readonly environment: ResolvedEnvironment;
}

/**
 * `p1as-<env>`: everything one P1AS environment needs. Resources and clients per environment keep every token
 * limited to its own environment. With explicit credentials the stack declares no PingOne provider or resource at
 * all: the two clients' secrets come from environment variables of the environment's own, which the p1as provider
 * reads where terraform runs.
 *
 * Otherwise (PingOne mode) it declares two PingOne resources, because a resource's `groups` attribute is one
 * hard-coded value for every token: the write resource (`groups` from the config) and the audit resource
 * (`<env>-tls-audit`), with one application each, granted its scope. No secret resource: the p1as provider finds
 * both applications by name and reads their secrets from PingOne when it needs a token, so every value it is
 * configured with is a literal and a plan from zero works. Every certificate and hostname depends on the write
 * client's application and grant, so one apply creates the PingOne side first.
 */
export class P1asEnvironmentStack extends TerraformStack {
  /** The write client: how an apply of this stack gets a token that may change the self-service API. */
  public readonly credentials: ISelfServiceCredentials;
  /** The read-only client, for plans, drift and status. */
  public readonly readCredentials: ISelfServiceCredentials;
  /** The environment's self-service API base URL (`.../api/v1`). */
  public readonly selfServiceApiUrl: string;
  /** The environment's resolved config, virtual hosts included. */
  public readonly environment: ResolvedEnvironment;
  /** Directory that relative file names in the config (certificates) are resolved from. */
  public readonly baseDir: string;
  /** The write client's resource; absent when the config gives explicit credentials. */
  public readonly adminApiResource?: AdminApiResource;
  /** The read-only client's resource (`<env>-tls-audit`); absent when the config gives explicit credentials. */
  public readonly auditApiResource?: AdminApiResource;
  /** The write client; absent when the config gives explicit credentials. */
  public readonly orchestrationClient?: OrchestrationClient;
  /** The read-only client; absent when the config gives explicit credentials. */
  public readonly auditClient?: OrchestrationClient;
  /** The environment's certificates and hostnames, driven through the self-service API. */
  public readonly virtualHosts: VirtualHosts;

  constructor(scope: Construct, props: P1asEnvironmentStackProps) {
    const { config, environment } = props;
    super(scope, environment.stackName);
    this.environment = environment;
    this.baseDir = config.baseDir;
    this.selfServiceApiUrl = environment.selfService.apiUrl;
    addBackend(this, environment.backend);

    if (environment.credentials) {
      const { tokenUrl } = environment.selfService;
      const { clientId, clientSecretEnv, audit } = environment.credentials;
      this.credentials = SelfServiceCredentials.fromEnvironment(this, { clientId, clientSecretEnv, tokenUrl });
      this.readCredentials = SelfServiceCredentials.fromEnvironment(this, {
        clientId: audit.clientId,
        clientSecretEnv: audit.clientSecretEnv,
        tokenUrl,
      });
    } else {
      const { environmentId, regionCode } = config.pingone;
      addPingOneProvider(this, regionCode);
      const resource = (id: string, access: "admin" | "audit", name: string, groups: readonly string[]) =>
        new AdminApiResource(this, id, {
          environmentId,
          environment: environment.name,
          access,
          name,
          audience: environment.resource.audience,
          accessTokenValiditySeconds: environment.resource.accessTokenValiditySeconds,
          scope: environment.resource.scope,
          orchestrationName: environment.resource.orchestrationName,
          groups,
          allowAllEnvironmentRoles: environment.allowAllEnvironmentRoles,
        });
      const client = (id: string, access: "admin" | "audit", name: string, resource: AdminApiResource) =>
        new OrchestrationClient(this, id, {
          environmentId,
          regionCode,
          environment: environment.name,
          access,
          resource,
          name,
          tokenUrl: environment.selfService.tokenUrl,
        });
      this.adminApiResource = resource("admin-api-resource", "admin", environment.resource.name, environment.groups);
      this.auditApiResource = resource("audit-api-resource", "audit", environment.resource.auditName, [
        selfServiceRole(environment.name, "audit"),
      ]);
      this.orchestrationClient = client(
        "orchestration-client",
        "admin",
        environment.application.name,
        this.adminApiResource,
      );
      this.auditClient = client("audit-client", "audit", environment.application.auditName, this.auditApiResource);
      this.credentials = this.orchestrationClient;
      this.readCredentials = this.auditClient;
    }
    this.virtualHosts = addVirtualHosts(this, {
      environment,
      credentials: this.credentials,
      readCredentials: this.readCredentials,
      apiUrl: this.selfServiceApiUrl,
      baseDir: config.baseDir,
      // Both clients' applications, and the attributes their tokens' claims come from: a p1as resource may read
      // (refresh) as well as write, and a retiring stack's destroy must delete it before them.
      dependsOn: [
        ...(this.orchestrationClient?.dependables ?? []),
        ...(this.auditClient?.dependables ?? []),
        ...(this.adminApiResource?.claimAttributes ?? []),
        ...(this.auditApiResource?.claimAttributes ?? []),
      ],
      pingOneApiUrl: environment.credentials ? undefined : config.pingone.apiUrl,
    });
  }
}
