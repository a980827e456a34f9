/**
 * A certificate delete blocked by a hostname this configuration does not manage fails at once, naming the
 * hostname, instead of printing "Still destroying..." until the readiness deadline. Real terraform, the p1as
 * provider and the emulator, both contract modes. Needs `npm run build` first (the provider bundle).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import type { ContractMode } from "../emulator/contract";
import { startEmulator } from "../emulator/start";
import { StackSpec, stackFixture } from "./support/virtual-hosts-stack";
import { apply } from "./support/terraform-apply";
import { testClientId } from "./support/emulator";

jest.setTimeout(10 * 60_000);

const CLIENT_ID = testClientId("delete-blocked-admin");
const CLIENT_SECRET = `delete-blocked-${randomBytes(16).toString("hex")}`;
/** A deadline far beyond the test's: only the early failure can end the apply in time. */
const TIMINGS = { pollIntervalMs: 200, readyTimeoutMs: 30 * 60_000, requestTimeoutMs: 10_000 };

const BOTH: StackSpec = {
  certificates: [{ name: "old" }, { name: "new" }],
  hostnames: [{ hostname: "managed.dev.acme.example", product: "pingfederate-engines", certname: "old" }],
};
/** The managed hostname moves to "new" and "old" is removed from the configuration. */
const MOVED: StackSpec = {
  certificates: [{ name: "new" }],
  hostnames: [{ hostname: "managed.dev.acme.example", product: "pingfederate-engines", certname: "new" }],
};

describe.each<ContractMode>(["assumed", "confirmed"])("emulator in the %s contract", (mode) => {
  test("a hand-made hostname on a removed certificate fails the delete at once, naming the hostname; the managed one moved", async () => {
    // GIVEN a deployed stack, and a hostname made by hand that uses certificate "old"
    const emulator = await startEmulator({
      seedDemoClients: false,
      contract: mode,
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }],
    });
    const fixture = stackFixture({ emulator, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timings: TIMINGS });
    let outdir: string | undefined;
    try {
      outdir = (await apply(fixture.build(BOTH), { env: fixture.env() })).outdir;
      emulator.service.createHostname("dev", {
        hostname: "by-hand.dev.acme.example",
        product: "pingaccess-engines",
        certname: "old",
      });

      // WHEN the configuration drops "old"
      const failed = await apply(fixture.build(MOVED), { outdir, env: fixture.env(), allowFailure: true });

      // THEN the apply fails with the delete's error naming the blocking hostname and what to do
      const text = failed.output.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
      expect(failed.exitCode).toBe(1);
      expect(text).toContain(
        "certificate old cannot be deleted: hostname by-hand.dev.acme.example still uses it, and this apply does not move it (made by hand, or managed by another configuration). Nothing was deleted.",
      );
      expect(text).not.toMatch(/after \d+ s, so the API refuses/);
      // AND the managed hostname moved, the hand-made one and "old" are untouched
      const held = fixture.held();
      expect(held.hostnames.map((h) => [h.hostname, h.certname])).toEqual([
        ["by-hand.dev.acme.example", "old"],
        ["managed.dev.acme.example", "new"],
      ]);
      expect(held.certificates.map((c) => c.name)).toEqual(["new", "old"]);
    } finally {
      if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
      fixture.remove();
      await emulator.close();
    }
  });

  test("bad input: a hostname spec naming a certificate that is not declared is refused at synth; nothing is sent", async () => {
    const emulator = await startEmulator({ seedDemoClients: false, contract: mode, clients: [] });
    const fixture = stackFixture({ emulator, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timings: TIMINGS });
    try {
      const bad: StackSpec = {
        certificates: [],
        hostnames: [{ hostname: "x.dev.acme.example", product: "pingfederate-engines", certname: "Not A Name" }],
      };
      await expect(apply(fixture.build(bad), { env: fixture.env() })).rejects.toThrow(/certname|name/);
      expect(emulator.requestLog.list()).toEqual([]);
    } finally {
      fixture.remove();
      await emulator.close();
    }
  });
});
