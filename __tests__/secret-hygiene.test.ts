/**
 * Secret hygiene over the whole user path: a config file, `node dist/main.js` (synth, which installs the p1as
 * provider beside the stack), terraform init, plan, `terraform show -json`, apply, plan:summary, failing
 * deploys, a failing synth, destroy, the state, the emulator's request log and admin views, and one plan
 * with TF_LOG=TRACE (terraform's and the provider's own log lines). Known secrets (the client secret, two
 * private keys, every access token the emulator issued) are searched for in plain, JSON-escaped, base64
 * (every alignment, standard and URL-safe) and URL-encoded form. Zero hits. Both contract modes: in
 * "confirmed" the API answers differently (no update routes, no status in POST responses) and errors differ.
 * Needs `npm run build` first (synth, the provider bundle and the tools run from dist/).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import axios from "axios";
import { DEMO_PINGONE_ENVIRONMENT_ID } from "../emulator/clients";
import { ContractMode } from "../emulator/contract";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { runTerraform, TerraformResult } from "../tools/terraform/run";
import { makeCertificate } from "./support/certs";
import { findForms, forms, Needle } from "./support/needles";
import { testClientId } from "./support/emulator";

jest.setTimeout(10 * 60_000);

describe.each<ContractMode>(["assumed", "confirmed"])(
  "secret hygiene: the whole flow with known secrets (emulator contract %s)",
  (contract) => {
    beforeAll(() => start(contract));
    afterAll(stop);

    test("no client secret, private key or access token appears in any output, plan JSON, state, log, summary or error", async () => {
      // GIVEN a config with two client secrets and a private key in variables, and a key in a file
      const configFile = writeConfig(HOSTNAMES);

      // WHEN it is synthesized, planned, summarized, applied, re-planned and destroyed, and deploys fail
      capture("synth", await node(["dist/main.js"], { P1AS_CONFIG: configFile, CDKTF_OUTDIR: outdir }));
      capture("init", await terraform(["init", "-input=false", "-no-color"]));
      capture("plan", await terraform(["plan", "-input=false", "-no-color", "-out=tfplan.bin"]));
      const planJson = await terraform(["show", "-json", "tfplan.bin"]);
      capture("plan JSON", planJson);
      const summaryFile = path.join(workDir, "plan-summary.md");
      capture(
        "plan:summary",
        await node(["dist/tools/plan-summary/main.js", "--outdir", outdir, "--out", summaryFile], {}),
      );
      captured.push({ where: "plan:summary file", text: fs.readFileSync(summaryFile, "utf8") });
      const applied = await terraform(["apply", "-auto-approve", "-input=false", "-no-color"]);
      capture("apply", applied);
      capture("re-plan", await terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"]));
      // (terraform's and the provider's debug log: the provider's stderr lines and every gRPC call terraform traces)
      const traceFile = path.join(workDir, "trace.log");
      const traced = await terraform(["plan", "-input=false", "-no-color"], {
        TF_LOG: "TRACE",
        TF_LOG_PATH: traceFile,
      });
      capture("plan with TF_LOG=TRACE", traced);
      captured.push({ where: "TF_LOG=TRACE log", text: fs.readFileSync(traceFile, "utf8") });

      // (a failing deploy: the API answers 500 to a create, more often than the provider retries one)
      emulator.faults.add({ route: "POST /hostnames", status: 500, detail: "injected failure", times: 50 });
      writeConfig([...HOSTNAMES, "extra.dev.acme.example"]);
      capture(
        "synth (added hostname)",
        await node(["dist/main.js"], { P1AS_CONFIG: configFile, CDKTF_OUTDIR: outdir }),
      );
      const failedCreate = await terraform(["apply", "-auto-approve", "-input=false", "-no-color"]);
      capture("failing apply (HTTP 500)", failedCreate);
      const refusedCreates = emulator.requestLog
        .list(/^POST \/dev\/api\/v1\/hostnames$/)
        .filter((entry) => entry.status === 500).length;
      emulator.faults.clear();
      // (a failing deploy: every token the client gets is refused as expired, so the renewal fails too)
      emulator.faults.add({ route: "POST /hostnames", tokenExpired: true, times: 5 });
      const failedToken = await terraform(["apply", "-auto-approve", "-input=false", "-no-color"]);
      capture("failing apply (token refused)", failedToken);
      emulator.faults.clear();
      // (a failing synth: a bad hostname in the config)
      const badConfig = writeConfig([...HOSTNAMES, "Bad Host.example"], "bad.json");
      const badSynth = await node(["dist/main.js"], {
        P1AS_CONFIG: badConfig,
        CDKTF_OUTDIR: path.join(workDir, "bad.out"),
      });
      capture("failing synth", badSynth);

      writeConfig(HOSTNAMES);
      capture("synth (back)", await node(["dist/main.js"], { P1AS_CONFIG: configFile, CDKTF_OUTDIR: outdir }));
      const destroyed = await terraform(["destroy", "-auto-approve", "-input=false", "-no-color"]);
      capture("destroy", destroyed);
      captured.push({ where: "synthesized JSON", text: fs.readFileSync(path.join(stackDir(), "cdk.tf.json"), "utf8") });
      captured.push({ where: "terraform state", text: fs.readFileSync(STATE_FILE(), "utf8") });
      captured.push({
        where: "terraform state backup",
        text: fs.existsSync(`${STATE_FILE()}.backup`) ? fs.readFileSync(`${STATE_FILE()}.backup`, "utf8") : "",
      });
      captured.push({ where: "emulator request log", text: JSON.stringify(emulator.requestLog.list()) });
      for (const admin of ["requests", "state", "faults"]) {
        captured.push({
          where: `GET /_emulator/${admin}`,
          text: JSON.stringify((await axios.get(`${emulator.url}/_emulator/${admin}`)).data),
        });
      }

      // THEN the flow really ran: objects were created and deleted, the failures failed with the provider's error,
      // the trace log holds the provider's own lines, and the emulator issued tokens to search for
      expect(applied.exitCode).toBe(0);
      expect(applied.stdout).toContain("p1as_hostname.auth_dev_acme_example: Creation complete");
      expect(applied.stdout).toContain("p1as_certificate.api-dev: Creation complete");
      expect(traced.exitCode).toBe(0);
      expect(fs.readFileSync(traceFile, "utf8")).toMatch(/provider\.terraform-provider-p1as_v0\.1\.0: .*p1as: /);
      expect(failedCreate.exitCode).toBe(1);
      // (the create was retried once, as the config's maxRetries says: a retry's output is among the captures)
      expect(refusedCreates).toBe(2);
      expect(failedCreate.stdout + failedCreate.stderr).toMatch(
        /create hostname extra\.dev\.acme\.example failed[^\n]*HTTP 500/,
      );
      expect(failedToken.exitCode).toBe(1);
      expect(failedToken.stdout + failedToken.stderr).toMatch(
        /create hostname extra\.dev\.acme\.example failed: HTTP 401/,
      );
      expect(badSynth.exitCode).toBe(1);
      expect(badSynth.stderr).toContain("environments[0].virtualHosts.hostnames[2].hostname: must be lowercase");
      expect(destroyed.exitCode).toBe(0);
      expect(emulator.service.listHostnames("dev")).toEqual([]);
      expect(issuedTokens.length).toBeGreaterThan(3);
      expect(fs.readFileSync(summaryFile, "utf8")).toContain("auth.dev.acme.example");

      // AND the plan JSON marks the key's variable sensitive and holds no value for it; the client secrets are no
      // Terraform variables at all (the provider reads them from its environment)
      const shown = JSON.parse(planJson.stdout) as {
        configuration: { root_module: { variables: Record<string, { sensitive?: boolean }> } };
        variables?: Record<string, unknown>;
      };
      expect(Object.keys(shown.configuration.root_module.variables)).toEqual([KEY_VARIABLE]);
      expect(shown.configuration.root_module.variables[KEY_VARIABLE]?.sensitive).toBe(true);
      expect(shown.variables?.[KEY_VARIABLE]).toBeUndefined();

      // AND no secret appears anywhere, in any encoding
      const hits = captured.flatMap(({ where, text }) => hitsIn(text).map((hit) => `${hit} in ${where}`));
      expect(hits).toEqual([]);
      // (while the same search finds each secret planted inside base64 at any alignment, URL-encoded or as a PEM line)
      for (const prefix of ["", "x", "xy"])
        expect(hitsIn(Buffer.from(`${prefix}${CLIENT_SECRET}.`).toString("base64"))).not.toEqual([]);
      expect(hitsIn(`?secret=${encodeURIComponent(certificates["api-dev"].privkey)}`)).not.toEqual([]);
      expect(hitsIn(certificates["wildcard-dev"].privkey.split("\n")[3])).not.toEqual([]);
      expect(hitsIn(`Bearer ${issuedTokens[0]}`)).not.toEqual([]);
      process.stdout.write(
        `\nsecret hygiene: ${secrets().length} secrets x ${secrets()[0].needles.length}+ forms searched in ${captured.length} captures ` +
          `(${captured.map((c) => c.where).join(", ")}); ${issuedTokens.length} issued tokens; 0 hits\n`,
      );
    });
  },
);

// ---- the secrets and their forms ----------------------------------------------------------------

/** A private key is also caught by any one line of its PEM body (a partial print). */
function keyForms(pem: string): Needle[] {
  const body = pem.split("\n").filter((line) => line && !line.startsWith("-----"));
  return [
    ...forms(pem),
    { form: "PEM body, joined", value: body.join("") },
    ...body.slice(1, -1).map((line, i) => ({ form: `PEM body line ${i + 2}`, value: line })),
  ];
}

/** "<secret> (<form>)" for every secret form found in `text`. */
function hitsIn(text: string): string[] {
  return findForms(text, secrets());
}

function secrets(): { name: string; needles: Needle[] }[] {
  return [
    {
      name: "client secret",
      needles: [
        ...forms(CLIENT_SECRET),
        { form: "HTTP Basic pair", value: Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64") },
      ],
    },
    {
      name: "read-only client secret",
      needles: [
        ...forms(AUDIT_CLIENT_SECRET),
        { form: "HTTP Basic pair", value: Buffer.from(`${AUDIT_CLIENT_ID}:${AUDIT_CLIENT_SECRET}`).toString("base64") },
      ],
    },
    { name: "private key (file)", needles: keyForms(certificates["wildcard-dev"].privkey) },
    { name: "private key (variable)", needles: keyForms(certificates["api-dev"].privkey) },
    ...issuedTokens.map((token, i) => ({
      name: `access token ${i + 1}`,
      needles: [...forms(token), { form: "signature alone", value: token.split(".")[2] }],
    })),
  ];
}

// ---- shared setup ------------------------------------------------------------------------------

const CLIENT_ID = testClientId("hygiene-admin");
const CLIENT_SECRET = `hygiene-${randomBytes(24).toString("base64url")}`;
const AUDIT_CLIENT_ID = testClientId("hygiene-audit");
const AUDIT_CLIENT_SECRET = `hygiene-audit-${randomBytes(24).toString("base64url")}`;
const KEY_VARIABLE = "p1as_dev_api_private_key";
const HOSTNAMES = ["auth.dev.acme.example", "api.dev.acme.example"];
const ROOT = path.resolve(__dirname, "..");

let emulator: RunningEmulator;
let workDir: string;
let outdir: string;
const certificates: Record<string, ReturnType<typeof makeCertificate>> = {};
const issuedTokens: string[] = [];
const captured: { where: string; text: string }[] = [];

const stackDir = () => path.join(outdir, "stacks", "p1as-dev");
const STATE_FILE = () => path.join(workDir, "p1as-dev.tfstate");

function env(): NodeJS.ProcessEnv {
  return {
    P1AS_DEV_CLIENT_SECRET: CLIENT_SECRET,
    P1AS_DEV_AUDIT_CLIENT_SECRET: AUDIT_CLIENT_SECRET,
    [`TF_VAR_${KEY_VARIABLE}`]: certificates["api-dev"].privkey,
  };
}

function capture(where: string, result: TerraformResult): void {
  captured.push({ where: `${where} stdout`, text: result.stdout }, { where: `${where} stderr`, text: result.stderr });
}

function terraform(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
  return runTerraform(args, { cwd: stackDir(), env: { ...env(), ...extra } });
}

/** A compiled entry point as its own process, with the secrets in its environment as CI would have them. */
function node(args: string[], extra: NodeJS.ProcessEnv): Promise<TerraformResult> {
  return new Promise((resolve) =>
    execFile(
      "node",
      args,
      { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env(), ...extra }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** The user's config: explicit credentials (secret in a variable), one key in a file, one key in a variable. */
function writeConfig(hostnames: readonly string[], name = "p1as.json"): string {
  const config = {
    customer: "acme",
    p1asRegion: "us1",
    pingone: { environmentId: DEMO_PINGONE_ENVIRONMENT_ID, regionCode: "NA", roleAttributes: { manage: false } },
    environments: [
      {
        name: "dev",
        // One retry, not the default seven: the failing deploys wait one backoff instead of seven (about 25 s per
        // contract mode), and a retry's output is still among what is searched.
        selfService: { apiUrl: emulator.apiUrl("dev"), tokenUrl: emulator.tokenUrl(), maxRetries: 1 },
        credentials: { clientId: CLIENT_ID, audit: { clientId: AUDIT_CLIENT_ID } },
        backend: { type: "local", path: STATE_FILE() },
        virtualHosts: {
          certificates: [
            { name: "wildcard-dev", fullchainFile: "certs/wildcard-dev.pem", privateKeyFile: "certs/wildcard-dev.key" },
            { name: "api-dev", fullchainFile: "certs/api-dev.pem", privateKeyVariable: KEY_VARIABLE },
          ],
          hostnames: hostnames.map((hostname, i) => ({
            hostname,
            product: i % 2 ? "pingaccess-engines" : "pingfederate-engines",
            certname: i % 2 ? "api-dev" : "wildcard-dev",
          })),
        },
      },
    ],
  };
  const file = path.join(workDir, name);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function start(contract: ContractMode): Promise<void> {
  issuedTokens.length = 0;
  captured.length = 0;
  emulator = await startEmulator({
    seedDemoClients: false,
    contract,
    clients: [
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] },
      { clientId: AUDIT_CLIENT_ID, clientSecret: AUDIT_CLIENT_SECRET, groups: ["dev-tls-audit"] },
    ],
  });
  // Record every token the emulator signs: they are the access tokens the provider holds.
  const issuer = emulator.state.issuer;
  const issue = issuer.issue.bind(issuer);
  issuer.issue = async (...args) => {
    const issued = await issue(...args);
    issuedTokens.push(issued.token);
    return issued;
  };
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-hygiene-"));
  outdir = path.join(workDir, "cdktf.out");
  fs.mkdirSync(path.join(workDir, "certs"));
  for (const name of ["wildcard-dev", "api-dev"]) {
    certificates[name] = makeCertificate({ commonName: `*.${name}.acme.example` });
    fs.writeFileSync(path.join(workDir, "certs", `${name}.pem`), certificates[name].fullchain);
  }
  fs.writeFileSync(path.join(workDir, "certs", "wildcard-dev.key"), certificates["wildcard-dev"].privkey, {
    mode: 0o600,
  });
}

async function stop(): Promise<void> {
  await emulator?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}
