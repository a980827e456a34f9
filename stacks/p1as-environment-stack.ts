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

export interface P1asEnvironmentStackProps {
  /** The checked config (customer, region, PingOne environment). */
  readonly config: ResolvedConfig;
  /** The P1AS environment this stack is for: one of `config.environments`. */
  readonly environment: ResolvedEnvironment;
}

/**
 * `p1as-<env>`: everything one P1AS environment needs. A resource and a client per environment keep
 * every token limited to its own environment. With explicit credentials the stack declares no
 * PingOne provider or resource at all: the two clients' secrets come from environment variables of the
 * environment's own, which the p1as provider reads where terraform runs.
 * Later constructs (virtual hosts) are added to this stack and call the API with `credentials`.
 */
export class P1asEnvironmentStack extends TerraformStack {
  /** The write client: how an apply of this stack gets a token that may change the self-service API. */
  public readonly credentials: ISelfServiceCredentials;
  /** The read-only client, for plans, drift and status; absent while the stack generates its own client (reads use `credentials`). */
  public readonly readCredentials?: ISelfServiceCredentials;
  /** The environment's self-service API base URL (`.../api/v1`). */
  public readonly selfServiceApiUrl: string;
  /** The environment's resolved config, virtual hosts included. */
  public readonly environment: ResolvedEnvironment;
  /** Directory that relative file names in the config (certificates) are resolved from. */
  public readonly baseDir: string;
  /** Absent when the config gives explicit credentials. */
  public readonly adminApiResource?: AdminApiResource;
  /** Absent when the config gives explicit credentials. */
  public readonly orchestrationClient?: OrchestrationClient;
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
      this.readCredentials = SelfServiceCredentials.fromEnvironment(this, { clientId: audit.clientId, clientSecretEnv: audit.clientSecretEnv, tokenUrl });
    } else {
      const { environmentId, regionCode } = config.pingone;
      addPingOneProvider(this, regionCode);
      this.adminApiResource = new AdminApiResource(this, "admin-api-resource", {
        environmentId,
        environment: environment.name,
        name: environment.resource.name,
        audience: environment.resource.audience,
        accessTokenValiditySeconds: environment.resource.accessTokenValiditySeconds,
        scope: environment.resource.scope,
        orchestrationName: environment.resource.orchestrationName,
        groups: environment.groups,
        allowAllEnvironmentRoles: environment.allowAllEnvironmentRoles,
      });
      this.orchestrationClient = new OrchestrationClient(this, "orchestration-client", {
        environmentId,
        regionCode,
        environment: environment.name,
        resource: this.adminApiResource,
        name: environment.application.name,
        tokenUrl: environment.selfService.tokenUrl,
      });
      this.credentials = this.orchestrationClient;
    }
    this.virtualHosts = addVirtualHosts(this, {
      environment,
      credentials: this.credentials,
      readCredentials: this.readCredentials,
      apiUrl: this.selfServiceApiUrl,
      baseDir: config.baseDir,
    });
  }
}
