import { Construct } from "constructs";
import { PingoneProvider } from "../.gen/providers/pingone/provider";
import type { PingOneRegionCode } from "../p1as/facts";

/**
 * The provider block carries only the region. Credentials reach the provider solely through
 * PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET and PINGONE_ENVIRONMENT_ID in terraform's environment,
 * so no secret is ever synthesized into cdk.tf.json.
 */
export function addPingOneProvider(scope: Construct, regionCode: PingOneRegionCode): PingoneProvider {
  return new PingoneProvider(scope, "pingone", { regionCode });
}
