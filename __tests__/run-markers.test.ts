import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RUN_DIR_ENV } from "../driver/consts";
import { markerName, recordEnsured } from "../driver/run-markers";

describe("same-run markers", () => {
  test("a create leaves the marker of exactly the values it ensured, named as terraform names it", () => {
    // GIVEN this run's directory
    const runDir = path.join(stackDir, ".p1as-run", "run-2");

    // WHEN a hostname create succeeds
    recordEnsured("hostname", { hostname: "a.dev.acme.example", product: "pingdirectory", certname: "wildcard-dev", adopt: false }, { [RUN_DIR_ENV]: runDir });

    // THEN the marker of (hostname, product, certname) exists and nothing else
    expect(fs.readdirSync(runDir)).toEqual([markerName("hostname", ["a.dev.acme.example", "pingdirectory", "wildcard-dev"])]);
    // AND another product would not match it
    expect(markerName("hostname", ["a.dev.acme.example", "pingaccess-engines", "wildcard-dev"])).not.toBe(fs.readdirSync(runDir)[0]);
  });

  test("the first marker of a run removes earlier runs' markers", () => {
    // GIVEN a marker left by an earlier run
    const earlier = path.join(stackDir, ".p1as-run", "run-1");
    fs.mkdirSync(earlier, { recursive: true });
    fs.writeFileSync(path.join(earlier, "stale"), "");

    // WHEN this run records its first marker
    const current = path.join(stackDir, ".p1as-run", "run-2");
    recordEnsured("certificate", { name: "wildcard-dev", sha256_fingerprint: "AB:CD" }, { [RUN_DIR_ENV]: current });

    // THEN only this run's directory is left
    expect(fs.readdirSync(path.join(stackDir, ".p1as-run"))).toEqual(["run-2"]);
  });

  test("records nothing when terraform passed no run directory (a driver started by hand)", () => {
    // GIVEN no RUN_DIR_ENV WHEN a create succeeds THEN no directory is written
    recordEnsured("hostname", { hostname: "a.dev.acme.example", product: "pingdirectory", certname: "wildcard-dev" }, {});
    expect(fs.existsSync(path.join(stackDir, ".p1as-run"))).toBe(false);
  });
});

// --- shared setup ---

let stackDir: string;
beforeEach(() => {
  stackDir = fs.mkdtempSync(path.join(os.tmpdir(), "run-markers-"));
});
afterEach(() => fs.rmSync(stackDir, { recursive: true, force: true }));
