/**
 * Where a credential may go (p1as/destinations.ts): the documented PingOne and P1AS hosts, loopback, and what an
 * operator lists in P1AS_ALLOWED_HOSTS; and the clients, which refuse any other base URL before they send a byte.
 */
import { ClientValidationError } from "../client/errors";
import { SelfServiceClient } from "../client/self-service-client";
import { TokenClient } from "../client/token-client";
import {
  apiUrlDestinationProblems,
  isLoopbackDestination,
  parseAllowedHosts,
  pingOneApiUrlDestinationProblems,
  tokenUrlDestinationProblems,
} from "../p1as/destinations";

const ENV_ID = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";

describe("the allow-list P1AS_ALLOWED_HOSTS", () => {
  test("reads <scope>=<host> entries, comma or space separated, hosts lower case, a port where given", () => {
    const { hosts, problems } = parseAllowedHosts(
      "dev=api.dev.acme.example, prod=api.acme.example:8443  pingone=login.acme.example",
    );
    expect(problems).toEqual([]);
    expect(Object.fromEntries([...hosts].map(([scope, set]) => [scope, [...set]]))).toEqual({
      dev: ["api.dev.acme.example"],
      prod: ["api.acme.example:8443"],
      pingone: ["login.acme.example"],
    });
  });

  test.each([
    ["a URL instead of a host", "dev=https://api.acme.example", "host must be a lowercase DNS name"],
    ["a wildcard", "dev=*.acme.example", "host must be a lowercase DNS name"],
    ["an unknown scope", "qa=api.acme.example", "scope must be one of dev, test, stage, prod, pingone"],
    ["no scope", "api.acme.example", "must be <scope>=<host>"],
    ["upper case", "dev=API.acme.example", "host must be a lowercase DNS name"],
  ])("refuses %s, naming the entry", (_what, text, reason) => {
    const { problems } = parseAllowedHosts(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(JSON.stringify(text.split(",")[0]));
    expect(problems[0]).toContain(reason);
  });
});

describe("destinations", () => {
  test("loopback means 127.0.0.1, [::1] and localhost only: other 127/8 addresses are hosts of their own", () => {
    expect(["127.0.0.1", "[::1]", "localhost", "LOCALHOST"].filter(isLoopbackDestination)).toHaveLength(4);
    expect(["127.0.0.2", "127.1", "0.0.0.0", "localhost.example"].filter(isLoopbackDestination)).toEqual([]);
  });

  test("a token URL: PingOne's of the region and environment, or loopback, or listed under pingone", () => {
    const target = { regionCode: "EU" as const, environmentId: ENV_ID };
    expect(tokenUrlDestinationProblems(`https://auth.pingone.eu/${ENV_ID}/as/token`, target)).toEqual([]);
    expect(tokenUrlDestinationProblems(`http://127.0.0.1:4010/${ENV_ID}/as/token`, target)).toEqual([]);
    expect(tokenUrlDestinationProblems(`https://auth.pingone.com/${ENV_ID}/as/token`, target)).toEqual([
      `must be PingOne's token endpoint https://auth.pingone.eu/${ENV_ID}/as/token or a loopback emulator (127.0.0.1, [::1], localhost); a host on another DNS zone must be listed in the P1AS_ALLOWED_HOSTS environment variable as pingone=<host> (set it as a GitHub variable in CI, never in the config)`,
    ]);
    // (a look-alike host that only starts like PingOne's, and a path that only ends like it)
    expect(tokenUrlDestinationProblems(`https://auth.pingone.eu.evil.example/${ENV_ID}/as/token`, target)).toHaveLength(
      1,
    );
    expect(tokenUrlDestinationProblems(`https://auth.pingone.eu/x/${ENV_ID}/as/token`, target)).toHaveLength(1);
    const listed = parseAllowedHosts("pingone=login.acme.example").hosts;
    expect(tokenUrlDestinationProblems("https://login.acme.example/as/token", target, listed)).toEqual([]);
    // With nothing known (the provider), any PingOne region and environment will do, and nothing else
    expect(tokenUrlDestinationProblems(`https://auth.pingone.com.au/${ENV_ID}/as/token`)).toEqual([]);
    expect(tokenUrlDestinationProblems("https://auth.pingone.com/not-a-uuid/as/token")).toHaveLength(1);
  });

  test("an API URL: the environment's own documented host, or loopback, or listed under that environment", () => {
    const dev = { environment: "dev" as const, customer: "acme", p1asRegion: "us1" };
    expect(apiUrlDestinationProblems("https://self-service-api.dev-acme.us1.ping.cloud/api/v1", dev)).toEqual([]);
    expect(apiUrlDestinationProblems("https://self-service-api.prod-acme.us1.ping.cloud/api/v1", dev)).toHaveLength(1);
    expect(apiUrlDestinationProblems("https://self-service-api.dev-acme.us1.ping.cloud/api/v2", dev)).toHaveLength(1);
    const listed = parseAllowedHosts("prod=api.acme.example").hosts;
    expect(apiUrlDestinationProblems("https://api.acme.example/api/v1", dev, listed)).toHaveLength(1);
    expect(
      apiUrlDestinationProblems("https://api.acme.example/api/v1", { ...dev, environment: "prod" }, listed),
    ).toEqual([]);
    // With nothing known (the provider, HCL users): the documented shape of any environment, or any listed host
    expect(apiUrlDestinationProblems("https://self-service-api.stage-globex.eu1.ping.cloud/api/v1")).toEqual([]);
    expect(apiUrlDestinationProblems("https://self-service-api.qa-globex.eu1.ping.cloud/api/v1")).toHaveLength(1);
    expect(apiUrlDestinationProblems("https://api.acme.example/api/v1", {}, listed)).toEqual([]);
  });

  test("the PingOne management API: api.pingone.<tld>/v1 of the region, or loopback, or listed under pingone", () => {
    expect(pingOneApiUrlDestinationProblems("https://api.pingone.ca/v1", { regionCode: "CA" })).toEqual([]);
    expect(pingOneApiUrlDestinationProblems("https://api.pingone.com/v1", { regionCode: "CA" })).toEqual([
      "must be PingOne's management API https://api.pingone.ca/v1 or a loopback emulator (127.0.0.1, [::1], localhost); a host on another DNS zone must be listed in the P1AS_ALLOWED_HOSTS environment variable as pingone=<host> (set it as a GitHub variable in CI, never in the config)",
    ]);
    expect(pingOneApiUrlDestinationProblems("http://localhost:4010/v1")).toEqual([]);
  });
});

describe("the clients refuse a foreign base URL before they send anything", () => {
  test("the token client", () => {
    const build = () =>
      new TokenClient({
        tokenUrl: `https://127.0.0.2:9/${ENV_ID}/as/token`,
        clientId: ENV_ID,
        clientSecret: "s",
        allowedHosts: new Map(),
      });
    expect(build).toThrow(ClientValidationError);
    expect(build).toThrow(
      `configure client: invalid tokenUrl "https://127.0.0.2:9/${ENV_ID}/as/token": must be PingOne's token endpoint`,
    );
  });

  test("the self-service client, and a client with no credentials at all", () => {
    const tokens = new TokenClient({
      tokenUrl: `http://127.0.0.1:9/${ENV_ID}/as/token`,
      clientId: ENV_ID,
      clientSecret: "s",
    });
    expect(
      () => new SelfServiceClient({ baseUrl: "https://api.evil.example/api/v1", tokens, allowedHosts: new Map() }),
    ).toThrow(
      `configure client: invalid baseUrl "https://api.evil.example/api/v1": must be a P1AS environment's self-service API`,
    );
    expect(() => new SelfServiceClient({ baseUrl: "http://127.0.0.1:9/dev/api/v1" })).toThrow(
      "give tokens (the write client), readTokens (the read-only client), or both",
    );
  });

  test("a read-only client refuses every write before sending it, naming where the write secret comes from", async () => {
    const readTokens = new TokenClient({
      tokenUrl: `http://127.0.0.1:9/${ENV_ID}/as/token`,
      clientId: ENV_ID,
      clientSecret: "s",
    });
    const api = new SelfServiceClient({
      baseUrl: "http://127.0.0.1:9/dev/api/v1",
      readTokens,
      writeCredentialsHint: "Set P1AS_DEV_CLIENT_SECRET.",
    });
    // (port 9 is closed: had anything been sent, the error would be a connection refusal, not this)
    await expect(api.deleteHostname("auth.dev.acme.example")).rejects.toThrow(
      "delete hostname auth.dev.acme.example: not sent: this run holds only the read-only client's credentials. Set P1AS_DEV_CLIENT_SECRET.",
    );
  });
});
