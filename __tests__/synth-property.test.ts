import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { ValidationError } from "../constructs/errors";
import { RunningEmulator, startEmulator } from "../emulator/start";
import { synthesize } from "../stacks/synthesize";
import { P1AS_ENVIRONMENTS, P1asEnvironment, PINGONE_REGION_CODES, PRODUCTS } from "../p1as/facts";
import { allowedGroups } from "../p1as/rules";
import { CERTIFICATE_FILES, PINGONE_ENVIRONMENT_ID, writeCertificateFiles } from "./corpus/bad-inputs";

/** Fixed, so a failure reproduces; fast-check prints the shrunk counterexample and its path. */
const SEED = 20240606;
const NUM_RUNS = 40;

describe("synth of random configs", () => {
  test("either synthesizes or throws a ValidationError naming a path, never an unexplained exception", () => {
    // GIVEN random configs: mostly valid fields, some plausible mistakes, some arbitrary JSON
    const outcomes = { synthesized: 0, rejected: 0 };

    // WHEN each is synthesized by the app entry
    fc.assert(
      fc.property(configArbitrary(emulator.url), (config) => {
        const error = synthesizeConfig(config);

        // THEN it is accepted, or rejected with a path-named ValidationError
        if (error === undefined) outcomes.synthesized++;
        else {
          outcomes.rejected++;
          expectPathNamed(error);
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );

    // AND both outcomes happened (a generator that only makes bad configs would prove nothing), with no API call
    expect(outcomes.synthesized).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
    expect(emulator.requestLog.list()).toEqual([]);
  });
});

// ---- shared setup ----------------------------------------------------------------------------

let emulator: RunningEmulator;
let dir: string;
let run = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-property-"));
  writeCertificateFiles(dir);
  emulator = await startEmulator({ seedDemoClients: false });
});

afterAll(async () => {
  await emulator?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function synthesizeConfig(config: unknown): unknown {
  const file = path.join(dir, `config-${++run}.json`);
  const outdir = path.join(dir, `out-${run}`);
  fs.writeFileSync(file, JSON.stringify(config));
  try {
    synthesize(file, outdir);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function expectPathNamed(error: unknown): void {
  if (!(error instanceof ValidationError)) throw error;
  expect(error.path).not.toBe("");
  if (error.field === "config") {
    // Config problems: every line is `<path>: <reason>`.
    for (const line of error.reasons) expect(line).toMatch(/^\S.*?: \S/);
  } else {
    // Construct problems: every line starts with the construct path.
    for (const line of error.message.split("\n")) expect(line.startsWith(`${error.path}: `)).toBe(true);
  }
}

/**
 * A config that is valid by construction (unique environments, declared certnames, one variable per
 * secret), then 0-3 mutations: replace a random node with a plausible mistake or any JSON, delete it,
 * or duplicate an array entry. About a quarter of the configs stay unmutated.
 */
function configArbitrary(emulatorUrl: string): fc.Arbitrary<unknown> {
  return fc
    .tuple(validConfig(emulatorUrl), fc.array(mutation, { maxLength: 3 }))
    .map(([config, mutations]) => mutations.reduce<unknown>((current, change) => mutate(current, change), config));
}

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
// A certificate named like a hostname and a secret variable named like a construct id once crashed synth.
const sharedNames = ["auth.dev.acme.example", "api.dev.acme.example"];
const validHostname = fc.oneof(
  fc
    .tuple(label, fc.constantFrom("dev.acme.example", "acme.example", "example.com"))
    .map(([first, rest]) => `${first}.${rest}`),
  fc.constantFrom(...sharedNames),
);
const certificateName = fc.constantFrom("wildcard-dev", "api-dev", ...sharedNames);
const secretEnv = (name: string) =>
  fc.option(fc.constantFrom(`P1AS_${name.toUpperCase()}_SS_SECRET`, `P1AS_${name.toUpperCase()}_WRITE`), {
    nil: undefined,
  });

function validEnvironment(name: P1asEnvironment, emulatorUrl: string) {
  const certificates = fc.uniqueArray(
    fc.record({ name: certificateName, adopt: fc.boolean(), keyFromVariable: fc.boolean() }),
    { selector: (c) => c.name, maxLength: 3 },
  );
  return fc
    .record({
      groups: fc.option(fc.subarray(allowedGroups(name), { minLength: 1 }), { nil: undefined }),
      credentials: fc.option(
        fc.record({
          clientId: fc.constant("b6c1e2d3-0000-4000-8000-000000000001"),
          clientSecretEnv: secretEnv(name),
          audit: fc.record({ clientId: fc.constant("b6c1e2d3-0000-4000-8000-0000000a0d17") }),
        }),
        { nil: undefined },
      ),
      certificates,
      hostnames: fc.uniqueArray(
        fc.record({
          hostname: validHostname,
          product: fc.constantFrom(...PRODUCTS),
          certificate: fc.nat(),
          adopt: fc.boolean(),
        }),
        {
          selector: (h) => h.hostname,
          maxLength: 4,
        },
      ),
    })
    .map(({ groups, credentials, certificates, hostnames }) => ({
      name,
      ...(credentials ? { credentials: JSON.parse(JSON.stringify(credentials)) } : { groups }),
      selfService: {
        apiUrl: `${emulatorUrl}/${name}/api/v1`,
        tokenUrl: `${emulatorUrl}/${PINGONE_ENVIRONMENT_ID}/as/token`,
      },
      virtualHosts: {
        certificates: certificates.map((c, i) => ({
          name: c.name,
          fullchainFile: CERTIFICATE_FILES.validChain,
          ...(c.keyFromVariable
            ? { privateKeyVariable: `p1as_${name}_key_${i}` }
            : { privateKeyFile: CERTIFICATE_FILES.validKey }),
          adopt: c.adopt,
        })),
        hostnames:
          certificates.length === 0
            ? []
            : hostnames.map((h) => ({
                hostname: h.hostname,
                product: h.product,
                certname: certificates[h.certificate % certificates.length].name,
                adopt: h.adopt,
              })),
      },
    }));
}

function validConfig(emulatorUrl: string) {
  return fc.record({
    customer: fc.constantFrom("acme", "globex"),
    p1asRegion: fc.constantFrom("us1", "eu1"),
    pingone: fc.record({
      environmentId: fc.oneof(fc.constant(PINGONE_ENVIRONMENT_ID), fc.uuid()),
      regionCode: fc.constantFrom(...PINGONE_REGION_CODES),
      roleAttributes: fc.option(fc.record({ manage: fc.boolean() }), { nil: undefined }),
    }),
    environments: fc
      .shuffledSubarray([...P1AS_ENVIRONMENTS], { minLength: 1 })
      .chain((names) => fc.tuple(...names.map((name) => validEnvironment(name, emulatorUrl)))),
  });
}

/** Values people get wrong: each is invalid somewhere, and some are valid elsewhere. */
const mistake = fc.oneof(
  validHostname.map((name) => name.toUpperCase()),
  validHostname.map((name) => `${name}.`),
  validHostname.map((name) => `*.${name}`),
  validHostname.map((name) => name.replace(".", "..")),
  validHostname.map((name) => name.replace(".", " ")),
  validHostname.map((name) => `bücher-${name}`),
  fc.constant(`${"a".repeat(63)}.`.repeat(4) + "example"),
  fc.constantFrom(
    "qa",
    "DEV",
    "US",
    "eu",
    "pingone",
    "",
    " ",
    "not-a-uuid",
    "prod-tls-admin",
    "dev-tls-root",
    "virtual-hosts",
    "auth.dev.acme.example",
  ),
  fc.constantFrom(
    CERTIFICATE_FILES.expiredChain,
    CERTIFICATE_FILES.ecChain,
    CERTIFICATE_FILES.ecKey,
    CERTIFICATE_FILES.otherKey,
    CERTIFICATE_FILES.garbage,
    CERTIFICATE_FILES.reversedChain,
    "absent.pem",
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

type Mutation = { readonly at: number; readonly kind: "replace" | "delete" | "duplicate"; readonly value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<Mutation["kind"]>("replace", "replace", "delete", "duplicate"),
  value: mistake,
});

type Node = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Every node below the root, containers included, in a stable order. */
function nodes(value: unknown, found: Node[] = []): Node[] {
  if (typeof value !== "object" || value === null) return found;
  for (const [key, child] of Object.entries(value)) {
    found.push({ parent: value as Record<string, unknown>, key: Array.isArray(value) ? Number(key) : key });
    nodes(child, found);
  }
  return found;
}

function mutate(config: unknown, { at, kind, value }: Mutation): unknown {
  const copy = structuredClone(config);
  const all = nodes(copy);
  if (all.length === 0) return copy;
  const { parent, key } = all[at % all.length];
  const target = parent as Record<string | number, unknown>;
  if (kind === "replace") target[key] = value;
  else if (kind === "duplicate" && Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete target[key];
  return copy;
}
