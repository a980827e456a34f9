/**
 * The provider's messages you can act on, from its own code against the emulator over real loopback HTTP: a wrong
 * client secret is one configure error naming where the secret came from; a read that cannot reach the API says to
 * check apiUrl (not "apply again"); a bad request setting names its attribute and variable; the readiness advice
 * names the JSON config field. Terraform's part (one diagnostic per configure) is the framework's, tested elsewhere.
 */
import { Diagnostics, State } from "../provider/framework";
import { hostname as hostnameResource } from "../provider/resources/hostname-resource";
import { READY_TIMEOUT_SETTING, notReady, withAdvice } from "../provider/resources/error-catalogue";
import { EXPECTED_OFFLINE_WINDOW } from "../provider/public-face";
import { p1asProvider } from "../provider/resources/provider";
import { RunningEmulator } from "../emulator/start";
import { makeCertificate } from "./support/certs";
import { startTestEmulator, testClientId } from "./support/emulator";
import { closedPort } from "./support/ports";

const CLIENT_ID = testClientId("provider-messages-admin");
const SECRET = `provider-messages-${Math.random().toString(36).slice(2)}`;
const WRONG = `wrong-${SECRET}`;
let emulator: RunningEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  emulator = await startTestEmulator({
    clients: [{ clientId: CLIENT_ID, clientSecret: SECRET, groups: ["dev-tls-admin"] }],
  });
});
afterAll(() => emulator.close());
afterEach(() => {
  process.env = { ...saved };
  emulator.requestLog.clear();
});

const NULLS: State = Object.fromEntries(Object.keys(p1asProvider.schema.attributes).map((name) => [name, null]));

async function configure(config: State, env: Record<string, string>) {
  process.env = { ...saved, ...env };
  const diagnostics = new Diagnostics();
  const data = await p1asProvider.configure({
    config: { ...NULLS, ...config },
    diagnostics,
    terraformVersion: "1.11.4",
  });
  return { data, diagnostics: diagnostics.toProtocol() };
}

const block = () => ({
  api_url: emulator.apiUrl("dev"),
  token_url: emulator.tokenUrl(),
  client_id: CLIENT_ID,
  api_contract: "assumed",
  max_retries: 1,
});

describe("a wrong client secret", () => {
  test("is one configure error naming the variable it came from, and no certificate or hostname is read", async () => {
    // GIVEN the secret's variable holds a wrong value
    const { data, diagnostics } = await configure(
      { ...block(), client_secret_env: "P1AS_DEV_CLIENT_SECRET" },
      { P1AS_DEV_CLIENT_SECRET: WRONG },
    );
    // THEN configure reports one error on client_secret that names the variable and the client, never the value
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: "ERROR",
      summary: "The token endpoint refused the p1as client's secret",
      attribute: { steps: [{ attribute_name: "client_secret" }] },
    });
    expect(diagnostics[0].detail).toContain(`HTTP 401 invalid_client for client ${CLIENT_ID}`);
    expect(diagnostics[0].detail).toContain(
      "The secret came from the environment variable P1AS_DEV_CLIENT_SECRET: set it to the current secret",
    );
    expect(JSON.stringify(diagnostics)).not.toContain(WRONG);
    expect(data.client).toBeUndefined();
    expect(emulator.requestLog.list(/\/api\/v1\/(certificates|hostnames)/)).toEqual([]);
  });

  test("given in the block, the error names the attribute instead", async () => {
    const { diagnostics } = await configure({ ...block(), client_secret: WRONG }, {});
    expect(diagnostics[0].detail).toContain("The secret came from client_secret of the p1as provider block");
    expect(JSON.stringify(diagnostics)).not.toContain(WRONG);
  });

  test("the right secret configures a client with one token request", async () => {
    const { data, diagnostics } = await configure(block(), { P1AS_CLIENT_SECRET: SECRET });
    expect(diagnostics).toEqual([]);
    expect(data.client).toBeDefined();
    expect(emulator.requestLog.list(/as\/token/)).toHaveLength(1);
  });
});

describe("request settings", () => {
  test.each([
    ["P1AS_MAX_RETRIES", "many", 'max_retries (or P1AS_MAX_RETRIES) "many" must be a whole number >= 0'],
    ["P1AS_MAX_RETRIES", "-1", 'max_retries (or P1AS_MAX_RETRIES) "-1" must be a whole number >= 0'],
    [
      "P1AS_REQUEST_TIMEOUT_MS",
      "0",
      'request_timeout_ms (or P1AS_REQUEST_TIMEOUT_MS) "0" must be a whole number > 0 of milliseconds',
    ],
  ])(
    "bad input: %s=%s is refused naming the attribute, the variable and the reason, and nothing is sent",
    async (variable, value, message) => {
      const { max_retries: _unset, ...rest } = block();
      const { data, diagnostics } = await configure(rest, { P1AS_CLIENT_SECRET: SECRET, [variable]: value });
      expect(diagnostics.map((d) => d.detail)).toEqual([message]);
      expect(data.client).toBeUndefined();
      expect(emulator.requestLog.list()).toEqual([]);
    },
  );

  test("P1AS_MAX_RETRIES applies when the block leaves max_retries out: 0 means one attempt", async () => {
    const { max_retries: _unset, ...rest } = block();
    const { data } = await configure(rest, { P1AS_CLIENT_SECRET: SECRET, P1AS_MAX_RETRIES: "0" });
    emulator.faults.add({ route: "GET /hostnames", status: 503, times: 2 });
    await expect(data.client!.listHostnames()).rejects.toMatchObject({ status: 503, retries: 0 });
    expect(emulator.requestLog.list(/hostnames/)).toHaveLength(1);
    emulator.faults.clear();
  });
});

describe("a read that cannot reach the API", () => {
  test("says to check apiUrl and that nothing was changed, not to apply again", async () => {
    // GIVEN a provider configured for a port where nothing listens
    const { data } = await configure(block(), { P1AS_CLIENT_SECRET: SECRET });
    const port = await closedPort();
    const { data: unreachable } = await configure(
      { ...block(), api_url: `http://127.0.0.1:${port}/dev/api/v1` },
      { P1AS_CLIENT_SECRET: SECRET },
    );
    expect(data.client).toBeDefined();
    // WHEN a hostname is read through the provider's resource (with its advice)
    const read = withAdvice(hostnameResource, (state) => `hostname ${String(state.hostname)}`).read;
    const state = { id: "auth.dev.acme.example", hostname: "auth.dev.acme.example" } as State;
    const error = await read({
      state,
      providerData: unreachable,
      diagnostics: new Diagnostics(),
      private: undefined,
    } as never).catch((e: Error) => e);
    // THEN the message names apiUrl and its settings, and says nothing changed
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^hostname auth\.dev\.acme\.example: list hostnames failed after 1 retry: no response \(ECONNREFUSED/,
    );
    expect((error as Error).message).toContain(
      "The self-service API did not answer a read; nothing was changed. Check apiUrl (environments[].selfService.apiUrl in the JSON config, api_url of the p1as provider block or P1AS_API_URL)",
    );
    expect((error as Error).message).not.toMatch(/apply again/);
  });
});

describe("a hostname update without an update route whose create fails after the delete", () => {
  test("names the hostname, says it is offline and what to do; the plan warned with the window", async () => {
    // GIVEN a hostname on a certificate, and a provider that assumes the confirmed contract (no update route)
    const pem = makeCertificate({ commonName: "*.dev.acme.example" });
    emulator.service.createCertificate("dev", { name: "wildcard-dev", ...pem });
    emulator.service.createHostname("dev", {
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
    });
    const { data } = await configure({ ...block(), api_contract: "confirmed" }, { P1AS_CLIENT_SECRET: SECRET });
    const prior = {
      id: "auth.dev.acme.example",
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
      adopt: false,
      status: "complete",
    } as State;
    const planned = { ...prior, product: "pingaccess-engines" } as State;
    const resource = withAdvice(hostnameResource, (state) => `hostname ${String(state.hostname)}`);

    // WHEN the product change is planned THEN it is an update (no replacement), with a warning naming the hostname
    const planning = new Diagnostics();
    const requiresReplace: string[] = [];
    resource.modifyPlan!({
      prior,
      config: planned,
      planned: { ...planned },
      requiresReplace,
      setPlanned: () => undefined,
      replace: (a: string) => requiresReplace.push(a),
      providerData: data,
      diagnostics: planning,
    } as never);
    expect(requiresReplace).toEqual([]);
    expect(planning.toProtocol()).toEqual([
      expect.objectContaining({
        severity: "WARNING",
        summary: "hostname auth.dev.acme.example goes offline: deleted and created again",
        detail: expect.stringContaining(EXPECTED_OFFLINE_WINDOW),
      }),
    ]);

    // WHEN the update's POST is refused after its DELETE
    emulator.faults.add({ route: "POST /hostnames", status: 422, detail: "refused for the test" });
    const error = await resource.update!({
      prior,
      planned,
      config: planned,
      providerData: data,
      diagnostics: new Diagnostics(),
      signal: new AbortController().signal,
    } as never).catch((e: Error) => e);
    emulator.faults.clear();

    // THEN the error names the hostname, says it was deleted and is offline, and to apply again
    expect((error as Error).message).toMatch(
      /^hostname auth\.dev\.acme\.example was deleted to be created again with its new routing \(this self-service API has no update route\), but the create failed: .*refused for the test.* Until it exists again it is offline: apply again, which creates it if it is missing\.$/s,
    );
    expect(emulator.service.listHostnames("dev")).toEqual([]);
  });
});

test("the readiness advice names the JSON config field, VirtualHosts' prop and the provider attribute", () => {
  expect(notReady("hostname", "auth.dev.acme.example", "creating", 600_000).message).toBe(
    `hostname auth.dev.acme.example was not ready after 600 s (last status "creating"). It may still complete: apply again later (terraform replaces the tainted object, and an identical object is adopted), or allow longer: ${READY_TIMEOUT_SETTING}.`,
  );
  expect(READY_TIMEOUT_SETTING).toContain("environments[].selfService.readyTimeoutMs");
});
