/**
 * The first deploy rides out a flaky API: real terraform runs the p1as provider against the emulator while every
 * third request fails (token endpoint, OpenAPI document, lists, creates, updates and deletes alike), the kinds
 * taking turns: 503, 429 with Retry-After, a connection reset before the request is handled, a connection reset
 * after a change was committed (a lost response), and 500. Create, change and destroy must each succeed on the
 * first run, leave exactly the declared objects, never commit a create over an existing object, and end with an
 * empty plan. Both contract modes (the provider discovers the mode from the OpenAPI document).
 * Needs `npm run build` first (the provider bundle).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Fault } from "../emulator/faults";
import type { ContractMode } from "../emulator/contract";
import { startEmulator } from "../emulator/start";
import { StackSpec, stackFixture } from "./support/virtual-hosts-stack";
import { apply, plan } from "./support/terraform-apply";
import { testClientId } from "./support/emulator";

jest.setTimeout(15 * 60_000);

const CLIENT_ID = testClientId("every-third-admin");
const CLIENT_SECRET = `every-third-${randomBytes(16).toString("hex")}`;
/** Generous: a 429 asks for a 1 s wait, and the machine is shared. */
const TIMINGS = { pollIntervalMs: 50, readyTimeoutMs: 20_000, requestTimeoutMs: 20_000 };

/** One kind per turn; each is the fault of every `KINDS.length * 3`-th request, offset by 3, so every third request fails. */
const KINDS: readonly Omit<Fault, "route">[] = [
  { status: 503 },
  { status: 429, retryAfter: 1 },
  { drop: "before-commit" },
  { drop: "after-commit" },
  { status: 500 },
];
const EVERY_THIRD: Fault[] = KINDS.map((kind, i) => ({
  ...kind,
  route: "*",
  every: KINDS.length * 3,
  skip: 3 * i + 2,
  times: 100_000,
}));

const product = { a: "pingfederate-engines", b: "pingaccess-engines", c: "pingdelegator" } as const;
const CREATED: StackSpec = {
  certificates: [{ name: "alpha" }, { name: "beta" }],
  hostnames: [
    { hostname: "a1.dev.acme.example", product: product.a, certname: "alpha" },
    { hostname: "a2.dev.acme.example", product: product.b, certname: "alpha" },
    { hostname: "b1.dev.acme.example", product: product.a, certname: "beta" },
    { hostname: "b2.dev.acme.example", product: product.c, certname: "beta" },
  ],
};
/** A product change, a certname change, a hostname removed and one added. */
const CHANGED: StackSpec = {
  certificates: [{ name: "alpha" }, { name: "beta" }],
  hostnames: [
    { hostname: "a1.dev.acme.example", product: product.c, certname: "alpha" },
    { hostname: "a2.dev.acme.example", product: product.b, certname: "beta" },
    { hostname: "b1.dev.acme.example", product: product.a, certname: "beta" },
    { hostname: "c1.dev.acme.example", product: product.a, certname: "alpha" },
  ],
};
const EMPTY: StackSpec = { certificates: [], hostnames: [] };

describe.each<ContractMode>(["assumed", "confirmed"])(
  "every third request fails, emulator in the %s contract",
  (mode) => {
    test("bad input: a periodic fault with every 0 is refused, naming the field, and nothing is queued", async () => {
      const emulator = await startEmulator({ seedDemoClients: false, contract: mode, clients: [] });
      try {
        expect(() => emulator.faults.add({ route: "*", status: 503, every: 0 })).toThrow(
          /^invalid fault: every: Number must be greater than 0$/,
        );
        expect(emulator.faults.list()).toEqual([]);
      } finally {
        await emulator.close();
      }
    });

    test("the first deploy of a create, a change and a destroy each converges: exact objects, no duplicate create, empty plan", async () => {
      // GIVEN an emulator where every third request fails, the kinds taking turns
      const emulator = await startEmulator({
        seedDemoClients: false,
        contract: mode,
        completionDelayMs: 100,
        clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }],
      });
      const fixture = stackFixture({ emulator, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timings: TIMINGS });
      let outdir: string | undefined;
      try {
        emulator.faults.add(...EVERY_THIRD);
        for (const [step, spec] of [
          ["create", CREATED],
          ["change", CHANGED],
          ["destroy", EMPTY],
        ] as const) {
          const scenario = `${mode} ${step}`;
          emulator.requestLog.clear();

          // WHEN the stack is deployed once
          const deployed = await apply(fixture.build(spec), { outdir, env: fixture.env(), allowFailure: true });
          outdir = deployed.outdir;

          // THEN the first deploy succeeded although faults were served
          const failed = emulator.requestLog.list().filter((entry) => entry.status === 0 || entry.status >= 429);
          expect({ scenario, exit: deployed.exitCode, output: deployed.exitCode === 0 ? "" : deployed.output }).toEqual(
            { scenario, exit: 0, output: "" },
          );
          expect({ scenario, faultsServed: failed.length > 3 }).toEqual({ scenario, faultsServed: true });
          // AND the emulator holds exactly the declared objects, all complete
          expect({ scenario, held: fixture.held() }).toEqual({ scenario, held: fixture.expected(spec) });
          // AND no create was committed over an existing object: per key, committed creates and deletes alternate
          expect({ scenario, doubles: doubleCreates(emulator.requestLog.list()) }).toEqual({ scenario, doubles: [] });
        }

        // AND with the faults gone, the next plan is empty
        emulator.faults.clear();
        const again = await plan(path.join(outdir!, "stacks", fixture.stackId), { env: fixture.env() });
        expect({ mode, planExit: again.exitCode, output: again.exitCode === 0 ? "" : again.output }).toEqual({
          mode,
          planExit: 0,
          output: "",
        });
      } finally {
        if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
        fixture.remove();
        await emulator.close();
      }
    });
  },
);

/**
 * Creates the API refused because the key was taken (409): the sign of a create posted again after it had been
 * committed. The log keeps no bodies, so creates are judged by their answers.
 */
function doubleCreates(log: readonly { method: string; path: string; status: number }[]): string[] {
  return log
    .filter((entry) => entry.method === "POST" && entry.status === 409)
    .map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}
