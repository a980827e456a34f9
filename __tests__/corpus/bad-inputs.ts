/**
 * The bad-input corpus: malformed configs and construct props, each with the path and the reason synth
 * must report. Data only; __tests__/bad-input-corpus.test.ts runs every entry through real synth with
 * the emulator listening, and the property test reuses the fixtures.
 *
 * Paths are exact. A config-level problem is reported at its config path (`environments[0].name`); a
 * problem only a construct can see (file contents: expiry, key type, key match) is reported at the
 * construct's path plus the field, since the config check never reads certificate files.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, TerraformVariable } from "cdktf";
import { SelfServiceCredentials } from "../../constructs/credentials";
import { AdminApiResource } from "../../constructs/pingone/admin-api-resource";
import { OrchestrationClient } from "../../constructs/pingone/orchestration-client";
import { RoleAttributes } from "../../constructs/pingone/role-attributes";
import { Certificate, Hostname, VirtualHosts } from "../../constructs/virtual-hosts";
import { makeCertificate } from "../support/certs";

/** The categories issue 6 names; the suite checks every one has entries. */
export const CATEGORIES = [
  "hostname",
  "product",
  "certificate",
  "duplicate",
  "role",
  "environment",
  "region",
  "environment-id",
  "credentials",
  "injection",
  "url",
  "file",
  "state",
  "inventory",
  "json",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const PINGONE_ENVIRONMENT_ID = "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b";

/** Generated certificate files, by what is wrong with them. */
export const CERTIFICATE_FILES = {
  validChain: "valid.pem",
  validKey: "valid.key",
  otherKey: "other.key",
  expiredChain: "expired.pem",
  expiredKey: "expired.key",
  ecChain: "ec.pem",
  ecKey: "ec.key",
  weakChain: "weak.pem",
  weakKey: "weak.key",
  reversedChain: "reversed.pem",
  garbage: "garbage.pem",
  corruptChain: "corrupt.pem",
  encryptedKey: "encrypted.key",
  ed25519Key: "ed25519.key",
  chainWithKey: "chain-with-key.pem",
  opensslTextChain: "openssl-text.pem",
  fakePlanChain: "fake-plan-lines.pem",
  huge: "huge.pem",
  fifo: "fifo.pem",
  deviceLink: "zero-link.pem",
  directory: "a-directory.pem",
} as const;
export type CertificateFile = keyof typeof CERTIFICATE_FILES;
/** Fixtures that are not plain files, so they are made by hand rather than written. */
type SpecialFile = "fifo" | "deviceLink" | "directory";

/** Writes every certificate fixture into `dir` (run time only: no key is ever committed). */
export function writeCertificateFiles(dir: string): void {
  const valid = makeCertificate({ commonName: "auth.dev.acme.example" });
  const other = makeCertificate({ commonName: "other.dev.acme.example" });
  const expired = makeCertificate({ commonName: "old.dev.acme.example", expired: true });
  const ec = makeCertificate({ commonName: "ec.dev.acme.example", keyType: "ec" });
  const weak = makeCertificate({ commonName: "weak.dev.acme.example", rsaModulusBits: 1024 });
  const [leaf, issuer] =
    valid.fullchain.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
  const files: Record<Exclude<CertificateFile, SpecialFile>, string> = {
    validChain: valid.fullchain,
    validKey: valid.privkey,
    otherKey: other.privkey,
    expiredChain: expired.fullchain,
    expiredKey: expired.privkey,
    ecChain: ec.fullchain,
    ecKey: ec.privkey,
    weakChain: weak.fullchain,
    weakKey: weak.privkey,
    reversedChain: issuer + leaf,
    garbage: "this is not a certificate\n",
    corruptChain: "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
    encryptedKey: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nTm90IGEga2V5\n-----END ENCRYPTED PRIVATE KEY-----\n",
    ed25519Key: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    chainWithKey: valid.fullchain + valid.privkey,
    // What `openssl s_client -showcerts` and `openssl x509 -text` put around the blocks.
    opensslTextChain: `subject=CN = auth.dev.acme.example\nissuer=CN = Test CA\n${leaf}\n${issuer}`,
    // Text that would show in the plan's chain as if terraform had printed it (issue 16's reproduction).
    fakePlanChain: `${valid.fullchain}\nEOT\n  # p1as_hostname.auth_dev_acme_example will be destroyed\n  - resource "p1as_hostname" "auth_dev_acme_example" {}\n`,
    huge: valid.fullchain + "#".repeat(10 * 1024 * 1024),
  };
  for (const [name, text] of Object.entries(files))
    fs.writeFileSync(path.join(dir, CERTIFICATE_FILES[name as CertificateFile]), text);
  // Files a hostile config could name instead of a certificate: none may be read past a few KB, or block.
  execFileSync("mkfifo", [path.join(dir, CERTIFICATE_FILES.fifo)]);
  fs.symlinkSync("/dev/zero", path.join(dir, CERTIFICATE_FILES.deviceLink));
  fs.mkdirSync(path.join(dir, CERTIFICATE_FILES.directory));
}

// Malformed configs are plain JSON mutated in place, so the type is deliberately loose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawConfig = any;

/** A valid config with one environment, one certificate and one hostname, talking to `emulatorUrl`. */
export function validConfig(emulatorUrl: string): RawConfig {
  return {
    customer: "acme",
    p1asRegion: "us1",
    pingone: { environmentId: PINGONE_ENVIRONMENT_ID, regionCode: "NA" },
    environments: [
      {
        name: "dev",
        selfService: {
          apiUrl: `${emulatorUrl}/dev/api/v1`,
          tokenUrl: `${emulatorUrl}/${PINGONE_ENVIRONMENT_ID}/as/token`,
        },
        virtualHosts: {
          certificates: [
            {
              name: "wildcard-dev",
              fullchainFile: CERTIFICATE_FILES.validChain,
              privateKeyFile: CERTIFICATE_FILES.validKey,
            },
          ],
          hostnames: [{ hostname: "auth.dev.acme.example", product: "pingfederate-engines", certname: "wildcard-dev" }],
        },
      },
    ],
  };
}

/**
 * `field` is absent when `path` is a config path (the error lists `<path>: <reason>`), and present
 * when a construct reports it (`error.path` is the construct path, `error.field` the prop).
 */
interface Expectation {
  readonly name: string;
  readonly category: Category;
  readonly path: string;
  readonly field?: string;
  readonly reason: string;
}

export interface BadConfig extends Expectation {
  readonly breakIt: (config: RawConfig) => void;
  /** The state inventory written next to the config (`<config>.inventory.json`). @default - none: synth starts one */
  readonly inventory?: object;
  /** Edits the config's JSON text after it is written, for what a parsed object cannot hold (duplicate keys). @default - none */
  readonly editText?: (text: string) => string;
}

export interface PropsScope {
  readonly stack: TerraformStack;
  readonly virtualHosts: VirtualHosts;
  readonly file: (name: CertificateFile) => string;
  readonly tokenUrl: string;
}

export interface BadProps extends Expectation {
  readonly field: string;
  readonly build: (scope: PropsScope) => void;
}

const ENV = "environments[0]";
/** A client id in PingOne's shape, for entries that break something else. */
const CLIENT_ID = "b6c1e2d3-0000-4000-8000-000000000001";
const AUDIT_CLIENT_ID = "b6c1e2d3-0000-4000-8000-0000000a0d17";
/** Explicit credentials: the write client and the read-only one. */
const CREDENTIALS = { clientId: CLIENT_ID, audit: { clientId: AUDIT_CLIENT_ID } };
/**
 * A scratch folder with `real/` and a symlink `alias -> real`, for state paths that differ only by a
 * symlink. Made at load time: the entries are data, and the folder must exist before a config names it.
 */
const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), "corpus-scratch-"));
fs.mkdirSync(path.join(SCRATCH, "real"));
fs.symlinkSync(path.join(SCRATCH, "real"), path.join(SCRATCH, "alias"));
// Dangling until terraform creates the state it points to: terraform writes through it.
fs.symlinkSync(path.join(SCRATCH, "real", "d.tfstate"), path.join(SCRATCH, "dangling.tfstate"));
const HOSTNAME = `${ENV}.virtualHosts.hostnames[0].hostname`;
const CERTIFICATE = "p1as-dev/virtual-hosts/certificates/wildcard-dev";
/** Where the config names the certificate's files: a file that can't be read is refused there, before any construct. */
const CONFIG_CERTIFICATE = "environments[dev].virtualHosts.certificates[0]";

const env = (c: RawConfig) => c.environments[0];
/** A second stack with explicit credentials and no virtual hosts, on the given backend. */
const secondEnvironment = (backend: object) => ({ name: "prod", credentials: CREDENTIALS, backend });
const hostname = (c: RawConfig) => env(c).virtualHosts.hostnames[0];
const certificate = (c: RawConfig) => env(c).virtualHosts.certificates[0];
const setHostname = (value: unknown) => (c: RawConfig) => (hostname(c).hostname = value);
const setCertificate = (fields: object) => (c: RawConfig) => Object.assign(certificate(c), fields);

export const BAD_CONFIGS: readonly BadConfig[] = [
  // hostnames
  {
    category: "hostname",
    name: "a hostname in upper case",
    breakIt: setHostname("Auth.dev.acme.example"),
    path: HOSTNAME,
    reason: "must be lowercase",
  },
  {
    category: "hostname",
    name: "a hostname with a trailing dot",
    breakIt: setHostname("auth.dev.acme.example."),
    path: HOSTNAME,
    reason: "must not start or end with '.'",
  },
  {
    category: "hostname",
    name: "a hostname over 253 characters",
    breakIt: setHostname(`${"a".repeat(60)}.`.repeat(4) + "acme.example"),
    path: HOSTNAME,
    reason: "must be at most 253 characters (got 256)",
  },
  {
    category: "hostname",
    name: "a hostname with an empty label",
    breakIt: setHostname("auth..acme.example"),
    path: HOSTNAME,
    reason: "contain '..'",
  },
  {
    category: "hostname",
    name: "a wildcard hostname",
    breakIt: setHostname("*.dev.acme.example"),
    path: HOSTNAME,
    reason: "must not be a wildcard ('*')",
  },
  {
    category: "hostname",
    name: "a hostname with a space",
    breakIt: setHostname("auth dev.acme.example"),
    path: HOSTNAME,
    reason: "may contain only letters a-z, digits, '-' and '.'",
  },
  {
    category: "hostname",
    name: "a unicode hostname",
    breakIt: setHostname("bücher.acme.example"),
    path: HOSTNAME,
    reason: "is an internationalised name: write it in punycode, as xn--bcher-kva.acme.example",
  },
  {
    category: "hostname",
    name: "a hostname with one label",
    breakIt: setHostname("auth"),
    path: HOSTNAME,
    reason: "fully qualified name with at least two labels",
  },
  {
    category: "hostname",
    name: "a hostname label over 63 characters",
    breakIt: setHostname(`${"a".repeat(64)}.acme.example`),
    path: HOSTNAME,
    reason: "each label (part between dots) must be at most 63 characters",
  },
  {
    category: "hostname",
    name: "a hostname label starting with '-'",
    breakIt: setHostname("-auth.acme.example"),
    path: HOSTNAME,
    reason: "each label must start and end with a letter or digit",
  },
  {
    category: "hostname",
    name: "an empty hostname",
    breakIt: setHostname(""),
    path: HOSTNAME,
    reason: "must not be empty",
  },
  {
    category: "hostname",
    name: "a hostname that is a number",
    breakIt: setHostname(42),
    path: HOSTNAME,
    reason: "Expected string, received number",
  },
  // products
  {
    category: "product",
    name: "an unknown product",
    breakIt: (c) => (hostname(c).product = "pingone"),
    path: `${ENV}.virtualHosts.hostnames[0].product`,
    reason: "Expected 'pingaccess-engines' | 'pingaccess-agents'",
  },
  {
    category: "product",
    name: "a product in upper case",
    breakIt: (c) => (hostname(c).product = "PingFederate-Engines"),
    path: `${ENV}.virtualHosts.hostnames[0].product`,
    reason: "received 'PingFederate-Engines'",
  },
  {
    category: "product",
    name: "a missing product",
    breakIt: (c) => delete hostname(c).product,
    path: `${ENV}.virtualHosts.hostnames[0].product`,
    reason: "Required",
  },
  // certificates
  {
    category: "certificate",
    name: "a certname no certificate declares",
    breakIt: (c) => (hostname(c).certname = "wildcard-prod"),
    path: `${ENV}.virtualHosts.hostnames[0].certname`,
    reason: 'refers to certificate "wildcard-prod", which is not declared',
  },
  {
    category: "certificate",
    name: "a fullchain file that does not exist",
    breakIt: setCertificate({ fullchainFile: "absent.pem" }),
    path: CONFIG_CERTIFICATE,
    field: "fullchainFile",
    reason: "absent.pem does not exist",
  },
  {
    category: "certificate",
    name: "a private key file that does not exist",
    breakIt: setCertificate({ privateKeyFile: "absent.key" }),
    path: CONFIG_CERTIFICATE,
    field: "privateKeyFile",
    reason: "absent.key does not exist",
  },
  {
    category: "certificate",
    name: "an expired certificate",
    breakIt: setCertificate({
      fullchainFile: CERTIFICATE_FILES.expiredChain,
      privateKeyFile: CERTIFICATE_FILES.expiredKey,
    }),
    path: CERTIFICATE,
    field: "fullchainFile",
    reason: "leaf certificate expired on",
  },
  {
    category: "certificate",
    name: "an EC certificate",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.ecChain, privateKeyFile: CERTIFICATE_FILES.ecKey }),
    path: CERTIFICATE,
    field: "fullchainFile",
    reason: "leaf certificate has an EC key: P1AS self-service does not support EC certificates",
  },
  {
    category: "certificate",
    name: "an EC key with an RSA certificate",
    breakIt: setCertificate({ privateKeyFile: CERTIFICATE_FILES.ecKey }),
    path: CERTIFICATE,
    field: "privateKeyFile",
    reason: "is an EC key: P1AS self-service does not support EC certificates",
  },
  {
    category: "certificate",
    name: "a key that does not match the chain",
    breakIt: setCertificate({ privateKeyFile: CERTIFICATE_FILES.otherKey }),
    path: CERTIFICATE,
    field: "privateKeyFile",
    reason: "does not match the leaf certificate of fullchain",
  },
  {
    category: "certificate",
    name: "a fullchain of PEM garbage",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.garbage }),
    path: CERTIFICATE,
    field: "fullchainFile",
    reason: "must hold at least one PEM 'BEGIN CERTIFICATE' block",
  },
  {
    category: "certificate",
    name: "a chain with openssl's subject and issuer lines before its blocks",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.opensslTextChain }),
    path: CERTIFICATE,
    field: "fullchainFile",
    reason: `${CERTIFICATE_FILES.opensslTextChain}": must hold only PEM blocks: lines 1 and 2 hold text outside them (it would show in plans as if terraform had printed it); keep only the BEGIN CERTIFICATE to END CERTIFICATE blocks`,
  },
  {
    category: "certificate",
    name: "a PEM block that is not a certificate",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.corruptChain }),
    path: CERTIFICATE,
    field: "fullchainFile",
    reason: "certificate #1 is not a parseable X.509 certificate",
  },
  {
    category: "certificate",
    name: "a private key of PEM garbage",
    breakIt: setCertificate({ privateKeyFile: CERTIFICATE_FILES.garbage }),
    path: CERTIFICATE,
    field: "privateKeyFile",
    reason: "must be a PEM private key block (type PRIVATE KEY or RSA PRIVATE KEY)",
  },
  {
    category: "certificate",
    name: "an encrypted private key",
    breakIt: setCertificate({ privateKeyFile: CERTIFICATE_FILES.encryptedKey }),
    path: CERTIFICATE,
    field: "privateKeyFile",
    reason: "must not be encrypted",
  },
  {
    category: "certificate",
    name: "an RSA key under 2048 bits",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.weakChain, privateKeyFile: CERTIFICATE_FILES.weakKey }),
    path: CERTIFICATE,
    field: "privateKeyFile",
    reason: "RSA key must be at least 2048 bits (got 1024)",
  },
  {
    category: "certificate",
    name: "a chain with the issuer first",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.reversedChain }),
    path: CERTIFICATE,
    field: "fullchainFile",
    reason: "certificate #1 is not issued by certificate #2; order the chain leaf first",
  },
  {
    category: "certificate",
    name: "a certificate with both key sources",
    breakIt: setCertificate({ privateKeyVariable: "dev_key" }),
    path: `${ENV}.virtualHosts.certificates[0]`,
    reason: "needs exactly one of privateKeyFile or privateKeyVariable (got both)",
  },
  {
    category: "certificate",
    name: "a certificate with no key",
    breakIt: (c) => delete certificate(c).privateKeyFile,
    path: `${ENV}.virtualHosts.certificates[0]`,
    reason: "(got neither)",
  },
  {
    category: "certificate",
    name: "a certificate name with an underscore",
    breakIt: (c) => {
      certificate(c).name = "wildcard_dev";
      hostname(c).certname = "wildcard_dev";
    },
    path: `${ENV}.virtualHosts.certificates[0].name`,
    reason: "may contain only letters a-z, digits, '-' and '.'",
  },
  // duplicates
  {
    category: "duplicate",
    name: "a duplicate hostname",
    breakIt: (c) => env(c).virtualHosts.hostnames.push({ ...hostname(c), product: "pingaccess-engines" }),
    path: `${ENV}.virtualHosts.hostnames[1].hostname`,
    reason: 'duplicate hostname "auth.dev.acme.example" (already at index 0)',
  },
  {
    category: "duplicate",
    name: "a hostname repeated in another case",
    breakIt: (c) => env(c).virtualHosts.hostnames.push({ ...hostname(c), hostname: "AUTH.dev.acme.example" }),
    path: `${ENV}.virtualHosts.hostnames[1].hostname`,
    reason: "duplicate hostname",
  },
  {
    category: "duplicate",
    name: "a duplicate certificate name",
    breakIt: (c) => env(c).virtualHosts.certificates.push({ ...certificate(c) }),
    path: `${ENV}.virtualHosts.certificates[1].name`,
    reason: 'duplicate certificate name "wildcard-dev"',
  },
  {
    category: "credentials",
    name: "a key variable of another environment",
    breakIt: (c) => {
      certificate(c).privateKeyVariable = "p1as_prod_wildcard_key";
      delete certificate(c).privateKeyFile;
    },
    path: `${ENV}.virtualHosts.certificates[0].privateKeyVariable`,
    reason: "must start with p1as_dev_: an environment reads only its own secrets",
  },
  // roles
  {
    category: "role",
    name: "a role that does not exist",
    breakIt: (c) => (env(c).groups = ["dev-tls-root"]),
    path: `${ENV}.groups[0]`,
    reason: "is not a self-service role of environment dev; allowed: dev-tls-admin, dev-tls-audit",
  },
  {
    category: "role",
    name: "an all-environment role without the opt-in",
    breakIt: (c) => (env(c).groups = ["all-tls-admin"]),
    path: `${ENV}.groups[0]`,
    reason:
      "is a role of every environment: a client holding it acts on all of them, past their own approvals; set allowAllEnvironmentRoles: true",
  },
  {
    category: "role",
    name: "another environment's role",
    breakIt: (c) => (env(c).groups = ["dev-tls-admin", "prod-tls-admin"]),
    path: `${ENV}.groups[1]`,
    reason: "is not a self-service role of environment dev",
  },
  {
    category: "role",
    name: "a role listed twice",
    breakIt: (c) => (env(c).groups = ["dev-tls-audit", "dev-tls-audit"]),
    path: `${ENV}.groups[1]`,
    reason: 'duplicate role "dev-tls-audit"',
  },
  {
    category: "role",
    name: "no role at all",
    breakIt: (c) => (env(c).groups = []),
    path: `${ENV}.groups`,
    reason: "must hold at least one self-service role",
  },
  {
    category: "role",
    name: "an archived role that no attribute has",
    breakIt: (c) => (c.pingone.roleAttributes = { archivedRoles: ["dev-pf-root"] }),
    path: "pingone.roleAttributes.archivedRoles[0]",
    reason: '"dev-pf-root" is not a role of any P1AS attribute',
  },
  // environments
  {
    category: "environment",
    name: "an unknown environment",
    breakIt: (c) => (env(c).name = "qa"),
    path: `${ENV}.name`,
    reason: "Expected 'dev' | 'test' | 'stage' | 'prod', received 'qa'",
  },
  {
    category: "environment",
    name: "an environment in upper case",
    breakIt: (c) => (env(c).name = "DEV"),
    path: `${ENV}.name`,
    reason: "received 'DEV'",
  },
  {
    category: "environment",
    name: "a retired environment that never existed",
    breakIt: (c) => (c.pingone.roleAttributes = { retiredEnvironments: ["qa"] }),
    path: "pingone.roleAttributes.retiredEnvironments[0]",
    reason: "received 'qa'",
  },
  {
    category: "environment",
    name: "an environment listed twice",
    breakIt: (c) => c.environments.push({ name: "dev", backend: { type: "local", path: "other.tfstate" } }),
    path: "environments[1].name",
    reason: 'duplicate environment "dev" (already at index 0)',
  },
  {
    category: "environment",
    name: "no environment",
    breakIt: (c) => (c.environments = []),
    path: "environments",
    reason: "must list at least one P1AS environment",
  },
  // regions
  {
    category: "region",
    name: "an unknown PingOne region",
    breakIt: (c) => (c.pingone.regionCode = "US"),
    path: "pingone.regionCode",
    reason: "Expected 'NA' | 'EU' | 'CA' | 'AU' | 'SG' | 'AP', received 'US'",
  },
  {
    category: "region",
    name: "a PingOne region in lower case",
    breakIt: (c) => (c.pingone.regionCode = "eu"),
    path: "pingone.regionCode",
    reason: "received 'eu'",
  },
  {
    category: "region",
    name: "a P1AS region that is not a DNS label",
    breakIt: (c) => (c.p1asRegion = "us 1"),
    path: "p1asRegion",
    reason: "may contain only lowercase letters, digits and '-'",
  },
  // PingOne environment ids
  {
    category: "environment-id",
    name: "an environment id that is a name",
    breakIt: (c) => (c.pingone.environmentId = "acme-production"),
    path: "pingone.environmentId",
    reason: "must be a UUID",
  },
  {
    category: "environment-id",
    name: "an environment id without dashes",
    breakIt: (c) => (c.pingone.environmentId = PINGONE_ENVIRONMENT_ID.replace(/-/g, "")),
    path: "pingone.environmentId",
    reason: "must be a UUID",
  },
  {
    category: "environment-id",
    name: "an empty environment id",
    breakIt: (c) => (c.pingone.environmentId = ""),
    path: "pingone.environmentId",
    reason: "must be a UUID",
  },
  // credentials
  {
    category: "credentials",
    name: "an empty client id",
    breakIt: (c) => (env(c).credentials = { ...CREDENTIALS, clientId: "" }),
    path: `${ENV}.credentials.clientId`,
    reason: "must be a UUID",
  },
  {
    category: "credentials",
    name: "a blank client id",
    breakIt: (c) => (env(c).credentials = { ...CREDENTIALS, clientId: "   " }),
    path: `${ENV}.credentials.clientId`,
    reason: "must be a UUID",
  },
  {
    category: "credentials",
    name: "an empty client-secret variable",
    breakIt: (c) => (env(c).credentials = { ...CREDENTIALS, clientSecretEnv: "" }),
    path: `${ENV}.credentials.clientSecretEnv`,
    reason: "must not be empty",
  },
  {
    category: "credentials",
    name: "empty credentials",
    breakIt: (c) => (env(c).credentials = {}),
    path: `${ENV}.credentials.clientId`,
    reason: "Required",
  },
  {
    category: "credentials",
    name: "a client secret written into the config",
    breakIt: (c) => (env(c).credentials = { ...CREDENTIALS, clientSecret: "hunter2" }),
    path: `${ENV}.credentials.clientSecret`,
    reason: "unknown field",
  },
  {
    category: "credentials",
    name: "the Terraform variable of an earlier version",
    breakIt: (c) => (env(c).credentials = { ...CREDENTIALS, clientSecretVariable: "p1as_dev_client_secret" }),
    path: `${ENV}.credentials.clientSecretVariable`,
    reason: "is replaced by clientSecretEnv",
  },
  {
    category: "credentials",
    name: "no read-only client",
    breakIt: (c) => (env(c).credentials = { clientId: CLIENT_ID }),
    path: `${ENV}.credentials.audit`,
    reason: "Required",
  },
  {
    category: "credentials",
    name: "the write client as the read-only client",
    breakIt: (c) => (env(c).credentials = { clientId: CLIENT_ID, audit: { clientId: CLIENT_ID } }),
    path: `${ENV}.credentials.audit.clientId`,
    reason: "is the write client: plans, drift and status must run with a second, read-only client",
  },
  {
    category: "credentials",
    name: "one secret variable for both clients",
    breakIt: (c) =>
      (env(c).credentials = {
        ...CREDENTIALS,
        audit: { clientId: AUDIT_CLIENT_ID, clientSecretEnv: "P1AS_DEV_CLIENT_SECRET" },
      }),
    path: `${ENV}.credentials.audit.clientSecretEnv`,
    reason: "is the write client's variable too (P1AS_DEV_CLIENT_SECRET); the read-only client needs its own",
  },
  {
    category: "credentials",
    name: "another environment's secret variable",
    breakIt: (c) => (env(c).credentials = { ...CREDENTIALS, clientSecretEnv: "P1AS_PROD_CLIENT_SECRET" }),
    path: `${ENV}.credentials.clientSecretEnv`,
    reason: "must start with P1AS_DEV_: an environment reads only its own secrets",
  },
  {
    category: "credentials",
    name: "a secret variable that is not ours",
    breakIt: (c) =>
      (env(c).credentials = {
        ...CREDENTIALS,
        audit: { clientId: AUDIT_CLIENT_ID, clientSecretEnv: "PINGONE_CLIENT_SECRET" },
      }),
    path: `${ENV}.credentials.audit.clientSecretEnv`,
    reason: "must be an environment variable name of upper-case letters, digits and '_' that starts with P1AS_",
  },
  // injection: text that Terraform would evaluate if it were written as code
  {
    category: "injection",
    name: "a client id that closes the string and reads a file",
    breakIt: (c) =>
      (env(c).credentials = { ...CREDENTIALS, clientId: 'x", "exfil" = file("/etc/hostname"), "zz" = "' }),
    path: `${ENV}.credentials.clientId`,
    reason: "must be a UUID",
  },
  {
    category: "injection",
    name: "an API URL that closes the string and reads the environment",
    breakIt: (c) =>
      (env(c).selfService.apiUrl = 'http://127.0.0.1:1/x", "e" = filebase64("/proc/self/environ"), "z" = "'),
    path: `${ENV}.selfService.apiUrl`,
    reason: "must not contain whitespace, quotes, backslashes, braces or control characters",
  },
  {
    category: "injection",
    name: "a token URL with a template sequence",
    breakIt: (c) => (env(c).selfService.tokenUrl = 'https://auth.example/${file("/etc/hostname")}/as/token'),
    path: `${ENV}.selfService.tokenUrl`,
    reason: "must not contain whitespace, quotes, backslashes, braces",
  },
  {
    category: "injection",
    name: "a resource name with a template sequence",
    breakIt: (c) => (env(c).resource = { name: 'api ${file("/etc/hostname")}' }),
    path: `${ENV}.resource.name`,
    reason: "may contain only letters, digits, spaces",
  },
  {
    category: "injection",
    name: "an application name with a template directive",
    breakIt: (c) => (env(c).application = { name: "app %{ if true }x%{ endif }" }),
    path: `${ENV}.application.name`,
    reason: "may contain only letters, digits, spaces",
  },
  {
    category: "injection",
    name: "an audience with a template sequence",
    breakIt: (c) => (env(c).resource = { audience: 'https://api.example/${file("/etc/hostname")}' }),
    path: `${ENV}.resource.audience`,
    reason: "must not contain whitespace, quotes, backslashes, braces",
  },
  {
    category: "injection",
    name: "a cdktf token marker in a name",
    breakIt: (c) => (env(c).application = { name: "${TfToken[TOKEN.1]}" }),
    path: `${ENV}.application.name`,
    reason: "must not contain a cdktf token marker",
  },
  {
    category: "injection",
    name: "a 200,000-character client id",
    breakIt: (c) => (env(c).credentials = { ...CREDENTIALS, clientId: "a".repeat(200_000) }),
    path: `${ENV}.credentials.clientId`,
    reason: "must be at most 4096 characters (got 200000)",
  },
  {
    category: "injection",
    name: "a newline in a name",
    breakIt: (c) => (env(c).application = { name: "app\ncontinued" }),
    path: `${ENV}.application.name`,
    reason: "must not contain control characters",
  },
  {
    category: "injection",
    name: "a client-secret variable with a template sequence",
    breakIt: (c) => (env(c).credentials = { ...CREDENTIALS, clientSecretEnv: 'P1AS_DEV_${file("/etc/hostname")}' }),
    path: `${ENV}.credentials.clientSecretEnv`,
    reason: "must be an environment variable name of upper-case letters",
  },
  {
    category: "injection",
    name: "a key variable named like a Terraform keyword",
    breakIt: (c) => {
      delete certificate(c).privateKeyFile;
      certificate(c).privateKeyVariable = "count";
    },
    path: `${ENV}.virtualHosts.certificates[0].privateKeyVariable`,
    reason: "is reserved (a Terraform keyword)",
  },
  // URLs
  {
    category: "url",
    name: "an API URL on a host of its own",
    breakIt: (c) => (env(c).selfService.apiUrl = "https://capture.example/api/v1"),
    path: `${ENV}.selfService.apiUrl`,
    reason:
      "must be environment dev's self-service API https://self-service-api.dev-acme.us1.ping.cloud/api/v1 or a loopback emulator (127.0.0.1, [::1], localhost); a host on another DNS zone must be listed in the P1AS_ALLOWED_HOSTS environment variable as dev=<host>",
  },
  {
    category: "url",
    name: "another environment's API URL",
    breakIt: (c) => (env(c).selfService.apiUrl = "https://self-service-api.prod-acme.us1.ping.cloud/api/v1"),
    path: `${ENV}.selfService.apiUrl`,
    reason: "must be environment dev's self-service API https://self-service-api.dev-acme.us1.ping.cloud/api/v1",
  },
  {
    category: "url",
    name: "another customer's API URL",
    breakIt: (c) => (env(c).selfService.apiUrl = "https://self-service-api.dev-evil.us1.ping.cloud/api/v1"),
    path: `${ENV}.selfService.apiUrl`,
    reason: "must be environment dev's self-service API",
  },
  {
    category: "url",
    name: "an API URL on another loopback address",
    breakIt: (c) => (env(c).selfService.apiUrl = "https://127.0.0.2:4010/dev/api/v1"),
    path: `${ENV}.selfService.apiUrl`,
    reason: "must be environment dev's self-service API",
  },
  {
    category: "url",
    name: "plain http to another loopback address",
    breakIt: (c) => (env(c).selfService.tokenUrl = `http://127.0.0.2:4010/${PINGONE_ENVIRONMENT_ID}/as/token`),
    path: `${ENV}.selfService.tokenUrl`,
    reason: "must use https (plain http only on loopback: 127.0.0.1, [::1], localhost)",
  },
  {
    category: "url",
    name: "a token URL on a host of its own",
    breakIt: (c) => (env(c).selfService.tokenUrl = `https://auth.capture.example/${PINGONE_ENVIRONMENT_ID}/as/token`),
    path: `${ENV}.selfService.tokenUrl`,
    reason: `must be PingOne's token endpoint https://auth.pingone.com/${PINGONE_ENVIRONMENT_ID}/as/token or a loopback emulator`,
  },
  {
    category: "url",
    name: "another PingOne environment's token URL",
    breakIt: (c) =>
      (env(c).selfService.tokenUrl = "https://auth.pingone.com/00000000-0000-4000-8000-000000000000/as/token"),
    path: `${ENV}.selfService.tokenUrl`,
    reason: `must be PingOne's token endpoint https://auth.pingone.com/${PINGONE_ENVIRONMENT_ID}/as/token`,
  },
  {
    category: "url",
    name: "another region's token URL",
    breakIt: (c) => (env(c).selfService.tokenUrl = `https://auth.pingone.eu/${PINGONE_ENVIRONMENT_ID}/as/token`),
    path: `${ENV}.selfService.tokenUrl`,
    reason: "must be PingOne's token endpoint https://auth.pingone.com/",
  },
  {
    category: "url",
    name: "a plain-http API URL off loopback",
    breakIt: (c) => (env(c).selfService.apiUrl = "http://self-service-api.dev-acme.us1.ping.cloud/api/v1"),
    path: `${ENV}.selfService.apiUrl`,
    reason: "must use https (plain http only on loopback",
  },
  {
    category: "url",
    name: "a token URL with user info",
    breakIt: (c) => (env(c).selfService.tokenUrl = "https://user:pass@auth.pingone.com/x/as/token"),
    path: `${ENV}.selfService.tokenUrl`,
    reason: "must not hold user info",
  },
  {
    category: "url",
    name: "an API URL with a query",
    breakIt: (c) => (env(c).selfService.apiUrl = "https://api.example/api/v1?x=1"),
    path: `${ENV}.selfService.apiUrl`,
    reason: "must not have a query",
  },
  {
    category: "url",
    name: "an API URL with a fragment",
    breakIt: (c) => (env(c).selfService.apiUrl = "https://api.example/api/v1#x"),
    path: `${ENV}.selfService.apiUrl`,
    reason: "must not have a fragment",
  },
  {
    category: "url",
    name: "an API URL over 2048 characters",
    breakIt: (c) => (env(c).selfService.apiUrl = `https://api.example/${"a".repeat(2100)}`),
    path: `${ENV}.selfService.apiUrl`,
    reason: "must be at most 2048 characters",
  },
  {
    category: "hostname",
    name: "an IP address as hostname",
    breakIt: setHostname("127.0.0.1"),
    path: HOSTNAME,
    reason: "must be a DNS name, not an IP address",
  },
  // files a config may name instead of a certificate
  {
    category: "file",
    name: "a fullchain file that is /dev/zero",
    breakIt: setCertificate({ fullchainFile: "/dev/zero" }),
    path: CONFIG_CERTIFICATE,
    field: "fullchainFile",
    reason: "/dev/zero is a character device, not a regular file",
  },
  {
    category: "file",
    name: "a fullchain file that is a FIFO",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.fifo }),
    path: CONFIG_CERTIFICATE,
    field: "fullchainFile",
    reason: "is a FIFO (named pipe), not a regular file",
  },
  {
    category: "file",
    name: "a symlink to a device",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.deviceLink }),
    path: CONFIG_CERTIFICATE,
    field: "fullchainFile",
    reason: "zero-link.pem (resolves to /dev/zero) is a character device",
  },
  {
    category: "file",
    name: "a 10 MB fullchain file",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.huge }),
    path: CONFIG_CERTIFICATE,
    field: "fullchainFile",
    reason: "bytes; a PEM file is a few KB (at most 65536 bytes are read)",
  },
  {
    category: "file",
    name: "a directory as the key file",
    breakIt: setCertificate({ privateKeyFile: CERTIFICATE_FILES.directory }),
    path: CONFIG_CERTIFICATE,
    field: "privateKeyFile",
    reason: "is a directory, not a regular file",
  },
  {
    category: "file",
    name: "a private key inside the fullchain",
    breakIt: setCertificate({ fullchainFile: CERTIFICATE_FILES.chainWithKey }),
    path: CERTIFICATE,
    field: "fullchainFile",
    reason: "must hold only CERTIFICATE blocks (block #3 is a PRIVATE KEY: keep the private key in its own file)",
  },
  {
    category: "file",
    name: "an Ed25519 key",
    breakIt: setCertificate({ privateKeyFile: CERTIFICATE_FILES.ed25519Key }),
    path: CERTIFICATE,
    field: "privateKeyFile",
    reason: "is an Ed25519 key: P1AS self-service accepts RSA keys only",
  },
  // state: no two stacks on one state, and no password in a committed file
  {
    category: "state",
    name: "two local states spelled differently",
    breakIt: (c) => {
      env(c).backend = { type: "local", path: "shared.tfstate" };
      c.environments.push(secondEnvironment({ type: "local", path: "./shared.tfstate" }));
    },
    path: "environments[1].backend",
    reason: "stores state at the same place as environments[0].backend",
  },
  {
    category: "state",
    name: "two local states through a symlinked folder",
    breakIt: (c) => {
      env(c).backend = { type: "local", path: `${SCRATCH}/real/s.tfstate` };
      c.environments.push(secondEnvironment({ type: "local", path: `${SCRATCH}/alias/s.tfstate` }));
    },
    path: "environments[1].backend",
    reason: "stores state at the same place as environments[0].backend",
  },
  {
    category: "state",
    name: "one pg database as a URL and as key=value",
    breakIt: (c) => {
      env(c).backend = { type: "pg", connStr: "postgres://db.example:5432/tf?sslmode=require", schemaName: "shared" };
      c.environments.push(
        secondEnvironment({ type: "pg", connStr: "host=DB.example dbname=tf", schemaName: "shared" }),
      );
    },
    path: "environments[1].backend",
    reason: "stores state at the same place as environments[0].backend (pg:db.example:5432/tf#shared)",
  },
  {
    category: "state",
    name: "one S3 bucket and key in two regions",
    breakIt: (c) => {
      env(c).backend = { type: "s3", bucket: "acme-tf", key: "p1as.tfstate", region: "eu-west-1" };
      c.environments.push(
        secondEnvironment({ type: "s3", bucket: "acme-tf", key: "p1as.tfstate", region: "us-east-1" }),
      );
    },
    path: "environments[1].backend",
    reason: "stores state at the same place as environments[0].backend (s3:acme-tf/p1as.tfstate)",
  },
  {
    category: "state",
    name: "a pg password with spaces around '='",
    breakIt: (c) => (env(c).backend = { type: "pg", connStr: "host=db.example password = hunter2 dbname=tf" }),
    path: `${ENV}.backend.connStr`,
    reason: "must not hold a password (found: password)",
  },
  {
    category: "state",
    name: "a percent-encoded pg password parameter",
    breakIt: (c) => (env(c).backend = { type: "pg", connStr: "postgres://tf@db.example/tf?%70assword=hunter2" }),
    path: `${ENV}.backend.connStr`,
    reason: "must not hold a password (found: password)",
  },
  {
    category: "state",
    name: "a pg password in the URL's user info",
    breakIt: (c) => (env(c).backend = { type: "pg", connStr: "postgresql://tf:hunter2@db.example/tf" }),
    path: `${ENV}.backend.connStr`,
    reason: "must not hold a password (found: password)",
  },
  {
    category: "state",
    name: "a pg SSL key password",
    breakIt: (c) => (env(c).backend = { type: "pg", connStr: "postgres://tf@db.example/tf?sslpassword=hunter2" }),
    path: `${ENV}.backend.connStr`,
    reason: "must not hold a password (found: sslpassword)",
  },
  {
    category: "state",
    name: "a pg connStr naming a root certificate file",
    breakIt: (c) =>
      (env(c).backend = {
        type: "pg",
        connStr: "postgres://tf@db.example/tf?sslmode=verify-full&sslrootcert=/etc/hostname",
      }),
    path: `${ENV}.backend.connStr`,
    reason: "must not name a file (found: sslrootcert)",
  },
  {
    category: "state",
    name: "a pg connStr naming a password file in key=value pairs",
    breakIt: (c) => (env(c).backend = { type: "pg", connStr: "host=db.example dbname=tf passfile='/etc/hostname'" }),
    path: `${ENV}.backend.connStr`,
    reason: "must not name a file (found: passfile)",
  },
  {
    category: "state",
    name: "a percent-encoded pg key file parameter",
    breakIt: (c) => (env(c).backend = { type: "pg", connStr: "postgres://tf@db.example/tf?%73slkey=/etc/hostname" }),
    path: `${ENV}.backend.connStr`,
    reason: "must not name a file (found: sslkey)",
  },
  {
    category: "state",
    name: "one pg database as localhost and as 127.0.0.1",
    breakIt: (c) => {
      env(c).backend = { type: "pg", connStr: "postgres://tf@localhost/tf", schemaName: "shared" };
      c.environments.push(
        secondEnvironment({ type: "pg", connStr: "host=127.0.0.1 user=tf dbname=tf", schemaName: "shared" }),
      );
    },
    path: "environments[1].backend",
    reason: "stores state at the same place as environments[0].backend (pg:localhost:5432/tf#shared)",
  },
  {
    category: "state",
    name: "one pg database named and left to its default",
    breakIt: (c) => {
      env(c).backend = { type: "pg", connStr: "postgres://tf@db.example:5432/tf", schemaName: "shared" };
      c.environments.push(secondEnvironment({ type: "pg", connStr: "postgres://tf@db.example", schemaName: "shared" }));
    },
    path: "environments[1].backend",
    reason: "stores state at the same place as environments[0].backend (pg:db.example:5432/tf#shared)",
  },
  {
    category: "state",
    name: "one pg schema through PG_CONN_STR and through connStr",
    breakIt: (c) => {
      env(c).backend = { type: "pg", connStr: "postgres://tf@db.example/tf", schemaName: "shared" };
      c.environments.push(secondEnvironment({ type: "pg", schemaName: "shared" }));
    },
    path: "environments[1].backend",
    reason:
      "may store state at the same place as environments[0].backend: one of them reads its database from PG_CONN_STR",
  },
  {
    category: "state",
    name: "two local states through a dangling symlink",
    breakIt: (c) => {
      env(c).backend = { type: "local", path: `${SCRATCH}/real/d.tfstate` };
      c.environments.push(secondEnvironment({ type: "local", path: `${SCRATCH}/dangling.tfstate` }));
    },
    path: "environments[1].backend",
    reason: "stores state at the same place as environments[0].backend",
  },
  // the state inventory next to the config
  {
    category: "inventory",
    name: "an inventory stack name that is a path",
    breakIt: () => undefined,
    inventory: { stacks: [{ stack: "../../escaped", backend: { type: "local", path: "escaped.tfstate" } }] },
    path: "stacks[0].stack",
    reason: "received '../../escaped'",
  },
  {
    category: "inventory",
    name: "an inventory stack name with a space",
    breakIt: () => undefined,
    inventory: { stacks: [{ stack: "p1as dev", environment: "dev", backend: { type: "local", path: "dev.tfstate" } }] },
    path: "stacks[0].stack",
    reason: "Invalid enum value. Expected 'pingone-directory' | 'p1as-dev'",
  },
  {
    category: "inventory",
    name: "an inventory entry for another environment's stack",
    breakIt: () => undefined,
    inventory: {
      stacks: [{ stack: "p1as-prod", environment: "dev", backend: { type: "local", path: "prod.tfstate" } }],
    },
    path: "stacks[0].environment",
    reason: 'must be "prod", the environment of p1as-prod',
  },
  {
    category: "inventory",
    name: "an inventory backend naming a key file",
    breakIt: () => undefined,
    inventory: {
      stacks: [
        {
          stack: "p1as-prod",
          environment: "prod",
          backend: { type: "pg", connStr: "host=db.example sslkey=/dev/zero", schemaName: "p1as_prod" },
        },
      ],
    },
    path: "stacks[0].backend.connStr",
    reason: "must not name a file (found: sslkey)",
  },
  {
    category: "inventory",
    name: "an inventory entry removed by hand",
    breakIt: () => undefined,
    inventory: {
      sha256: "0".repeat(64),
      stacks: [
        { stack: "p1as-dev", environment: "dev", backend: { type: "local", path: "terraform.p1as-dev.tfstate" } },
      ],
    },
    path: "sha256",
    reason: "its entries do not match its sha256: an entry was removed or changed by hand",
  },
  {
    category: "inventory",
    name: "an inventory without a retired environment's entries",
    breakIt: (c) => (c.pingone.roleAttributes = { retiredEnvironments: ["prod"] }),
    inventory: {
      stacks: [
        { stack: "p1as-dev", environment: "dev", backend: { type: "local", path: "terraform.p1as-dev.tfstate" } },
      ],
    },
    path: "stacks",
    reason: "no entry for p1as-prod, which pingone.roleAttributes.retiredEnvironments lists",
  },
  {
    category: "state",
    name: "an S3 key starting with '/'",
    breakIt: (c) => (env(c).backend = { type: "s3", bucket: "acme-tf", key: "/p1as.tfstate", region: "eu-west-1" }),
    path: `${ENV}.backend.key`,
    reason: "must not start or end with '/'",
  },
  // JSON
  {
    category: "json",
    name: "a key given twice",
    breakIt: () => undefined,
    editText: (text) => text.replace('"name":"dev"', '"name":"dev","name":"prod"'),
    path: `${ENV}.name`,
    reason: 'duplicate key "name" (line 1, column',
  },
  {
    category: "json",
    name: "a top-level key given twice",
    breakIt: () => undefined,
    editText: (text) => text.replace('"customer":"acme"', '"customer":"acme","customer":"evil"'),
    path: "customer",
    reason: 'duplicate key "customer"',
  },
  // other
  {
    category: "other",
    name: "a self-service API URL that is not a URL",
    breakIt: (c) => (env(c).selfService.apiUrl = "dev/api/v1"),
    path: `${ENV}.selfService.apiUrl`,
    reason: "must be an absolute URL",
  },
  {
    category: "other",
    name: "environments that are an object",
    breakIt: (c) => (c.environments = { dev: env(c) }),
    path: "environments",
    reason: "Expected array, received object",
  },
];

const PROPS_CERTIFICATE = "stack/virtual-hosts/certificate";

export const BAD_PROPS: readonly BadProps[] = [
  {
    category: "hostname",
    name: "Hostname: a wildcard in upper case",
    build: (s) =>
      new Hostname(s.virtualHosts, "auth", {
        hostname: "*.Dev.acme.example",
        product: "pingdirectory",
        certificate: imported(s),
      }),
    path: "stack/virtual-hosts/auth",
    field: "hostname",
    reason: "must be lowercase; must not be a wildcard ('*')",
  },
  {
    category: "hostname",
    name: "Hostname: a unicode hostname",
    build: (s) =>
      new Hostname(s.virtualHosts, "auth", {
        hostname: "bücher.acme.example",
        product: "pingdirectory",
        certificate: imported(s),
      }),
    path: "stack/virtual-hosts/auth",
    field: "hostname",
    reason: "write it in punycode, as xn--bcher-kva.acme.example",
  },
  {
    category: "product",
    name: "Hostname: an unknown product",
    build: (s) =>
      new Hostname(s.virtualHosts, "auth", {
        hostname: "auth.acme.example",
        product: "pingone" as never,
        certificate: imported(s),
      }),
    path: "stack/virtual-hosts/auth",
    field: "product",
    reason: "must be one of pingaccess-engines",
  },
  {
    category: "duplicate",
    name: "Hostname: declared twice",
    build: (s) => {
      new Hostname(s.virtualHosts, "a", {
        hostname: "auth.acme.example",
        product: "pingdirectory",
        certificate: imported(s),
      });
      new Hostname(s.virtualHosts, "b", {
        hostname: "auth.acme.example",
        product: "pingdelegator",
        certificate: imported(s, "imported-2"),
      });
    },
    path: "stack/virtual-hosts/b",
    field: "hostname",
    reason: "is already declared by stack/virtual-hosts/a; hostnames are unique",
  },
  {
    category: "certificate",
    name: "Certificate: expired",
    build: (s) => certificateProps(s, "expiredChain", "expiredKey"),
    path: PROPS_CERTIFICATE,
    field: "fullchainFile",
    reason: "leaf certificate expired on",
  },
  {
    category: "certificate",
    name: "Certificate: EC",
    build: (s) => certificateProps(s, "ecChain", "ecKey"),
    path: PROPS_CERTIFICATE,
    field: "fullchainFile",
    reason: "leaf certificate has an EC key: P1AS self-service does not support EC certificates",
  },
  {
    category: "certificate",
    name: "Certificate: key of another certificate",
    build: (s) => certificateProps(s, "validChain", "otherKey"),
    path: PROPS_CERTIFICATE,
    field: "privateKeyFile",
    reason: "does not match the leaf certificate",
  },
  {
    category: "certificate",
    name: "Certificate: PEM garbage",
    build: (s) => certificateProps(s, "garbage", "validKey"),
    path: PROPS_CERTIFICATE,
    field: "fullchainFile",
    reason: "must hold at least one PEM 'BEGIN CERTIFICATE' block",
  },
  {
    category: "certificate",
    name: "Certificate: key variable not sensitive",
    build: (s) =>
      new Certificate(s.virtualHosts, "certificate", {
        name: "wildcard-dev",
        fullchainFile: s.file("validChain"),
        privateKeyVariable: new TerraformVariable(s.stack, "plain", { type: "string" }),
      }),
    path: PROPS_CERTIFICATE,
    field: "privateKeyVariable",
    reason: "must be declared with sensitive: true",
  },
  {
    category: "certificate",
    name: "Certificate.fromCertificateName: a name with a space",
    build: (s) => Certificate.fromCertificateName(s.virtualHosts, "imported", "wildcard dev"),
    path: "stack/virtual-hosts/imported",
    field: "name",
    reason: "may contain only letters a-z",
  },
  {
    category: "role",
    name: "AdminApiResource: a role of another environment",
    build: (s) => resource(s, { groups: ["prod-tls-admin"] }),
    path: "stack/resource",
    field: "groups",
    reason: '"prod-tls-admin" is not a self-service role of environment dev',
  },
  {
    category: "role",
    name: "RoleAttributes: an archived role no attribute has",
    build: (s) =>
      new RoleAttributes(s.stack, "roles", {
        environmentId: PINGONE_ENVIRONMENT_ID,
        environments: ["dev"],
        archivedRoles: ["dev-pf-root"],
      }),
    path: "stack/roles",
    field: "archivedRoles",
    reason: '"dev-pf-root" is not a role of any P1AS attribute',
  },
  {
    category: "environment",
    name: "AdminApiResource: an unknown environment",
    build: (s) => resource(s, { environment: "qa" as never }),
    path: "stack/resource",
    field: "environment",
    reason: "must be one of dev, test, stage, prod",
  },
  {
    category: "environment",
    name: "OrchestrationClient: an unknown environment",
    build: (s) => client(s, { environment: "qa" as never }),
    path: "stack/client",
    field: "environment",
    reason: "must be one of dev, test, stage, prod",
  },
  {
    category: "environment",
    name: "RoleAttributes: an unknown environment",
    build: (s) =>
      new RoleAttributes(s.stack, "roles", {
        environmentId: PINGONE_ENVIRONMENT_ID,
        environments: ["dev", "qa" as never],
      }),
    path: "stack/roles",
    field: "environments",
    reason: '"qa" must be one of dev, test, stage, prod',
  },
  {
    category: "region",
    name: "OrchestrationClient: an unknown region code",
    build: (s) => client(s, { regionCode: "US" as never, tokenUrl: undefined }),
    path: "stack/client",
    field: "regionCode",
    reason: "must be one of NA, EU, CA, AU, SG, AP",
  },
  {
    category: "environment-id",
    name: "AdminApiResource: an environment id that is not a UUID",
    build: (s) => resource(s, { environmentId: "acme-dev" }),
    path: "stack/resource",
    field: "environmentId",
    reason: "must be a UUID",
  },
  {
    category: "environment-id",
    name: "RoleAttributes: an environment id that is not a UUID",
    build: (s) => new RoleAttributes(s.stack, "roles", { environmentId: "12345", environments: ["dev"] }),
    path: "stack/roles",
    field: "environmentId",
    reason: "must be a UUID",
  },
  {
    category: "credentials",
    name: "SelfServiceCredentials: an empty client id",
    build: (s) =>
      SelfServiceCredentials.fromEnvironment(s.stack, {
        clientId: " ",
        clientSecretEnv: "P1AS_OTHER_SECRET",
        tokenUrl: s.tokenUrl,
      }),
    path: "stack/P1AS_OTHER_SECRET",
    field: "clientId",
    reason: "must be a UUID",
  },
  {
    category: "credentials",
    name: "SelfServiceCredentials: a secret variable that is not ours",
    build: (s) =>
      SelfServiceCredentials.fromEnvironment(s.stack, {
        clientId: CLIENT_ID,
        clientSecretEnv: "AWS_SECRET_ACCESS_KEY",
        tokenUrl: s.tokenUrl,
      }),
    path: "stack/AWS_SECRET_ACCESS_KEY",
    field: "clientSecretEnv",
    reason: "must be an environment variable name of upper-case letters, digits and '_' that starts with P1AS_",
  },
  {
    category: "credentials",
    name: "VirtualHosts: the write client as the read-only client",
    build: (s) => {
      const stack = otherStack(s, "sameclient");
      new VirtualHosts(stack, "virtual-hosts", {
        credentials: variableCredentials(stack, s.tokenUrl),
        readCredentials: SelfServiceCredentials.fromEnvironment(stack, {
          clientId: CLIENT_ID,
          clientSecretEnv: "P1AS_READ",
          tokenUrl: s.tokenUrl,
        }),
        apiUrl: s.virtualHosts.apiUrl,
      });
    },
    path: "sameclient/virtual-hosts",
    field: "readCredentials.clientId",
    reason: "the read-only client must be another client than the write client",
  },
  {
    category: "credentials",
    name: "SelfServiceCredentials: a token URL on a host of its own",
    build: (s) =>
      SelfServiceCredentials.fromEnvironment(s.stack, {
        clientId: CLIENT_ID,
        clientSecretEnv: "P1AS_OTHER_SECRET",
        tokenUrl: `https://auth.capture.example/${PINGONE_ENVIRONMENT_ID}/as/token`,
      }),
    path: "stack/P1AS_OTHER_SECRET",
    field: "tokenUrl",
    reason:
      "must be PingOne's token endpoint https://auth.pingone.<tld>/<environmentId>/as/token or a loopback emulator",
  },
  {
    category: "url",
    name: "VirtualHosts: an API URL on a host of its own",
    build: (s) => {
      const stack = otherStack(s, "capture");
      new VirtualHosts(stack, "virtual-hosts", {
        credentials: variableCredentials(stack, s.tokenUrl),
        apiUrl: "https://capture.example/api/v1",
      });
    },
    path: "capture/virtual-hosts",
    field: "apiUrl",
    reason:
      "must be a P1AS environment's self-service API https://self-service-api.<env>-<customer>.<region>.ping.cloud/api/v1 or a loopback emulator",
  },
  {
    category: "role",
    name: "AdminApiResource: an all-environment role without the opt-in",
    build: (s) => resource(s, { groups: ["dev-tls-admin", "all-tls-admin"] }),
    path: "stack/resource",
    field: "groups",
    reason: '"all-tls-admin" is a role of every environment',
  },
  {
    category: "injection",
    name: "VirtualHosts: a PingOne application name that closes the string",
    build: (s) =>
      new VirtualHosts(otherStack(s, "lookup"), "virtual-hosts", {
        credentials: {
          pingOneApplication: {
            environmentId: PINGONE_ENVIRONMENT_ID,
            name: 'x", "e" = file("/etc/hostname"), "z" = "',
          },
          clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
          tokenUrl: s.tokenUrl,
        },
        apiUrl: s.virtualHosts.apiUrl,
      }),
    path: "lookup/virtual-hosts",
    field: "credentials.pingOneApplication.name",
    reason: "may contain only",
  },
  {
    category: "injection",
    name: "SelfServiceCredentials: a token URL that closes the string",
    build: (s) =>
      SelfServiceCredentials.fromEnvironment(s.stack, {
        clientId: CLIENT_ID,
        clientSecretEnv: "P1AS_OTHER_SECRET",
        tokenUrl: 'https://a.example/t", "e" = file("/etc/hostname"), "z" = "',
      }),
    path: "stack/P1AS_OTHER_SECRET",
    field: "tokenUrl",
    reason: "must not contain whitespace, quotes",
  },
  {
    category: "injection",
    name: "VirtualHosts: a client id of hand-made credentials that is not a UUID",
    build: (s) => {
      const stack = otherStack(s, "handmade");
      new VirtualHosts(stack, "virtual-hosts", {
        credentials: {
          ...variableCredentials(stack, s.tokenUrl),
          clientId: 'x", "e" = file("/etc/hostname"), "z" = "',
        },
        apiUrl: s.virtualHosts.apiUrl,
      });
    },
    path: "handmade/virtual-hosts",
    field: "credentials.clientId",
    reason: "must be a UUID",
  },
  {
    category: "injection",
    name: "AdminApiResource: a name with a template sequence",
    build: (s) => resource(s, { name: 'api ${file("/etc/hostname")}' }),
    path: "stack/resource",
    field: "name",
    reason: "may contain only letters, digits, spaces",
  },
  {
    category: "injection",
    name: "OrchestrationClient: a name with a template directive",
    build: (s) => client(s, { name: "%{ if true }x%{ endif }" }),
    path: "stack/client",
    field: "name",
    reason: "may contain only letters, digits, spaces",
  },
  {
    category: "url",
    name: "VirtualHosts: an API URL with user info",
    build: (s) => {
      const stack = otherStack(s, "userinfo");
      new VirtualHosts(stack, "virtual-hosts", {
        credentials: variableCredentials(stack, s.tokenUrl),
        apiUrl: "https://u:p@api.example/api/v1",
      });
    },
    path: "userinfo/virtual-hosts",
    field: "apiUrl",
    reason: "must not hold user info",
  },
  {
    category: "hostname",
    name: "Hostname: an IP address",
    build: (s) =>
      new Hostname(s.virtualHosts, "ip", { hostname: "10.0.0.1", product: "pingdirectory", certificate: imported(s) }),
    path: "stack/virtual-hosts/ip",
    field: "hostname",
    reason: "must be a DNS name, not an IP address",
  },
  {
    category: "file",
    name: "Certificate: a FIFO as fullchain",
    build: (s) => certificateProps(s, "fifo", "validKey"),
    path: PROPS_CERTIFICATE,
    field: "fullchainFile",
    reason: "is a FIFO (named pipe), not a regular file",
  },
  {
    category: "file",
    name: "Certificate: a chain with faked plan lines after its blocks",
    build: (s) => certificateProps(s, "fakePlanChain", "validKey"),
    path: PROPS_CERTIFICATE,
    field: "fullchainFile",
    reason: "hold text outside them (it would show in plans as if terraform had printed it)",
  },
  {
    category: "file",
    name: "Certificate: a key inside the chain",
    build: (s) => certificateProps(s, "chainWithKey", "validKey"),
    path: PROPS_CERTIFICATE,
    field: "fullchainFile",
    reason: "must hold only CERTIFICATE blocks",
  },
  {
    category: "other",
    name: "VirtualHosts: an API contract the provider does not know",
    build: (s) => {
      const stack = otherStack(s, "contract");
      new VirtualHosts(stack, "virtual-hosts", {
        credentials: variableCredentials(stack, s.tokenUrl),
        apiUrl: s.virtualHosts.apiUrl,
        apiContract: "guessed" as never,
      });
    },
    path: "contract/virtual-hosts",
    field: "apiContract",
    reason: "must be one of discover, confirmed, assumed",
  },
  {
    category: "other",
    name: "VirtualHosts: a deadline shorter than one poll",
    build: (s) => {
      const stack = otherStack(s, "timing");
      new VirtualHosts(stack, "virtual-hosts", {
        credentials: variableCredentials(stack, s.tokenUrl),
        apiUrl: s.virtualHosts.apiUrl,
        pollIntervalMs: 5000,
        readyTimeoutMs: 1000,
      });
    },
    path: "timing/virtual-hosts",
    field: "readyTimeoutMs",
    reason: "the deadline (1000 ms) is shorter than one poll (5000 ms)",
  },
  {
    category: "certificate",
    name: "Certificate: both a key file and a key variable",
    build: (s) =>
      new Certificate(s.virtualHosts, "certificate", {
        name: "wildcard-dev",
        fullchainFile: s.file("validChain"),
        privateKeyFile: s.file("validKey"),
        privateKeyVariable: new TerraformVariable(s.stack, "key", { type: "string", sensitive: true }),
      }),
    path: PROPS_CERTIFICATE,
    field: "privateKeyFile",
    reason: "conflicts with privateKeyVariable: both are given",
  },
  {
    category: "certificate",
    name: "Certificate: adopt that is not a boolean",
    build: (s) =>
      new Certificate(s.virtualHosts, "certificate", {
        name: "wildcard-dev",
        fullchainFile: s.file("validChain"),
        privateKeyFile: s.file("validKey"),
        adopt: "yes" as never,
      }),
    path: PROPS_CERTIFICATE,
    field: "adopt",
    reason: "must be true or false",
  },
  {
    category: "hostname",
    name: "Hostname: adopt that is not a boolean",
    build: (s) =>
      new Hostname(s.virtualHosts, "auth", {
        hostname: "auth.acme.example",
        product: "pingdirectory",
        certificate: imported(s),
        adopt: 1 as never,
      }),
    path: "stack/virtual-hosts/auth",
    field: "adopt",
    reason: "must be true or false",
  },
  {
    category: "other",
    name: "VirtualHosts: an API URL that is not http(s)",
    build: (s) => {
      const stack = otherStack(s, "ftp");
      new VirtualHosts(stack, "virtual-hosts", {
        credentials: variableCredentials(stack, s.tokenUrl),
        apiUrl: "ftp://example.com/api/v1",
      });
    },
    path: "ftp/virtual-hosts",
    field: "apiUrl",
    reason: "must use https (plain http only on loopback",
  },
];

function imported(s: PropsScope, id = "imported") {
  return Certificate.fromCertificateName(s.virtualHosts, id, "wildcard-dev");
}

function certificateProps(s: PropsScope, fullchain: CertificateFile, key: CertificateFile): Certificate {
  return new Certificate(s.virtualHosts, "certificate", {
    name: "wildcard-dev",
    fullchainFile: s.file(fullchain),
    privateKeyFile: s.file(key),
  });
}

function resource(s: PropsScope, props: Partial<ConstructorParameters<typeof AdminApiResource>[2]>): AdminApiResource {
  return new AdminApiResource(s.stack, "resource", {
    environmentId: PINGONE_ENVIRONMENT_ID,
    environment: "dev",
    audience: s.virtualHosts.apiUrl,
    ...props,
  });
}

function client(
  s: PropsScope,
  props: Partial<ConstructorParameters<typeof OrchestrationClient>[2]>,
): OrchestrationClient {
  return new OrchestrationClient(s.stack, "client", {
    environmentId: PINGONE_ENVIRONMENT_ID,
    regionCode: "NA",
    environment: "dev",
    resource: resource(s, {}),
    tokenUrl: s.tokenUrl,
    ...props,
  });
}

/** A second stack in the same app, for props that VirtualHosts checks in its own constructor. */
function otherStack(s: PropsScope, id: string): TerraformStack {
  return new TerraformStack(s.stack.node.scope!, id);
}

function variableCredentials(stack: TerraformStack, tokenUrl: string) {
  return SelfServiceCredentials.fromEnvironment(stack, {
    clientId: "b6c1e2d3-0000-4000-8000-000000000001",
    clientSecretEnv: "P1AS_OTHER_SECRET",
    tokenUrl,
  });
}
