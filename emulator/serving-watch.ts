/**
 * What a rollout costs the hostnames it touches, seen from the API's side: the watch looks at the emulator's list
 * every few milliseconds and records, per hostname, how long it was absent (not in the list) and how long it was
 * not served. The figures of docs/tasks/rotate-a-certificate.md come from it.
 *
 * Served means listed as `complete` or `updating`: an update rolls out while the previous routing still serves
 * (our assumption; the API documents no status semantics), while a hostname `creating` or in `error` serves nothing.
 */
import type { P1asEnvironment } from "../p1as/facts";
import type { SelfServiceEmulator } from "./service";

export interface ServingWindow {
  readonly hostname: string;
  /** Time not in the API's list, summed over every gap. */
  readonly absentMs: number;
  /** From the first look it was not served (absent, `creating` or `error`) to the first look it was served again (0 when it never stopped). */
  readonly unservedMs: number;
  /** Whether it is served at the end of the watch. */
  readonly servedAtEnd: boolean;
}

const SERVING: readonly string[] = ["complete", "updating"];

interface Track {
  absentSince?: number;
  absentMs: number;
  unservedSince?: number;
  unservedMs: number;
  served: boolean;
}

/** Watches `hostnames` until `stop()`, which returns one window per hostname. */
export function watchServing(
  service: SelfServiceEmulator,
  environment: P1asEnvironment,
  hostnames: readonly string[],
  intervalMs = 5,
): { stop(): ServingWindow[] } {
  const tracks = new Map<string, Track>(
    hostnames.map((hostname) => [hostname, { absentMs: 0, unservedMs: 0, served: true }]),
  );
  const look = () => {
    const now = Date.now();
    const held = new Map(
      service
        .listHostnames(environment)
        .map((view) => [(view as { hostname: string }).hostname, (view as { status: string }).status]),
    );
    for (const [hostname, track] of tracks) {
      const status = held.get(hostname);
      if (status === undefined) track.absentSince ??= now;
      else if (track.absentSince !== undefined) {
        track.absentMs += now - track.absentSince;
        track.absentSince = undefined;
      }
      track.served = status !== undefined && SERVING.includes(status);
      if (!track.served) track.unservedSince ??= now;
      else if (track.unservedSince !== undefined) {
        // Only the first outage counts: one rollout should cause at most one.
        if (track.unservedMs === 0) track.unservedMs = now - track.unservedSince;
        track.unservedSince = undefined;
      }
    }
  };
  look();
  const timer = setInterval(look, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      look();
      const now = Date.now();
      return [...tracks].map(([hostname, track]) => ({
        hostname,
        absentMs: track.absentMs + (track.absentSince === undefined ? 0 : now - track.absentSince),
        unservedMs: track.unservedMs || (track.unservedSince === undefined ? 0 : now - track.unservedSince),
        servedAtEnd: track.served,
      }));
    },
  };
}
