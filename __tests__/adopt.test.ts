/**
 * Taking over a tenant configured by hand: objects already in the API. `drift` previews the takeover, a deploy
 * adopts identical objects silently, refuses a differing one until the declaration says `adopt: true`, and
 * never creates a second copy of anything. Needs `npm run build` first; `npm test` does it.
 */
import { RunningEmulator } from "../emulator/start";
import { CliError } from "../tools/errors";
import { detectDrift, renderDrift } from "../tools/drift";
import { appClient, createP1asApp, heldKeys, P1asApp, routingOf, startEmulatorFor, TWO_HOSTNAMES } from "./support/p1as-app";

jest.setTimeout(300_000);

it("takes over a hand-configured tenant: identical objects silently, a differing one only with adopt: true, nothing twice", async () => {
  // GIVEN a tenant whose certificate and two hostnames were made in the console, one hostname routed
  // differently from the code, plus one hostname the code does not declare
  app.synth(SPEC);
  const pem = app.certificatePems.get("wildcard-dev")!;
  emulator.service.createCertificate("dev", { name: "wildcard-dev", ...pem });
  emulator.service.createHostname("dev", { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" });
  emulator.service.createHostname("dev", { hostname: "api.dev.acme.example", product: "pingaccess-engines", certname: "wildcard-dev" });
  emulator.service.createHostname("dev", { hostname: "legacy.dev.acme.example", product: "pingdirectory", certname: "wildcard-dev" });
  emulator.requestLog.clear();

  // WHEN drift runs before the first deploy
  const preview = await detectDrift({ outdir: app.outdir, env: app.env });

  // THEN it shows what the takeover would do, object by object
  expect(preview.exitCode).toBe(2);
  expect(renderDrift(preview.stacks)).toBe(
    "p1as-dev: DRIFT: 0 missing, 1 extra, 1 changed\n" +
      "  extra    hostname legacy.dev.acme.example  product=pingdirectory certname=wildcard-dev\n" +
      "           -> not declared; deploy leaves it alone\n" +
      "  changed  hostname api.dev.acme.example  product: API pingaccess-engines, declared pingfederate-admin-api\n" +
      "           -> not managed yet; deploy refuses to overwrite it -- declare it identically, or set adopt: true to take it over\n" +
      "  deploy adopts 2 existing object(s) that match the declaration: certificate wildcard-dev, hostname auth.dev.acme.example\n",
  );

  // WHEN deployed as declared
  const refused = await app.deploy().catch((error: unknown) => error);

  // THEN the deploy fails on the differing hostname with the driver's explanation, and changes nothing there
  expect(refused).toBeInstanceOf(CliError);
  const message = (refused as CliError).message.replace(/\s+/g, " "); // terraform wraps provisioner output
  expect(message).toContain(
    "hostname api.dev.acme.example already exists in the API and differs in product (API: pingaccess-engines, declared: pingfederate-admin-api)",
  );
  expect(message).toContain("set adopt: true to take it over");
  expect(routingOf(emulator, "api.dev.acme.example")).toEqual({ product: "pingaccess-engines", certname: "wildcard-dev" });

  // WHEN the declaration allows the takeover and drift previews it
  app.synth({ ...SPEC, hostnames: [SPEC.hostnames[0], { ...SPEC.hostnames[1], adopt: true }] });
  const allowed = await detectDrift({ outdir: app.outdir, env: app.env });
  expect(allowed.stacks[0]).toMatchObject({
    consequences: { "hostname api.dev.acme.example": "not managed yet; deploy takes it over (adopt: true) and overwrites these fields" },
  });

  // AND deployed again
  await app.deploy();

  // THEN the hostname is routed as declared, every object exists once, and nothing pre-existing was POSTed again
  expect(routingOf(emulator, "api.dev.acme.example")).toEqual({ product: "pingfederate-admin-api", certname: "wildcard-dev" });
  expect(heldKeys(emulator)).toEqual({
    certificates: ["wildcard-dev"],
    hostnames: ["api.dev.acme.example", "auth.dev.acme.example", "legacy.dev.acme.example"],
  });
  expect(emulator.requestLog.list(/^POST \/dev\/api\/v1\//)).toEqual([]);
  expect(emulator.requestLog.list(/^DELETE /)).toEqual([]);

  // AND the stack now manages them: a re-plan is empty and drift is down to the undeclared hostname
  expect((await app.plan()).exitCode).toBe(0);
  const after = await detectDrift({ outdir: app.outdir, env: app.env });
  expect(after.stacks[0]).toMatchObject({ missing: [], changed: [], adoptable: [], extra: [{ key: "legacy.dev.acme.example" }] });
});

// ---- shared setup ----------------------------------------------------------------------------

const CLIENT = appClient("adopt-e2e-admin");
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
