/**
 * A small cdktf app shaped like this project's stacks, for testing the review tools against real terraform:
 * virtual hosts as `terraform_data` keyed by hostname and certificate name, secrets in sensitive variables,
 * and optionally a PingOne stack whose provider cannot be installed offline.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, DataResource, Fn, LocalBackend, ref, TerraformStack, TerraformVariable } from "cdktf";
import { INPUT_KEYS as K, RESOURCE_NAMES } from "../../driver/consts";
import { PingoneProvider } from "../../.gen/providers/pingone/provider";
import { Resource } from "../../.gen/providers/pingone/resource";
import { runTerraform, TerraformResult } from "../../tools/terraform";

export interface FixtureHostname {
  readonly hostname: string;
  readonly product: string;
  readonly certname: string;
}

export interface FixtureCertificate {
  readonly name: string;
  readonly sha256_fingerprint: string;
  readonly not_after: string;
}

export interface FixtureStack {
  readonly name: string;
  readonly certificates?: readonly FixtureCertificate[];
  readonly hostnames?: readonly FixtureHostname[];
  /**
   * A PingOne resource, which needs the pingone provider: terraform init cannot install it offline.
   * @default false
   */
  readonly pingone?: boolean;
  /**
   * The sensitive variable the hostnames' client secret comes from; only the default one has a TF_VAR value.
   * @default CLIENT_SECRET_VARIABLE
   */
  readonly clientSecretVariable?: string;
}

export interface Fixture {
  readonly dir: string;
  readonly outdir: string;
  /** Secrets the stacks read from sensitive variables, generated per fixture; tests search output for them. */
  readonly secrets: { readonly clientSecret: string; readonly privateKey: string };
  /** TF_VAR_* for the secrets. */
  readonly env: NodeJS.ProcessEnv;
  synth(stacks: readonly FixtureStack[]): void;
  terraform(stack: string, args: readonly string[]): Promise<TerraformResult>;
  remove(): void;
}

export const CLIENT_SECRET_VARIABLE = "p1as_client_secret";
export const PRIVATE_KEY_VARIABLE = "p1as_private_key";

export function createFixture(): Fixture {
  const dir = mkdtempSync(path.join(tmpdir(), "p1as-plan-fixture-"));
  const outdir = path.join(dir, "cdktf.out");
  const secrets = {
    clientSecret: `fixture-secret-${Math.random().toString(36).slice(2)}`,
    privateKey: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
  const env = { [`TF_VAR_${CLIENT_SECRET_VARIABLE}`]: secrets.clientSecret, [`TF_VAR_${PRIVATE_KEY_VARIABLE}`]: secrets.privateKey };
  return {
    dir,
    outdir,
    secrets,
    env,
    synth: (stacks) => synthFixture(outdir, dir, stacks),
    terraform: (stack, args) => runTerraform(args, { cwd: path.join(outdir, "stacks", stack), env }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function synthFixture(outdir: string, stateDir: string, stacks: readonly FixtureStack[]): void {
  const app = new App({ outdir });
  for (const spec of stacks) {
    const stack = new TerraformStack(app, spec.name);
    // State outside cdktf.out so a re-synth of the next "commit" plans against what the last apply left.
    new LocalBackend(stack, { path: path.join(stateDir, `${spec.name}.tfstate`) });
    if (spec.certificates) addCertificates(stack, spec.certificates);
    if (spec.hostnames) addHostnames(stack, spec.hostnames, spec.clientSecretVariable ?? CLIENT_SECRET_VARIABLE);
    if (spec.pingone) {
      new PingoneProvider(stack, "pingone", {});
      new Resource(stack, "admin_api", { environmentId: "00000000-0000-0000-0000-000000000000", name: "P1AS admin API" });
    }
  }
  app.synth();
}

/**
 * The same four records per stack as constructs/virtual-hosts (names, keys, replace triggers), without the
 * provisioners. Unlike the real construct this one puts secrets into `input`, as a careless construct would:
 * terraform_data echoes `input` into an unmarked `output`, so the summary's own masking must catch them.
 */
function addCertificates(stack: TerraformStack, certificates: readonly FixtureCertificate[]): void {
  const privateKey = new TerraformVariable(stack, PRIVATE_KEY_VARIABLE, { type: "string", sensitive: true });
  const map = Object.fromEntries(certificates.map((certificate) => [certificate.name, certificate]));
  const certificate = record(stack, RESOURCE_NAMES.certificate, map, { [K.name]: "${each.value.name}" }, { private_key: privateKey.value });
  record(
    stack,
    RESOURCE_NAMES.certificateContent,
    map,
    { [K.sha256Fingerprint]: "${each.value.sha256_fingerprint}", [K.notAfter]: "${each.value.not_after}" },
    {},
    [certificate],
  );
}

function addHostnames(stack: TerraformStack, hostnames: readonly FixtureHostname[], secretVariable: string): void {
  const clientSecret = new TerraformVariable(stack, secretVariable, { type: "string", sensitive: true });
  const map = Object.fromEntries(hostnames.map((hostname) => [hostname.hostname, hostname]));
  const hostname = record(stack, RESOURCE_NAMES.hostname, map, { [K.hostname]: "${each.value.hostname}" }, { client_secret: clientSecret.value });
  record(stack, RESOURCE_NAMES.hostnameRouting, map, { [K.product]: "${each.value.product}", [K.certname]: "${each.value.certname}" }, {}, [hostname]);
}

function record(
  stack: TerraformStack,
  name: string,
  forEach: Record<string, object>,
  triggersReplace: Record<string, string>,
  extraInput: Record<string, string>,
  dependsOn: DataResource[] = [],
): DataResource {
  const resource = new DataResource(stack, name, { triggersReplace, dependsOn });
  resource.overrideLogicalId(name);
  resource.addOverride("for_each", forEach);
  resource.addOverride("input", Fn.merge([ref("each.value"), extraInput]));
  return resource;
}

/** `init` and `apply` one fixture stack; fails the test with terraform's error when either fails. */
export async function applyFixtureStack(fixture: Fixture, stack: string): Promise<void> {
  for (const args of [
    ["init", "-input=false", "-no-color"],
    ["apply", "-auto-approve", "-input=false", "-no-color"],
  ]) {
    const result = await fixture.terraform(stack, args);
    if (result.exitCode !== 0) throw new Error(`terraform ${args[0]} ${stack} failed:\n${result.stderr}`);
  }
}
