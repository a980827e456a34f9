/**
 * Rotating a certificate, through real terraform against the emulator in both contract modes: by name (a new
 * certificate, the hostnames moved to it, the old one removed) and under the same name. Where the API has an update
 * route nothing goes offline; where it has none each moved hostname is deleted and created again only once the new
 * certificate is complete, is named with its window in the plan summary, the plan and the deploy result, and the
 * same-name change stops the plan naming the certificate's fingerprints, never its chain. Runs dist/ (npm run build).
 */
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { watchServing } from "../emulator/serving-watch";
import { RunningEmulator } from "../emulator/start";
import { deployStacks, resultLines } from "../tools/deploy/main";
import { runPlanSummary } from "../tools/plan-summary/main";
import { makeCertificate } from "./support/certs";
import { withEnv } from "./support/capture";
import {
  AppSpec,
  CONTRACT_MODES,
  deployedOnce,
  heldKeys,
  P1asApp,
  routingOf,
  sharedP1asApp,
  TWO_HOSTNAMES,
} from "./support/p1as-app";

jest.setTimeout(300_000);

const ROLLOUT_MS = 2_000;
const NEW_NAME = "wildcard-dev-2027";
const ROTATED: AppSpec = {
  certificates: [{ name: NEW_NAME }],
  hostnames: TWO_HOSTNAMES.hostnames.map((hostname) => ({ ...hostname, certname: NEW_NAME })),
};
const HOSTNAMES = TWO_HOSTNAMES.hostnames.map((hostname) => hostname.hostname);
const flat = (text: string) => text.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");

describe.each(CONTRACT_MODES)("certificate rotation against the %s contract", (contract) => {
  let emulator: RunningEmulator;
  let app: P1asApp;
  const shared = sharedP1asApp(`rotation-${contract}`, contract);
  // GIVEN wildcard-dev and two hostnames on it, deployed once and put back before each test
  const deployed = deployedOnce(shared, TWO_HOSTNAMES);
  beforeEach(() => {
    ({ emulator, app } = shared);
    deployed.restore();
    emulator.service.completionDelayMs = 0;
  });

  const summarize = async () => {
    const out = path.join(app.dir, "plan-summary.md");
    return withEnv(app.env, () =>
      runPlanSummary({ outdir: app.outdir, out, maxChars: 65_000, allowUnplannable: false }),
    );
  };

  it("by name: the hostnames move only once the new certificate is complete; without an update route each is named with its window", async () => {
    // WHEN the hostnames move to a new certificate and the old one is removed, with rollouts of ROLLOUT_MS
    app.synth(ROTATED);
    const summary = await summarize();
    const plan = await app.plan();
    emulator.service.completionDelayMs = ROLLOUT_MS;
    emulator.requestLog.clear();
    const watch = watchServing(emulator.service, "dev", HOSTNAMES);
    const output: string[] = [];
    const report = await deployStacks(
      { outdir: app.outdir, lockTimeout: "0s", ifPresent: false, env: app.env },
      (_stack, line) => output.push(line),
    );
    const windows = watch.stop();

    // THEN the API holds the new routing and only the new certificate, and a plan is empty
    expect(report.stacks.map((stack) => stack.status)).toEqual(["applied"]);
    for (const hostname of HOSTNAMES) expect(routingOf(emulator, hostname)?.certname).toBe(NEW_NAME);
    expect(heldKeys(emulator).certificates).toEqual([NEW_NAME]);
    emulator.service.completionDelayMs = 0;
    expect((await app.plan()).exitCode).toBe(0);

    const writes = emulator.requestLog
      .list()
      .filter((entry) => entry.method !== "GET" && !/\/as\/token$/.test(entry.path));
    const at = (pattern: RegExp) =>
      writes
        .filter((entry) => pattern.test(`${entry.method} ${entry.path}`))
        .map((entry) => Date.parse(entry.timestamp));
    if (contract === "assumed") {
      // AND with an update route each hostname is updated in place: never absent, served throughout, named nowhere
      expect(at(/^DELETE .*\/hostnames\//)).toEqual([]);
      expect(windows.map((window) => [window.hostname, window.absentMs, window.unservedMs])).toEqual(
        HOSTNAMES.map((hostname) => [hostname, 0, 0]),
      );
      expect(summary.markdown).not.toContain("offline");
      expect(plan.stdout).not.toContain("goes offline");
      expect(report.stacks[0].offline).toBeUndefined();
      return;
    }
    // AND without one each hostname is deleted only after the new certificate's rollout completed, and created
    // again at once: absent for far less than a rollout, served again about one rollout later (before: absent one
    // rollout, served again after two)
    const certificateCreated = at(/^POST .*\/certificates$/)[0];
    for (const deleted of at(/^DELETE .*\/hostnames\//))
      expect(deleted - certificateCreated).toBeGreaterThanOrEqual(ROLLOUT_MS);
    expect(at(/^DELETE .*\/hostnames\//)).toHaveLength(2);
    for (const window of windows) {
      expect(window.servedAtEnd).toBe(true);
      expect(window.absentMs).toBeLessThan(ROLLOUT_MS / 2);
      expect(window.unservedMs).toBeGreaterThanOrEqual(ROLLOUT_MS - 50);
      expect(window.unservedMs).toBeLessThan(ROLLOUT_MS * 1.5);
    }
    // AND the plan summary names each hostname as replaced and offline, with the expected window
    for (const hostname of HOSTNAMES) {
      expect(summary.markdown).toMatch(
        new RegExp(
          `> - 🛑 \\*\\*replace \\(offline\\)\\*\\* hostname \`${hostname.replace(/\./g, "\\.")}\` in \`p1as-dev\` \\(.*no update route: deleted and created again, offline for about one hostname rollout`,
        ),
      );
      // AND terraform's plan warns about it, so plain terraform users see it too
      expect(flat(plan.stdout)).toContain(`Warning: hostname ${hostname} goes offline: deleted and created again`);
      // AND the deploy output and its result name it with what the apply measured
      expect(flat(output.join("\n"))).toMatch(
        new RegExp(
          `Warning: hostname ${hostname.replace(/\./g, "\\.")} was replaced: absent \\d+\\.\\d s, served again after \\d+\\.\\d s`,
        ),
      );
      expect(resultLines(report)).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^p1as-dev: hostname ${hostname.replace(/\./g, "\\.")} was offline \\(no update route: deleted and created again\\): absent \\d+\\.\\d s, served again after \\d+\\.\\d s$`,
          ),
        ),
      );
    }
  });

  it("under the same name: in place with an update route; without one the plan stops naming the certificate and its fingerprints, never its chain", async () => {
    // WHEN wildcard-dev's files get a new key pair (same name)
    const files = {
      fullchain: path.join(app.dir, "certs", "wildcard-dev.pem"),
      privkey: path.join(app.dir, "certs", "wildcard-dev.key"),
    };
    const old = { fullchain: readFileSync(files.fullchain, "utf8"), privkey: readFileSync(files.privkey, "utf8") };
    const renewed = makeCertificate({ commonName: "*.wildcard-dev.acme.example" });
    try {
      writeFileSync(files.fullchain, renewed.fullchain);
      writeFileSync(files.privkey, renewed.privkey, { mode: 0o600 });
      app.synth(TWO_HOSTNAMES);
      const summary = await summarize();
      const plan = await app.plan();

      // THEN no chain and no key is in the summary, nor (where the plan stops) in terraform's output; where the
      // certificate is updated in place terraform's own plan shows the public chain, which the summary omits
      for (const text of contract === "assumed" ? [summary.markdown] : [summary.markdown, plan.stdout, plan.stderr]) {
        expect(text).not.toMatch(/-----BEGIN/);
        for (const pem of [old.fullchain, old.privkey, renewed.fullchain, renewed.privkey]) {
          for (const line of pem.split("\n").filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line)))
            expect(text).not.toContain(line);
        }
      }
      const oldFingerprint = JSON.parse(readFileSync(path.join(app.dir, "p1as-dev.tfstate"), "utf8")).resources.find(
        (resource: { type: string }) => resource.type === "p1as_certificate",
      ).instances[0].attributes.sha256_fingerprint;
      const newFingerprint = new X509Certificate(renewed.fullchain).fingerprint256;
      if (contract === "assumed") {
        expect(plan.exitCode).toBe(2);
        expect(summary.markdown).toContain("| `~` update | `p1as_certificate.wildcard-dev` |");
        return;
      }
      // AND without an update route the plan fails before anything is written, naming the certificate and both fingerprints
      expect(plan.exitCode).toBe(1);
      const error = flat(plan.stderr);
      expect(error).toContain(`Error: certificate wildcard-dev cannot be given new content`);
      expect(error).toContain(
        `The content of certificate wildcard-dev changed (leaf SHA-256 ${oldFingerprint} -> ${newFingerprint}), but this self-service API has no update route`,
      );
      expect(flat(summary.markdown)).toContain(`leaf SHA-256 ${oldFingerprint} -> ${newFingerprint}`);
      expect(summary.markdown).toContain("### ❌ `p1as-dev`: plan failed");
    } finally {
      writeFileSync(files.fullchain, old.fullchain);
      writeFileSync(files.privkey, old.privkey, { mode: 0o600 });
    }
  });

  it("bad input is still refused before anything is sent: a hostname naming an undeclared certificate names the field and why", () => {
    // WHEN a hostname names a certificate the environment does not declare
    const bad: AppSpec = {
      ...TWO_HOSTNAMES,
      hostnames: [{ ...TWO_HOSTNAMES.hostnames[0], certname: "wildcard-dev-2028" }],
    };
    emulator.requestLog.clear();
    // THEN synth refuses it, naming the field and the reason, and nothing is sent
    expect(() => app.synth(bad)).toThrow(
      /hostnames\[0\]\.certname.*refers to certificate "wildcard-dev-2028", which is not declared in virtualHosts\.certificates/s,
    );
    expect(emulator.requestLog.list()).toEqual([]);
  });
});
