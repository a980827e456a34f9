/**
 * Worker applications: the clients that may call the emulated management API. They are seeded from
 * the environment or a JSON file, never from the command line (argv is visible to every local user).
 * Two permission levels model PingOne worker roles: `full` (Environment Admin, reads application
 * secrets) and `read-only` (reads everything but `applications:read:secret`, writes nothing), the
 * worker a plan job gets.
 */
import { z } from "zod";

export const WORKER_ROLES = ["full", "read-only"] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export const WorkerSeedSchema = z
  .object({
    clientId: z.string().min(1),
    /** Emulator credential; never logged. */
    clientSecret: z.string().min(1),
    /** The PingOne environment the worker lives in and administers. */
    environmentId: z.string().min(1),
    role: z.enum(WORKER_ROLES).default("full"),
  })
  .strict();
export type WorkerSeed = z.input<typeof WorkerSeedSchema>;
export type Worker = z.output<typeof WorkerSeedSchema>;

/** Environment variables that seed one worker (the bin reads them; tests pass `pingone.workers`). */
export const WORKER_ENV = {
  clientId: "P1AS_EMULATOR_WORKER_CLIENT_ID",
  clientSecret: "P1AS_EMULATOR_WORKER_CLIENT_SECRET",
  environmentId: "P1AS_EMULATOR_WORKER_ENVIRONMENT_ID",
  role: "P1AS_EMULATOR_WORKER_ROLE",
} as const;

/**
 * The worker the environment variables describe, or undefined when none is set. Throws naming the
 * variable that is missing or wrong (never its value).
 */
export function workerFromEnvironment(env: NodeJS.ProcessEnv, defaultEnvironmentId: string): WorkerSeed | undefined {
  const clientId = env[WORKER_ENV.clientId];
  const clientSecret = env[WORKER_ENV.clientSecret];
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (!clientId) throw new RangeError(`${WORKER_ENV.clientId} must be set with ${WORKER_ENV.clientSecret}.`);
  if (!clientSecret) throw new RangeError(`${WORKER_ENV.clientSecret} must be set with ${WORKER_ENV.clientId}.`);
  const role = env[WORKER_ENV.role] ?? "full";
  if (!(WORKER_ROLES as readonly string[]).includes(role))
    throw new RangeError(`${WORKER_ENV.role} must be one of ${WORKER_ROLES.join(", ")}.`);
  return {
    clientId,
    clientSecret,
    environmentId: env[WORKER_ENV.environmentId] || defaultEnvironmentId,
    role: role as WorkerRole,
  };
}
