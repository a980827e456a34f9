/**
 * Object status as the plan and state carry it. The console's colours map to it: blue creating, green
 * complete, yellow updating, red error.
 */
import type { ObjectStatus } from "../../p1as/assumptions";
import type { Diagnostics, State } from "../framework";
import { stoppedWhileWaiting, withNextStep } from "./error-catalogue";

export interface WaitContext {
  readonly signal: AbortSignal;
  readonly diagnostics: Diagnostics;
}

/** A rollout that ended in `error` is repaired by sending the declared values again. */
export function needsRepair(prior: State): boolean {
  return prior.status === "error";
}

/**
 * A wait that terraform's stop (Ctrl-C) cut short, recorded as creating or updating: the plan gives its status
 * as unknown, so the next apply waits for it to complete (it sends nothing again).
 */
export function isPending(prior: State): boolean {
  return prior.status === "creating" || prior.status === "updating";
}

/**
 * Reports a wait that did not end in complete, after a write that went through (the state is returned either
 * way). Stopped by terraform, it is a warning: terraform taints an object whose create returns an error and
 * replaces it on the next apply, which deletes a hostname it could simply have kept. Otherwise an error.
 */
export function reportUnfinishedWait(
  kind: string,
  key: string,
  error: unknown,
  status: ObjectStatus,
  context: WaitContext,
): void {
  if (context.signal.aborted)
    context.diagnostics.warning(
      `${kind} ${key} was still ${status} when terraform stopped`,
      stoppedWhileWaiting(kind, key),
      "status",
    );
  else
    context.diagnostics.error(`${kind} ${key} did not become ready`, (withNextStep(error) as Error).message, "status");
}

/** The status to record after a failed wait: what the API shows now, or `creating` when it cannot be read. */
export async function lastStatus(fetch: () => Promise<{ status: ObjectStatus } | undefined>): Promise<ObjectStatus> {
  try {
    return (await fetch())?.status ?? "creating";
  } catch {
    return "creating";
  }
}
