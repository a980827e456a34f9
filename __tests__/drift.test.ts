/**
 * `npm run drift`: virtual hosts deleted, changed or left in error behind terraform's back (through the
 * emulator, as a console user would) are reported with exit code 2 and a plain deploy repairs them; a
 * hand-added one is reported as extra and left alone; drift only ever reads. Runs `dist/` (npm run build).
 */
import { RunningEmulator } from "../emulator/start";
import { detectDrift, main, renderDrift } from "../tools/drift/main";
import { captured, withEnv } from "./support/capture";
import { CONTRACT_MODES, deployedOnce, P1asApp, routingOf, sharedP1asApp, TWO_HOSTNAMES } from "./support/p1as-app";

jest.setTimeout(300_000);

describe.each(CONTRACT_MODES)("drift against the %s contract", (contract) => {
  let emulator: RunningEmulator;
  let app: P1asApp;
  const drift = () => detectDrift({ outdir: app.outdir, env: app.env });

  const shared = sharedP1asApp(`drift-e2e-${contract}`, contract);
  // GIVEN a deployed stack that is in sync: deployed once, the emulator and terraform's state put back before each test
  const deployed = deployedOnce(shared, TWO_HOSTNAMES);
  beforeEach(() => {
    ({ emulator, app } = shared);
    deployed.restore();
  });

  it("reports a hostname changed outside terraform (exit 2), and a deploy puts the declared routing back (exit 0)", async () => {
    // WHEN someone routes it elsewhere in the console
    emulator.service.updateHostname("dev", "api.dev.acme.example", {
      product: "pingaccess-engines",
      certname: "wildcard-dev",
    });
    const found = await drift();

    // THEN the table names the field, both values and what a deploy does
    expect(found.exitCode).toBe(2);
    expect(renderDrift(found.stacks)).toBe(
      "p1as-dev: DRIFT: 0 missing, 1 changed, 0 in error, 0 extra\n" +
        "  changed  hostname api.dev.acme.example  product: was pingfederate-admin-api, API now pingaccess-engines\n" +
        "           -> a deploy puts the declared values back\n",
    );
    expectOnlyReads(emulator);

    // WHEN deployed
    await app.deploy();

    // THEN the API routes it as declared again (in place where the API can update, by a replacement where it
    // cannot), and drift and plan are clear
    expect(routingOf(emulator, "api.dev.acme.example")).toEqual({
      product: "pingfederate-admin-api",
      certname: "wildcard-dev",
    });
    expect(emulator.requestLog.list(/^DELETE /).map((entry) => entry.path)).toEqual(
      contract === "assumed" ? [] : ["/dev/api/v1/hostnames/api.dev.acme.example"],
    );
    await expectInSync();
  });

  it("reports a hostname deleted outside terraform (exit 2), and a deploy creates it again, once (exit 0)", async () => {
    // WHEN someone deletes it in the console
    emulator.service.deleteHostname("dev", "auth.dev.acme.example");
    const found = await drift();

    // THEN
    expect(found.exitCode).toBe(2);
    expect(renderDrift(found.stacks)).toBe(
      "p1as-dev: DRIFT: 1 missing, 0 changed, 0 in error, 0 extra\n" +
        "  missing  hostname auth.dev.acme.example\n" +
        "           -> a deploy creates it again (p1as_hostname.auth_dev_acme_example)\n",
    );
    expectOnlyReads(emulator);

    // WHEN deployed
    await app.deploy();

    // THEN
    expect(routingOf(emulator, "auth.dev.acme.example")).toEqual({
      product: "pingfederate-engines",
      certname: "wildcard-dev",
    });
    expect(emulator.requestLog.list(/^POST \/dev\/api\/v1\/hostnames$/)).toHaveLength(1);
    await expectInSync();
  });

  it("reports a hostname the API left in status error (exit 2), and a deploy sends it again (exit 0)", async () => {
    // WHEN a rollout fails on the tenant's side
    emulator.service.setStatus("dev", "hostname", "auth.dev.acme.example", "error");
    const found = await drift();

    // THEN
    expect(found.exitCode).toBe(2);
    expect(renderDrift(found.stacks)).toBe(
      "p1as-dev: DRIFT: 0 missing, 0 changed, 1 in error, 0 extra\n" +
        "  failed   hostname auth.dev.acme.example  status: was complete, API now error\n" +
        "           -> a deploy sends the declared values again (status error)\n",
    );
    expectOnlyReads(emulator);

    // WHEN deployed
    await app.deploy();

    // THEN the hostname is complete again with its declared routing
    expect(emulator.service.listHostnames("dev")).toContainEqual(
      expect.objectContaining({
        hostname: "auth.dev.acme.example",
        product: "pingfederate-engines",
        status: "complete",
      }),
    );
    await expectInSync();
  });

  it("reports a hostname added by hand as extra with the import block to manage it, and a deploy leaves it alone", async () => {
    // WHEN someone adds a hostname in the console
    emulator.service.createHostname("dev", {
      hostname: "legacy.dev.acme.example",
      product: "pingdirectory",
      certname: "wildcard-dev",
    });

    // THEN drift --json names it (the CLI reads the secret from its environment, as in CI) ...
    const json = await withEnv(app.env, () => captured("stdout", () => main(["--outdir", app.outdir, "--json"])));
    expect(json.code).toBe(2);
    expect(JSON.parse(json.text)).toEqual({
      exitCode: 2,
      stacks: [
        {
          stack: "p1as-dev",
          status: "drift",
          findings: [
            {
              kind: "hostname",
              key: "legacy.dev.acme.example",
              finding: "extra",
              differences: [],
              consequence:
                'a deploy leaves it alone; to manage it, declare it and import it: import { to = p1as_hostname.legacy_dev_acme_example id = "legacy.dev.acme.example" }',
            },
          ],
        },
      ],
    });
    expectOnlyReads(emulator);

    // ... and a deploy neither deletes nor changes it
    await app.deploy();
    expect(routingOf(emulator, "legacy.dev.acme.example")).toEqual({
      product: "pingdirectory",
      certname: "wildcard-dev",
    });
    expect(emulator.requestLog.list(/^(POST|PUT|PATCH|DELETE) \/dev\//)).toEqual([]);
  });

  it("exits 1 naming the stack when the API refuses the credentials, without the secret, sending nothing", async () => {
    // WHEN the read-only client's secret in the environment is wrong (drift reads with nothing else)
    const wrong = `wrong-${app.audit.clientSecret}`;
    const found = await detectDrift({
      outdir: app.outdir,
      env: { ...app.readOnlyEnv, P1AS_DEV_AUDIT_CLIENT_SECRET: wrong },
    });

    // THEN
    expect(found.exitCode).toBe(1);
    expect(found.stacks).toEqual([
      {
        stack: "p1as-dev",
        status: "error",
        error: expect.stringMatching(/^p1as-dev: terraform plan -refresh-only failed:\n[\s\S]*invalid_client/),
      },
    ]);
    expect(JSON.stringify(found)).not.toContain(wrong);
    expectOnlyReads(emulator, { anyReads: false });
  });

  async function expectInSync(): Promise<void> {
    const after = await drift();
    expect(after).toEqual({ exitCode: 0, stacks: [{ stack: "p1as-dev", status: "in-sync", findings: [] }] });
    expect((await app.plan()).exitCode).toBe(0);
  }
});

// Usage errors are found before anything is planned or sent, the same in either contract: a synthesized stack, no deploy.
describe("drift's usage errors", () => {
  const shared = sharedP1asApp("drift-usage");
  beforeAll(() => shared.app.synth(TWO_HOSTNAMES));

  it.each([
    [
      "an unknown --stacks name",
      ["--stacks", "p1as-qa"],
      1,
      'drift: invalid --stacks "p1as-qa": no such stack p1as-qa. Synthesized stacks: p1as-dev.\n',
    ],
    [
      "an unknown name beside a known one",
      ["--stacks", "p1as-dev,p1as-qa"],
      1,
      'drift: invalid --stacks "p1as-qa": no such stack p1as-qa. Synthesized stacks: p1as-dev.\n',
    ],
    [
      "a --stacks list without a name",
      ["--stacks", ","],
      64,
      "drift: option '--stacks <names>' argument ',' is invalid. must be stack names separated by commas, such as p1as-dev,p1as-prod. See --help.\n",
    ],
    [
      "an --outdir without synthesized stacks",
      ["--outdir", "/nonexistent/cdktf.out"],
      1,
      "drift: no synthesized stacks in /nonexistent/cdktf.out: /nonexistent/cdktf.out/manifest.json is missing or unreadable. Run `npm run synth` first, or pass --outdir <dir> where cdktf wrote its output.\n",
    ],
  ])("exits with an error for %s, naming it, and sends nothing", async (_name, args, code, expected) => {
    shared.emulator.requestLog.clear();
    const result = await captured("stderr", () => main(["--outdir", shared.app.outdir, ...args]));
    expect(result).toEqual({ code, text: expected });
    expect(shared.emulator.requestLog.list()).toEqual([]);
  });
});

/** Drift is safe to schedule: the API saw reads and token requests only. */
function expectOnlyReads(emulator: RunningEmulator, options: { anyReads: boolean } = { anyReads: true }): void {
  const writes = emulator.requestLog
    .list()
    .filter((entry) => entry.method !== "GET" && !/\/as\/token$/.test(entry.path));
  expect(writes).toEqual([]);
  if (options.anyReads) expect(emulator.requestLog.list(/^GET \/dev\/api\/v1\/hostnames/).length).toBeGreaterThan(0);
}
