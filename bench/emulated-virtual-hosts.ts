/**
 * The virtual-hosts declaration every bench builds against the emulator: one client of the emulator's dev
 * environment, its secret read from BENCH_SECRET_ENV, so the benches differ only in what they measure.
 */
import type { TerraformStack } from "cdktf";
import { SelfServiceCredentials } from "../constructs/credentials";
import { VirtualHosts } from "../constructs/virtual-hosts";
import type { RunningEmulator } from "../emulator/start";
import type { ApiContractSetting } from "../provider/public-face";

export const BENCH_SECRET_ENV = "P1AS_BENCH_CLIENT_SECRET";

export function emulatedVirtualHosts(
  stack: TerraformStack,
  emulator: RunningEmulator,
  options: { readonly clientId: string; readonly pollIntervalMs: number; readonly apiContract?: ApiContractSetting },
): VirtualHosts {
  const credentials = SelfServiceCredentials.fromEnvironment(stack, {
    clientId: options.clientId,
    clientSecretEnv: BENCH_SECRET_ENV,
    tokenUrl: emulator.tokenUrl(),
  });
  return new VirtualHosts(stack, "virtual-hosts", {
    credentials,
    apiUrl: emulator.apiUrl("dev"),
    pollIntervalMs: options.pollIntervalMs,
    apiContract: options.apiContract,
  });
}
