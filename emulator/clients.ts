/**
 * Client-credentials applications the emulator's token endpoint knows, and the documented seeded clients of a
 * standalone emulator (for configs with explicit `credentials`). Their secrets are fixed on purpose: they only
 * ever unlock this local emulator, and fixed values can be documented. `npm start` seeds none: its stacks create
 * their clients in the emulated PingOne.
 */
import { z } from "zod";
import { ACCESS_TOKEN_VALIDITY_SECONDS } from "../p1as/facts";
import { EmulatorClient } from "./tokens";
import { WorkerSeedSchema } from "./pingone/workers";

/** PingOne environment id the emulator's demo clients live in. */
export const DEMO_PINGONE_ENVIRONMENT_ID = "0ff1ce00-de30-4000-8000-000000000001";
/** Audience of the demo resource (PingOne forbids "pingone"/"pingidentity" in it). */
export const DEMO_AUDIENCE = "https://self-service-api.emulator.invalid";
/** Scope of the demo resource. */
export const DEMO_SCOPE = "p1as:self-service";

/** Demo admin client: may read and write every P1AS environment (all-tls-admin). A UUID, as PingOne client ids are. */
export const DEMO_CLIENT_ID = "0ff1ce00-de30-4000-8000-00000000c11e";
export const DEMO_CLIENT_SECRET = "demo-secret-not-for-production";
/** Demo read-only client (all-tls-audit). */
export const DEMO_AUDIT_CLIENT_ID = "0ff1ce00-de30-4000-8000-0000000a0d17";
export const DEMO_AUDIT_CLIENT_SECRET = "demo-audit-secret-not-for-production";

export const ClientSeedSchema = z
  .object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    groups: z.array(z.string().min(1)),
    pingOneEnvironmentId: z.string().min(1).default(DEMO_PINGONE_ENVIRONMENT_ID),
    audience: z.string().min(1).default(DEMO_AUDIENCE),
    scopes: z.array(z.string().min(1)).default([DEMO_SCOPE]),
    accessTokenValiditySeconds: z.number().int().positive().default(ACCESS_TOKEN_VALIDITY_SECONDS.default),
  })
  .strict();
export type ClientSeed = z.input<typeof ClientSeedSchema>;

/** --config file: `{ "clients": [ClientSeed, ...], "workers": [WorkerSeed, ...] }` (workers: the emulated PingOne's management API clients). */
export const EmulatorConfigSchema = z
  .object({ clients: z.array(ClientSeedSchema).default([]), workers: z.array(WorkerSeedSchema).default([]) })
  .strict();
export type EmulatorConfig = z.output<typeof EmulatorConfigSchema>;

export const DEMO_CLIENTS: readonly ClientSeed[] = [
  { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, groups: ["all-tls-admin"] },
  { clientId: DEMO_AUDIT_CLIENT_ID, clientSecret: DEMO_AUDIT_CLIENT_SECRET, groups: ["all-tls-audit"] },
];

export function toClient(seed: ClientSeed): EmulatorClient {
  return ClientSeedSchema.parse(seed);
}

/** `--client id:secret:group1,group2[:pingoneEnvId]`; throws RangeError naming the broken part. */
export function parseClientFlag(value: string): ClientSeed {
  const [clientId, clientSecret, groups, pingOneEnvironmentId, ...rest] = value.split(":");
  if (!clientId || !clientSecret || groups === undefined || rest.length > 0) {
    throw new RangeError("expected id:secret:group1,group2[:pingoneEnvironmentId]");
  }
  return {
    clientId,
    clientSecret,
    groups: groups.split(",").filter(Boolean),
    ...(pingOneEnvironmentId ? { pingOneEnvironmentId } : {}),
  };
}
