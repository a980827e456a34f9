/**
 * The config names the client secret's variable (credentials.clientSecretVariable); the stack puts
 * `${var.<name>}` in the p1as provider block, so the secret comes from TF_VAR_<name>. A value in the provider
 * configuration wins over the provider's generic P1AS_CLIENT_SECRET fallback, as with the PingOne provider
 * and every HashiCorp provider: a stale generic secret in a CI job cannot replace the one the config names.
 * End to end: `npm run deploy` and `npm run drift` (their mains, secrets in the process environment as in CI),
 * real terraform, the emulator. Needs `npm run build` (the provider runs from dist/).
 */
import { RunningEmulator } from "../emulator/start";
import { main as deployMain } from "../tools/deploy";
import { main as driftMain } from "../tools/drift";
import { resolveTargets } from "../tools/status/targets";
import { captured, withEnv } from "./support/capture";
import { APP_CLIENT_SECRET_VARIABLE, appClient, createP1asApp, heldKeys, P1asApp, startEmulatorFor, TWO_HOSTNAMES } from "./support/p1as-app";

jest.setTimeout(300_000);

const NAMED = `TF_VAR_${APP_CLIENT_SECRET_VARIABLE}`;
const WRONG = "wrong-secret-7f3a9c2e5b1d4f60";

describe("the client secret: TF_VAR_<clientSecretVariable> (the config's) wins over P1AS_CLIENT_SECRET", () => {
  const client = appClient("secret-precedence");
  let emulator: RunningEmulator;
  let app: P1asApp;
  let configFile: string;

  beforeAll(async () => {
    emulator = await startEmulatorFor(client);
    app = createP1asApp({ emulatorUrl: emulator.url, ...client });
    configFile = app.synth(TWO_HOSTNAMES);
  });
  afterAll(async () => {
    await emulator?.close();
    app?.remove();
  });
  beforeEach(() => emulator.requestLog.clear());

  it("a wrong P1AS_CLIENT_SECRET next to the right named variable: deploy, drift and status use the named one", async () => {
    // GIVEN a CI job that also exports a stale generic secret
    const env = { [NAMED]: client.clientSecret, P1AS_CLIENT_SECRET: WRONG };
    // WHEN deploy and drift run
    const deployed = await withEnv(env, () => captured("stdout", () => deployMain(["--outdir", app.outdir])));
    const drift = await withEnv(env, () => captured("stdout", () => driftMain(["--outdir", app.outdir])));
    // THEN both succeed with the named secret
    expect(deployed.code).toBe(0);
    expect(deployed.text).toMatch(/^deploy: p1as-dev: applied \(Resources: \d+ added, 0 changed, 0 destroyed\)$/m);
    expect(heldKeys(emulator).hostnames).toEqual(["api.dev.acme.example", "auth.dev.acme.example"]);
    expect([drift.code, drift.text]).toEqual([0, "p1as-dev: in sync\n"]);
    // AND the status view reads the same variable
    const [target] = resolveTargets({ configFile, outdir: app.outdir, env });
    expect(target.connection?.secretSource).toBe(NAMED);
  });

  it("the reverse (right P1AS_CLIENT_SECRET, wrong named variable) fails, naming the stack, never the secrets", async () => {
    const env = { [NAMED]: WRONG, P1AS_CLIENT_SECRET: client.clientSecret };
    const deployed = await withEnv(env, () => captured("stderr", () => deployMain(["--outdir", app.outdir])));
    const drift = await withEnv(env, () => captured("stdout", () => driftMain(["--outdir", app.outdir])));
    expect(deployed.code).toBe(1);
    expect(deployed.text).toContain("\ndeploy: p1as-dev: failed: terraform apply failed:\n");
    // Every line names the stack: terraform's own lines by their prefix, the report's by `deploy: <stack>:`
    expect(deployed.text.split("\n").filter((line) => line !== "" && !/^(p1as-dev │|deploy: p1as-dev: )/.test(line))).toEqual([]);
    expect(deployed.text).toContain("invalid_client");
    expect(drift.code).toBe(1);
    expect(drift.text).toMatch(/^p1as-dev: ERROR: .*invalid_client/ms);
    for (const text of [deployed.text, drift.text]) {
      expect(text).not.toContain(client.clientSecret);
      expect(text).not.toContain(WRONG);
    }
    // AND no certificate or hostname was read or written (the generic secret was never used)
    expect(emulator.requestLog.list(/\/api\/v1\/(certificates|hostnames)/)).toEqual([]);
  });
});
