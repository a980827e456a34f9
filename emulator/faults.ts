/**
 * Fault injection as data. Tests (in-process) and terraform end-to-end runs (via POST /_emulator/faults)
 * describe what should go wrong, on which route, how many times. Faults for the same route are used
 * in the order they were added.
 */
import { z } from "zod";
import { P1AS_ENVIRONMENTS } from "../p1as/facts";

export const FaultSchema = z
  .object({
    /** Route key: "POST /hostnames", "PUT /certificates/{name}", "GET /openapi.json", "POST /as/token", ... or "*" for any. */
    route: z.string().min(1),
    /** Only requests to this P1AS environment. @default - any */
    environment: z.enum(P1AS_ENVIRONMENTS).optional(),
    /** How many matching requests it affects. @default 1 */
    times: z.number().int().positive().default(1),
    /**
     * Affect only every n-th matching request (the n-th, 2n-th, ...), counting from when the fault was added;
     * the others are handled normally. With `skip`, faults of several kinds can take turns. @default 1 (every one)
     */
    every: z.number().int().positive().default(1),
    /** Matching requests to let through before the first affected one (then every `every`-th). @default every - 1 */
    skip: z.number().int().nonnegative().optional(),
    /** Answer with this status (and `{detail}`) instead of handling the request. */
    status: z.number().int().min(400).max(599).optional(),
    /** Retry-After header sent with `status`: seconds, or an HTTP date string. */
    retryAfter: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
    /** `detail` sent with `status`. @default - the HTTP reason phrase */
    detail: z.string().optional(),
    /** Wait this long before handling (slow response). */
    delayMs: z.number().int().nonnegative().optional(),
    /** Answer 200 with this text as an application/json body instead of handling the request (a broken answer). */
    rawBody: z.string().optional(),
    /** Answer 307 with this Location (a path or an absolute URL) instead of handling the request. */
    redirect: z.string().min(1).optional(),
    /** Destroy the connection before handling, or after the change was committed (a lost response). */
    drop: z.enum(["before-commit", "after-commit"]).optional(),
    /** Answer 401 as if the (otherwise valid) access token had expired early. */
    tokenExpired: z.boolean().optional(),
    /** The object this create/update touches stays creating/updating forever, or ends in status error. */
    objectStatus: z.enum(["stuck", "error"]).optional(),
  })
  .strict();

export type Fault = z.input<typeof FaultSchema>;
export type ActiveFault = z.output<typeof FaultSchema>;

interface QueuedFault {
  readonly fault: ActiveFault;
  remaining: number;
  /** Matching requests seen since the fault was added, affected or not. */
  seen: number;
}

export class FaultInjector {
  private faults: QueuedFault[] = [];

  constructor(private readonly knownRoutes: readonly string[]) {}

  /** Validates and queues faults; unknown routes are refused with the list of known ones. */
  add(...faults: Fault[]): void {
    const parsed = faults.map((fault) => {
      const result = FaultSchema.safeParse(fault);
      if (!result.success)
        throw new RangeError(
          `invalid fault: ${result.error.issues.map((i) => `${i.path.join(".") || "fault"}: ${i.message}`).join("; ")}`,
        );
      if (result.data.route !== "*" && !this.knownRoutes.includes(result.data.route)) {
        throw new RangeError(
          `invalid fault: route ${JSON.stringify(result.data.route)} is not served; known routes: ${this.knownRoutes.join(", ")}, *`,
        );
      }
      return result.data;
    });
    this.faults.push(...parsed.map((fault) => ({ fault, remaining: fault.times, seen: 0 })));
  }

  /** The next fault for this request, consumed; undefined when none applies. */
  take(route: string, environment?: string): ActiveFault | undefined {
    const matching = this.faults.filter(
      ({ fault, remaining }) =>
        remaining > 0 &&
        (fault.route === "*" || fault.route === route) &&
        (!fault.environment || fault.environment === environment),
    );
    // Every matching fault counts the request, so periodic faults keep their turns whichever one fires.
    for (const entry of matching) entry.seen++;
    const entry = matching.find(({ fault, seen }) => {
      const skip = fault.skip ?? fault.every - 1;
      return seen > skip && (seen - skip - 1) % fault.every === 0;
    });
    if (!entry) return undefined;
    entry.remaining--;
    this.faults = this.faults.filter(({ remaining }) => remaining > 0);
    return entry.fault;
  }

  list(): { fault: ActiveFault; remaining: number }[] {
    return this.faults.map(({ fault, remaining }) => ({ fault, remaining }));
  }

  clear(): void {
    this.faults = [];
  }
}

/** One served request, as tests read it. Never holds headers, bodies or tokens. */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  /** 0 while in flight, and when the connection was dropped or the client went away before a response. */
  readonly status: number;
  /** The authenticated client (token endpoint) or the token's client_id (API); null when unknown. */
  readonly clientId: string | null;
  /** When the request arrived. */
  readonly timestamp: string;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  /**
   * Logs a request on arrival (so a request the client gave up on is counted at once) and returns
   * the function that fills in its outcome.
   */
  record(entry: RequestLogEntry): (outcome: Pick<RequestLogEntry, "status" | "clientId">) => void {
    const stored = { ...entry };
    this.entries.push(stored);
    return (outcome) => Object.assign(stored, outcome);
  }

  /** A copy, optionally only the requests whose "METHOD path" matches. */
  list(filter?: RegExp): RequestLogEntry[] {
    return this.entries
      .filter((entry) => !filter || filter.test(`${entry.method} ${entry.path}`))
      .map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}
