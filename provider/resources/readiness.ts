/**
 * Waiting until the API reports an object complete. Polling is adaptive: the first looks come quickly (most
 * changes on a healthy tenant take seconds), then the interval grows to the configured poll interval, so
 * a slow rollout costs few requests. Progress goes to terraform's log.
 */
import type { ObjectKind, ReadyCheck, SelfServiceClient } from "../../client/self-service-client";
import { interrupted, notReady } from "./error-catalogue";
import type { Timings } from "./provider-data";

const FIRST_INTERVAL_MS = 100;
const GROWTH = 1.25;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Resolves with the object once complete; throws on status `error` (from the client), at the deadline, or when stopped. */
export async function waitUntilComplete<V>(
  client: SelfServiceClient,
  kind: ObjectKind,
  key: string,
  options: { readonly timings: Timings; readonly log: (line: string) => void; readonly signal: AbortSignal },
): Promise<V> {
  const { timings, log, signal } = options;
  const started = Date.now();
  let interval = Math.min(FIRST_INTERVAL_MS, timings.pollIntervalMs);
  let lastStatus = "";
  for (;;) {
    const check = (await client.checkReady(kind, key, Date.now() - started)) as ReadyCheck<V>;
    if (check.ready) {
      log(`${kind} ${key}: complete after ${Date.now() - started} ms`);
      return check.view;
    }
    if (check.status !== lastStatus)
      log(`${kind} ${key}: ${check.status}, waiting (up to ${timings.readyTimeoutMs} ms)`);
    lastStatus = check.status;
    const waited = Date.now() - started;
    if (waited + interval > timings.readyTimeoutMs) throw notReady(kind, key, lastStatus, waited);
    await sleep(interval, signal);
    if (signal.aborted) throw interrupted(kind, key);
    interval = Math.min(timings.pollIntervalMs, Math.round(interval * GROWTH));
  }
}
