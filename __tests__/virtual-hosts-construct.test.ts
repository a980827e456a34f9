import "cdktf/lib/testing/adapters/jest";
import * as fs from "node:fs";
import * as os from "node:os";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { App, DataResource, Fn, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { ISelfServiceCredentials, SelfServiceCredentials } from "../constructs/credentials";
import { ValidationError } from "../constructs/errors";
import { Certificate, CertificateProps, Hostname, PROJECT_ROOT, VirtualHosts } from "../constructs/virtual-hosts";
import { CLIENT_SECRET_ENV, DRIVER_INPUT_ENV, RUN_DIR_ENV, STACK_DIR_ENV } from "../driver/consts";
import { markerName } from "../driver/run-markers";
import { makeCertificate } from "./support/certs";

describe("VirtualHosts construct", () => {
  test("keys every hostname resource by its hostname and every certificate resource by its name", () => {
    // GIVEN two certificates and three hostnames
    const { stack } = declare((vh) => {
      const dev = new Certificate(vh, "wildcard-dev", certificateProps("wildcard-dev"));
      const api = new Certificate(vh, "api-dev", certificateProps("api-dev"));
      new Hostname(vh, "auth", { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certificate: dev });
      new Hostname(vh, "access", { hostname: "access.dev.acme.example", product: "pingaccess-engines", certificate: dev });
      new Hostname(vh, "pf-admin", { hostname: "pf-admin.dev.acme.example", product: "pingfederate-admin-api", certificate: api });
    });

    // WHEN the stack is synthesized
    const json = synthesized(stack);

    // THEN addresses read terraform_data.p1as_hostname["<hostname>"] and carry only the API's fields
    const hostnames = ["auth.dev.acme.example", "access.dev.acme.example", "pf-admin.dev.acme.example"];
    // (Testing.synth sorts keys)
    expect(Object.keys(json.resource.terraform_data.p1as_hostname.for_each)).toEqual([...hostnames].sort());
    expect(Object.keys(json.resource.terraform_data.p1as_hostname_routing.for_each)).toEqual([...hostnames].sort());
    expect(json.resource.terraform_data.p1as_hostname.for_each["access.dev.acme.example"]).toEqual({
      hostname: "access.dev.acme.example",
      product: "pingaccess-engines",
      certname: "wildcard-dev",
      adopt: false,
    });
    expect(Object.keys(json.resource.terraform_data.p1as_certificate.for_each)).toEqual(["api-dev", "wildcard-dev"]);
  });

  test("replaces existence only on a new key, content on a new fingerprint and routing on a new product or certname", () => {
    // GIVEN one certificate and one hostname
    const { stack } = declare((vh) => {
      const cert = new Certificate(vh, "wildcard-dev", certificateProps("wildcard-dev"));
      new Hostname(vh, "auth", { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certificate: cert });
    });

    // WHEN synthesized
    const synth = Testing.synth(stack);

    // THEN each resource's triggers_replace holds exactly the fields whose change needs its create provisioner
    const triggers = (triggersReplace: object) => expect(synth).toHaveResourceWithProperties(DataResource, { triggers_replace: triggersReplace });
    triggers({ name: "${each.value.name}" });
    triggers({ sha256_fingerprint: "${each.value.sha256_fingerprint}", not_after: "${each.value.not_after}" });
    triggers({ hostname: "${each.value.hostname}" });
    triggers({ product: "${each.value.product}", certname: "${each.value.certname}" });
    const resources = JSON.parse(synth).resource.terraform_data;
    expect(resources.p1as_hostname.depends_on).toEqual(["terraform_data.p1as_certificate", "terraform_data.p1as_certificate_content"]);
    expect(resources.p1as_hostname_routing.depends_on).toEqual(["terraform_data.p1as_hostname"]);
  });

  test("shows fingerprint, expiry, product and certname in the plan input, never a key, secret or PEM body", () => {
    // GIVEN a certificate with a key file and one with a key variable
    const key = new Map<string, string>();
    const { stack } = declare((vh, stack) => {
      const fromFile = new Certificate(vh, "wildcard-dev", certificateProps("wildcard-dev", key));
      const keyVariable = new TerraformVariable(stack, "api_dev_key", { type: "string", sensitive: true });
      new Certificate(vh, "api-dev", { ...certificateProps("api-dev", key), privateKeyFile: undefined, privateKeyVariable: keyVariable });
      new Hostname(vh, "auth", { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certificate: fromFile });
    });

    // WHEN synthesized
    const text = Testing.synth(stack);
    const certificates = JSON.parse(text).resource.terraform_data.p1as_certificate.for_each;

    // THEN the map holds the fingerprint and expiry of each leaf and where each key comes from
    expect(certificates["wildcard-dev"]).toMatchObject({
      sha256_fingerprint: generated.get("wildcard-dev")!.fingerprint,
      not_after: generated.get("wildcard-dev")!.notAfter.toISOString(),
      private_key_file: expect.stringMatching(/wildcard-dev\.key$/),
      private_key_env: "",
    });
    expect(certificates["api-dev"]).toMatchObject({ private_key_file: "", private_key_env: "TF_VAR_api_dev_key" });
    // AND no PEM, key material or secret appears anywhere
    expect(text).not.toMatch(/BEGIN|PRIVATE KEY/);
    for (const pem of [...key.values(), ...[...generated.values()].map((c) => c.fullchain)]) {
      expect(text).not.toContain(pemBody(pem).slice(0, 40));
    }
    expect(text).not.toContain(CLIENT_SECRET_ENV);
  });

  test("hands a generated client secret only to create provisioners, and its state address to destroy", () => {
    // GIVEN credentials whose secret is a resource attribute, not a variable
    const { stack } = declare(() => undefined, (stack) => {
      const generatedSecret = new DataResource(stack, "secret-source", { input: { value: "x" } });
      return { clientId: "b6c1e2d3-0000-4000-8000-000000000001", clientSecret: generatedSecret.getStringAttribute("output"), tokenUrl: TOKEN_URL };
    });

    // WHEN synthesized
    const json = synthesized(stack);

    // THEN create provisioners pass it as nonsensitive() (output stays readable), destroy provisioners never
    const certificate = json.resource.terraform_data.p1as_certificate;
    const [create, destroy] = certificate.provisioner.map((p: { "local-exec": object }) => p["local-exec"]);
    expect(create.environment).toEqual({
      [DRIVER_INPUT_ENV]: "${jsonencode(self.input)}",
      [CLIENT_SECRET_ENV]: "${nonsensitive(terraform_data.secret-source.output)}",
      [RUN_DIR_ENV]: `\${${RUN_DIR}}`,
      [STACK_DIR_ENV]: "${path.cwd}",
    });
    expect(destroy).toMatchObject({ when: "destroy", environment: { [DRIVER_INPUT_ENV]: "${jsonencode(self.input)}" } });
    // AND the destroy-time driver finds it in the state by its address; no output copies it
    expect(certificate.input).toBe("${merge(each.value, local.p1as_connection)}");
    expect(json.locals.p1as_connection.client_secret_address).toBe("terraform_data.secret-source.output");
    expect(json.output).toBeUndefined();
  });

  test("starts no content or routing process when this run's create already ensured the same values", () => {
    // (the run directory is empty, so nothing is ever skipped, unless the apply has its own run id)
    // GIVEN any declaration
    const { stack } = declare(() => undefined);

    // WHEN synthesized
    const resources = synthesized(stack).resource.terraform_data;

    // THEN the routing and content commands echo when the marker of exactly these values exists in this
    // run's directory, and run the driver otherwise; the marker name is the driver's markerName()
    const routing = resources.p1as_hostname_routing.provisioner[0]["local-exec"].command;
    const content = resources.p1as_certificate_content.provisioner[0]["local-exec"].command;
    expect(routing).toBe(
      `\${fileexists(format("%s/%s", (${RUN_DIR}), sha256(join("|", ["hostname", each.value.hostname, each.value.product, each.value.certname])))) ? "echo p1as: hostname already ensured by its create in this run" : "node dist/driver/bundle.js hostname-routing"}`,
    );
    expect(content).toContain('sha256(join("|", ["certificate", each.value.name, each.value.sha256_fingerprint]))');
    expect(content).toContain(': "node dist/driver/bundle.js certificate-content"}');
    expect(markerName("hostname", ["a.example", "pingdirectory", "c"])).toBe(createHash("sha256").update("hostname|a.example|pingdirectory|c").digest("hex"));
  });

  test("plans the same whatever the output directory, so a PR plan and a workstation deploy agree", () => {
    // GIVEN the same declaration synthesized into two output directories
    const build = (vh: VirtualHosts) => new Hostname(vh, "auth", { hostname: "auth.dev.example", product: "pingdirectory", certificate: imported(vh) });
    const [first, second] = [declare(build), declare(build)];
    expect(first.app.outdir).not.toBe(second.app.outdir);

    // WHEN synthesized THEN every planned attribute is identical (only provisioner settings, never diffed, differ)
    const planned = (stack: TerraformStack) =>
      Object.values(synthesized(stack).resource.terraform_data as Record<string, Record<string, unknown>>).map(({ input, for_each, triggers_replace }) => ({
        input,
        for_each,
        triggers_replace,
      }));
    expect(planned(first.stack)).toEqual(planned(second.stack));
  });

  test("runs the driver from the project root whatever the output directory", () => {
    // GIVEN an app writing to a temporary directory
    const { stack, app } = declare(() => undefined);

    // WHEN synthesized
    const json = synthesized(stack);

    // THEN working_dir, resolved from the stack's directory, is the project root
    const { command, working_dir } = json.resource.terraform_data.p1as_hostname.provisioner[0]["local-exec"];
    expect(command).toBe("node dist/driver/bundle.js hostname-create");
    expect(path.resolve(app.outdir, "stacks", stack.node.id, working_dir)).toBe(PROJECT_ROOT);
  });

  test("emits all four resources with empty maps when nothing is declared, so removing the last one still deletes it", () => {
    const { stack } = declare(() => undefined);
    const resources = synthesized(stack).resource.terraform_data;
    for (const name of ["p1as_certificate", "p1as_certificate_content", "p1as_hostname", "p1as_hostname_routing"]) {
      expect(resources[name].for_each).toEqual({});
    }
  });

  test("lets a hostname name a certificate managed elsewhere, without declaring it", () => {
    // GIVEN an imported certificate
    const { stack } = declare((vh) => {
      const shared = Certificate.fromCertificateName(vh, "shared", "shared-wildcard");
      new Hostname(vh, "auth", { hostname: "auth.dev.acme.example", product: "pingdirectory", certificate: shared });
    });

    // THEN the hostname names it and no certificate object is managed
    const resources = synthesized(stack).resource.terraform_data;
    expect(resources.p1as_hostname.for_each["auth.dev.acme.example"].certname).toBe("shared-wildcard");
    expect(resources.p1as_certificate.for_each).toEqual({});
  });

  describe("rejects bad props naming the construct, the field, the value and the rule", () => {
    const cases: Array<[string, (vh: VirtualHosts, stack: TerraformStack) => void, string | RegExp]> = [
      [
        "an upper-case wildcard hostname",
        (vh) => new Hostname(vh, "auth", { hostname: "*.Dev.example", product: "pingdirectory", certificate: imported(vh) }),
        'stack/virtual-hosts/auth: invalid hostname "*.Dev.example": must be lowercase; must not be a wildcard (\'*\')',
      ],
      [
        "a product outside the seven",
        (vh) => new Hostname(vh, "auth", { hostname: "auth.dev.example", product: "pingone" as never, certificate: imported(vh) }),
        'stack/virtual-hosts/auth: invalid product "pingone": must be one of pingaccess-engines, pingaccess-agents, pingaccess-admin-api, pingfederate-engines, pingfederate-admin-api, pingdirectory, pingdelegator',
      ],
      [
        "a duplicate hostname",
        (vh) => {
          new Hostname(vh, "a", { hostname: "auth.dev.example", product: "pingdirectory", certificate: imported(vh) });
          new Hostname(vh, "b", { hostname: "auth.dev.example", product: "pingdirectory", certificate: imported(vh, "other") });
        },
        'stack/virtual-hosts/b: invalid hostname "auth.dev.example": is already declared by stack/virtual-hosts/a; hostnames are unique',
      ],
      [
        "a duplicate certificate name",
        (vh) => {
          new Certificate(vh, "a", certificateProps("wildcard-dev"));
          new Certificate(vh, "b", certificateProps("wildcard-dev"));
        },
        'stack/virtual-hosts/b: invalid name "wildcard-dev": is already declared by stack/virtual-hosts/a; certificate names are unique',
      ],
      [
        "an expired certificate",
        (vh) => new Certificate(vh, "c", certificateProps("expired")),
        "stack/virtual-hosts/c: invalid fullchainFile",
      ],
      [
        "an EC certificate",
        (vh) => new Certificate(vh, "c", certificateProps("ec")),
        "leaf certificate has an EC key: P1AS self-service does not support EC certificates",
      ],
      [
        "a key file that does not match the chain",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), privateKeyFile: certificateProps("api-dev").privateKeyFile }),
        "stack/virtual-hosts/c: invalid privateKeyFile",
      ],
      [
        "a file that is not PEM",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), fullchainFile: garbageFile() }),
        "must hold at least one PEM 'BEGIN CERTIFICATE' block",
      ],
      [
        "a missing file",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), fullchainFile: "no/such.pem" }),
        'stack/virtual-hosts/c: invalid fullchainFile "no/such.pem": must be a readable regular file (paths are relative to the project root',
      ],
      [
        "neither key file nor key variable",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), privateKeyFile: undefined }),
        "stack/virtual-hosts/c: privateKeyFile conflicts with privateKeyVariable: neither is given. Give exactly one: a key file path, or a sensitive Terraform variable.",
      ],
      [
        "a key variable that is not sensitive",
        (vh, stack) =>
          new Certificate(vh, "c", {
            ...certificateProps("wildcard-dev"),
            privateKeyFile: undefined,
            privateKeyVariable: new TerraformVariable(stack, "plain", { type: "string" }),
          }),
        'stack/virtual-hosts/c: invalid privateKeyVariable "stack/plain": must be declared with sensitive: true',
      ],
      [
        "a hostname known only at apply (a token), which cannot key a Terraform address",
        (vh, stack) =>
          new Hostname(vh, "auth", {
            hostname: new TerraformVariable(stack, "host", { type: "string" }).stringValue,
            product: "pingdirectory",
            certificate: imported(vh),
          }),
        /^stack\/virtual-hosts\/auth: invalid hostname "\$\{TfToken\[TOKEN\.\d+\]\}": must be a literal known at synth: it keys the resource's Terraform address$/,
      ],
      [
        "a certificate name that is not a DNS name",
        (vh) => new Certificate(vh, "c", { ...certificateProps("wildcard-dev"), name: "Wildcard_Dev" }),
        'stack/virtual-hosts/c: invalid name "Wildcard_Dev": must be lowercase; may contain only letters a-z, digits, \'-\' and \'.\'',
      ],
    ];
    test.each(cases)("%s", (_name, build, message) => {
      expect(() => declare(build)).toThrow(ValidationError);
      expect(() => declare(build)).toThrow(message);
    });

    test("a literal client secret, which would land in the synthesized JSON", () => {
      expect(() => declare(() => undefined, () => ({ clientId: "b6c1e2d3-0000-4000-8000-000000000001", clientSecret: "s3cr3t", tokenUrl: TOKEN_URL }))).toThrow(
        'stack/virtual-hosts: invalid credentials.clientSecret "<literal string>": must be a sensitive Terraform value',
      );
    });

    test("a client secret that is an expression, which destroy-time provisioners could not find", () => {
      expect(() =>
        declare(() => undefined, (stack) => ({
          clientId: "b6c1e2d3-0000-4000-8000-000000000001",
          clientSecret: Fn.lower(new TerraformVariable(stack, "s", { type: "string", sensitive: true }).stringValue),
          tokenUrl: TOKEN_URL,
        })),
      ).toThrow(
        'stack/virtual-hosts: invalid credentials.clientSecret "${lower(var.s)}": must reference a Terraform variable (var.<name>) or a resource attribute (<type>.<name>.<attribute>): destroy-time provisioners find the secret through it',
      );
    });

    test("a deadline shorter than one poll", () => {
      expect(() => declare(() => undefined, undefined, { pollIntervalMs: 5000, readyTimeoutMs: 1000 })).toThrow(
        "stack/virtual-hosts: readyTimeoutMs conflicts with pollIntervalMs: the deadline (1000 ms) is shorter than one poll (5000 ms). Raise readyTimeoutMs or lower pollIntervalMs.",
      );
    });

    test("a request timeout that is not a positive whole number of milliseconds", () => {
      expect(() => declare(() => undefined, undefined, { requestTimeoutMs: 0 })).toThrow(
        "stack/virtual-hosts: invalid requestTimeoutMs 0: must be a positive whole number of milliseconds",
      );
    });

    test("a second VirtualHosts in one stack, whose resource addresses would collide", () => {
      expect(() =>
        declare((_vh, stack) => new VirtualHosts(stack, "more", { credentials: variableCredentials(stack, "other_secret"), apiUrl: API_URL })),
      ).toThrow("stack/more: invalid scope \"stack\": already holds stack/virtual-hosts; declare one VirtualHosts per stack");
    });

    test("a hostname naming another stack's certificate", () => {
      const app = Testing.app();
      const other = new TerraformStack(app, "other");
      const otherHosts = new VirtualHosts(other, "virtual-hosts", { credentials: variableCredentials(other), apiUrl: API_URL });
      const foreign = new Certificate(otherHosts, "wildcard", certificateProps("wildcard-dev"));
      expect(() =>
        declare((vh) => new Hostname(vh, "auth", { hostname: "auth.dev.example", product: "pingdirectory", certificate: foreign })),
      ).toThrow("stack/virtual-hosts/auth: invalid certificate \"other/virtual-hosts/wildcard\": belongs to another VirtualHosts");
    });
  });
});

// ---- shared setup ----------------------------------------------------------------------------

/** This run's marker directory: per apply id and plan time, or "" without an id. */
const RUN_DIR = 'var.p1as_run_id == "" ? "" : format("%s/.p1as-run/%s", path.cwd, sha256(join("|", [var.p1as_run_id, plantimestamp()])))';

const API_URL = "http://127.0.0.1:4010/dev/api/v1";
const TOKEN_URL = "http://127.0.0.1:4010/3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b/as/token";
const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "vh-construct-"));
const generated = new Map<string, ReturnType<typeof makeCertificate>>();

afterAll(() => fs.rmSync(certDir, { recursive: true, force: true }));

/** Writes (once) a generated pair for `name`; "expired" and "ec" give the named defect. */
function certificateProps(name: string, keys?: Map<string, string>): CertificateProps {
  if (!generated.has(name)) {
    const certificate = makeCertificate({ commonName: `${name}.acme.example`, expired: name === "expired", keyType: name === "ec" ? "ec" : "rsa" });
    generated.set(name, certificate);
    fs.writeFileSync(path.join(certDir, `${name}.pem`), certificate.fullchain);
    fs.writeFileSync(path.join(certDir, `${name}.key`), certificate.privkey);
  }
  keys?.set(name, generated.get(name)!.privkey);
  return { name, fullchainFile: path.join(certDir, `${name}.pem`), privateKeyFile: path.join(certDir, `${name}.key`) };
}

function garbageFile(): string {
  const file = path.join(certDir, "garbage.pem");
  fs.writeFileSync(file, "not a certificate\n");
  return file;
}

function pemBody(pem: string): string {
  return pem.split("\n").filter((line) => line && !line.startsWith("-----")).join("");
}

function imported(vh: VirtualHosts, name = "shared"): ReturnType<typeof Certificate.fromCertificateName> {
  return Certificate.fromCertificateName(vh, `imported-${name}`, name);
}

function variableCredentials(stack: TerraformStack, variable = "p1as_dev_client_secret"): ISelfServiceCredentials {
  return SelfServiceCredentials.fromClientSecretVariable(stack, { clientId: "b6c1e2d3-0000-4000-8000-000000000001", clientSecretVariable: variable, tokenUrl: TOKEN_URL });
}

/** A stack "stack" with one VirtualHosts "virtual-hosts"; `body` declares its certificates and hostnames. */
function declare(
  body: (vh: VirtualHosts, stack: TerraformStack) => void,
  credentials: (stack: TerraformStack) => ISelfServiceCredentials = variableCredentials,
  timing: { pollIntervalMs?: number; readyTimeoutMs?: number; requestTimeoutMs?: number } = {},
): { app: App; stack: TerraformStack; vh: VirtualHosts } {
  const app = Testing.app();
  const stack = new TerraformStack(app, "stack");
  const vh = new VirtualHosts(stack, "virtual-hosts", { credentials: credentials(stack), apiUrl: API_URL, ...timing });
  body(vh, stack);
  return { app, stack, vh };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function synthesized(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}
