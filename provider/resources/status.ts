/**
 * Object status as the plan and state carry it. The console's colours map to it: blue creating, green
 * complete, yellow updating, red error.
 */
import type { ObjectStatus } from "../../p1as/assumptions";
import type { Diagnostics, State } from "../framework";

export interface WaitContext {
  readonly signal: AbortSignal;
  readonly diagnostics: Diagnostics;
}

/** A rollout that ended in `error` is repaired by sending the declared values again. */
export function needsRepair(prior: State): boolean {
  return prior.status === "error";
}

/** The status to record after a failed wait: what the API shows now, or `creating` when it cannot be read. */
export async function lastStatus(fetch: () => Promise<{ status: ObjectStatus } | undefined>): Promise<ObjectStatus> {
  try {
    return (await fetch())?.status ?? "creating";
  } catch {
    return "creating";
  }
}
