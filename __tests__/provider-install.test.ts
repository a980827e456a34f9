/**
 * The provider for plain Terraform users: `npm run provider:install` (dist/tools/provider-install/main.js) puts
 * it in the implied local mirror under HOME, and the examples/hcl configuration goes through init (offline,
 * no CLI configuration), plan, apply, an in-place change, an empty re-plan and destroy against the emulator,
 * in both contract modes. Also: the lock file's h1 hash does not depend on where the provider was installed,
 * and the provider runs on the Node recorded at install, refusing (at install, and through terraform at start)
 * a Node line it is not tested on.
 * Needs `npm run build` first (the tool and the provider bundle run from dist/).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContractMode } from "../emulator/contract";
import { RunningEmulator } from "../emulator/start";
import { TESTED_NODE_LINES } from "../provider/node-lines";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/public-face";
import { runTerraform, TerraformResult } from "../tools/terraform/run";
import { makeCertificate } from "./support/certs";
import { startTestEmulator, testClientId } from "./support/emulator";
import { installNodeLine } from "./support/node-line";
import { closedPort } from "./support/ports";

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "hcl");
const CLIENT_ID = testClientId("provider-install");
const CLIENT_SECRET = `install-${randomBytes(18).toString("base64url")}`;
const HOSTNAMES = {
  "auth.dev.acme.example": "pingfederate-engines",
  "admin.dev.acme.example": "pingfederate-admin-api",
};

describe.each<ContractMode>(["assumed", "confirmed"])(
  "examples/hcl with the installed provider (emulator contract %s)",
  (contract) => {
    let emulator: RunningEmulator;
    let home: string;
    let workDir: string;
    const certificate = makeCertificate({ commonName: "*.dev.acme.example" });

    beforeAll(async () => {
      emulator = await startTestEmulator({
        contract,
        clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] }],
      });
      home = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-install-home-"));
      workDir = copyExample();
      fs.writeFileSync(path.join(workDir, "fullchain.pem"), certificate.fullchain);
    });
    afterAll(async () => {
      await emulator?.close();
      for (const dir of [home, workDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const env = (hostnames: Record<string, string> = HOSTNAMES): NodeJS.ProcessEnv => ({
      ...offline(home),
      P1AS_API_URL: emulator.apiUrl("dev"),
      P1AS_TOKEN_URL: emulator.tokenUrl(),
      P1AS_CLIENT_ID: CLIENT_ID,
      P1AS_CLIENT_SECRET: CLIENT_SECRET,
      TF_VAR_fullchain_file: path.join(workDir, "fullchain.pem"),
      TF_VAR_private_key: certificate.privkey,
      TF_VAR_hostnames: hcl(hostnames),
    });
    const terraform = (args: string[], hostnames?: Record<string, string>) =>
      runTerraform([...args, "-input=false", "-no-color"], { cwd: workDir, env: env(hostnames) });

    test("installs under HOME, then init, plan, apply, change, re-plan and destroy work from plain .tf files", async () => {
      // GIVEN a HOME with no terraform configuration at all
      // WHEN the install tool runs
      const started = Date.now();
      const installed = await node(["dist/tools/provider-install/main.js"], { HOME: home });
      console.log(JSON.stringify({ measure: "provider install", contract, ms: Date.now() - started }));

      // THEN it says where it installed and what to declare, and the executable is there
      const packageDir = path.join(home, ".terraform.d", "plugins", PROVIDER_SOURCE, PROVIDER_VERSION);
      expect(installed.exitCode).toBe(0);
      expect(installed.stdout).toContain(`Installed ${PROVIDER_SOURCE} ${PROVIDER_VERSION} in ${packageDir}`);
      expect(installed.stdout).toContain(`source  = "${PROVIDER_SOURCE}"`);
      expect(fs.readdirSync(packageDir)).toHaveLength(1);

      // WHEN the example is initialized and planned
      const init = await terraform(["init"]);
      expectExit(init, 0);
      expect(init.stdout).toContain(`Installed ${PROVIDER_SOURCE} v${PROVIDER_VERSION} (unauthenticated)`);
      const planned = await terraform(["plan", "-detailed-exitcode"]);

      // THEN it plans one certificate and two hostnames, the key shown as write-only
      expectExit(planned, 2);
      expect(planned.stdout).toContain("Plan: 3 to add, 0 to change, 0 to destroy.");
      expect(planned.stdout).toMatch(/private_key_wo\s+= \(write-only attribute\)/);

      // WHEN applied
      const applied = await terraform(["apply", "-auto-approve"]);

      // THEN the emulator holds them, the outputs show the fingerprint and the data sources list them
      expectExit(applied, 0);
      expect(held()).toEqual({
        certificates: ["wildcard-example"],
        hostnames: Object.entries(HOSTNAMES)
          .map(([h, p]) => `${h} ${p} wildcard-example`)
          .sort(),
      });
      const outputs = JSON.parse((await runTerraform(["output", "-json"], { cwd: workDir, env: env() })).stdout);
      expect(outputs.certificate.value.sha256_fingerprint).toBe(certificate.fingerprint);
      expect(outputs.held.value.hostnames.sort()).toEqual(Object.keys(HOSTNAMES).sort());

      // WHEN one hostname's product changes
      emulator.requestLog.clear();
      const changed = { ...HOSTNAMES, "admin.dev.acme.example": "pingdelegator" };
      const changedApply = await terraform(["apply", "-auto-approve"], changed);

      // THEN the API holds the new product: updated in place where the contract has an update route, else replaced
      expectExit(changedApply, 0);
      expect(held().hostnames).toContain("admin.dev.acme.example pingdelegator wildcard-example");
      const writes = emulator.requestLog
        .list(/^(PUT|POST|DELETE) \/dev\/api\/v1\/hostnames/)
        .map((entry) => entry.method);
      expect(writes).toEqual(contract === "assumed" ? ["PUT"] : ["DELETE", "POST"]);

      // WHEN planned again
      const replanned = await terraform(["plan", "-detailed-exitcode"], changed);

      // THEN there is nothing to do
      expectExit(replanned, 0);
      expect(replanned.stdout).toContain("No changes.");

      // WHEN destroyed
      const destroyed = await terraform(["destroy", "-auto-approve"], changed);

      // THEN the API holds nothing, and the client secret and key were never written to state or printed
      expectExit(destroyed, 0);
      expect(held()).toEqual({ certificates: [], hostnames: [] });
      const everything =
        [init, planned, applied, changedApply, replanned, destroyed].map((r) => r.stdout + r.stderr).join("\n") +
        fs.readFileSync(path.join(workDir, "terraform.tfstate"), "utf8");
      for (const secret of [CLIENT_SECRET, certificate.privkey.split("\n")[2]])
        expect(everything.includes(secret)).toBe(false);
    });

    test("the README's claims hold: file() in a .tfvars is refused, -var passes the key, and a hand-made hostname is taken over at its for_each address", async () => {
      // GIVEN the example initialized (above), the key in a file, and a .tfvars that reads it with file()
      fs.writeFileSync(path.join(workDir, "privkey.pem"), certificate.privkey);
      fs.writeFileSync(path.join(workDir, "key.tfvars"), 'private_key = file("privkey.pem")\n');
      const withoutKey = env();
      delete withoutKey.TF_VAR_private_key;
      const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
        runTerraform([...args, "-input=false", "-no-color"], { cwd: workDir, env: { ...withoutKey, ...extra } });
      emulator.requestLog.clear();

      // WHEN planned with that .tfvars THEN terraform refuses the function call, as the README says, and sends nothing
      const refused = await run(["plan", "-var-file=key.tfvars"]);
      fs.rmSync(path.join(workDir, "key.tfvars"));
      expect(refused.exitCode).toBe(1);
      expect(flat(refused.stderr)).toContain("Functions may not be called here");
      expect(emulator.requestLog.list(/^(POST|PUT|DELETE) /)).toEqual([]);

      // WHEN the key's text is passed with -var, as the README says THEN the plan works
      expectExit(await run(["plan", "-detailed-exitcode", `-var=private_key=${certificate.privkey}`]), 2);

      // GIVEN the certificate applied, and auth.dev.acme.example made by hand, routed to another product
      expectExit(
        await run(["apply", "-auto-approve"], { TF_VAR_private_key: certificate.privkey, TF_VAR_hostnames: "{}" }),
        0,
      );
      emulator.service.createHostname("dev", {
        hostname: "auth.dev.acme.example",
        product: "pingaccess-engines",
        certname: "wildcard-example",
      });

      // WHEN the example is applied THEN the create is refused, and the error's for_each address is the one terraform names
      const failed = await terraform(["apply", "-auto-approve"]);
      expect(failed.exitCode).toBe(1);
      const said = flat(failed.stdout + failed.stderr);
      expect(said).toContain('with p1as_hostname.this["auth.dev.acme.example"]');
      expect(said).toContain(
        'In a resource with for_each over the hostnames (as in examples/hcl): to = p1as_hostname.<name>["auth.dev.acme.example"].',
      );

      // WHEN the README's import block is added and the example applied
      const readme = fs.readFileSync(path.join(EXAMPLE, "README.md"), "utf8");
      const block = /```hcl\n(import \{[\s\S]*?\})\n```/.exec(readme)?.[1] ?? "no import block in the README";
      fs.writeFileSync(path.join(workDir, "import.tf"), `${block}\n`);
      const imported = await terraform(["apply", "-auto-approve"]);
      fs.rmSync(path.join(workDir, "import.tf"));

      // THEN it imports the hostname (no second create) and routes it as declared; the next plan is empty
      expectExit(imported, 0);
      expect(imported.stdout).toMatch(/Apply complete! Resources: 1 imported/);
      expect(held().hostnames).toContain("auth.dev.acme.example pingfederate-engines wildcard-example");
      expectExit(await terraform(["plan", "-detailed-exitcode"]), 0);

      // WHEN planned against an API URL where nothing listens THEN the refresh's error says to check apiUrl, not to apply again
      const unreachable = await run(["plan"], {
        TF_VAR_private_key: certificate.privkey,
        P1AS_API_URL: `http://127.0.0.1:${await closedPort()}/dev/api/v1`,
        P1AS_API_CONTRACT: "assumed",
        P1AS_MAX_RETRIES: "0",
      });
      expect(unreachable.exitCode).toBe(1);
      const unreachableSaid = flat(unreachable.stdout + unreachable.stderr);
      expect(unreachableSaid).toContain(
        "The self-service API did not answer a read; nothing was changed. Check apiUrl (environments[].selfService.apiUrl in the JSON config, api_url of the p1as provider block or P1AS_API_URL)",
      );
      expect(unreachableSaid).not.toMatch(/apply again/);
      expectExit(await terraform(["destroy", "-auto-approve"]), 0);
    });

    function held() {
      return {
        certificates: (emulator.service.listCertificates("dev") as { name: string }[]).map((c) => c.name).sort(),
        hostnames: (emulator.service.listHostnames("dev") as { hostname: string; product: string; certname: string }[])
          .map((h) => `${h.hostname} ${h.product} ${h.certname}`)
          .sort(),
      };
    }
  },
);

describe("the installed provider's lock file hash", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  test("is the same for two installs in different directories", async () => {
    // GIVEN the example in two folders, the provider installed with --dir into each folder's own plugins directory
    const hashes: string[][] = [];
    for (const name of ["first", "second"]) {
      const workDir = copyExample();
      const home = fs.mkdtempSync(path.join(os.tmpdir(), `p1as-lock-home-${name}-`));
      dirs.push(workDir, home);
      const installed = await node(
        ["dist/tools/provider-install/main.js", "--dir", path.join(workDir, "terraform.d", "plugins")],
        { HOME: home },
      );
      expect(installed.exitCode).toBe(0);

      // WHEN each is initialized (nothing under HOME: each finds only its own copy)
      const init = await runTerraform(["init", "-input=false", "-no-color"], { cwd: workDir, env: offline(home) });
      expectExit(init, 0);
      hashes.push(lockHashes(fs.readFileSync(path.join(workDir, ".terraform.lock.hcl"), "utf8")));
    }

    // THEN both lock files record the same single h1 hash
    console.log(JSON.stringify({ measure: "lock hashes", hashes }));
    expect(hashes[0]).toHaveLength(1);
    expect(hashes[0][0]).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
    expect(hashes[1]).toEqual(hashes[0]);
  });

  test("changes when the installed provider differs (the comparison can fail)", async () => {
    // GIVEN two installs, one of them altered after installation
    const results: string[][] = [];
    for (const alter of [false, true]) {
      const workDir = copyExample();
      const home = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-lock-home-"));
      dirs.push(workDir, home);
      const plugins = path.join(workDir, "terraform.d", "plugins");
      expect((await node(["dist/tools/provider-install/main.js", "--dir", plugins], { HOME: home })).exitCode).toBe(0);
      if (alter) {
        const packageDir = path.join(plugins, PROVIDER_SOURCE, PROVIDER_VERSION);
        const platform = fs.readdirSync(packageDir)[0];
        const bundle = fs.readdirSync(path.join(packageDir, platform)).find((file) => file.endsWith(".js"))!;
        fs.appendFileSync(path.join(packageDir, platform, bundle), "\n// altered\n");
      }
      // WHEN each is initialized
      expectExit(await runTerraform(["init", "-input=false", "-no-color"], { cwd: workDir, env: offline(home) }), 0);
      results.push(lockHashes(fs.readFileSync(path.join(workDir, ".terraform.lock.hcl"), "utf8")));
    }
    // THEN the hashes differ
    expect(results[1]).not.toEqual(results[0]);
  });
});

describe("the Node the provider runs on", () => {
  /** The newest line, out at the time of writing and not among the tested ones: a user's `brew upgrade node`. */
  const UNTESTED_LINE = 26;
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const tempDir = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  const wrapperOf = (plugins: string) => {
    const platformDir = path.join(plugins, PROVIDER_SOURCE, PROVIDER_VERSION);
    return fs.readFileSync(
      path.join(platformDir, fs.readdirSync(platformDir)[0], `terraform-provider-p1as_v${PROVIDER_VERSION}`),
      "utf8",
    );
  };
  const TESTED_LINES_NAMED = `it is tested on Node ${TESTED_NODE_LINES.join(", ")} only`;

  test("is the installing Node by default: the wrapper runs it by absolute path and records its version", async () => {
    // GIVEN the tool run by the node on PATH, which is the Node this test runs on
    const plugins = path.join(tempDir("p1as-node-default-"), "plugins");

    // WHEN it installs
    const installed = await node(["dist/tools/provider-install/main.js", "--dir", plugins], {
      HOME: tempDir("p1as-node-home-"),
      P1AS_PROVIDER_NODE: "",
    });

    // THEN the wrapper execs that Node's absolute path, not a `node` looked up on terraform's PATH, and names its version
    expect(installed.exitCode).toBe(0);
    const wrapper = wrapperOf(plugins);
    expect(wrapper).toContain(`exec '${fs.realpathSync(process.execPath)}' `);
    expect(wrapper).toContain(`P1AS_PROVIDER_NODE_VERSION='${process.version}'`);
    expect(wrapper).not.toMatch(/exec node /);
  });

  test("is P1AS_PROVIDER_NODE when set; an untested line, a relative path or a non-Node is refused and nothing is installed", async () => {
    // GIVEN a binary that answers --version like a Node of an untested line, and one that is no Node
    const bin = tempDir("p1as-node-fake-");
    const fakeNode = (name: string, answer: string) => {
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho '${answer}'\n`, { mode: 0o755 });
      return path.join(bin, name);
    };
    const cases: [string, string][] = [
      [
        fakeNode("node26", `v${UNTESTED_LINE}.1.0`),
        `the p1as provider does not run on Node v${UNTESTED_LINE}.1.0 (${path.join(bin, "node26")}): ${TESTED_LINES_NAMED}`,
      ],
      [
        fakeNode("node18", "v18.20.4"),
        `the p1as provider does not run on Node v18.20.4 (${path.join(bin, "node18")}): ${TESTED_LINES_NAMED}`,
      ],
      ["bin/node", `P1AS_PROVIDER_NODE="bin/node" is not an absolute path`],
      [
        fakeNode("python", "Python 3.12.1"),
        `P1AS_PROVIDER_NODE="${path.join(bin, "python")}" answered --version with "Python 3.12.1", not a Node version`,
      ],
      [path.join(bin, "missing"), `P1AS_PROVIDER_NODE="${path.join(bin, "missing")}" did not answer --version`],
    ];
    for (const [chosen, message] of cases) {
      const plugins = path.join(tempDir("p1as-node-refused-"), "plugins");

      // WHEN the tool installs with it
      const refused = await node(["dist/tools/provider-install/main.js", "--dir", plugins], {
        HOME: tempDir("p1as-node-home-"),
        P1AS_PROVIDER_NODE: chosen,
      });

      // THEN it fails naming the binary and why, and installs nothing
      expect({
        chosen,
        exitCode: refused.exitCode,
        said: refused.stderr.includes(message) ? message : refused.stderr,
      }).toEqual({ chosen, exitCode: 1, said: message });
      expect(fs.existsSync(plugins)).toBe(false);
    }

    // AND a real Node of a tested line given the same way is recorded
    const plugins = path.join(tempDir("p1as-node-chosen-"), "plugins");
    const chosen = await node(["dist/tools/provider-install/main.js", "--dir", plugins], {
      HOME: tempDir("p1as-node-home-"),
      P1AS_PROVIDER_NODE: process.execPath,
    });
    expect(chosen.exitCode).toBe(0);
    expect(wrapperOf(plugins)).toContain(`exec '${process.execPath}' `);
  });

  test("a Node upgraded under the recorded path to an untested line: terraform shows the provider's refusal", async () => {
    // GIVEN the provider installed for a tested Node through a path that a package upgrade later points at Node 26
    const work = copyExample();
    dirs.push(work);
    const home = tempDir("p1as-node-home-");
    const systemNode = path.join(tempDir("p1as-node-system-"), "node");
    fs.symlinkSync(process.execPath, systemNode);
    expect(
      (
        await node(["dist/tools/provider-install/main.js", "--dir", path.join(work, "terraform.d", "plugins")], {
          HOME: home,
          P1AS_PROVIDER_NODE: systemNode,
        })
      ).exitCode,
    ).toBe(0);
    expectExit(await runTerraform(["init", "-input=false", "-no-color"], { cwd: work, env: offline(home) }), 0);
    const newer = await installNodeLine(UNTESTED_LINE, tempDir("p1as-node-26-"));
    fs.rmSync(systemNode);
    fs.symlinkSync(newer, systemNode);

    // WHEN terraform starts the provider
    const validated = await runTerraform(["validate", "-no-color"], { cwd: work, env: offline(home) });

    // THEN it fails, and what it prints names the Node, the tested lines, the way out and the Node it was installed for
    expect(validated.exitCode).toBe(1);
    const said = (validated.stdout + validated.stderr).replace(/\s+/g, " ");
    expect(said).toContain(
      `Unrecognized remote plugin message: the p1as provider does not run on Node v${UNTESTED_LINE}.`,
    );
    expect(said).toContain(
      `${TESTED_LINES_NAMED}. Install it for a Node of a tested line: set P1AS_PROVIDER_NODE to that node binary, then run npm run synth or npm run provider:install again (it was installed for Node ${process.version})`,
    );
  });
});

/** A fresh copy of examples/hcl (the .tf files only: no state, no lock file from a user's own run). */
function copyExample(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-hcl-"));
  for (const file of fs.readdirSync(EXAMPLE).filter((name) => name.endsWith(".tf")))
    fs.copyFileSync(path.join(EXAMPLE, file), path.join(dir, file));
  return dir;
}

/** HOME as given and no CLI configuration (none under it either), plugin cache or registry override inherited from this machine. */
function offline(home: string): NodeJS.ProcessEnv {
  return { HOME: home, TF_CLI_CONFIG_FILE: "", TF_PLUGIN_CACHE_DIR: "" };
}

function lockHashes(lock: string): string[] {
  return [...lock.matchAll(/"(h1:[^"]+)"/g)].map((match) => match[1]);
}

/** Terraform's output with its box drawing and line wrapping undone. */
function flat(text: string): string {
  return text.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
}

/** An HCL map literal for a TF_VAR_ of type map(string). */
function hcl(map: Record<string, string>): string {
  return `{ ${Object.entries(map)
    .map(([key, value]) => `"${key}" = "${value}"`)
    .join(", ")} }`;
}

/** Asserts the exit code; a mismatch shows what terraform printed. */
function expectExit(result: TerraformResult, exitCode: number): void {
  expect({
    exitCode: result.exitCode,
    output: result.exitCode === exitCode ? "" : result.stdout + result.stderr,
  }).toEqual({ exitCode, output: "" });
}

function node(args: string[], extra: NodeJS.ProcessEnv): Promise<TerraformResult> {
  return new Promise((resolve) =>
    execFile("node", args, { cwd: ROOT, env: { ...process.env, ...extra } }, (error, stdout, stderr) =>
      resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
