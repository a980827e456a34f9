/**
 * The config names where each client's secret comes from (credentials.clientSecretEnv and audit.clientSecretEnv,
 * by default P1AS_<ENV>_CLIENT_SECRET and P1AS_<ENV>_AUDIT_CLIENT_SECRET); the stack puts those names in the p1as
 * provider block and the provider reads them. The generic P1AS_CLIENT_SECRET is only the provider's default name, so
 * a stale generic secret in a CI job can never replace the one the config names. Reads go with the read-only client,
 * writes with the write client. End to end: `npm run deploy` and `npm run drift` (their mains, secrets in the
 * process environment as in CI), real terraform, the emulator. Needs `npm run build` (the provider runs from dist/).
 */
import { RunningEmulator } from "../emulator/start";
import { main as deployMain } from "../tools/deploy/main";
import { main as driftMain } from "../tools/drift/main";
import { resolveTargets } from "../tools/status/targets";
import { captured, withEnv } from "./support/capture";
import {
  APP_CLIENT_SECRET_ENV,
  appClient,
  createP1asApp,
  heldKeys,
  P1asApp,
  startEmulatorFor,
  TWO_HOSTNAMES,
} from "./support/p1as-app";

jest.setTimeout(300_000);

const NAMED = APP_CLIENT_SECRET_ENV;
const WRONG = "wrong-secret-7f3a9c2e5b1d4f60";
const WRITES = /^(POST|PUT|PATCH|DELETE)$/;

describe("client secrets: the variables the config names win over P1AS_CLIENT_SECRET; reads use the read-only client", () => {
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

  it("a wrong P1AS_CLIENT_SECRET next to the right named variable: deploy, drift and status use the named ones", async () => {
    // GIVEN a CI job that also exports a stale generic secret
    const env = { ...app.env, P1AS_CLIENT_SECRET: WRONG };
    // WHEN deploy and drift run
    const deployed = await withEnv(env, () => captured("stdout", () => deployMain(["--outdir", app.outdir])));
    const drift = await withEnv(env, () => captured("stdout", () => driftMain(["--outdir", app.outdir])));
    // THEN both succeed with the named secrets
    expect(deployed.code).toBe(0);
    expect(deployed.text).toMatch(/^deploy: p1as-dev: applied \(Resources: \d+ added, 0 changed, 0 destroyed\)$/m);
    expect(heldKeys(emulator).hostnames).toEqual(["api.dev.acme.example", "auth.dev.acme.example"]);
    expect([drift.code, drift.text]).toEqual([0, "p1as-dev: in sync\n"]);
    // AND every write came from the write client, every read from the read-only one
    const requests = emulator.requestLog.list(/\/api\/v1\/(certificates|hostnames)/);
    expect(new Set(requests.filter((r) => WRITES.test(r.method)).map((r) => r.clientId))).toEqual(
      new Set([client.clientId]),
    );
    expect(new Set(requests.filter((r) => r.method === "GET").map((r) => r.clientId))).toEqual(
      new Set([client.audit.clientId]),
    );
    // AND the status view reads with the read-only client's variable
    const [target] = resolveTargets({ configFile, outdir: app.outdir, env });
    expect(target.connection?.secretSource).toBe("P1AS_DEV_AUDIT_CLIENT_SECRET");
  });

  it("plans and drift need only the read-only client's secret; a write without the write secret is refused before it is sent", async () => {
    // GIVEN what a plan job holds: the read-only secret only
    const env = app.readOnlyEnv;
    // WHEN drift runs THEN it reads and finds nothing to report
    const drift = await withEnv(env, () => captured("stdout", () => driftMain(["--outdir", app.outdir])));
    expect([drift.code, drift.text]).toEqual([0, "p1as-dev: in sync\n"]);
    // AND a deploy that would write fails naming the variable to set, and nothing was written
    app.synth({
      ...TWO_HOSTNAMES,
      hostnames: [
        ...TWO_HOSTNAMES.hostnames,
        { hostname: "www.dev.acme.example", product: "pingaccess-engines", certname: "wildcard-dev" },
      ],
    });
    const deployed = await withEnv(env, () => captured("stderr", () => deployMain(["--outdir", app.outdir])));
    expect(deployed.code).toBe(1);
    // (terraform wraps the provider's message; the report's lines say it again with the stack's prefix)
    const report = deployed.text
      .split("\n")
      .filter((line) => line.startsWith("deploy: p1as-dev: "))
      .map((line) => line.slice("deploy: p1as-dev: ".length))
      .join(" ");
    expect(report).toContain(
      `create hostname www.dev.acme.example: not sent: this run holds only the read-only client's credentials. Set ${NAMED} to the secret of write client ${client.clientId}`,
    );
    expect(emulator.requestLog.list().filter((r) => WRITES.test(r.method) && r.path.includes("/api/v1/"))).toEqual([]);
    app.synth(TWO_HOSTNAMES);
  });

  it("the reverse (right P1AS_READ_CLIENT_SECRET, wrong named read-only variable) fails, naming the stack, never the secrets", async () => {
    const env = { ...app.env, P1AS_DEV_AUDIT_CLIENT_SECRET: WRONG, P1AS_READ_CLIENT_SECRET: client.audit.clientSecret };
    const deployed = await withEnv(env, () => captured("stderr", () => deployMain(["--outdir", app.outdir])));
    const drift = await withEnv(env, () => captured("stdout", () => driftMain(["--outdir", app.outdir])));
    expect(deployed.code).toBe(1);
    expect(deployed.text).toContain("\ndeploy: p1as-dev: failed: terraform apply failed:\n");
    // Every line names the stack: terraform's own lines by their prefix, the report's by `deploy: <stack>:`
    expect(
      deployed.text.split("\n").filter((line) => line !== "" && !/^(p1as-dev │|deploy: p1as-dev: )/.test(line)),
    ).toEqual([]);
    expect(deployed.text).toContain("invalid_client");
    expect(drift.code).toBe(1);
    expect(drift.text).toMatch(/^p1as-dev: ERROR: .*invalid_client/ms);
    for (const text of [deployed.text, drift.text]) {
      expect(text).not.toContain(client.clientSecret);
      expect(text).not.toContain(client.audit.clientSecret);
      expect(text).not.toContain(WRONG);
    }
    // AND no certificate or hostname was read or written (the generic secret was never used)
    expect(emulator.requestLog.list(/\/api\/v1\/(certificates|hostnames)/)).toEqual([]);
  });
});
