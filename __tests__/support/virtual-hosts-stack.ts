/**
 * One virtual-hosts stack as data, for the reliability suites (fault matrix, interruption, secret hygiene):
 * a `StackSpec` says which certificates (by name and content version) and hostnames are desired; the
 * same spec builds the stack and is what "converged" is checked against in the emulator.
 * Certificates are generated at run time into a temporary directory, never committed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { SelfServiceCredentials } from "../../constructs/credentials";
import { Certificate, Hostname, VirtualHosts, VirtualHostsProps } from "../../constructs/virtual-hosts";
import { RunningEmulator } from "../../emulator/start";
import { P1asEnvironment, Product } from "../../p1as/facts";
import { makeCertificate } from "./certs";

export interface CertificateSpec {
  readonly name: string;
  /** Which generated key pair the certificate holds; a new version is a content rotation. @default 1 */
  readonly version?: number;
  /** Key from a sensitive variable (TF_VAR_<name>_key) instead of a file. @default false */
  readonly keyFromVariable?: boolean;
}

export interface HostnameSpec {
  readonly hostname: string;
  readonly product: Product;
  readonly certname: string;
}

export interface StackSpec {
  readonly certificates: readonly CertificateSpec[];
  readonly hostnames: readonly HostnameSpec[];
}

export interface StackFixtureOptions {
  readonly emulator: RunningEmulator;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Small provider timings keep failing scenarios fast. */
  readonly timings: Pick<VirtualHostsProps, "pollIntervalMs" | "readyTimeoutMs" | "requestTimeoutMs">;
  /** @default "dev" */
  readonly environment?: P1asEnvironment;
  /** The provider's api_contract. @default "discover" (the provider reads the emulator's mode from its OpenAPI document) */
  readonly apiContract?: VirtualHostsProps["apiContract"];
}

export interface StackFixture {
  readonly stackId: string;
  /**
   * Builds the stack for `spec` (for `apply()` from terraform-apply.ts).
   * @param addBackend gives the stack a state backend @default - local state next to the stack (apply() adds it)
   */
  build(spec: StackSpec, addBackend?: (stack: TerraformStack) => void): (app: App) => TerraformStack;
  /** What terraform's environment needs: the client secret's variable and TF_VAR_* of every variable-held private key. */
  env(): NodeJS.ProcessEnv;
  /** The PEM pair of a certificate version (generated once, on first use). */
  pem(name: string, version?: number): { fullchain: string; privkey: string; fingerprint: string };
  /**
   * What the emulator holds, in spec form plus status, sorted by key. The fingerprint is the stored one:
   * in the confirmed contract the API's list does not show it.
   */
  held(): {
    certificates: { name: string; fingerprint: string; status: string }[];
    hostnames: (HostnameSpec & { status: string })[];
  };
  /** What the emulator must hold for `spec`, in the same form as held() with every status complete. */
  expected(spec: StackSpec): ReturnType<StackFixture["held"]>;
  remove(): void;
}

/** The environment variable the provider reads the client secret from. */
export const SECRET_ENV = "P1AS_DEV_CLIENT_SECRET";

export function stackFixture(options: StackFixtureOptions): StackFixture {
  const environment = options.environment ?? "dev";
  const stackId = `p1as-${environment}`;
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-reliability-certs-"));
  const pems = new Map<string, { fullchain: string; privkey: string; fingerprint: string }>();
  const variableKeys = new Map<string, string>();

  const pem = (name: string, version = 1) => {
    const id = `${name}-v${version}`;
    let found = pems.get(id);
    if (!found) {
      const made = makeCertificate({ commonName: `*.${name}.acme.example` });
      found = { fullchain: made.fullchain, privkey: made.privkey, fingerprint: made.fingerprint };
      pems.set(id, found);
      fs.writeFileSync(path.join(certDir, `${id}.pem`), made.fullchain);
      fs.writeFileSync(path.join(certDir, `${id}.key`), made.privkey, { mode: 0o600 });
    }
    return found;
  };

  const build = (spec: StackSpec, addBackend?: (stack: TerraformStack) => void) => (app: App) => {
    const stack = new TerraformStack(app, stackId);
    addBackend?.(stack);
    const credentials = SelfServiceCredentials.fromEnvironment(stack, {
      clientId: options.clientId,
      clientSecretEnv: SECRET_ENV,
      tokenUrl: options.emulator.tokenUrl(),
    });
    const vh = new VirtualHosts(stack, "virtual-hosts", {
      credentials,
      apiUrl: options.emulator.apiUrl(environment),
      apiContract: options.apiContract,
      ...options.timings,
    });
    const byName = new Map<string, Certificate>();
    for (const certificate of spec.certificates) {
      const version = certificate.version ?? 1;
      pem(certificate.name, version);
      const files = path.join(certDir, `${certificate.name}-v${version}`);
      let privateKey: { privateKeyFile: string } | { privateKeyVariable: TerraformVariable };
      if (certificate.keyFromVariable) {
        const variableName = `${certificate.name.replace(/-/g, "_")}_key`;
        const variable = new TerraformVariable(stack, variableName, { type: "string", sensitive: true });
        variable.addOverride("ephemeral", true);
        variableKeys.set(`TF_VAR_${variableName}`, pem(certificate.name, version).privkey);
        privateKey = { privateKeyVariable: variable };
      } else {
        privateKey = { privateKeyFile: `${files}.key` };
      }
      byName.set(
        certificate.name,
        new Certificate(vh, certificate.name, { name: certificate.name, fullchainFile: `${files}.pem`, ...privateKey }),
      );
    }
    for (const host of spec.hostnames) {
      const certificate =
        byName.get(host.certname) ?? Certificate.fromCertificateName(vh, `imported-${host.certname}`, host.certname);
      new Hostname(vh, host.hostname, { hostname: host.hostname, product: host.product, certificate });
    }
    return stack;
  };

  const held = () => {
    const stored = options.emulator.service.snapshot().environments[environment]?.certificates ?? [];
    const fingerprintOf = (name: string) =>
      stored.find((certificate) => certificate.name === name)?.sha256Fingerprint ?? "";
    const certificates = (options.emulator.service.listCertificates(environment) as Record<string, string>[])
      .map((item) => ({ name: item.name, fingerprint: fingerprintOf(item.name), status: item.status }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const hostnames = (options.emulator.service.listHostnames(environment) as Record<string, string>[])
      .map((item) => ({
        hostname: item.hostname,
        product: item.product as Product,
        certname: item.certname,
        status: item.status,
      }))
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
    return { certificates, hostnames };
  };

  const expected = (spec: StackSpec) => ({
    certificates: spec.certificates
      .map((certificate) => ({
        name: certificate.name,
        fingerprint: pem(certificate.name, certificate.version).fingerprint,
        status: "complete",
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    hostnames: spec.hostnames
      .map((host) => ({ ...host, status: "complete" }))
      .sort((a, b) => a.hostname.localeCompare(b.hostname)),
  });

  return {
    stackId,
    build,
    env: () => ({ [SECRET_ENV]: options.clientSecret, ...Object.fromEntries(variableKeys) }),
    pem,
    held,
    expected,
    remove: () => fs.rmSync(certDir, { recursive: true, force: true }),
  };
}
