/**
 * Terraform's machine-readable UI (`terraform apply -json`, one JSON object per line) as short lines for a
 * person: one per object and step, in the P1AS console's colours (blue creating, yellow updating, green
 * complete, red error), and the errors in full. Colour only on a terminal (picocolors reads NO_COLOR and
 * whether stdout is a TTY).
 */
import pc from "picocolors";
import { keyFromResourceName } from "../../p1as/terraform-names";
import { CERTIFICATE_TYPE, HOSTNAME_TYPE } from "../../provider/public-face";
import { Colour, RowStatus, STATUS_COLOURS } from "../status/model";

interface UiMessage {
  readonly type?: string;
  readonly "@level"?: string;
  readonly "@message"?: string;
  readonly hook?: {
    readonly resource?: { readonly resource_type?: string; readonly resource_name?: string; readonly addr?: string };
    readonly action?: string;
    readonly elapsed_seconds?: number;
  };
  readonly diagnostic?: {
    readonly severity?: string;
    readonly summary?: string;
    readonly detail?: string;
    readonly address?: string;
  };
  readonly changes?: {
    readonly add: number;
    readonly change: number;
    readonly remove: number;
    readonly operation: string;
  };
}

const KINDS: Record<string, string> = { [CERTIFICATE_TYPE]: "certificate", [HOSTNAME_TYPE]: "hostname" };

/** The PingOne objects our stacks declare; their resource names are cdktf's construct paths. */
const PINGONE_KINDS: Record<string, string> = {
  pingone_resource: "PingOne resource",
  pingone_resource_attribute: "PingOne resource attribute",
  pingone_resource_scope: "PingOne scope",
  pingone_application: "PingOne application",
  pingone_application_resource_grant: "PingOne grant",
  pingone_schema_attribute: "PingOne schema attribute",
};

/**
 * `certificate wildcard-dev`, `hostname auth.dev.acme.example`, `PingOne application orchestration-client`, or the
 * address for anything else. A PingOne object's name is its construct path without cdktf's hash suffix.
 */
function objectOf(hook: UiMessage["hook"]): string {
  const resource = hook?.resource;
  const kind = KINDS[resource?.resource_type ?? ""];
  if (kind && resource?.resource_name) return `${kind} ${keyFromResourceName(resource.resource_name)}`;
  const pingOneKind = PINGONE_KINDS[resource?.resource_type ?? ""];
  if (pingOneKind && resource?.resource_name)
    return `${pingOneKind} ${resource.resource_name
      .replace(/_[0-9A-F]{8}$/, "")
      .split("_")
      .join(" ")}`;
  return resource?.addr ?? "?";
}

export type Colors = ReturnType<typeof pc.createColors>;

/** One rendered line (or lines) per UI message worth showing; undefined for the rest. `colors` defaults to the terminal's. */
export function renderUiLine(line: string, colors: Colors = pc): string | undefined {
  const started: Record<string, [string, (text: string) => string]> = {
    create: ["creating", colors.blue],
    update: ["updating", colors.yellow],
    replace: ["replacing", colors.yellow],
    delete: ["deleting", colors.magenta],
  };
  let message: UiMessage;
  try {
    message = JSON.parse(line) as UiMessage;
  } catch {
    return line.trim() ? colors.dim(line) : undefined;
  }
  // Reading the data sources (what the API holds) is not a change to the API: not worth a line.
  if (message.hook?.resource?.addr?.startsWith("data.")) return undefined;
  switch (message.type) {
    case "apply_start": {
      const [word, colour] = started[message.hook?.action ?? ""] ?? [message.hook?.action ?? "changing", colors.yellow];
      return `  ${colour(word.padEnd(10))} ${objectOf(message.hook)}`;
    }
    case "apply_complete": {
      const word = message.hook?.action === "delete" ? "deleted" : "complete";
      return `  ${colors.green(word.padEnd(10))} ${objectOf(message.hook)} ${colors.dim(`(${message.hook?.elapsed_seconds ?? 0} s)`)}`;
    }
    case "apply_errored":
      return `  ${colors.red("error".padEnd(10))} ${objectOf(message.hook)}`;
    case "diagnostic": {
      const { severity, summary, detail } = message.diagnostic ?? {};
      if (severity !== "error") return undefined;
      return colors.red(`  ${summary ?? "error"}${detail ? `\n    ${detail.split("\n").join("\n    ")}` : ""}`);
    }
    case "change_summary": {
      const changes = message.changes;
      if (!changes || changes.operation !== "apply") return undefined;
      if (changes.add + changes.change + changes.remove === 0)
        return `  ${colors.green("no changes")}: the API matches the configuration`;
      return `  ${colors.green("done")}: ${changes.add} added, ${changes.change} changed, ${changes.remove} destroyed`;
    }
    default:
      return undefined;
  }
}

/** The colour of an object's status, as the console shows it (the status view's table of colours). */
export function statusColour(status: string): (text: string) => string {
  const byColour: Record<Colour, (text: string) => string> = {
    blue: pc.blue,
    green: pc.green,
    yellow: pc.yellow,
    red: pc.red,
    grey: pc.gray,
  };
  return byColour[STATUS_COLOURS[status as RowStatus] ?? "grey"];
}
