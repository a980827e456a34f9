/**
 * Hostnames that go offline in a plan or went offline in an apply, read from terraform's output: the p1as
 * provider warns for each where the API has no update route (provider/resources/messages.ts), and those warnings
 * are the one place terraform's output says it (the plan itself shows an update). The plan summary and the
 * deploy result name them.
 */
import { EXPECTED_OFFLINE_WINDOW, OFFLINE_WARNING_PATTERN, REPLACED_WARNING_PATTERN } from "../../provider/public-face";
import { stripAnsi } from "../terraform/run";

export { EXPECTED_OFFLINE_WINDOW };

export interface OfflineHostnames {
  /** Hostnames the plan deletes and creates again, in order of first mention. */
  readonly planned: readonly string[];
  /** Hostnames the apply replaced, with what it cost ("absent 0.1 s, served again after 5.2 s"). */
  readonly replaced: ReadonlyMap<string, string>;
}

export function offlineHostnames(terraformOutput: string): OfflineHostnames {
  // Terraform draws diagnostics in a box and may wrap them: one line, single spaces.
  const text = stripAnsi(terraformOutput).replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
  const planned = [...new Set([...text.matchAll(OFFLINE_WARNING_PATTERN)].map((match) => match[1]))];
  const replaced = new Map([...text.matchAll(REPLACED_WARNING_PATTERN)].map((match) => [match[1], match[2]] as const));
  return { planned, replaced };
}

/** One line per hostname: what the apply measured where it got that far, else what the plan expects. */
export function offlineLines(offline: OfflineHostnames): string[] {
  const hostnames = [...new Set([...offline.planned, ...offline.replaced.keys()])];
  return hostnames.map((hostname) => {
    const measured = offline.replaced.get(hostname);
    return measured
      ? `hostname ${hostname} was offline (no update route: deleted and created again): ${measured}`
      : `hostname ${hostname} goes offline (no update route: deleted and created again): expected ${EXPECTED_OFFLINE_WINDOW}`;
  });
}
