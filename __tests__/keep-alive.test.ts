/**
 * Kept-alive sockets the server has closed. Node (since 19) keeps client sockets alive; a server that closes an idle
 * connection (its idle timeout, a load balancer's) while our client still holds it in the pool makes the next
 * request on it fail with ECONNRESET before any answer. The race is real on a loaded machine (docs/
 * reliability-and-security.md, "Node 22 and 24"); here it is made certain: the server drops every idle connection
 * and the client sends in the same tick, before its event loop can read the server's FIN.
 * A real loopback server that, like uvicorn or a load balancer, announces no idle timeout.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ASSUMED_CONTRACT, ApiContract } from "../client/contract";
import { SelfServiceClient } from "../client/self-service-client";
import { TokenClient } from "../client/token-client";

const HOSTNAME = "www.keepalive.example";
const ITEM = { hostname: HOSTNAME, product: "pingfederate-engines", certname: "kept", status: "complete" };

let server: http.Server;
let baseUrl: string;
/** Requests the handler saw, as `METHOD path`. */
const handled: string[] = [];
let connections = 0;
let created = false;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      handled.push(`${req.method} ${req.url}`);
      // Our own Connection header: Node's server then sends no `Keep-Alive: timeout=N` hint.
      res.setHeader("Connection", "keep-alive");
      res.setHeader("Content-Type", "application/json");
      if (req.url!.endsWith("/as/token"))
        res.end(JSON.stringify({ access_token: "kept-token", token_type: "Bearer", expires_in: 3600 }));
      else if (req.method === "GET") res.end(JSON.stringify(created ? [ITEM] : []));
      else if (req.method === "DELETE") res.writeHead(204).end();
      else {
        if (req.method === "POST") created = true;
        res.end(JSON.stringify(ITEM));
      }
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function clientWith(updateMethod: "PUT" | "PATCH", log: string[]) {
  const contract: ApiContract = {
    ...ASSUMED_CONTRACT,
    hostnames: {
      ...ASSUMED_CONTRACT.hostnames,
      update: { ...ASSUMED_CONTRACT.hostnames.update!, method: updateMethod },
    },
  };
  const tokens = new TokenClient({
    tokenUrl: `${baseUrl}/env/as/token`,
    clientId: "kept",
    clientSecret: "kept-secret",
    log: (line) => log.push(line),
  });
  const client = new SelfServiceClient({
    baseUrl: `${baseUrl}/dev/api/v1`,
    tokens,
    contract,
    retry: { baseDelayMs: 10 },
    log: (line) => log.push(line),
  });
  return { client, tokens };
}

const route = { hostname: HOSTNAME, product: "pingfederate-engines", certname: "kept" } as const;

describe.each([
  ["a list (GET)", "PUT", (client: SelfServiceClient) => client.listHostnames(), "GET"],
  ["an update by PUT", "PUT", (client: SelfServiceClient) => client.updateHostname(route), "PUT"],
  [
    "an update by PATCH (failed before updates were marked idempotent)",
    "PATCH",
    (client: SelfServiceClient) => client.updateHostname(route),
    "PATCH",
  ],
  ["a delete", "PUT", (client: SelfServiceClient) => client.deleteHostname(HOSTNAME), "DELETE"],
  [
    "a create (POST, checked by a list first)",
    "PUT",
    (client: SelfServiceClient) => client.createHostname(route),
    "POST",
  ],
] as const)("%s on a socket the server has closed", (_label, updateMethod, call, method) => {
  test("is sent again on a new connection and succeeds, handled once", async () => {
    created = method !== "POST";
    const log: string[] = [];
    const { client } = clientWith(updateMethod, log);
    await client.listHostnames(); // a token and a list: sockets in the pool
    handled.length = 0;
    const before = connections;
    server.closeIdleConnections();
    await expect(call(client)).resolves.toBeDefined();
    // The stale socket was really used: the failure is in the log, and a new connection carried the request.
    expect(log.join("\n")).toMatch(
      method === "POST" ? /no response; listing to check whether the create was committed/ : /ECONNRESET; retry 1 of/,
    );
    expect(connections).toBeGreaterThan(before);
    expect(handled.filter((line) => line.startsWith(`${method} `))).toHaveLength(method === "GET" ? handled.length : 1);
  });
});

test("a token request on a socket the server has closed is sent again", async () => {
  const log: string[] = [];
  const { client, tokens } = clientWith("PUT", log);
  await client.listHostnames();
  tokens.invalidate();
  handled.length = 0;
  server.closeIdleConnections();
  await expect(tokens.getToken()).resolves.toBe("kept-token");
  expect(log.join("\n")).toMatch(/get access token for client kept: ECONNRESET; retry 1 of/);
  expect(handled).toEqual(["POST /env/as/token"]);
});
