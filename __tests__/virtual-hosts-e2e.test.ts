/**
 * End to end: real terraform applies stacks built with the VirtualHosts constructs; the p1as provider
 * (dist/provider/bundle.js, so `npm run build` first) drives the emulator over loopback HTTP. Every scenario
 * runs against both contract modes of the emulator; the provider finds the mode itself (apiContract
 * "discover" reads the emulator's openapi.json), so a mode changes what the plan does, not the stack.
 */
import { App, TerraformStack } from "cdktf";
import { SelfServiceCredentials } from "../constructs/credentials";
import { VirtualHosts } from "../constructs/virtual-hosts";
import { ContractMode } from "../emulator/contract";
import { RunningEmulator } from "../emulator/start";
import { Product } from "../p1as/facts";
import { startTestEmulator, testClientId, testClientSeed } from "./support/emulator";
import { E2eScenario, Found, flat, plannedActions, SavedScenario, writes } from "./support/e2e-virtual-hosts";
import { findForms, forms } from "./support/needles";
import { synthesize } from "./support/terraform-apply";
import { HostnameSpec, StackFixture, StackSpec, stackFixture } from "./support/virtual-hosts-stack";

jest.setTimeout(120_000);

const CLIENT_ID = testClientId("virtual-hosts-e2e");
const TOKEN_REQUEST = /^POST \/[^/]+\/as\/token$/;
const API = "/dev/api/v1";

const host = (name: string, product: Product, certname: string): HostnameSpec => ({
  hostname: `${name}.dev.acme.example`,
  product,
  certname,
});
const resourceOf = (hostname: string) => `p1as_hostname.${hostname.replace(/\./g, "_")}`;

/** Two certificates (one key from a file, one from an ephemeral variable) and three hostnames. */
const BASE: StackSpec = {
  certificates: [{ name: "wildcard-dev" }, { name: "api-dev", keyFromVariable: true }],
  hostnames: [
    host("auth", "pingfederate-engines", "wildcard-dev"),
    host("access", "pingaccess-engines", "wildcard-dev"),
    host("directory", "pingdirectory", "api-dev"),
  ],
};
const AUTH = BASE.hostnames[0].hostname;
const ACCESS = BASE.hostnames[1].hostname;
const DIRECTORY = BASE.hostnames[2].hostname;

const withHostnames = (spec: StackSpec, hostnames: readonly HostnameSpec[]): StackSpec => ({ ...spec, hostnames });

describe.each<ContractMode>(["assumed", "confirmed"])(
  "virtual hosts through terraform and the p1as provider (%s contract)",
  (mode) => {
    const updates = mode === "assumed";
    let emulator: RunningEmulator;
    let fixture: StackFixture;
    let clientSecret: string;
    /** Every terraform output, plan JSON, state file and synthesized configuration of this mode, searched for secrets by the last test. */
    const captured: string[] = [];
    /** Every private key this mode generated. */
    const keys = new Map<string, string>();
    const scenario = () => new E2eScenario(fixture, captured);
    /**
     * `spec` deployed by the first test that asks for it, then put back for each later one (terraform's initialized
     * outdir with its state, and the emulator's objects): a later test's GIVEN costs a copy, not an apply.
     */
    const deployedOnce = (spec: StackSpec) => {
      let saved: SavedScenario | undefined;
      return async (): Promise<E2eScenario> => {
        if (saved) return E2eScenario.from(saved, emulator, fixture, captured);
        const run = scenario();
        await run.deploy(spec);
        saved = run.save(emulator);
        return run;
      };
    };
    const deployedBase = deployedOnce(BASE);
    /** One certificate and no hostname. */
    const ONE: StackSpec = { certificates: [{ name: "wildcard-dev" }], hostnames: [] };
    const deployedOne = deployedOnce(ONE);
    const pem = (name: string, version = 1) => {
      const made = fixture.pem(name, version);
      keys.set(`${name} v${version} private key`, made.privkey);
      return made;
    };
    const held = () => fixture.held();
    const expected = (spec: StackSpec) => {
      for (const certificate of spec.certificates) pem(certificate.name, certificate.version);
      return fixture.expected(spec);
    };
    const hostnameHeld = (hostname: string) => held().hostnames.find((item) => item.hostname === hostname);

    beforeAll(async () => {
      const seed = testClientSeed(CLIENT_ID, ["dev-tls-admin"]);
      clientSecret = seed.clientSecret;
      // A short completion delay: the provider really polls, the suite stays fast.
      emulator = await startTestEmulator({ contract: mode, clients: [seed], completionDelayMs: 50 });
      fixture = stackFixture({
        emulator,
        clientId: CLIENT_ID,
        clientSecret,
        timings: { pollIntervalMs: 100, readyTimeoutMs: 3_000, requestTimeoutMs: 5_000 },
      });
    });

    afterAll(async () => {
      await emulator?.close();
      fixture?.remove();
    });

    afterEach(() => {
      emulator.service.reset();
      emulator.service.completionDelayMs = 50;
      emulator.faults.clear();
      emulator.requestLog.clear();
    });

    test("lifecycle: create, change routing, rotate a certificate, remove everything, destroy", async () => {
      const run = scenario();

      // GIVEN the base stack WHEN applied THEN the API holds exactly it, complete, and a re-plan is empty
      await run.deploy(BASE);
      expect(held()).toEqual(expected(BASE));
      expect((await run.plan()).exitCode).toBe(0);

      // WHEN one hostname's product and certificate change
      const rerouted = withHostnames(BASE, [
        BASE.hostnames[0],
        host("access", "pingdelegator", "api-dev"),
        BASE.hostnames[2],
      ]);
      const planned = await run.planFor(rerouted);
      emulator.requestLog.clear();
      await run.deploy(rerouted);

      // THEN the API holds the new routing; where the API has an update route it was a PUT and no DELETE,
      // where it has none the update deleted the hostname and created it again (DELETE, then POST), and the plan warned
      expect(held()).toEqual(expected(rerouted));
      expect(plannedActions(planned)).toEqual({ [resourceOf(ACCESS)]: ["update"] });
      if (updates) {
        expect(writes(emulator).filter((w) => !TOKEN_REQUEST.test(w))).toEqual([`PUT ${API}/hostnames/${ACCESS}`]);
      } else {
        expect(flat(planned.output)).toContain(`Warning: hostname ${ACCESS} goes offline: deleted and created again`);
        expect(writes(emulator).filter((w) => !TOKEN_REQUEST.test(w))).toEqual([
          `DELETE ${API}/hostnames/${ACCESS}`,
          `POST ${API}/hostnames`,
        ]);
      }
      expect((await run.plan()).exitCode).toBe(0);

      // WHEN the certificate those hostnames use gets a new key pair
      const rotated: StackSpec = {
        ...rerouted,
        certificates: [{ name: "wildcard-dev", version: 2 }, rerouted.certificates[1]],
      };
      emulator.requestLog.clear();
      const rotation = await run.deploy(rotated, { allowFailure: !updates });
      let final = rotated;
      if (updates) {
        // THEN with an update route the content is replaced in place (PUT) and nothing is deleted
        expect(rotation.exitCode).toBe(0);
        expect(writes(emulator).filter((w) => !TOKEN_REQUEST.test(w))).toEqual([
          `PUT ${API}/certificates/wildcard-dev`,
        ]);
      } else {
        // THEN without one the plan refuses (the name is taken until the old one is gone, which the API
        // refuses while hostnames use it), says what to do instead, and nothing is written
        expect(rotation.exitCode).not.toBe(0);
        expect(flat(rotation.output)).toMatch(
          /The content of certificate wildcard-dev changed \(leaf SHA-256 [0-9A-F:]{95} -> [0-9A-F:]{95}\), but this self-service API has no update route, and the name stays taken until the old certificate is deleted/,
        );
        expect(flat(rotation.output)).toContain(
          "Declare the new content under a new certificate name, point the hostnames at it and remove this certificate",
        );
        expect(held()).toEqual(expected(rerouted));
        expect(writes(emulator).filter((w) => !TOKEN_REQUEST.test(w))).toEqual([]);
        // AND rotating by a new name (new certificate, hostnames moved, old one removed) works in one apply
        final = {
          certificates: [{ name: "wildcard-dev-2", version: 1 }, rerouted.certificates[1]],
          hostnames: rerouted.hostnames.map((h) =>
            h.certname === "wildcard-dev" ? { ...h, certname: "wildcard-dev-2" } : h,
          ),
        };
        await run.deploy(final);
      }
      expect(held()).toEqual(expected(final));
      expect((await run.plan()).exitCode).toBe(0);

      // WHEN everything is removed from the code
      await run.deploy({ certificates: [], hostnames: [] });
      // THEN the API holds nothing, the re-plan is empty, and a destroy has nothing left to do
      expect(held()).toEqual({ certificates: [], hostnames: [] });
      expect((await run.plan()).exitCode).toBe(0);
      expect(await run.destroy()).toMatch(/Destroy complete! Resources: 0 destroyed\./);
      expect(run.stateResources()).toEqual([]);
    });

    test("a second deploy without changes writes nothing", async () => {
      // GIVEN a converged stack
      const run = await deployedBase();
      emulator.requestLog.clear();

      // WHEN it is applied again
      const again = await run.deploy(BASE);

      // THEN terraform says no changes and the API saw reads only, and at most one token request per provider start
      // (terraform configures the provider twice in an apply without changes; each configure reads openapi.json once
      // and checks the reading client's secret with one token, so a wrong secret is one clear error)
      expect(again.output).toContain("No changes.");
      const requests = emulator.requestLog.list().map((entry) => `${entry.method} ${entry.path}`);
      console.log(
        JSON.stringify({
          mode,
          secondDeployRequests: requests.length,
          tokenRequests: requests.filter((r) => TOKEN_REQUEST.test(r)).length,
        }),
      );
      expect(requests.filter((r) => !r.startsWith("GET ") && !TOKEN_REQUEST.test(r))).toEqual([]);
      const configures = requests.filter((r) => r.endsWith("/openapi.json")).length;
      expect(configures).toBeGreaterThan(0);
      expect(requests.filter((r) => TOKEN_REQUEST.test(r)).length).toBeLessThanOrEqual(configures);
      expect(requests.filter((r) => r.startsWith("GET "))).not.toHaveLength(0);
    });

    test("drift made outside terraform shows in the plan and a plain apply repairs it", async () => {
      // GIVEN a converged stack
      const run = await deployedBase();

      // WHEN, outside terraform, one hostname is deleted, one routed elsewhere and one left in status error
      emulator.service.deleteHostname("dev", AUTH);
      emulator.service.updateHostname("dev", ACCESS, { product: "pingdelegator", certname: "api-dev" });
      emulator.service.setStatus("dev", "hostname", DIRECTORY, "error");
      const drifted = await run.plan();

      // THEN the plan shows all three, by address
      expect(drifted.exitCode).toBe(2);
      // (without an update route too: the update deletes the hostname and creates it again)
      expect(plannedActions(drifted)).toEqual({
        [resourceOf(AUTH)]: ["create"],
        [resourceOf(ACCESS)]: ["update"],
        [resourceOf(DIRECTORY)]: ["update"],
      });
      for (const hostname of [AUTH, ACCESS, DIRECTORY]) expect(drifted.output).toContain(resourceOf(hostname));

      // WHEN a plain apply runs THEN the API holds the declared values, all complete, and the re-plan is empty
      await run.deploy(BASE);
      expect(held()).toEqual(expected(BASE));
      expect((await run.plan()).exitCode).toBe(0);
    });

    describe("the orphan trap: a create that fails after its POST leaves nothing behind once removed", () => {
      const ORPHAN = host("orphan", "pingdirectory", "wildcard-dev");
      const WITH_ORPHAN = withHostnames(ONE, [ORPHAN]);

      /** After the failed create: terraform keeps the object (tainted); removing it from the code deletes it. */
      /** `tainted`: a failed wait leaves the object tainted; one that Ctrl-C stopped leaves it recorded as it is. */
      async function expectRemovalDeletes(run: E2eScenario, tainted = true): Promise<void> {
        expect(run.stateResources()).toContainEqual({ address: resourceOf(ORPHAN.hostname), tainted });
        emulator.requestLog.clear();
        await run.deploy(ONE);
        expect(hostnameHeld(ORPHAN.hostname)).toBeUndefined();
        expect(writes(emulator)).toContain(`DELETE ${API}/hostnames/${ORPHAN.hostname}`);
        expect(held()).toEqual(expected(ONE));
        expect((await run.plan()).exitCode).toBe(0);
      }

      test("(a) the object ends in status error", async () => {
        // GIVEN a certificate, and an API whose next hostname rollout ends in error
        const run = await deployedOne();
        emulator.faults.add({ route: "POST /hostnames", objectStatus: "error" });

        // WHEN the hostname is added THEN the apply fails naming it, and the API holds it in error
        const failed = await run.deploy(WITH_ORPHAN, { allowFailure: true });
        expect(failed.exitCode).not.toBe(0);
        expect(flat(failed.output)).toContain(`hostname ${ORPHAN.hostname} did not become ready`);
        expect(hostnameHeld(ORPHAN.hostname)?.status).toBe("error");

        // AND once it is removed from the code, the API no longer holds it
        await expectRemovalDeletes(run);
      });

      test("(b) the object is not ready before the deadline", async () => {
        // GIVEN a certificate, and an API whose rollouts now take far longer than the provider waits
        const run = await deployedOne();
        emulator.service.completionDelayMs = 60_000;
        const shortDeadline = (found: Found) => {
          found.virtualHosts().provider.readyTimeoutMs = 500;
        };

        // WHEN the hostname is added THEN the apply fails with the deadline's message; the API holds it, creating
        const failed = await run.deploy(WITH_ORPHAN, { allowFailure: true, tweak: shortDeadline });
        expect(failed.exitCode).not.toBe(0);
        expect(flat(failed.output)).toMatch(
          new RegExp(
            `hostname ${ORPHAN.hostname.replace(/\./g, "\\.")} was not ready after \\d+ s \\(last status "creating"\\)`,
          ),
        );
        // AND it names the settings that allow longer, each of which exists (stacks.test.ts checks the config field reaches the provider)
        expect(flat(failed.output)).toContain(
          "allow longer: environments[].selfService.readyTimeoutMs in the JSON config (readyTimeoutMs of VirtualHosts, ready_timeout_ms of the p1as provider block)",
        );
        expect(hostnameHeld(ORPHAN.hostname)?.status).toBe("creating");

        // AND once it is removed from the code, the API no longer holds it
        await expectRemovalDeletes(run);
      });

      test("(c) terraform is interrupted (SIGINT) while it waits", async () => {
        // GIVEN a certificate, and an API whose rollouts now take far longer than the test waits
        const run = await deployedOne();
        emulator.service.completionDelayMs = 60_000;

        // WHEN the hostname is added and terraform gets SIGINT once the API answered its POST
        const posted = () =>
          emulator.requestLog.list(/^POST \/dev\/api\/v1\/hostnames$/).some((entry) => entry.status !== 0);
        const interrupted = await run.applyInterrupted(WITH_ORPHAN, posted);

        // THEN terraform stops, the hostname comes back with a warning (not an error, which would taint it), and the API holds it
        expect(interrupted.exitCode).not.toBe(0);
        expect(interrupted.output).toMatch(/Interrupt received/);
        expect(flat(interrupted.output)).toContain(
          `Warning: hostname ${ORPHAN.hostname} was still creating when terraform stopped`,
        );
        expect(flat(interrupted.output)).toContain(
          `hostname ${ORPHAN.hostname}: terraform asked the provider to stop while it waited`,
        );
        expect(hostnameHeld(ORPHAN.hostname)).toBeDefined();

        // AND it is recorded untainted, and once it is removed from the code, the API no longer holds it
        emulator.service.completionDelayMs = 50;
        await expectRemovalDeletes(run, false);
      });
    });

    test("hostnames move from certificate A to certificate B and A is deleted, in one apply", async () => {
      // GIVEN two certificates, both hostnames on A
      const run = scenario();
      const onA: StackSpec = {
        certificates: [{ name: "cert-a" }, { name: "cert-b" }],
        hostnames: [host("auth", "pingfederate-engines", "cert-a"), host("access", "pingaccess-engines", "cert-a")],
      };
      await run.deploy(onA);

      // WHEN both move to B and A leaves the code
      const onB: StackSpec = {
        certificates: [{ name: "cert-b" }],
        hostnames: onA.hostnames.map((h) => ({ ...h, certname: "cert-b" })),
      };
      await run.deploy(onB);

      // THEN the apply succeeded, A is gone and the re-plan is empty
      expect(held()).toEqual(expected(onB));
      expect((await run.plan()).exitCode).toBe(0);
    });

    test("renaming a certificate that hostnames use works in one apply", async () => {
      // GIVEN hostnames on certificate old-name
      const run = scenario();
      const before: StackSpec = {
        certificates: [{ name: "old-name" }],
        hostnames: [host("auth", "pingfederate-engines", "old-name"), host("directory", "pingdirectory", "old-name")],
      };
      await run.deploy(before);

      // WHEN the certificate is declared as new-name (same content), the hostnames name it and old-name is gone
      const after: StackSpec = {
        certificates: [{ name: "new-name" }],
        hostnames: before.hostnames.map((h) => ({ ...h, certname: "new-name" })),
      };
      await run.deploy(after);

      // THEN the API holds the new name only and the re-plan is empty
      expect(held()).toEqual(expected(after));
      expect((await run.plan()).exitCode).toBe(0);
    });

    test("an import block adopts a hostname made by hand, without creating it", async () => {
      // GIVEN a certificate applied by terraform, and a hostname made in the API by hand
      const run = await deployedOne();
      const certificateOnly = ONE;
      const manual = host("manual", "pingaccess-engines", "wildcard-dev");
      emulator.service.createHostname("dev", manual);
      const declared = withHostnames(certificateOnly, [manual]);
      const importIt = {
        tweak: (found: Found) => found.hostname(manual.hostname).resource.importFrom(manual.hostname),
      };

      // WHEN it is declared with an import block THEN the plan imports it and changes nothing else
      const planned = await run.planFor(declared, importIt.tweak);
      expect(planned.output).toMatch(/1 to import, 0 to add, 0 to change, 0 to destroy/);
      expect(plannedActions(planned)).toEqual({ [resourceOf(manual.hostname)]: ["no-op", "import"] });

      // WHEN applied THEN nothing was written and the state holds it; the re-plan is empty
      emulator.requestLog.clear();
      await run.deploy(declared, importIt);
      expect(writes(emulator).filter((w) => !TOKEN_REQUEST.test(w))).toEqual([]);
      expect(run.stateResources()).toContainEqual({ address: resourceOf(manual.hostname), tainted: false });
      expect(held()).toEqual(expected(declared));
      expect((await run.plan()).exitCode).toBe(0);
    });

    test("a create over a differing object fails with the import block and keeps it; adopt takes it over", async () => {
      // GIVEN the API holds certificate taken, with other content
      const run = scenario();
      const other = pem("taken", 2);
      emulator.service.createCertificate("dev", { name: "taken", fullchain: other.fullchain, privkey: other.privkey });
      const takenHost = host("taken", "pingfederate-engines", "taken");
      const certificateOnly: StackSpec = { certificates: [{ name: "taken" }], hostnames: [] };
      const both = withHostnames(certificateOnly, [takenHost]);

      // WHEN the certificate is declared THEN the create fails with the import block, and the API keeps its certificate
      const refused = await run.deploy(certificateOnly, { allowFailure: true });
      expect(refused.exitCode).not.toBe(0);
      expect(flat(refused.output)).toContain("certificate taken already exists in the self-service API");
      expect(flat(refused.output)).toMatch(/import \{\s+to = p1as_certificate\.taken\s+id = "taken"\s+\}/);
      expect(held().certificates).toEqual([{ name: "taken", fingerprint: other.fingerprint, status: "complete" }]);
      expect(writes(emulator).filter((w) => !TOKEN_REQUEST.test(w))).toEqual([]);

      // WHEN it is declared with adopt THEN it is taken over and the re-plan is empty
      const adoptCertificate = (found: Found) => {
        found.certificate("taken").resource.adopt = true;
      };
      await run.deploy(certificateOnly, { tweak: adoptCertificate });
      expect(run.stateResources()).toContainEqual({ address: "p1as_certificate.taken", tainted: false });
      expect(held().certificates).toEqual(expected(certificateOnly).certificates);
      expect((await run.plan()).exitCode).toBe(0);

      // GIVEN the API also holds hostname taken.dev.acme.example, routed to another product
      emulator.service.createHostname("dev", { ...takenHost, product: "pingdirectory" });
      // WHEN the hostname is declared THEN its create fails the same way and the API keeps its product
      emulator.requestLog.clear();
      const refusedHost = await run.deploy(both, { allowFailure: true, tweak: adoptCertificate });
      expect(refusedHost.exitCode).not.toBe(0);
      expect(flat(refusedHost.output)).toContain(
        `hostname ${takenHost.hostname} already exists in the self-service API (it routes to product pingdirectory)`,
      );
      expect(flat(refusedHost.output)).toMatch(
        new RegExp(
          `import \\{\\s+to = ${resourceOf(takenHost.hostname).replace(/\./g, "\\.")}\\s+id = "${takenHost.hostname.replace(/\./g, "\\.")}"\\s+\\}`,
        ),
      );
      expect(hostnameHeld(takenHost.hostname)?.product).toBe("pingdirectory");
      expect(writes(emulator).filter((w) => !TOKEN_REQUEST.test(w))).toEqual([]);

      // WHEN it is declared with adopt THEN the API holds the declared product and the re-plan is empty
      await run.deploy(both, {
        tweak: (found) => {
          adoptCertificate(found);
          found.hostname(takenHost.hostname).resource.adopt = true;
        },
      });
      expect(hostnameHeld(takenHost.hostname)).toEqual({ ...takenHost, status: "complete" });
      expect((await run.plan()).exitCode).toBe(0);

      // WHEN adopt is dropped from the code afterwards THEN the apply changes only terraform's record: no write
      emulator.requestLog.clear();
      await run.deploy(both);
      expect(writes(emulator).filter((w) => !TOKEN_REQUEST.test(w))).toEqual([]);
      expect((await run.plan()).exitCode).toBe(0);
    });

    test("bad input is refused at synth with path, field and reason, and nothing reaches the API", () => {
      const stackWith = (clientId: string, apiUrl: string) => (app: App) => {
        const stack = new TerraformStack(app, fixture.stackId);
        const credentials = SelfServiceCredentials.fromEnvironment(stack, {
          clientId,
          clientSecretEnv: "P1AS_SECRET",
          tokenUrl: emulator.tokenUrl(),
        });
        new VirtualHosts(stack, "virtual-hosts", { credentials, apiUrl });
        return stack;
      };
      const cases: { what: string; build: (app: App) => TerraformStack; message: RegExp }[] = [
        {
          what: "a credentials client id that is no UUID",
          build: stackWith("not-a-uuid", emulator.apiUrl("dev")),
          message: /^p1as-dev\/P1AS_SECRET: invalid clientId "not-a-uuid": \S/,
        },
        {
          what: "a VirtualHosts apiUrl that is no http(s) URL",
          build: stackWith(CLIENT_ID, "ftp://self-service.example/api/v1"),
          message: /^p1as-dev\/virtual-hosts: invalid apiUrl "ftp:\/\/self-service\.example\/api\/v1": \S/,
        },
        {
          what: "a certificate name with capitals and an underscore",
          build: fixture.build({ certificates: [{ name: "Wildcard_Dev" }], hostnames: [] }),
          message: /^p1as-dev\/virtual-hosts\/Wildcard_Dev: invalid name "Wildcard_Dev": \S/,
        },
        {
          what: "a hostname routed to a product that does not exist",
          build: fixture.build({
            certificates: [{ name: "wildcard-dev" }],
            hostnames: [host("auth", "pingnothing" as Product, "wildcard-dev")],
          }),
          message:
            /^p1as-dev\/virtual-hosts\/auth\.dev\.acme\.example: invalid product "pingnothing": must be one of pingaccess-engines/,
        },
        {
          what: "a wildcard hostname",
          build: fixture.build({
            certificates: [{ name: "wildcard-dev" }],
            hostnames: [{ hostname: "*.dev.acme.example", product: "pingdirectory", certname: "wildcard-dev" }],
          }),
          message: /^p1as-dev\/virtual-hosts\/\*\.dev\.acme\.example: invalid hostname "\*\.dev\.acme\.example": \S/,
        },
      ];
      for (const bad of cases) {
        // GIVEN a stack with one bad prop WHEN synthesized THEN synth throws the path, the field and the reason
        let message: string | undefined;
        try {
          synthesize(bad.build);
        } catch (error) {
          message = (error as Error).message;
        }
        expect({ what: bad.what, message }).toEqual({ what: bad.what, message: expect.stringMatching(bad.message) });
      }
      // AND no request reached the emulator
      expect(emulator.requestLog.list()).toEqual([]);
      expect(held()).toEqual({ certificates: [], hostnames: [] });
    });

    test("no client secret or private key appears in any plan, state or terraform output of this suite", () => {
      // GIVEN every text the scenarios above captured (they ran first: jest runs a file's tests in order)
      const everything = captured.join("\n");
      expect(captured.length).toBeGreaterThan(40);
      expect(everything).toContain("p1as_certificate.wildcard-dev");
      // WHEN searched for the secret and every generated key, in every encoding THEN none is found
      const values = [
        { name: "client secret", needles: forms(clientSecret) },
        ...[...keys].map(([name, key]) => ({ name, needles: forms(key) })),
      ];
      expect(keys.size).toBeGreaterThan(3);
      expect(findForms(everything, values)).toEqual([]);
    });
  },
);
