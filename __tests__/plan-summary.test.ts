/**
 * `npm run plan:summary` against real terraform plans of this project's stacks, with the p1as provider
 * against the emulator in both contract modes: create, update, replace, destroy, no changes, a failing plan
 * and a stack whose provider cannot be installed offline. Runs the provider bundle from dist/ (npm run build).
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ContractMode } from "../emulator/contract";
import { main, runPlanSummary } from "../tools/plan-summary/main";
import { EXIT_USAGE } from "../cli-kit/errors";
import { EXPECTED_OFFLINE_WINDOW } from "../tools/plan-summary/offline-hostnames";
import { shortFingerprint, SUMMARY_MARKER } from "../tools/plan-summary/render";
import { captured, withEnv } from "./support/capture";
import { CONTRACT_MODES } from "./support/p1as-app";
import { createFixture, Fixture, FixtureStack } from "./support/plan-fixture";
import { HostnameSpec } from "./support/virtual-hosts-stack";
import { P1asEnvironment } from "../p1as/facts";

jest.setTimeout(300_000);

/** The reason an offline hostname update gives (no update route). */
const OFFLINE = `no update route: deleted and created again, offline for ${EXPECTED_OFFLINE_WINDOW}`;

describe.each(CONTRACT_MODES)("plan:summary on real plans (%s contract)", (contract: ContractMode) => {
  let fixture: Fixture;
  let markdown: string;
  let exitCode: number;
  let out: string;

  beforeAll(async () => {
    // GIVEN p1as-dev, p1as-prod and p1as-stage deployed
    fixture = await createFixture(contract);
    fixture.synth(deployed());
    for (const stack of ["p1as-dev", "p1as-prod", "p1as-stage"]) await fixture.apply(stack);
    fixture.emulator.requestLog.clear();
    // WHEN the next commit rotates, adds, reroutes and deletes virtual hosts in dev, deletes a certificate in
    // prod, leaves stage alone, adds p1as-test without its key in the environment and a PingOne stack
    fixture.synth(changed(contract));
    out = path.join(fixture.dir, "plan-summary.md");
    const result = await withEnv(fixture.env(), () =>
      runPlanSummary({ outdir: fixture.outdir, out, maxChars: 65_000, allowUnplannable: false }),
    );
    markdown = result.markdown;
    exitCode = result.exitCode;
  });

  afterAll(() => fixture?.remove());

  it("writes the summary it returns, starting with the marker, and only read the API", () => {
    expect(readFileSync(out, "utf8")).toBe(markdown);
    expect(markdown.startsWith(`${SUMMARY_MARKER}\n`)).toBe(true);
    expect(
      fixture.emulator.requestLog.list().filter((entry) => entry.method !== "GET" && !/\/as\/token$/.test(entry.path)),
    ).toEqual([]);
  });

  it("warns about every API object destroyed or replaced at the very top, hostnames first", () => {
    // THEN the caution banner comes before any stack section; where the API has no update route, a new
    // routing or new certificate content is a replacement, so it is in the banner too
    const banner = markdown.slice(0, markdown.indexOf("\n### "));
    const login =
      "🛑 **destroy** hostname `login.dev.acme.example` in `p1as-dev` (product `pingfederate-engines` · certificate `wildcard-dev` · status `complete`)";
    const oldProd = `⚠️ **destroy** certificate \`wildcard-prod-2024\` in \`p1as-prod\` (${certificateFields("prod", "wildcard-prod-2024")} · status \`complete\`)`;
    expect(banner).toContain("> [!CAUTION]");
    if (contract === "assumed") {
      expect(banner).toContain("**This plan destroys or replaces 2 objects, 1 hostname among them.**");
      expect(banner).toContain(`> - ${login}\n> - ${oldProd}\n`);
    } else {
      expect(banner).toContain("**This plan destroys or replaces 4 objects, 3 hostnames among them.**");
      expect(banner).toContain(
        `> - 🛑 **replace (offline)** hostname \`admin.dev.acme.example\` in \`p1as-dev\` (product \`pingfederate-admin-api\` · certificate \`wildcard-dev-2025\` · status \`complete\`; certificate: \`wildcard-dev\` → \`wildcard-dev-2025\`; ${OFFLINE})\n` +
          `> - 🛑 **replace (offline)** hostname \`api.dev.acme.example\` in \`p1as-dev\` (product \`pingaccess-engines\` · certificate \`wildcard-dev\` · status \`complete\`; product: \`pingfederate-engines\` → \`pingaccess-engines\`; ${OFFLINE})\n` +
          `> - ${login}\n` +
          `> - ${oldProd}\n`,
      );
    }
  });

  it("counts adds, changes, replaces and destroys per stack outside the fold", () => {
    const dev = section("p1as-dev");
    // Without an update route the hostnames are still terraform updates (the provider deletes and creates them): offline rows
    const counts =
      contract === "assumed"
        ? "Plan: 2 to add, 3 to change, 0 to replace, 1 to destroy"
        : "Plan: 2 to add, 2 to change, 0 to replace, 1 to destroy";
    expect(dev).toContain(`\`${counts}\``);
    expect(dev.indexOf(counts)).toBeLessThan(dev.indexOf("<details>"));
    expect(section("p1as-prod")).toContain("`Plan: 0 to add, 0 to change, 0 to replace, 1 to destroy`");
    expect(section("p1as-stage")).toContain("`No changes.`");
  });

  it("shows one row per changing API object, destructive first, by hostname, product, certificate, fingerprint and expiry", () => {
    const verb = "| `~` update |";
    const why = contract === "assumed" ? "" : `<br>_${OFFLINE}_`;
    const rotated = `| \`~\` update | \`p1as_certificate.wildcard-dev\` | certificate \`wildcard-dev\` · ${certificateFields("dev", "wildcard-dev", 2)} · status \`complete\`<br>${rotation()} |`;
    const updates = [
      ...(contract === "assumed" ? [rotated] : []),
      `${verb} \`p1as_hostname.admin_dev_acme_example\` | hostname \`admin.dev.acme.example\` · product \`pingfederate-admin-api\` · certificate \`wildcard-dev-2025\` · status \`complete\`<br>certificate: \`wildcard-dev\` → \`wildcard-dev-2025\`${why} |`,
      `${verb} \`p1as_hostname.api_dev_acme_example\` | hostname \`api.dev.acme.example\` · product \`pingaccess-engines\` · certificate \`wildcard-dev\` · status \`complete\`<br>product: \`pingfederate-engines\` → \`pingaccess-engines\`${why} |`,
    ];
    const destroy =
      "| `-` destroy | `p1as_hostname.login_dev_acme_example` | hostname `login.dev.acme.example` · product `pingfederate-engines` · certificate `wildcard-dev` · status `complete` |";
    const creates = [
      `| \`+\` create | \`p1as_certificate.wildcard-dev-2025\` | certificate \`wildcard-dev-2025\` · ${certificateFields("dev", "wildcard-dev-2025")} |`,
      "| `+` create | `p1as_hostname.new_dev_acme_example` | hostname `new.dev.acme.example` · product `pingdelegator` · certificate `wildcard-dev-2025` |",
    ];
    expect(rows("p1as-dev")).toEqual(
      contract === "assumed" ? [destroy, ...creates, ...updates] : [...updates, destroy, ...creates],
    );
  });

  it("never shows a secret or a chain: not the client secret, not a private key, not a certificate's base64", () => {
    expect(markdown).not.toContain(fixture.clientSecret);
    for (const [environment, name, version] of CERTIFICATES) {
      const { privkey, fullchain } = fixture.pem(environment, name, version);
      expect(markdown).not.toContain(privkey.split("\n")[1]);
      expect(markdown).not.toContain(fullchain.split("\n")[1]);
    }
    expect(markdown).not.toMatch(/-----BEGIN/);
    // the full plan says the chain is there, and that the key is write-only
    expect(section("p1as-dev")).toMatch(/[~+-] fullchain += \(certificate chain, \d+ lines, omitted\)/);
    expect(section("p1as-dev")).toContain("+ private_key_wo         = (write-only attribute)");
  });

  it("puts the full plan in a collapsible section without refresh noise", () => {
    const dev = section("p1as-dev");
    expect(dev).toContain("<details><summary>Full plan for p1as-dev</summary>");
    expect(dev).toContain("# p1as_hostname.login_dev_acme_example will be destroyed");
    expect(dev).not.toContain("Refreshing state...");
  });

  it("names the stack whose plan failed and terraform's error, and still summarizes the others", () => {
    expect(exitCode).toBe(1);
    expect(markdown).toContain("### ❌ `p1as-test`: plan failed");
    expect(section("p1as-test")).toContain("Error: No value for required variable\n\n  on cdk.tf.json line");
    expect(section("p1as-test")).toContain('The root module input variable "wildcard_test_key" is not set');
    expect(markdown).toContain("> - `p1as-test`: **plan failed**: Error: No value for required variable");
  });

  it("lists a stack whose provider cannot be installed as 'could not plan', with the reason", () => {
    expect(markdown).toContain("### ⚪ `pingone-directory`: could not plan");
    expect(section("pingone-directory")).toContain(
      "provider pingidentity/pingone could not be installed (terraform init: Failed to query available provider packages)",
    );
    expect(markdown).toContain("**5 stacks**: 2 with changes, 1 without changes, 1 failed, 1 could not be planned.");
  });

  it("fails with the available stack names when --stacks names an unknown stack, and plans nothing", async () => {
    fixture.emulator.requestLog.clear();
    const result = await captured("stderr", () =>
      main(["--outdir", fixture.outdir, "--stacks", "p1as-dev,p1as-qa", "--out", out]),
    );
    expect(result).toEqual({
      code: 1,
      text: 'plan-summary: invalid --stacks "p1as-qa": no such stack p1as-qa. Synthesized stacks: p1as-dev, p1as-prod, p1as-stage, p1as-test, pingone-directory.\n',
    });
    expect(fixture.emulator.requestLog.list()).toEqual([]);
  });

  /** The table's certificate fields: short SHA-256 and expiry, as the provider plans them from the chain. */
  function certificateFields(environment: P1asEnvironment, name: string, version?: number): string {
    const leaf = new X509Certificate(fixture.pem(environment, name, version).fullchain);
    return `SHA-256 \`${shortFingerprint(leaf.fingerprint256)}\` · not after \`${new Date(leaf.validTo).toISOString()}\``;
  }

  /** wildcard-dev's change from version 1 to 2. */
  function rotation(): string {
    const [v1, v2] = [1, 2].map(
      (version) => new X509Certificate(fixture.pem("dev", "wildcard-dev", version).fullchain),
    );
    const short = (leaf: X509Certificate) => shortFingerprint(leaf.fingerprint256);
    const expiry = (leaf: X509Certificate) => new Date(leaf.validTo).toISOString();
    return `SHA-256: \`${short(v1)}\` → \`${short(v2)}\`, not after: \`${expiry(v1)}\` → \`${expiry(v2)}\``;
  }

  function rows(stack: string): string[] {
    return section(stack)
      .split("\n")
      .filter((line) => line.startsWith("| `"));
  }

  /** The `### <status> \`stack\`` section, up to the next one. */
  function section(stack: string): string {
    return markdown.split("\n### ").find((part) => new RegExp(`^\\S+ \`${stack}\``).test(part)) ?? "";
  }
});

describe("plan:summary bad input", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), "p1as-plan-summary-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("tells the user to synthesize first when there is no cdktf output", async () => {
    const missing = path.join(dir, "nowhere");
    const result = await captured("stderr", () => main(["--outdir", missing]));
    expect(result).toEqual({
      code: 1,
      text: `plan-summary: no synthesized stacks in ${missing}: ${missing}/manifest.json is missing or unreadable. Run \`npm run synth\` first, or pass --outdir <dir> where cdktf wrote its output.\n`,
    });
  });

  it.each([
    ["a --max-chars that cannot hold a summary", ["--max-chars", "12"], "must be an integer of at least 1000."],
    ["an empty --stacks", ["--stacks", ","], "must be stack names separated by commas, such as p1as-dev,p1as-prod."],
    [
      '--stacks "" (an empty selection, never "all")',
      ["--stacks", ""],
      "must be stack names separated by commas, such as p1as-dev,p1as-prod.",
    ],
  ])("rejects %s with the usage exit code, naming the option", async (_name, args, reason) => {
    const result = await captured("stderr", () => main(["--outdir", dir, ...args]));
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.text).toMatch(/^plan-summary: option '--[a-z-]+ <[a-z]+>' argument .* is invalid\. /);
    expect(result.text).toContain(reason.replace(/\.$/, ""));
    expect(result.text).toMatch(/\. See --help\.\n$/);
  });
});

// ---- shared setup ----

/** Every certificate version the fixture generates: [environment, name, version]. */
const CERTIFICATES: readonly [P1asEnvironment, string, number][] = [
  ["dev", "wildcard-dev", 1],
  ["dev", "wildcard-dev", 2],
  ["dev", "wildcard-dev-2025", 1],
  ["prod", "wildcard-prod-2024", 1],
  ["prod", "wildcard-prod-2025", 1],
  ["stage", "wildcard-stage", 1],
  ["test", "wildcard-test", 1],
];

const hostname = (name: string, product: HostnameSpec["product"], certname: string): HostnameSpec => ({
  hostname: name,
  product,
  certname,
});

function deployed(): FixtureStack[] {
  return [
    {
      environment: "dev",
      spec: {
        certificates: [{ name: "wildcard-dev" }],
        hostnames: [
          hostname("login.dev.acme.example", "pingfederate-engines", "wildcard-dev"),
          hostname("api.dev.acme.example", "pingfederate-engines", "wildcard-dev"),
          hostname("admin.dev.acme.example", "pingfederate-admin-api", "wildcard-dev"),
        ],
      },
    },
    {
      environment: "prod",
      spec: {
        certificates: [{ name: "wildcard-prod-2024" }, { name: "wildcard-prod-2025" }],
        hostnames: [hostname("login.acme.example", "pingfederate-engines", "wildcard-prod-2025")],
      },
    },
    {
      environment: "stage",
      spec: {
        certificates: [{ name: "wildcard-stage" }],
        hostnames: [hostname("login.stage.acme.example", "pingfederate-engines", "wildcard-stage")],
      },
    },
  ];
}

/**
 * The next commit. Without an update route a certificate's new content cannot be planned at all (the provider
 * stops the plan and says to rotate by name), so only the assumed contract rotates wildcard-dev in place.
 */
function changed(contract: ContractMode): FixtureStack[] {
  const [dev, prod, stage] = deployed() as Extract<FixtureStack, { environment: string }>[];
  return [
    {
      ...dev,
      spec: {
        certificates: [
          { name: "wildcard-dev", version: contract === "assumed" ? 2 : 1 },
          { name: "wildcard-dev-2025" },
        ],
        hostnames: [
          hostname("api.dev.acme.example", "pingaccess-engines", "wildcard-dev"),
          hostname("admin.dev.acme.example", "pingfederate-admin-api", "wildcard-dev-2025"),
          hostname("new.dev.acme.example", "pingdelegator", "wildcard-dev-2025"),
        ],
      },
    },
    // the old certificate goes: a delete in the API
    { ...prod, spec: { ...prod.spec, certificates: [{ name: "wildcard-prod-2025" }] } },
    stage,
    {
      environment: "test",
      spec: {
        certificates: [{ name: "wildcard-test", keyFromVariable: true }],
        hostnames: [hostname("login.test.acme.example", "pingfederate-engines", "wildcard-test")],
      },
      withholdKeys: true,
    },
    { pingone: "pingone-directory" },
  ];
}
