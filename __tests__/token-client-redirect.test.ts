/**
 * The token request carries the client's credentials, so the token client follows no redirect: not to another
 * origin (a stand-in attacker on 127.0.0.2, which a real loopback server plays here), and not to another
 * path of the same origin. The refusal names the Location, the credentials are sent once, and nothing at
 * all reaches the other server. Real loopback HTTP both ways: the emulator's `redirect` fault answers 307.
 */
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { TokenError } from "../client/errors";
import { TokenClient, TokenEndpointAuthMethod } from "../client/token-client";
import { RunningEmulator } from "../emulator/start";
import { caught, renderings, startTestEmulator, TEST_RETRY, testClientSeed } from "./support/emulator";

const seed = testClientSeed("redirect-admin", ["dev-tls-admin"]);
let emulator: RunningEmulator;
let foreign: Server;
/** Every request the foreign server received, with what it carried. */
const received: { method: string; url: string; authorization?: string; body: string }[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ clients: [seed] });
  foreign = await captureServer("127.0.0.2");
});
afterAll(async () => {
  await emulator?.close();
  await new Promise((resolve) => foreign?.close(resolve));
});
beforeEach(() => {
  emulator.faults.clear();
  emulator.requestLog.clear();
  received.length = 0;
});

describe.each<TokenEndpointAuthMethod>(["CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"])(
  "the token client with %s",
  (authMethod) => {
    test("fails if the token endpoint redirects to another origin: the error names the Location and nothing reaches it", async () => {
      // GIVEN a token endpoint that answers 307 to a server on another loopback address
      const location = `${foreignUrl()}${tokenPath()}`;
      emulator.faults.add({ route: "POST /as/token", redirect: location, times: 5 });

      // WHEN a token is asked for
      const error = await caught(() => tokens(authMethod).getToken());

      // THEN the redirect is refused, naming the Location and the one origin the credentials may go to
      expect(error).toBeInstanceOf(TokenError);
      expect(error).toMatchObject({ status: 307, reason: "redirect-refused", retries: 0 });
      expect(error.message).toBe(
        `get access token for client ${seed.clientId} failed: HTTP 307 redirect to ${location} not followed: the token request carries the client's ` +
          `credentials, which go only to the configured token URL's origin ${new URL(emulator.url).origin}. Nothing was sent there`,
      );
      // AND the credentials were sent once, to the token endpoint only, and the other server received nothing
      expect(emulator.requestLog.list(/as\/token/).map((entry) => `${entry.method} ${entry.status}`)).toEqual([
        "POST 307",
      ]);
      expect(received).toEqual([]);
      // AND the error holds no credential in any rendering
      for (const text of renderings(error)) expect(text).not.toContain(seed.clientSecret);
    });

    test("fails if the token endpoint redirects to another path of its own origin: no redirect of the token request is followed", async () => {
      // GIVEN a 307 to the same origin, another path
      const location = `${tokenPath()}/v2`;
      emulator.faults.add({ route: "POST /as/token", redirect: location });

      // WHEN / THEN
      const error = await caught(() => tokens(authMethod).getToken());
      expect(error).toMatchObject({ name: "TokenError", status: 307, reason: "redirect-refused" });
      expect(error.message).toContain(`redirect to ${location} not followed`);
      expect(emulator.requestLog.list(/as\/token/)).toHaveLength(1);
    });
  },
);

// ---- shared setup -------------------------------------------------------------------------------

function tokens(authMethod: TokenEndpointAuthMethod): TokenClient {
  return new TokenClient({
    tokenUrl: emulator.tokenUrl(),
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    authMethod,
    retry: TEST_RETRY,
    log: () => undefined,
  });
}

const tokenPath = () => new URL(emulator.tokenUrl()).pathname;

function foreignUrl(): string {
  return `http://127.0.0.2:${(foreign.address() as AddressInfo).port}`;
}

/** A server that answers 200 to anything and records what it was sent: the stand-in for an attacker's host. */
async function captureServer(host: string): Promise<Server> {
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body });
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ access_token: "stolen", token_type: "Bearer", expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  return server;
}
