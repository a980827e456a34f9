/**
 * The config's named secret variable (TF_VAR_<clientSecretVariable>, which the stack puts in the provider
 * block) wins over the generic P1AS_CLIENT_SECRET fallback, as with the PingOne provider and every HashiCorp
 * provider: a value in the provider configuration beats an environment variable. Real terraform, the emulator.
 */
import { detectDrift } from "../tools/drift";
import { appClient, createP1asApp, P1asApp, startEmulatorFor, TWO_HOSTNAMES, APP_CLIENT_SECRET_VARIABLE, heldKeys } from "./support/p1as-app";
import { RunningEmulator } from "../emulator/start";

jest.setTimeout(300_000);

describe("the client secret: the config's TF_VAR_<clientSecretVariable> wins over P1AS_CLIENT_SECRET", () => {
  const client = appClient("secret-precedence");
  let emulator: RunningEmulator;
  let app: P1asApp;
  const wrong = "wrong-secret-0123456789abcdef";

  beforeAll(async () => {
    emulator = await startEmulatorFor(client);
    // GIVEN a CI job that also exports a stale generic secret
    app = createP1asApp({ emulatorUrl: emulator.url, ...client, env: { P1AS_CLIENT_SECRET: wrong } });
    app.synth(TWO_HOSTNAMES);
  });
  afterAll(async () => {
    await emulator?.close();
    app?.remove();
  });

  it("deploys and checks drift with the named variable's secret while P1AS_CLIENT_SECRET is wrong", async () => {
    const lines: string[] = [];
    await expect(app.deploy({}, (line) => lines.push(line))).resolves.toEqual(["p1as-dev"]);
    expect(heldKeys(emulator).hostnames).toEqual(["api.dev.acme.example", "auth.dev.acme.example"]);
    const drift = await detectDrift({ outdir: app.outdir, env: app.env });
    expect(drift.exitCode).toBe(0);
  });
});

describe("the reverse", () => {
  const client = appClient("secret-precedence-reverse");
  let emulator: RunningEmulator;
  let app: P1asApp;

  beforeAll(async () => {
    emulator = await startEmulatorFor(client);
    app = createP1asApp({ emulatorUrl: emulator.url, ...client, env: { P1AS_CLIENT_SECRET: client.clientSecret, [`TF_VAR_${APP_CLIENT_SECRET_VARIABLE}`]: "wrong-secret-0123456789abcdef" } });
    app.synth(TWO_HOSTNAMES);
  });
  afterAll(async () => {
    await emulator?.close();
    app?.remove();
  });

  it("fails", async () => {
    const lines: string[] = [];
    const result = await app.deploy({}, (line) => lines.push(line)).then(() => "ok", (e: Error) => e.message);
    console.log(result, lines);
    const drift = await detectDrift({ outdir: app.outdir, env: app.env });
    console.log(JSON.stringify(drift));
  });
});
