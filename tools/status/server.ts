/**
 * The status page's local server (node:http): the page, its stylesheet and script, and `status.json`.
 * It listens on loopback only: the report names the tenant's hostnames, which are nobody else's business.
 * And it answers only to a loopback Host (127.0.0.1, [::1] or localhost, with its port): a web page on another
 * site can make a browser's name for that site resolve to 127.0.0.1 (DNS rebinding), and would then read
 * the report as same-origin; its requests still carry the site's name as Host, so they get a 421 and no report.
 * Every open tab polls; one collection is shared by the polls that arrive while it runs or shortly after,
 * so ten tabs do not mean ten times the API traffic.
 */
import { createServer, IncomingMessage, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { StatusCollector, StatusReport } from "./model";
import { PAGE_CSS, PAGE_HTML, PAGE_SCRIPT, pageModel } from "./render-html";

export const DEFAULT_STATUS_PORT = 4020;
/** A report this young is served again instead of asking the API once more. */
const REUSE_MS = 1000;

export interface StatusServer {
  readonly url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

const STATIC: Record<string, { type: string; body: string }> = {
  "/": { type: "text/html; charset=utf-8", body: PAGE_HTML },
  "/status.css": { type: "text/css; charset=utf-8", body: PAGE_CSS },
  "/status.js": { type: "text/javascript; charset=utf-8", body: PAGE_SCRIPT },
};

/** The Host names a browser sends for this server when it was opened by a loopback address. */
const LOOPBACK_NAMES = ["127.0.0.1", "[::1]", "localhost"];

/** Whether `host` (the Host header) names this server on loopback; the port may be left out only when it is 80. */
export function loopbackHost(host: string | undefined, port: number): boolean {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec((host ?? "").toLowerCase());
  if (!match || !LOOPBACK_NAMES.includes(match[1])) return false;
  return Number(match[2] ?? 80) === port;
}

export async function startStatusServer(
  collector: StatusCollector,
  options: { port: number; host?: string },
): Promise<StatusServer> {
  let latest: { at: number; report: Promise<StatusReport> } | undefined;
  const report = () => {
    if (!latest || Date.now() - latest.at > REUSE_MS) {
      const pending = collector.collect();
      latest = { at: Date.now(), report: pending };
      // Reuse is timed from the answer, not the question, so a slow API is not asked twice at once.
      const answered = () => void (latest?.report === pending && (latest.at = Date.now()));
      pending.then(answered, answered);
    }
    return latest.report;
  };
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type });
    res.end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const { port } = server.address() as AddressInfo;
    if (!loopbackHost(req.headers.host, port)) {
      return send(
        res,
        421,
        "text/plain",
        `refused: Host ${JSON.stringify(req.headers.host ?? "")} is not this page's loopback address; open http://127.0.0.1:${port}/\n`,
      );
    }
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "read-only: GET only\n");
    if (path === "/status.json") return send(res, 200, "application/json", JSON.stringify(pageModel(await report())));
    const file = STATIC[path];
    return file ? send(res, 200, file.type, file.body) : send(res, 404, "text/plain", "not found\n");
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => send(res, 500, "text/plain", `${error.message}\n`));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
