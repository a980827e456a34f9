/**
 * End to end: real terraform applies synthesized stacks whose provisioners run the compiled driver
 * (dist/driver/main.js, so `npm run build` first; `npm test` does) against the emulator over HTTP.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, ref, TerraformStack, TerraformVariable, Token } from "cdktf";
import { SelfServiceCredentials } from "../constructs/credentials";
import { Certificate, Hostname, VirtualHosts } from "../constructs/virtual-hosts";
import { TerraformData } from "../constructs/virtual-hosts/terraform-data";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { Product } from "../p1as/facts";
import { makeCertificate } from "./support/certs";
import { Applied, apply, plan } from "./support/terraform-apply";
import { testClientId } from "./support/emulator";

jest.setTimeout(300_000);

describe("virtual hosts deployed by terraform through the self-service API", () => {
  test("creates, updates in place, deletes, renames and destroys exactly what the code declares", async () => {
    // GIVEN 2 certificates (one key from a file, one from a variable) and 5 hostnames
    const hosts: HostSpec[] = [
      { hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" },
      { hostname: "access.dev.acme.example", product: "pingaccess-engines", certname: "wildcard-dev" },
      { hostname: "agents.dev.acme.example", product: "pingaccess-agents", certname: "wildcard-dev" },
      { hostname: "pf-api.dev.acme.example", product: "pingfederate-admin-api", certname: "api-dev" },
      { hostname: "directory.dev.acme.example", product: "pingdirectory", certname: "api-dev" },
    ];

    // WHEN they are applied
    const first = await deploy(hosts);

    // THEN the emulator holds exactly them, each complete
    expect(held().certificates).toEqual(["api-dev", "wildcard-dev"]);
    expect(held().hostnames).toEqual(sorted(hosts));
    expect(first.output).toContain('terraform_data.p1as_hostname["auth.dev.acme.example"]: Creation complete');
    // AND one driver process per object did it: the routing and content steps found this run's marker
    expect(first.output.match(/\(local-exec\): p1as: hostname already ensured by its create in this run/g)).toHaveLength(hosts.length);
    expect(first.output.match(/\(local-exec\): p1as: certificate already ensured by its create in this run/g)).toHaveLength(2);
    expect(emulator.requestLog.list(/^POST \/[^/]+\/as\/token$/)).toHaveLength(hosts.length + 2);

    // WHEN one product changes
    emulator.requestLog.clear();
    hosts[1] = { ...hosts[1], product: "pingdelegator" };
    await deploy(hosts, first.outdir);

    // THEN that hostname is updated in place by the routing driver (no marker from this run): a PUT, no DELETE
    expect(routing("access.dev.acme.example")).toEqual({ product: "pingdelegator", certname: "wildcard-dev" });
    expect(emulator.requestLog.list(/^PUT \/dev\/api\/v1\/hostnames\/access\.dev\.acme\.example$/)).toHaveLength(1);
    expect(emulator.requestLog.list(/^DELETE /)).toEqual([]);

    // WHEN one hostname is removed from code
    emulator.requestLog.clear();
    const removed = hosts.splice(2, 1)[0];
    await deploy(hosts, first.outdir);

    // THEN it is deleted, and nothing else is
    expect(held().hostnames).toEqual(sorted(hosts));
    expect(emulator.requestLog.list(/^DELETE /).map((entry) => entry.path)).toEqual([`/dev/api/v1/hostnames/${removed.hostname}`]);

    // WHEN one is renamed
    hosts[0] = { ...hosts[0], hostname: "login.dev.acme.example" };
    await deploy(hosts, first.outdir);

    // THEN the old name is gone and the new one present
    expect(held().hostnames).toEqual(sorted(hosts));
    expect(held().hostnames).not.toContain("auth.dev.acme.example");

    // WHEN planned again
    const again = await plan(path.join(first.outdir, "stacks", STACK), { env: terraformEnv() });

    // THEN there are no changes
    expect(again.exitCode).toBe(0);
    expect(again.output).toContain("No changes.");

    // WHEN destroyed
    const destroyed = await first.destroy();

    // THEN the emulator is empty
    expect(held()).toEqual({ certificates: [], hostnames: [] });

    // AND no client secret, access token or private key appears in any terraform output, plan JSON,
    // driver log (the driver writes to terraform's output), synthesized JSON or state
    const everything = [
      ...outputs,
      again.output,
      again.json,
      destroyed.stdout + destroyed.stderr,
      fs.readFileSync(path.join(first.outdir, "stacks", STACK, "cdk.tf.json"), "utf8"),
      fs.readFileSync(path.join(first.outdir, "stacks", STACK, "terraform.tfstate"), "utf8"),
    ].join("\n");
    expect(everything).toContain("p1as: hostname login.dev.acme.example: created");
    expect(everything).not.toContain(CLIENT_SECRET);
    expect(everything).not.toMatch(JWT);
    for (const key of Object.values(certificates).map((c) => c.privkey)) expect(everything).not.toContain(pemBody(key).slice(0, 48));
  });

  test("a generated client secret (a resource attribute, like the orchestration client's) reaches create and destroy", async () => {
    // GIVEN credentials whose secret is another resource's attribute, as pingone_application_secret.secret is;
    // a terraform_data fed from a sensitive variable stands in for it (no PingOne provider here)
    const build = (app: App) => {
      const stack = new TerraformStack(app, STACK);
      const source = new TerraformData(stack, "secret-source", {
        input: { secret: new TerraformVariable(stack, "generated", { type: "string", sensitive: true }).stringValue },
      });
      source.overrideLogicalId("secret_source");
      const credentials = { clientId: CLIENT_ID, clientSecret: Token.asString(ref("terraform_data.secret_source.output.secret")), tokenUrl: emulator.tokenUrl() };
      const vh = new VirtualHosts(stack, "virtual-hosts", { credentials, apiUrl: emulator.apiUrl("dev"), pollIntervalMs: 100, readyTimeoutMs: 30_000 });
      const certificate = new Certificate(vh, "wildcard-dev", {
        name: "wildcard-dev",
        fullchainFile: path.join(certDir, "wildcard-dev.pem"),
        privateKeyFile: path.join(certDir, "wildcard-dev.key"),
      });
      new Hostname(vh, "auth.dev.acme.example", { hostname: "auth.dev.acme.example", product: "pingdirectory", certificate });
      return stack;
    };
    const env = { TF_VAR_generated: CLIENT_SECRET };

    // WHEN applied THEN the create provisioners had the secret
    const applied = await apply(build, { env });
    expect(held()).toEqual({ certificates: ["wildcard-dev"], hostnames: ["auth.dev.acme.example"] });

    // WHEN the whole stack is destroyed THEN the destroy provisioners, which may only read their own resource,
    // found the secret in the state by its address (a destroy drops the stack's outputs first), and deleted both
    const destroyed = await applied.destroy({ env });
    expect(held()).toEqual({ certificates: [], hostnames: [] });
    // AND no driver line shows it (the stand-in itself prints it: terraform_data's `output` is not marked
    // sensitive, which is why our own resources never hold a secret; pingone_application_secret marks it)
    const driverLines = (text: string) => text.split("\n").filter((line) => line.includes("(local-exec)"));
    expect(driverLines(applied.output + destroyed.stdout + destroyed.stderr)).not.toHaveLength(0);
    expect(driverLines(applied.output + destroyed.stdout + destroyed.stderr).join("\n")).not.toContain(CLIENT_SECRET);
  });

  test("fails the deploy with the API's message when the token lacks the role, and creates nothing", async () => {
    // GIVEN a client with only the read-only role dev-tls-audit
    const hosts: HostSpec[] = [{ hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" }];

    // WHEN the deploy runs with it
    const failed = await deploy(hosts, undefined, { clientId: AUDIT_CLIENT_ID, allowFailure: true });

    // THEN terraform fails, the API's detail is in the deploy output, and the emulator holds nothing
    expect(failed.exitCode).not.toBe(0);
    expect(failed.output).toContain("Access token is missing required scopes.");
    expect(failed.output).toMatch(/certificate-create failed/);
    expect(held()).toEqual({ certificates: [], hostnames: [] });
    expect(failed.output).not.toContain(AUDIT_SECRET);

    // AND the failed stack can be destroyed cleanly (the tainted object is dropped without a delete)
    await failed.destroy();
  });
});

// ---- shared setup ----------------------------------------------------------------------------

interface HostSpec {
  readonly hostname: string;
  readonly product: Product;
  readonly certname: string;
}

const STACK = "p1as-dev";
const CLIENT_ID = testClientId("e2e-admin");
const CLIENT_SECRET = `e2e-${randomBytes(16).toString("hex")}`;
const AUDIT_CLIENT_ID = testClientId("e2e-audit");
const AUDIT_SECRET = `e2e-audit-${randomBytes(16).toString("hex")}`;
const SECRET_VARIABLE = "p1as_dev_client_secret";
const KEY_VARIABLE = "api_dev_private_key";
const JWT = /eyJ[A-Za-z0-9_-]{10,}\.eyJ/;

let emulator: RunningEmulator;
let certDir: string;
const certificates: Record<string, ReturnType<typeof makeCertificate>> = {};
/** Every terraform output of the suite, searched for secrets at the end. */
const outputs: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    seedDemoClients: false,
    // Long enough that the driver really waits and polls.
    completionDelayMs: 300,
    clients: [
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, groups: ["dev-tls-admin"] },
      { clientId: AUDIT_CLIENT_ID, clientSecret: AUDIT_SECRET, groups: ["dev-tls-audit"] },
    ],
  });
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), "vh-e2e-certs-"));
  for (const name of ["wildcard-dev", "api-dev"]) {
    certificates[name] = makeCertificate({ commonName: `*.${name}.acme.example` });
    fs.writeFileSync(path.join(certDir, `${name}.pem`), certificates[name].fullchain);
  }
  fs.writeFileSync(path.join(certDir, "wildcard-dev.key"), certificates["wildcard-dev"].privkey, { mode: 0o600 });
});

afterAll(async () => {
  await emulator?.close();
  fs.rmSync(certDir, { recursive: true, force: true });
});

afterEach(() => emulator.service.reset());

function terraformEnv(clientId = CLIENT_ID): NodeJS.ProcessEnv {
  return {
    [`TF_VAR_${SECRET_VARIABLE}`]: clientId === CLIENT_ID ? CLIENT_SECRET : AUDIT_SECRET,
    [`TF_VAR_${KEY_VARIABLE}`]: certificates["api-dev"].privkey,
  };
}

/** The stack a user would write: one VirtualHosts, certificates by name, hostnames naming them. */
function virtualHostsStack(app: App, hosts: readonly HostSpec[], clientId: string): TerraformStack {
  const stack = new TerraformStack(app, STACK);
  const credentials = SelfServiceCredentials.fromClientSecretVariable(stack, {
    clientId,
    clientSecretVariable: SECRET_VARIABLE,
    tokenUrl: emulator.tokenUrl(),
  });
  const vh = new VirtualHosts(stack, "virtual-hosts", { credentials, apiUrl: emulator.apiUrl("dev"), pollIntervalMs: 100, readyTimeoutMs: 30_000 });
  const keyVariable = new TerraformVariable(stack, KEY_VARIABLE, { type: "string", sensitive: true });
  keyVariable.addOverride("ephemeral", true);
  const byName = {
    "wildcard-dev": new Certificate(vh, "wildcard-dev", {
      name: "wildcard-dev",
      fullchainFile: path.join(certDir, "wildcard-dev.pem"),
      privateKeyFile: path.join(certDir, "wildcard-dev.key"),
    }),
    "api-dev": new Certificate(vh, "api-dev", { name: "api-dev", fullchainFile: path.join(certDir, "api-dev.pem"), privateKeyVariable: keyVariable }),
  } as Record<string, Certificate>;
  for (const host of hosts) {
    new Hostname(vh, host.hostname, { hostname: host.hostname, product: host.product, certificate: byName[host.certname] });
  }
  return stack;
}

async function deploy(
  hosts: readonly HostSpec[],
  outdir?: string,
  options: { clientId?: string; allowFailure?: boolean } = {},
): Promise<Applied> {
  const clientId = options.clientId ?? CLIENT_ID;
  const applied = await apply((app) => virtualHostsStack(app, hosts, clientId), {
    outdir,
    env: terraformEnv(clientId),
    allowFailure: options.allowFailure,
  });
  outputs.push(applied.output);
  return applied;
}

/** What the emulator's dev environment holds, by key, sorted. */
function held(): { certificates: string[]; hostnames: string[] } {
  const keys = (items: object[], field: string) => items.map((item) => (item as Record<string, string>)[field]).sort();
  return {
    certificates: keys(emulator.service.listCertificates("dev"), "name"),
    hostnames: keys(emulator.service.listHostnames("dev"), "hostname"),
  };
}

function routing(hostname: string): { product: string; certname: string } | undefined {
  const found = emulator.service.listHostnames("dev").find((item) => (item as { hostname: string }).hostname === hostname) as
    | { product: string; certname: string }
    | undefined;
  return found && { product: found.product, certname: found.certname };
}

function sorted(hosts: readonly HostSpec[]): string[] {
  return hosts.map((host) => host.hostname).sort();
}

function pemBody(pem: string): string {
  return pem.split("\n").filter((line) => line && !line.startsWith("-----")).join("");
}
