/**
 * The status page: a static shell, a stylesheet and a small script that fetches `status.json` every few
 * seconds and rebuilds the tables, so the page follows the API without reloading. The script builds the DOM
 * with textContent only: hostnames and error text come from the API and must never be read as HTML.
 * The JSON carries display text already (pageModel), so the page and the terminal say the same words.
 */
import { EXIT_ATTENTION, StatusReport } from "./model";
import { expiryText, syncText } from "./render-terminal";

export const REFRESH_MS = 3000;

export interface PageRow {
  readonly kind: string;
  readonly key: string;
  readonly status: string;
  readonly colour: string;
  readonly sync: string;
  readonly syncText: string;
  readonly expiry: string;
  readonly expiryLevel: string;
  readonly details: string;
}

export interface PageModel {
  readonly generatedAt: string;
  readonly exitCode: number;
  /** What the summary line says, decided here so the page's script knows no exit code. */
  readonly summary: "green" | "attention" | "error";
  readonly environments: readonly {
    environment: string;
    stack: string;
    apiUrl?: string;
    error?: string;
    note?: string;
    rows: readonly PageRow[];
  }[];
}

export function pageModel(report: StatusReport): PageModel {
  return {
    generatedAt: report.generatedAt,
    exitCode: report.exitCode,
    summary: report.exitCode === 0 ? "green" : report.exitCode === EXIT_ATTENTION ? "attention" : "error",
    environments: report.environments.map((environment) => ({
      environment: environment.environment,
      stack: environment.stack,
      apiUrl: environment.apiUrl,
      error: environment.error,
      note: environment.note,
      rows: environment.rows.map((row) => ({
        kind: row.kind,
        key: row.key,
        status: row.status,
        colour: row.colour,
        sync: row.sync,
        syncText: syncText(row.sync),
        expiry: expiryText(row),
        expiryLevel: row.expiry?.level ?? "none",
        details: [row.detail, ...row.differences].filter(Boolean).join("; "),
      })),
    })),
  };
}

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>P1AS virtual hosts</title>
<link rel="stylesheet" href="status.css">
<script src="status.js" defer></script>
</head>
<body>
<header>
<h1>P1AS virtual hosts</h1>
<p id="summary" role="status" aria-live="polite">loading…</p>
</header>
<main id="environments"></main>
<footer><p>Read-only view: status and expiry from the self-service API, compared with the synthesized code. Refreshes every ${REFRESH_MS / 1000} s.</p></footer>
</body>
</html>
`;

// The P1AS admin console's colours; text always says the status too, so colour is never the only signal.
export const PAGE_CSS = `body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2939; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e4e7ec; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .6rem; color: #fff; font-weight: 600; }
.colour-blue { background: #1570ef; } .colour-green { background: #12b76a; } .colour-yellow { background: #f79009; }
.colour-red { background: #d92d20; } .colour-grey { background: #98a2b3; }
.sync-in-sync { color: #027a48; } .sync-drifted, .sync-not-managed { color: #b54708; } .sync-missing { color: #b42318; font-weight: 600; }
.expiry-warning { color: #b54708; font-weight: 600; } .expiry-critical { color: #b42318; font-weight: 700; }
.error { color: #b42318; font-weight: 600; } .summary-attention { color: #b54708; } .summary-error { color: #b42318; }
`;

export const PAGE_SCRIPT = `"use strict";
(function () {
  var REFRESH_MS = ${REFRESH_MS};
  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function cell(row, child) { var td = el("td"); if (child) td.appendChild(child); row.appendChild(td); }
  function table(environment) {
    var t = el("table", { "aria-label": environment.environment + " virtual hosts" });
    var head = el("tr");
    ["Kind", "Name", "Status", "Code", "Expires", "Details"].forEach(function (name) { head.appendChild(el("th", { scope: "col" }, name)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    environment.rows.forEach(function (row) {
      var tr = el("tr", { "data-kind": row.kind, "data-key": row.key, "class": "row status-" + row.status + " sync-row-" + row.sync });
      cell(tr, document.createTextNode(row.kind));
      cell(tr, document.createTextNode(row.key));
      cell(tr, el("span", { "class": "badge colour-" + row.colour }, row.status));
      cell(tr, el("span", { "class": "sync sync-" + row.sync }, row.syncText));
      cell(tr, row.expiry ? el("span", { "class": "expiry expiry-" + row.expiryLevel }, row.expiry) : null);
      cell(tr, document.createTextNode(row.details));
      body.appendChild(tr);
    });
    return t;
  }
  function render(model) {
    var main = document.getElementById("environments");
    var sections = model.environments.map(function (environment) {
      var id = "env-" + environment.stack;
      var section = el("section", { "class": "environment", "aria-labelledby": id });
      section.appendChild(el("h2", { id: id }, environment.environment + " (" + environment.stack + ")"));
      if (environment.apiUrl) section.appendChild(el("p", { "class": "api" }, environment.apiUrl));
      if (environment.error) section.appendChild(el("p", { "class": "error", role: "alert" }, environment.error));
      if (environment.note) section.appendChild(el("p", { "class": "note" }, environment.note));
      if (environment.rows.length > 0) section.appendChild(table(environment));
      return section;
    });
    main.replaceChildren.apply(main, sections);
    var summary = document.getElementById("summary");
    var rows = [].concat.apply([], model.environments.map(function (e) { return e.rows; }));
    var words = model.summary === "green" ? "all " + rows.length + " objects green and in sync" : model.summary === "attention" ? "some objects need attention" : "an API could not be read";
    summary.textContent = words + " (updated " + new Date(model.generatedAt).toLocaleTimeString() + ")";
    summary.className = "summary-" + model.summary;
  }
  function refresh() {
    fetch("status.json", { cache: "no-store" })
      .then(function (response) { if (!response.ok) throw new Error("HTTP " + response.status); return response.json(); })
      .then(render)
      .catch(function (error) {
        var summary = document.getElementById("summary");
        summary.textContent = "status server unreachable (" + error.message + "); retrying";
        summary.className = "summary-error";
      })
      .finally(function () { setTimeout(refresh, REFRESH_MS); });
  }
  refresh();
})();
`;
