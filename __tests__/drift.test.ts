/**
 * `npm run drift`: virtual hosts changed, deleted or added behind terraform's back (through the emulator, as a
 * console user would) are reported with exit code 2 and a deploy puts managed ones back; drift only ever reads.
 * Needs `npm run build` first (deploy runs the driver from dist/); `npm test` does it.
 */
import { RunningEmulator } from "../emulator/start";
import { detectDrift, main, renderDrift } from "../tools/drift";
import { appClient, createP1asApp, P1asApp, routingOf, startEmulatorFor, TWO_HOSTNAMES } from "./support/p1as-app";

jest.setTimeout(300_000);

describe("drift", () => {
  beforeEach(async () => {
    // GIVEN a deployed stack that is in sync
    emulator.service.reset();
    app.synth(SPEC);
    await app.deploy();
    emulator.requestLog.clear();
  });

  it("reports a hostname changed behind terraform's back (exit 2), and deploy restores it (exit 0)", async () => {
    // WHEN someone changes the product in the console
    emulator.service.updateHostname("dev", "api.dev.acme.example", { product: "pingaccess-engines", certname: "wildcard-dev" });
    const drift = await detectDrift({ outdir: app.outdir, env: app.env });

    // THEN it is reported with the field, both values and what a deploy will do
    expect(drift.exitCode).toBe(2);
    expect(renderDrift(drift.stacks)).toBe(
      "p1as-dev: DRIFT: 0 missing, 0 extra, 1 changed\n" +
        "  changed  hostname api.dev.acme.example  product: API pingaccess-engines, declared pingfederate-admin-api\n" +
        "           -> changed outside terraform; deploy restores the declared values\n",
    );
    expectOnlyReads();

    // WHEN deployed
    await app.deploy();

    // THEN the API holds the declared routing again, updated in place, and drift is clear
    expect(routingOf(emulator, "api.dev.acme.example")).toEqual({ product: "pingfederate-admin-api", certname: "wildcard-dev" });
    expect(emulator.requestLog.list(/^DELETE /)).toEqual([]);
    expect((await detectDrift({ outdir: app.outdir, env: app.env })).exitCode).toBe(0);
    expect((await app.plan()).exitCode).toBe(0);
  });

  it("reports a hostname deleted behind terraform's back (exit 2), and deploy creates it again (exit 0)", async () => {
    // WHEN someone deletes a hostname in the console
    emulator.service.deleteHostname("dev", "auth.dev.acme.example");
    const drift = await detectDrift({ outdir: app.outdir, env: app.env });

    // THEN
    expect(drift.exitCode).toBe(2);
    expect(renderDrift(drift.stacks)).toBe(
      "p1as-dev: DRIFT: 1 missing, 0 extra, 0 changed\n" +
        "  missing  hostname auth.dev.acme.example  product=pingfederate-engines certname=wildcard-dev\n" +
        "           -> deleted outside terraform; deploy creates it again\n",
    );
    expectOnlyReads();

    // WHEN deployed
    await app.deploy();

    // THEN it is back, once, and drift is clear
    expect(routingOf(emulator, "auth.dev.acme.example")).toEqual({ product: "pingfederate-engines", certname: "wildcard-dev" });
    expect(emulator.requestLog.list(/^POST \/dev\/api\/v1\/hostnames$/)).toHaveLength(1);
    expect((await detectDrift({ outdir: app.outdir, env: app.env })).exitCode).toBe(0);
  });

  it("reports a hostname added by hand as extra, and deploy leaves it alone", async () => {
    // WHEN someone adds a hostname in the console
    emulator.service.createHostname("dev", { hostname: "legacy.dev.acme.example", product: "pingdirectory", certname: "wildcard-dev" });

    // THEN drift names it (JSON for machines) and a deploy does not delete what it does not manage
    // (the CLI reads the secret from its own environment, as in CI)
    process.env.TF_VAR_p1as_dev_client_secret = app.clientSecret;
    const json = await stdoutOf(() => main(["--outdir", app.outdir, "--json"])).finally(() => delete process.env.TF_VAR_p1as_dev_client_secret);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.text).stacks[0]).toMatchObject({
      stack: "p1as-dev",
      status: "drift",
      missing: [],
      changed: [],
      extra: [{ kind: "hostname", key: "legacy.dev.acme.example", fields: { product: "pingdirectory", certname: "wildcard-dev" } }],
      consequences: { "hostname legacy.dev.acme.example": "not declared; deploy leaves it alone" },
    });
    await app.deploy();
    expect(routingOf(emulator, "legacy.dev.acme.example")).toEqual({ product: "pingdirectory", certname: "wildcard-dev" });
  });

  it("exits 1 naming the stack when the API refuses the credentials, and never prints the secret", async () => {
    // WHEN the secret in the environment is wrong
    const wrong = `wrong-${app.clientSecret}`;
    const drift = await detectDrift({ outdir: app.outdir, env: { ...app.env, TF_VAR_p1as_dev_client_secret: wrong } });

    // THEN
    expect(drift.exitCode).toBe(1);
    expect(drift.stacks).toEqual([{ stack: "p1as-dev", status: "error", error: expect.stringMatching(/401|invalid_client|credentials/i) }]);
    expect(JSON.stringify(drift)).not.toContain(wrong);
    expect(emulator.requestLog.list(/^(PUT|DELETE|POST \/dev)/)).toEqual([]);
  });

  it("exits 1 for an unknown --stack, naming the synthesized ones, and reads nothing", async () => {
    const result = await stderrOf(() => main(["--outdir", app.outdir, "--stack", "p1as-qa"]));
    expect(result.code).toBe(1);
    expect(result.text).toBe('drift: invalid --stack "p1as-qa": no such stack p1as-qa. Synthesized stacks: p1as-dev.\n');
    expect(emulator.requestLog.list()).toEqual([]);
  });
});

// ---- shared setup ----------------------------------------------------------------------------

const CLIENT = appClient("drift-e2e-admin");
const SPEC = TWO_HOSTNAMES;

let emulator: RunningEmulator;
let app: P1asApp;

beforeAll(async () => {
  emulator = await startEmulatorFor(CLIENT);
  app = createP1asApp({ emulatorUrl: emulator.url, ...CLIENT });
});

afterAll(async () => {
  await emulator?.close();
  app?.remove();
});

/** Drift is safe to schedule: the API saw reads and token requests only. */
function expectOnlyReads(): void {
  const writes = emulator.requestLog.list().filter((entry) => entry.method !== "GET" && !/\/as\/token$/.test(entry.path));
  expect(writes).toEqual([]);
  expect(emulator.requestLog.list(/^GET /).length).toBeGreaterThan(0);
}


async function stdoutOf(action: () => Promise<number>): Promise<{ code: number; text: string }> {
  return captured("stdout", action);
}

async function stderrOf(action: () => Promise<number>): Promise<{ code: number; text: string }> {
  return captured("stderr", action);
}

async function captured(stream: "stdout" | "stderr", action: () => Promise<number>): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process[stream], "write").mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    return { code: await action(), text: chunks.join("") };
  } finally {
    spy.mockRestore();
  }
}
