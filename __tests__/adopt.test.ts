/**
 * Taking over a tenant configured by hand: objects already in the API. A deploy adopts identical objects
 * silently, refuses a differing one with the `import` block to use until the declaration says `adopt: true`
 * (or the object is imported), and never creates a second copy of anything. Runs `dist/` (npm run build).
 */
import { ContractMode } from "../emulator/contract";
import { RunningEmulator } from "../emulator/start";
import { CliError } from "../cli-kit/errors";
import { detectDrift } from "../tools/drift/main";
import {
  appClient,
  AppSpec,
  CONTRACT_MODES,
  createP1asApp,
  heldKeys,
  P1asApp,
  preparedOnce,
  routingOf,
  sharedP1asApp,
  startEmulatorFor,
  TWO_HOSTNAMES,
} from "./support/p1as-app";

jest.setTimeout(300_000);

/** The refusal as the provider words it; terraform wraps long lines, so compare with whitespace collapsed. */
const refusal = (kind: string, key: string, address: string, difference: string) =>
  oneLine(
    `${kind} ${key} already exists in the self-service API (${difference}), and this configuration does not manage it yet. ` +
      'To take it over, import it at this resource\'s address (terraform prints it below, after "with"), then plan again to see what would change. ' +
      "In this project's cdktf stacks:\n\n" +
      `import {\n  to = ${address}\n  id = "${key}"\n}\n\n` +
      `In a resource with for_each over the ${kind === "hostname" ? "hostnames" : "names"} (as in examples/hcl): to = ${address.split(".")[0]}.<name>["${key}"]. ` +
      "Or set adopt = true to overwrite it with the declared values.",
  );
const oneLine = (text: string) => text.replace(/\s+/g, " ");

describe.each(CONTRACT_MODES)("takeover of a hand-configured tenant (%s contract)", (contract: ContractMode) => {
  let emulator: RunningEmulator;
  let app: P1asApp;
  // Where the API shows no certificate content, only adopt: true takes a certificate over (as it is).
  const declared: AppSpec =
    contract === "confirmed"
      ? { ...TWO_HOSTNAMES, certificates: [{ name: "wildcard-dev", adopt: true }] }
      : TWO_HOSTNAMES;

  const shared = sharedP1asApp(`adopt-e2e-${contract}`, contract);
  // Prepared once per contract mode; the emulator and terraform's state are put back, and the declaration
  // synthesized again, before each test.
  const prepared = preparedOnce(shared, async () => {
    ({ emulator, app } = shared);
    // GIVEN a tenant whose certificate and two hostnames were made in the console, one hostname routed
    // differently from the code, plus one hostname the code does not declare; and no terraform state yet
    app.synth(TWO_HOSTNAMES);
    const pem = app.certificatePems.get("wildcard-dev")!;
    emulator.service.createCertificate("dev", { name: "wildcard-dev", ...pem });
    emulator.service.createHostname("dev", {
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certname: "wildcard-dev",
    });
    emulator.service.createHostname("dev", {
      hostname: "api.dev.acme.example",
      product: "pingaccess-engines",
      certname: "wildcard-dev",
    });
    emulator.service.createHostname("dev", {
      hostname: "legacy.dev.acme.example",
      product: "pingdirectory",
      certname: "wildcard-dev",
    });
    emulator.requestLog.clear();

    if (contract === "confirmed") {
      // WHEN deployed as declared where the API shows no certificate content
      const refused = await app.deploy().catch((error: unknown) => error);
      // THEN the certificate cannot be compared, so it is refused too; it needs adopt: true (adopted as it is)
      expect(refused).toBeInstanceOf(CliError);
      expect(oneLine((refused as CliError).message)).toContain(
        refusal(
          "certificate",
          "wildcard-dev",
          "p1as_certificate.wildcard-dev",
          "the API does not show its content, so it cannot be compared",
        ),
      );
      app.synth(declared);
    }

    // WHEN deployed as declared
    const refused = await app.deploy().catch((error: unknown) => error);

    // THEN the identical objects are adopted, the differing hostname is refused with the import block, untouched
    expect(refused).toBeInstanceOf(CliError);
    expect(oneLine((refused as CliError).message)).toContain(
      refusal(
        "hostname",
        "api.dev.acme.example",
        "p1as_hostname.api_dev_acme_example",
        "it routes to product pingaccess-engines",
      ),
    );
    expect(routingOf(emulator, "api.dev.acme.example")).toEqual({
      product: "pingaccess-engines",
      certname: "wildcard-dev",
    });
    expect((await app.terraform(["state", "list"])).stdout.split("\n").filter(Boolean).sort()).toEqual([
      "data.p1as_certificates.held",
      "data.p1as_hostnames.held",
      "p1as_certificate.wildcard-dev",
      "p1as_hostname.auth_dev_acme_example",
    ]);
    expect(writes()).toEqual([]);
  });
  beforeEach(async () => {
    ({ emulator, app } = shared);
    prepared.restore();
    // A synth replaces the stack's folder, terraform's init with it: what a deploy does first, a bare import needs.
    app.synth(declared);
    expect((await app.terraform(["init", "-input=false", "-no-color"])).exitCode).toBe(0);
    emulator.requestLog.clear();
  });

  it("takes the differing hostname over once the declaration says adopt: true", async () => {
    // WHEN the declaration allows the takeover and is deployed
    app.synth({ ...declared, hostnames: [declared.hostnames[0], { ...declared.hostnames[1], adopt: true }] });
    await app.deploy();

    // THEN it is routed as declared: updated in place, or deleted and created once where the API has no update route
    await expectRoutedAsDeclared();
  });

  it("takes the differing hostname over by an import, then applies the declared routing", async () => {
    // WHEN the operator imports it as the refusal says, and deploys
    const imported = await app.terraform([
      "import",
      "-input=false",
      "-no-color",
      "p1as_hostname.api_dev_acme_example",
      "api.dev.acme.example",
    ]);
    expect(imported.exitCode).toBe(0);
    expect(writes()).toEqual([]);
    await app.deploy();

    // THEN as with adopt: true
    await expectRoutedAsDeclared();
  });

  /** The differing hostname routed as declared: updated in place, or deleted and created once where the API has no update route. */
  async function expectRoutedAsDeclared(): Promise<void> {
    expect(routingOf(emulator, "api.dev.acme.example")).toEqual({
      product: "pingfederate-admin-api",
      certname: "wildcard-dev",
    });
    expect(writes()).toEqual(
      contract === "assumed"
        ? ["PUT /dev/api/v1/hostnames/api.dev.acme.example"]
        : ["DELETE /dev/api/v1/hostnames/api.dev.acme.example", "POST /dev/api/v1/hostnames"],
    );
    await expectTakenOver();
  }

  /** Every object exists once, the stack manages the declared ones (empty re-plan), and drift shows only the undeclared one. */
  async function expectTakenOver(): Promise<void> {
    expect(heldKeys(emulator)).toEqual({
      certificates: ["wildcard-dev"],
      hostnames: ["api.dev.acme.example", "auth.dev.acme.example", "legacy.dev.acme.example"],
    });
    expect(emulator.requestLog.list(/^POST \/dev\/api\/v1\/certificates/)).toEqual([]);
    expect((await app.plan()).exitCode).toBe(0);
    const drift = await detectDrift({ outdir: app.outdir, env: app.env });
    expect(drift.stacks).toEqual([
      {
        stack: "p1as-dev",
        status: "drift",
        findings: [expect.objectContaining({ kind: "hostname", key: "legacy.dev.acme.example", finding: "extra" })],
      },
    ]);
  }

  function writes(): string[] {
    return emulator.requestLog.list(/^(POST|PUT|PATCH|DELETE) \/dev\//).map((entry) => `${entry.method} ${entry.path}`);
  }
});

it("refuses a bad adopt value in the config, naming the field, and sends nothing", async () => {
  // GIVEN an emulator and a config whose adopt is a string
  const client = appClient("adopt-bad-input");
  const emulator = await startEmulatorFor(client);
  const app = createP1asApp({ emulatorUrl: emulator.url, ...client });
  try {
    // WHEN synthesized
    const synth = () =>
      app.synth({
        ...TWO_HOSTNAMES,
        hostnames: [{ ...TWO_HOSTNAMES.hostnames[0], adopt: "yes" as unknown as boolean }],
      });
    // THEN
    expect(synth).toThrow(/virtualHosts\.hostnames\[0\]\.adopt.*boolean/);
    expect(emulator.requestLog.list()).toEqual([]);
  } finally {
    await emulator.close();
    app.remove();
  }
});
