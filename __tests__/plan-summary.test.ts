/**
 * `npm run plan:summary` against real terraform plans of virtual-host-shaped stacks: create, update, replace,
 * destroy, no changes, a failing plan and a stack whose provider cannot be installed offline.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { runPlanSummary, main } from "../tools/plan-summary";
import { SUMMARY_MARKER } from "../tools/plan-summary/render";
import { applyFixtureStack, createFixture, Fixture, FixtureCertificate, FixtureHostname } from "./support/plan-fixture";

describe("plan:summary on real terraform plans", () => {
  let fixture: Fixture;
  let markdown: string;
  let exitCode: number;
  let out: string;

  beforeAll(async () => {
    // GIVEN p1as-dev and p1as-prod deployed with two certificates and four hostnames
    fixture = createFixture();
    fixture.synth(deployed());
    await applyFixtureStack(fixture, "p1as-dev");
    await applyFixtureStack(fixture, "p1as-prod");
    await applyFixtureStack(fixture, "p1as-stage");
    // WHEN the next commit deletes, updates, replaces and adds virtual hosts in dev, leaves prod alone,
    // breaks p1as-test and adds a PingOne stack, and plan:summary runs
    fixture.synth(changed());
    out = path.join(fixture.dir, "plan-summary.md");
    const result = await withEnv(fixture.env, () =>
      runPlanSummary({ outdir: fixture.outdir, out, maxChars: 65_000, allowUnplannable: false }),
    );
    markdown = result.markdown;
    exitCode = result.exitCode;
  });

  afterAll(() => (process.env.KEEP_FIXTURE ? undefined : fixture?.remove()));

  it("writes the summary it returns, starting with the marker the workflow finds its comment by", () => {
    // THEN
    expect(readFileSync(out, "utf8")).toBe(markdown);
    expect(markdown.startsWith(`${SUMMARY_MARKER}\n`)).toBe(true);
  });

  it("warns about every API object destroyed at the very top, hostnames first", () => {
    // THEN the caution banner comes before any stack section, the hostname before the certificate
    const banner = markdown.slice(0, markdown.indexOf("\n### "));
    expect(banner).toContain("> [!CAUTION]");
    expect(banner).toContain("**This plan destroys or replaces 2 objects, 1 hostname among them.**");
    expect(banner).toContain(
      "> - 🛑 **destroy** hostname `login.dev.acme.example` in `p1as-dev` (product `pingfederate-engines` · certificate `wildcard-dev`)\n" +
        "> - ⚠️ **destroy** certificate `wildcard-prod-2024` in `p1as-prod` (SHA-256 `DD:DD` · not after `2024-12-31T00:00:00Z`)",
    );
  });

  it("does not raise the alarm for records whose replacement is an in-place API update", () => {
    // THEN a new routing or new certificate content is a replace in terraform, but no outage
    const banner = markdown.slice(0, markdown.indexOf("\n### "));
    expect(banner).not.toContain("api.dev.acme.example");
    expect(rows("p1as-dev")).toContainEqual(
      '| `-/+` replace | `terraform_data.p1as_hostname_routing["api.dev.acme.example"]` | hostname `api.dev.acme.example` · product `pingaccess-engines` · certificate `wildcard-dev`<br>product: `pingfederate-engines` → `pingaccess-engines`<br>_the API object is updated in place, not deleted_ |',
    );
  });

  it("counts adds, changes, replaces and destroys per stack outside the fold", () => {
    const dev = section("p1as-dev");
    expect(dev).toContain("`Plan: 4 to add, 3 to change, 3 to replace, 2 to destroy`");
    expect(dev.indexOf("Plan: 4 to add")).toBeLessThan(dev.indexOf("<details>"));
    expect(section("p1as-prod")).toContain("`Plan: 0 to add, 0 to change, 0 to replace, 2 to destroy`");
    expect(section("p1as-stage")).toContain("`No changes.`");
  });

  it("shows one row per changing resource, destructive first, virtual hosts by hostname, product and certificate", () => {
    const dev = rows("p1as-dev");
    expect(dev).toHaveLength(12);
    expect(dev.slice(0, 2)).toEqual([
      '| `-` destroy | `terraform_data.p1as_hostname["login.dev.acme.example"]` | hostname `login.dev.acme.example` · product `pingfederate-engines` · certificate `wildcard-dev` |',
      '| `-/+` replace | `terraform_data.p1as_certificate_content["wildcard-dev"]` | certificate `wildcard-dev` · SHA-256 `CC:CC` · not after `2025-12-31T00:00:00Z`<br>SHA-256: `AA:AA` → `CC:CC`<br>_the API object is updated in place, not deleted_ |',
    ]);
    expect(dev).toContainEqual(
      '| `~` update | `terraform_data.p1as_hostname["admin.dev.acme.example"]` | hostname `admin.dev.acme.example` · product `pingfederate-admin-api` · certificate `wildcard-dev-2025`<br>certificate: `wildcard-dev` → `wildcard-dev-2025` |',
    );
    expect(dev).toContainEqual(
      '| `+` create | `terraform_data.p1as_certificate["wildcard-dev-2025"]` | certificate `wildcard-dev-2025` · SHA-256 `BB:BB` · not after `2026-06-30T00:00:00Z` |',
    );
  });

  it("never shows a secret: not the client secret, not the private key", () => {
    // THEN neither appears, although terraform_data echoes both in its unmarked `output` ...
    expect(markdown).not.toContain(fixture.secrets.clientSecret);
    expect(markdown).not.toContain(keyBody(fixture.secrets.privateKey));
    expect(markdown).not.toContain("PRIVATE KEY-----\n");
    // ... where the pattern masking caught them
    expect(markdown).toContain('- client_secret = "[REDACTED]"');
    expect(markdown).toMatch(/- private_key += <<-EOT\n +\[REDACTED\]\n/);
  });

  it("puts the full plan in a collapsible section without refresh noise", () => {
    const dev = section("p1as-dev");
    expect(dev).toContain("<details><summary>Full plan for p1as-dev</summary>");
    expect(dev).toContain('# terraform_data.p1as_hostname["login.dev.acme.example"] will be destroyed');
    expect(dev).not.toContain("Refreshing state...");
  });

  it("names the stack whose plan failed and terraform's error, and still summarizes the others", () => {
    // THEN
    expect(exitCode).toBe(1);
    expect(markdown).toContain("### ❌ `p1as-test`: plan failed");
    expect(section("p1as-test")).toContain("Error: No value for required variable");
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
    // WHEN
    const stderr = await captureStderr(() => main(["--outdir", fixture.outdir, "--stacks", "p1as-dev,p1as-qa", "--out", out]));
    // THEN
    expect(stderr.code).toBe(1);
    expect(stderr.text).toBe(
      'plan-summary: invalid --stacks "p1as-qa": no such stack p1as-qa. Synthesized stacks: p1as-dev, p1as-prod, p1as-stage, p1as-test, pingone-directory.\n',
    );
  });

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

describe("plan:summary exit codes", () => {
  let fixture: Fixture;

  beforeAll(() => {
    fixture = createFixture();
  });

  afterAll(() => (process.env.KEEP_FIXTURE ? undefined : fixture?.remove()));

  it("fails when a stack cannot be planned, unless --allow-unplannable", async () => {
    // GIVEN a plannable stack and a PingOne stack offline
    fixture.synth([{ name: "p1as-dev", hostnames: [hostname("api.dev.acme.example", "pingfederate-engines", "wildcard-dev")] }, { name: "pingone-directory", pingone: true }]);
    const args = ["--outdir", fixture.outdir, "--out", path.join(fixture.dir, "summary.md")];
    // WHEN / THEN
    expect((await withEnv(fixture.env, () => captureStderr(() => main(args)))).code).toBe(1);
    expect((await withEnv(fixture.env, () => captureStderr(() => main([...args, "--allow-unplannable"])))).code).toBe(0);
  });

  it("tells the user to synthesize first when there is no cdktf output", async () => {
    const missing = path.join(fixture.dir, "nowhere");
    const result = await captureStderr(() => main(["--outdir", missing]));
    expect(result.code).toBe(1);
    expect(result.text).toBe(
      `plan-summary: no synthesized stacks in ${missing}: ${missing}/manifest.json is missing or unreadable. Run \`npm run synth\` first, or pass --outdir <dir> where cdktf wrote its output.\n`,
    );
  });

  it("rejects a --max-chars that cannot hold a summary", async () => {
    await expect(captureStderr(() => main(["--max-chars", "12"]))).rejects.toThrow("must be an integer of at least 1000.");
  });
});

// ---- shared setup ----

function hostname(name: string, product: string, certname: string): FixtureHostname {
  return { hostname: name, product, certname };
}

const WILDCARD_DEV: FixtureCertificate = { name: "wildcard-dev", sha256_fingerprint: "AA:AA", not_after: "2025-12-31T00:00:00Z" };

function deployed() {
  return [
    {
      name: "p1as-dev",
      certificates: [WILDCARD_DEV],
      hostnames: [
        hostname("login.dev.acme.example", "pingfederate-engines", "wildcard-dev"),
        hostname("api.dev.acme.example", "pingfederate-engines", "wildcard-dev"),
        hostname("admin.dev.acme.example", "pingfederate-admin-api", "wildcard-dev"),
      ],
    },
    {
      name: "p1as-prod",
      certificates: [{ name: "wildcard-prod-2024", sha256_fingerprint: "DD:DD", not_after: "2024-12-31T00:00:00Z" }],
      hostnames: [hostname("login.acme.example", "pingfederate-engines", "wildcard-prod")],
    },
    { name: "p1as-stage", hostnames: [hostname("login.stage.acme.example", "pingfederate-engines", "wildcard-stage")] },
  ];
}

function changed() {
  return [
    {
      name: "p1as-dev",
      certificates: [
        { ...WILDCARD_DEV, sha256_fingerprint: "CC:CC" },
        { name: "wildcard-dev-2025", sha256_fingerprint: "BB:BB", not_after: "2026-06-30T00:00:00Z" },
      ],
      hostnames: [
        hostname("api.dev.acme.example", "pingaccess-engines", "wildcard-dev"),
        hostname("admin.dev.acme.example", "pingfederate-admin-api", "wildcard-dev-2025"),
        hostname("new.dev.acme.example", "pingdelegator", "wildcard-dev-2025"),
      ],
    },
    // the expired certificate goes: a delete in the API
    { name: "p1as-prod", certificates: [], hostnames: [hostname("login.acme.example", "pingfederate-engines", "wildcard-prod")] },
    { name: "p1as-stage", hostnames: [hostname("login.stage.acme.example", "pingfederate-engines", "wildcard-stage")] },
    // no TF_VAR for this stack's variable: its plan fails with "No value for required variable"
    {
      name: "p1as-test",
      hostnames: [hostname("login.test.acme.example", "pingfederate-engines", "wildcard-test")],
      clientSecretVariable: "p1as_test_client_secret",
    },
    { name: "pingone-directory", pingone: true },
  ];
}

function keyBody(pem: string): string {
  return pem.split("\n")[5];
}

async function withEnv<T>(env: NodeJS.ProcessEnv, action: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await action();
  } finally {
    for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

async function captureStderr(action: () => Promise<number>): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const write = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  const stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    const code = await action();
    return { code, text: chunks.join("") };
  } finally {
    write.mockRestore();
    stdout.mockRestore();
  }
}
