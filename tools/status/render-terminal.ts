/**
 * `npm run status -- --once`: the report as a table. Colour only on a terminal (and never with NO_COLOR),
 * so a pipe or a CI log gets plain text a script can grep.
 */
import { terminalText } from "../../cli-kit/escape";
import { Colour, EXIT_ATTENTION, StatusReport, StatusRow, Sync } from "./model";

const ANSI: Record<Colour, string> = { blue: "34", green: "32", yellow: "33", red: "31", grey: "90" };
const SYNC_COLOURS: Record<Sync, Colour> = {
  "in-sync": "green",
  drifted: "yellow",
  "not-managed": "yellow",
  missing: "red",
};
const EXPIRY_COLOURS = { ok: "green", warning: "yellow", critical: "red" } as const;

export const syncText = (sync: Sync) => sync.replace("-", " ");

export function expiryText(row: StatusRow): string {
  if (!row.expiry) return row.kind === "certificate" ? "unknown" : "";
  const { days, source } = row.expiry;
  const when = days < 0 ? `expired ${-days} days ago` : `${days} days`;
  return source === "code" ? `${when} (from code)` : when;
}

type Cell = { text: string; colour?: Colour };

/**
 * A cell's text: names, details and errors come from the API and the config, so their control characters are
 * shown as escapes before anything is measured or painted; only this module's colour codes reach the terminal.
 */
const cell = (text: string, colour?: Colour): Cell => ({ text: terminalText(text, { singleLine: true }), colour });

export function renderTerminal(report: StatusReport, options: { colour: boolean }): string {
  const paint = (cell: Cell) =>
    options.colour && cell.colour ? `\x1b[${ANSI[cell.colour]}m${cell.text}\x1b[0m` : cell.text;
  const header: Cell[] = ["ENVIRONMENT", "KIND", "NAME", "STATUS", "CODE", "EXPIRES", "DETAILS"].map((text) => ({
    text,
  }));
  const lines: Cell[][] = [header];
  const notes: string[] = [];
  for (const environment of report.environments) {
    if (environment.error)
      notes.push(paint(cell(`${environment.environment} (${environment.stack}): ERROR: ${environment.error}`, "red")));
    if (environment.note)
      notes.push(paint(cell(`${environment.environment} (${environment.stack}): ${environment.note}`)));
    for (const row of environment.rows) {
      lines.push([
        cell(environment.environment),
        cell(row.kind),
        cell(row.key),
        cell(row.status, row.colour),
        cell(syncText(row.sync), SYNC_COLOURS[row.sync]),
        cell(expiryText(row), row.expiry && EXPIRY_COLOURS[row.expiry.level]),
        cell([row.detail, ...row.differences].filter(Boolean).join("; ")),
      ]);
    }
  }
  // Widths come from the plain text: escape codes take no room on screen.
  const widths = header.map((_, column) => Math.max(...lines.map((line) => line[column].text.length)));
  const table = lines.map((line) =>
    line
      .map(
        (cell, column) =>
          paint(cell) + (column < line.length - 1 ? " ".repeat(widths[column] - cell.text.length + 2) : ""),
      )
      .join("")
      .trimEnd(),
  );
  const rows = report.environments.flatMap((environment) => environment.rows);
  const needAttention = rows.filter((row) => !row.green).length;
  const verdict =
    report.exitCode === 0
      ? paint({ text: `all ${rows.length} objects green and in sync`, colour: "green" })
      : report.exitCode === EXIT_ATTENTION
        ? paint({
            text: `${needAttention} of ${rows.length} objects need attention (exit ${EXIT_ATTENTION})`,
            colour: "yellow",
          })
        : paint({ text: `an API could not be read (exit ${report.exitCode})`, colour: "red" });
  return `${[...(rows.length > 0 ? table : []), ...notes, verdict].join("\n")}\n`;
}
