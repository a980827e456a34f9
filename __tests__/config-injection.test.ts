/**
 * Hostile configuration, field by field: every string field of the config schema (found by walking the
 * schema, so a new field joins by itself) gets text that Terraform would evaluate if it were code. Each one
 * is either refused with its path, nothing synthesized and nothing sent, or kept as a literal. Every file a
 * hostile path names also starts with hostile text before its PEM blocks (a preamble such as openssl writes),
 * which the chain carries into the provider's `fullchain`. The fields that keep such text then go through
 * real terraform (init, plan, show -json, the plan summary, apply, destroy) with a canary in terraform's
 * environment, in both emulator contract modes, and the canary must appear nowhere; the text reaches the API
 * as written.
 * Needs `npm run build` first (the provider bundle and the plan summary run from dist/).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ValidationError } from "../constructs/errors";
import { configSchema } from "../config/schema";
import { DEMO_PINGONE_ENVIRONMENT_ID } from "../emulator/clients";
import { ContractMode } from "../emulator/contract";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { synthesize } from "../stacks/synthesize";
import { runTerraform } from "../tools/terraform/run";
import { makeCertificate } from "./support/certs";
import { locate, setAt, stringFields, StringField } from "./support/config-fields";
import { testClientId } from "./support/emulator";
import { findForms, forms } from "./support/needles";

jest.setTimeout(10 * 60_000);

const FIELDS = stringFields(configSchema);

describe("hostile configuration: every config string is refused or kept a literal", () => {
  test("the schema walk finds every string field, and each has a sample config to test it in", () => {
    // GIVEN the string fields of the schema and the sample configs
    // WHEN each field is looked up in the samples
    const missing = FIELDS.filter((field) => !sampleFor(field)).map((field) => field.name);

    // THEN every field has a sample (a new field without one fails here until a sample names it)
    expect(missing).toEqual([]);
    expect(FIELDS.map((field) => field.name)).toEqual(
      expect.arrayContaining([
        "customer",
        "environments[].credentials.clientId",
        "environments[].virtualHosts.certificates[].fullchainFile",
        "environments[].backend<pg>.connStr",
      ]),
    );
  });

  test.each([
    ['${file("/etc/hostname")}', true],
    ['text ${upper(var.x)} %{ if file("/etc/hostname") != "" }y%{ endif }', true],
    ['${file("a ${file("/etc/hostname")} b")}', true],
    ['$${file("/etc/hostname")} %%{ if true }/etc/hostname%%{ endif }', false],
    ['${file("x\\" $${file(\\"/etc/hostname\\")} %%{ if true }d%%{ endif } \\"z.pem")}', false],
    ['x" /etc/hostname "z', false],
  ])('the judge: %s evaluates file("/etc/hostname"): %s', (template, evaluated) => {
    // GIVEN a template WHEN judged THEN only expression code (nested templates included) counts, escapes never do
    expect(evaluatesCall(template, 'file("/etc/hostname")')).toBe(evaluated);
  });

  test.each(FIELDS.map((field) => [field.name, field] as const))(
    "%s: refused with its path, or kept as a literal",
    (_name, field) => {
      // GIVEN a sample config with this one field set to template sequences and quotes
      const { config, at } = sampleFor(field)!;
      const value = hostile(field, 'file("/etc/hostname")');
      setAt(config, at, value);

      // WHEN it is synthesized
      const { error, outdir } = synth(config, field.name);

      // THEN it is refused naming the field, with nothing written and nothing sent...
      expect(emulator.requestLog.list()).toEqual([]);
      if (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect(namesField(error as ValidationError, at)).toBe(true);
        expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(false);
        return;
      }
      // ...or every occurrence in the synthesized JSON is text: outside the backend block (which terraform never
      // evaluates), no interpolation or directive holds any of it
      const evaluated = synthesizedStrings(outdir).filter(
        ({ where, text }) => !where.startsWith("terraform.backend") && evaluatesCall(text, 'file("/etc/hostname")'),
      );
      expect(evaluated).toEqual([]);
      accepted.push(field.name);
    },
  );

  test.each<ContractMode>(["assumed", "confirmed"])(
    "the fields that keep such text put no canary into any plan, state, output folder or summary, and reach the API as written (real terraform, contract %s)",
    async (contract) => {
      // GIVEN the accepted fields that live in the stack terraform can plan here (explicit credentials, local state)
      emulator.state.settings.contract = contract;
      const plannable = FIELDS.filter(
        (field) =>
          accepted.includes(field.name) &&
          sampleFor(field)!.at[0] === "environments" &&
          sampleFor(field)!.at[1] === TEST_ENV_INDEX,
      );
      expect(plannable.map((field) => field.name).sort()).toEqual([
        "environments[].backend<local>.path",
        "environments[].virtualHosts.certificates[].fullchainFile",
        "environments[].virtualHosts.certificates[].privateKeyFile",
      ]);
      const captured: { where: string; text: string }[] = [];
      for (const field of plannable) {
        // WHEN the field reads terraform's environment (canary included) if it is ever evaluated, through the whole flow
        const { config, at } = sampleFor(field)!;
        setAt(config, at, hostile(field, 'filebase64("/proc/self/environ")'));
        const { error, outdir } = synth(config, `e2e ${contract} ${field.name}`);
        expect(error).toBeUndefined();
        const stackDir = path.join(outdir, "stacks", "p1as-test");
        const run = async (args: string[]) => {
          const result = await runTerraform(args, { cwd: stackDir, env: terraformEnv });
          captured.push({ where: `${field.name}: terraform ${args[0]}`, text: result.stdout + result.stderr });
          return result;
        };
        expect((await run(["init", "-input=false", "-no-color"])).exitCode).toBe(0);
        expect((await run(["plan", "-input=false", "-no-color", "-out=tfplan.bin"])).exitCode).toBe(0);
        const shown = await run(["show", "-json", "tfplan.bin"]);
        const summaryFile = path.join(workDir, `${slug(`${contract} ${field.name}`)}.md`);
        const summary = await node([
          "dist/tools/plan-summary/main.js",
          "--outdir",
          outdir,
          "--stacks",
          "p1as-test",
          "--out",
          summaryFile,
        ]);
        captured.push({ where: `${field.name}: plan summary`, text: summary + fs.readFileSync(summaryFile, "utf8") });
        const applied = await run(["apply", "-auto-approve", "-input=false", "-no-color"]);
        expect({
          field: field.name,
          exitCode: applied.exitCode,
          output: applied.exitCode === 0 ? "" : applied.stdout + applied.stderr,
        }).toEqual({ field: field.name, exitCode: 0, output: "" });
        for (const file of filesUnder(outdir))
          captured.push({
            where: `${field.name}: ${path.relative(workDir, file)}`,
            text: fs.readFileSync(file, "latin1"),
          });
        const stateFile = statePath(config);
        captured.push({ where: `${field.name}: state`, text: fs.readFileSync(stateFile, "utf8") });

        // THEN the field's text is data: a state path is exactly the file the state went to; a chain file at a hostile
        // path is what the API received, as written; a key file was read by terraform at exactly that path (its
        // certificate was created, fingerprint and all)
        const uploaded = held("wildcard-test");
        if (isStatePath(field)) expect(stateFile).toBe(hostile(field, 'filebase64("/proc/self/environ")'));
        if (field.name.endsWith("fullchainFile")) {
          expect(shown.exitCode).toBe(0);
          expect(uploaded?.fullchain).toBe(pair.fullchain);
        }
        expect(uploaded?.sha256Fingerprint).toBe(pair.fingerprint);
        expect((await run(["destroy", "-auto-approve", "-input=false", "-no-color"])).exitCode).toBe(0);
        expect(held("wildcard-test")).toBeUndefined();
      }

      // AND the canary, in any encoding, is nowhere
      expect(
        captured.flatMap(({ where, text }) =>
          findForms(text, [{ name: "canary", needles: forms(CANARY) }]).map((hit) => `${hit} in ${where}`),
        ),
      ).toEqual([]);
      // (while the same search finds the canary inside a base64 dump of an environment, at any alignment)
      for (const prefix of ["", "x", "xy"])
        expect(
          findForms(Buffer.from(`${prefix}P1AS_CANARY=${CANARY}\0`).toString("base64"), [
            { name: "canary", needles: forms(CANARY) },
          ]),
        ).not.toEqual([]);
    },
  );
});

// ---- hostile values and how to judge them ----------------------------------------------------------

/**
 * Text that would run `call` if Terraform evaluated it: an interpolation, a directive, and a quote that
 * would end a string in an expression. File fields get a path that exists (made in `synth`).
 */
function hostile(field: StringField, call: string): string {
  const text = `x" \${${call}} %{ if true }d%{ endif } "z`;
  if (isFileField(field)) return `inj/${slug(field.name)}/${text}.pem`;
  // An absolute state path keeps the state in the scratch folder, wherever the config is.
  if (isStatePath(field)) return path.join(workDir, "state", `${text}.tfstate`);
  return text;
}

const isFileField = (field: StringField) => /File$/.test(field.name);
const isStatePath = (field: StringField) => field.name.endsWith("backend<local>.path");

/**
 * Does a Terraform template string evaluate `call` (say `file("/etc/hostname")`) as code: inside `${...}` or
 * `%{...}`, or in a template nested in a quoted string of such an expression? Escaped `$${` and `%%{`, and
 * a quoted string's `\"`, are text. (The construct writes a key path as `${file("<path>")}`: the path is a
 * quoted string in an expression, so the hostile call inside it must stay escaped.)
 */
function evaluatesCall(template: string, call: string): boolean {
  return evaluatedCode(template).some((code) => code.includes(call));
}

/** The expression code of a template, one entry per interpolation or directive, nested ones included. */
function evaluatedCode(source: string): string[] {
  const found: string[] = [];
  // A template from `start`; inside an expression's quoted string (`quoted`) it ends at the closing quote.
  const template = (start: number, quoted: boolean): number => {
    let i = start;
    while (i < source.length) {
      const two = source.slice(i, i + 2);
      if (quoted && source[i] === "\\") i += 2;
      else if (quoted && source[i] === '"') return i + 1;
      else if ((two === "$$" || two === "%%") && source[i + 2] === "{") i += 3;
      else if (two === "${" || two === "%{") i = expression(i + 2);
      else i++;
    }
    return i;
  };
  // Expression code up to its closing brace; quoted strings in it are templates of their own.
  const expression = (start: number): number => {
    let code = "";
    let depth = 1;
    let i = start;
    while (i < source.length && depth > 0) {
      const char = source[i];
      if (char === '"') {
        // Kept as written (escapes included): `file("/etc/hostname")` is code, `file("x\\"$${file(\\"/etc/hostname\\")}")` is not.
        const end = template(i + 1, true);
        code += source.slice(i, end);
        i = end;
        continue;
      }
      if (char === "{") depth++;
      if (char === "}") depth--;
      if (depth > 0) code += char;
      i++;
    }
    found.push(code);
    return i;
  };
  template(0, false);
  return found;
}

/** Every string in every synthesized stack, with its JSON path. */
function synthesizedStrings(outdir: string): { where: string; text: string }[] {
  const strings: { where: string; text: string }[] = [];
  const walk = (node: unknown, where: string) => {
    if (typeof node === "string") strings.push({ where, text: node });
    else if (node && typeof node === "object")
      for (const [key, value] of Object.entries(node)) walk(value, where ? `${where}.${key}` : key);
  };
  const stacks = path.join(outdir, "stacks");
  for (const stack of fs.readdirSync(stacks))
    walk(JSON.parse(fs.readFileSync(path.join(stacks, stack, "cdk.tf.json"), "utf8")), "");
  return strings;
}

/** A refusal names the field: its config path in a config error, or the field itself in a construct's. */
function namesField(error: ValidationError, at: readonly (string | number)[]): boolean {
  const configPath = at.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${key}` : key),
    "",
  );
  return error.reasons.some((reason) => reason.startsWith(`${configPath}: `)) || error.field === at[at.length - 1];
}

// ---- sample configs --------------------------------------------------------------------------------

/** Index of `test` in every sample: explicit credentials and local state, so terraform can plan it offline. */
const TEST_ENV_INDEX = 1;
const BACKENDS = {
  local: (name: string) => ({ type: "local", path: `${name}.tfstate` }),
  pg: (name: string) => ({
    type: "pg",
    connStr: "postgres://db.example:5432/terraform?sslmode=require",
    schemaName: name.replace(/-/g, "_"),
  }),
  s3: (name: string) => ({
    type: "s3",
    bucket: "acme-terraform",
    key: `p1as/${name}.tfstate`,
    region: "eu-west-1",
    dynamodbTable: "terraform-locks",
  }),
  remote: (name: string) => ({ type: "remote", organization: "acme", workspace: name, hostname: "tfe.acme.example" }),
  cloud: (name: string) => ({ type: "cloud", organization: "acme", workspace: name, hostname: "app.terraform.io" }),
};
type BackendType = keyof typeof BACKENDS;

/** A config that sets every field; `directory` and `stage` pick which backend shapes it shows. */
function sampleConfig(directory: BackendType, stage: BackendType): Record<string, unknown> {
  const apiUrl = (env: string) => `${emulator.url}/${env}/api/v1`;
  const tokenUrl = `${emulator.url}/${DEMO_PINGONE_ENVIRONMENT_ID}/as/token`;
  return {
    customer: "acme",
    p1asRegion: "us1",
    pingone: {
      environmentId: DEMO_PINGONE_ENVIRONMENT_ID,
      regionCode: "NA",
      apiUrl: `${emulator.url}/v1`,
      roleAttributes: { manage: true, retiredEnvironments: ["prod"], archivedRoles: ["dev-tls-audit"] },
      backend: BACKENDS[directory]("directory"),
    },
    environments: [
      {
        name: "dev",
        groups: ["dev-tls-admin"],
        resource: {
          name: "p1as dev api",
          audience: "https://api.dev.acme.example",
          accessTokenValiditySeconds: 3600,
          scope: "p1as:dev",
          orchestrationName: "OrchestrationTool",
          auditName: "p1as dev api audit",
        },
        application: { name: "p1as dev orchestration", auditName: "p1as dev audit" },
        selfService: { apiUrl: apiUrl("dev"), tokenUrl, apiContract: "assumed" },
        backend: BACKENDS.s3("dev"),
      },
      {
        name: "test",
        selfService: { apiUrl: apiUrl("test"), tokenUrl },
        credentials: {
          clientId: CLIENT_ID,
          clientSecretEnv: SECRET_ENV,
          audit: { clientId: AUDIT_CLIENT_ID, clientSecretEnv: AUDIT_SECRET_ENV },
        },
        backend: { type: "local", path: path.join(workDir, "state", "test.tfstate") },
        virtualHosts: {
          certificates: [
            { name: "wildcard-test", fullchainFile: "valid.pem", privateKeyFile: "valid.key", adopt: false },
            { name: "api-test", fullchainFile: "valid.pem", privateKeyVariable: KEY_VARIABLE },
          ],
          hostnames: [
            {
              hostname: "auth.test.acme.example",
              product: "pingfederate-engines",
              certname: "wildcard-test",
              adopt: false,
            },
          ],
        },
      },
      {
        name: "stage",
        credentials: { clientId: CLIENT_ID, audit: { clientId: AUDIT_CLIENT_ID } },
        backend: BACKENDS[stage]("stage"),
      },
    ],
  };
}

/** The first sample that has the field, as a fresh copy, and where the field is in it. */
function sampleFor(field: StringField): { config: Record<string, unknown>; at: (string | number)[] } | undefined {
  const variants: [BackendType, BackendType][] = [
    ["local", "pg"],
    ["pg", "remote"],
    ["s3", "cloud"],
    ["remote", "pg"],
    ["cloud", "pg"],
  ];
  for (const [directory, stage] of variants) {
    const config = sampleConfig(directory, stage);
    const at = locate(config, field.steps);
    if (at) return { config, at };
  }
  return undefined;
}

// ---- running it ------------------------------------------------------------------------------------

const CANARY = `canary-${randomBytes(12).toString("hex")}`;
/** Evaluated, it would read a file and terraform's environment (the canary) into the configuration. */
const pair = makeCertificate({ commonName: "*.test.acme.example" });
const CLIENT_ID = testClientId("injection-admin");
const CLIENT_SECRET = `injection-${randomBytes(16).toString("hex")}`;
const AUDIT_CLIENT_ID = testClientId("injection-audit");
const AUDIT_CLIENT_SECRET = `injection-audit-${randomBytes(16).toString("hex")}`;
const SECRET_ENV = "P1AS_TEST_CLIENT_SECRET";
const AUDIT_SECRET_ENV = "P1AS_TEST_AUDIT_CLIENT_SECRET";
const KEY_VARIABLE = "p1as_test_api_key";
let emulator: RunningEmulator;
let workDir: string;
let terraformEnv: NodeJS.ProcessEnv;
const accepted: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    seedDemoClients: false,
    clients: [
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["test-tls-admin"] },
      { clientId: AUDIT_CLIENT_ID, clientSecret: AUDIT_CLIENT_SECRET, groups: ["test-tls-audit"] },
    ],
  });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "config-injection-"));
  fs.writeFileSync(path.join(workDir, "valid.pem"), pair.fullchain);
  fs.writeFileSync(path.join(workDir, "valid.key"), pair.privkey, { mode: 0o600 });
  terraformEnv = {
    P1AS_CANARY: CANARY,
    [SECRET_ENV]: CLIENT_SECRET,
    [AUDIT_SECRET_ENV]: AUDIT_CLIENT_SECRET,
    [`TF_VAR_${KEY_VARIABLE}`]: pair.privkey,
  };
});

beforeEach(() => emulator.requestLog.clear());

afterAll(async () => {
  await emulator?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** Writes the config next to the certificate files (making any file a file field names) and synthesizes it. */
function synth(config: Record<string, unknown>, name: string): { error?: unknown; outdir: string } {
  const file = path.join(workDir, `${slug(name)}.json`);
  const outdir = path.join(workDir, `${slug(name)}.out`);
  for (const certificate of (config.environments as { virtualHosts?: { certificates: Record<string, string>[] } }[])[
    TEST_ENV_INDEX
  ].virtualHosts?.certificates ?? []) {
    for (const [field, source] of [
      ["fullchainFile", "valid.pem"],
      ["privateKeyFile", "valid.key"],
    ]) {
      const target = certificate[field] && path.join(workDir, certificate[field]);
      if (target && !fs.existsSync(target)) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const text = fs.readFileSync(path.join(workDir, source), "utf8");
        // Text before the first PEM block is allowed (openssl writes subject lines there): make it hostile too.
        // The path is hostile, the content is not: text outside the PEM blocks is refused (p1as/pem.ts, pem-chain.test.ts).
        fs.writeFileSync(target, text, { mode: 0o600 });
      }
    }
  }
  fs.writeFileSync(file, JSON.stringify(config));
  const previous = process.env.P1AS_CANARY;
  process.env.P1AS_CANARY = CANARY; // synth too runs with the canary in its environment
  try {
    synthesize(file, outdir);
    return { outdir };
  } catch (error) {
    return { error, outdir };
  } finally {
    if (previous === undefined) delete process.env.P1AS_CANARY;
    else process.env.P1AS_CANARY = previous;
  }
}

/** The certificate as the API stored it (fullchain included), or undefined. */
function held(name: string) {
  return emulator.service.snapshot().environments.test.certificates.find((certificate) => certificate.name === name);
}

function statePath(config: Record<string, unknown>): string {
  const backend = (config.environments as { backend: { path: string } }[])[TEST_ENV_INDEX].backend;
  return path.resolve(backend.path);
}

const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, "-");

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() && fs.statSync(full).size < 5_000_000 ? [full] : [];
  });
}

function node(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      "node",
      args,
      { cwd: path.resolve(__dirname, ".."), env: { ...process.env, ...terraformEnv, CHECKPOINT_DISABLE: "1" } },
      (_error, stdout, stderr) => resolve(stdout + stderr),
    );
  });
}
