/**
 * The status page's server answers only to its loopback names. A page on another site that rebinds its own
 * DNS name to 127.0.0.1 reaches the server with that name in the Host header: it must get an error and no
 * report (and cause no API request), while the names a user opens the page by still work. Raw requests over
 * real loopback HTTP, with the Host header set by hand as a rebinding browser would send it.
 */
import { request } from "node:http";
import { StatusCollector } from "../tools/status/model";
import { loopbackHost, startStatusServer, StatusServer } from "../tools/status/server";
import { startStatusFixture, STATUS_SPEC, StatusFixture } from "./support/status-fixture";

let fixture: StatusFixture;
let server: StatusServer;
let port: number;

beforeAll(async () => {
  fixture = await startStatusFixture("status-server", "assumed");
  server = await startStatusServer(new StatusCollector(fixture.targets(), { log: () => undefined }), { port: 0 });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server?.close();
  await fixture?.close();
});
beforeEach(() => fixture.fillAsDeclared());

describe("the status page's Host check", () => {
  test.each([
    ["a rebound foreign name", () => `rebind.attacker.example:${port}`],
    ["a foreign name without a port", () => "rebind.attacker.example"],
    ["another loopback address", () => `127.0.0.2:${port}`],
    ["a loopback name with another port", () => `127.0.0.1:${port + 1}`],
    ["a loopback name without the port", () => "localhost"],
  ])("fails with 421 and no report for %s, asking the API nothing", async (_label, host) => {
    for (const path of ["/status.json", "/", "/status.js"]) {
      // WHEN the page or its report is asked for with that Host
      const answer = await get(path, host());

      // THEN it is refused, saying why and where to open the page, and holds nothing of the report
      expect({ path, status: answer.status }).toEqual({ path, status: 421 });
      expect(answer.body).toBe(
        `refused: Host ${JSON.stringify(host())} is not this page's loopback address; open http://127.0.0.1:${port}/\n`,
      );
    }
    expect(fixture.emulator.requestLog.list()).toEqual([]);
  });

  test("a request without Host is refused by node's HTTP/1.1 server itself, with no report", async () => {
    const answer = await get("/status.json", "");
    expect({ status: answer.status, report: answer.body.includes("environments") }).toEqual({
      status: 400,
      report: false,
    });
    expect(fixture.emulator.requestLog.list()).toEqual([]);
  });

  test.each([["127.0.0.1"], ["localhost"], ["[::1]"], ["LOCALHOST"]])(
    "serves the report to %s with its port",
    async (name) => {
      const answer = await get("/status.json", `${name}:${port}`);
      expect(answer.status).toBe(200);
      const hostnames = JSON.parse(answer.body).environments[0].rows.map((row: { key: string }) => row.key);
      expect(hostnames).toEqual(expect.arrayContaining(STATUS_SPEC.hostnames.map((hostname) => hostname.hostname)));
    },
  );

  test("the rule on its own: a loopback name, and the port the server listens on", () => {
    expect(loopbackHost("127.0.0.1:4020", 4020)).toBe(true);
    expect(loopbackHost("[::1]:4020", 4020)).toBe(true);
    expect(loopbackHost("localhost", 80)).toBe(true);
    expect(loopbackHost("localhost.:4020", 4020)).toBe(false);
    expect(loopbackHost("127.0.0.1.nip.io:4020", 4020)).toBe(false);
    expect(loopbackHost("user@127.0.0.1:4020", 4020)).toBe(false);
    expect(loopbackHost(undefined, 4020)).toBe(false);
  });
});

/** One GET with the Host header set as given ("" sends none); the connection always goes to 127.0.0.1. */
function get(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: "GET", setHost: false, headers: host ? { Host: host } : {} },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
