/**
 * The summary renderer and its masking on their own: size limits, markdown safety and secret patterns,
 * with plans far larger than a fixture app can produce quickly.
 */
import fc from "fast-check";
import { StackPlanSummary, summarizePlan, parsePlanJson, withOffline } from "../tools/plan-summary/plan-json";
import { REDACTED, redactTerraformText as redactText } from "../tools/terraform/redact";
import { EXPECTED_OFFLINE_WINDOW, offlineHostnames, offlineLines } from "../tools/plan-summary/offline-hostnames";
import {
  cleanPlanText,
  cutText,
  renderRefusal,
  renderSummary,
  shareBudget,
  shortFingerprint,
  StackOutcome,
  SUMMARY_MARKER,
} from "../tools/plan-summary/render";
import { HOSTILE, prose, references, render, tags } from "./support/markdown";

describe("renderSummary size limit", () => {
  it("keeps the whole comment under the limit with a huge plan, and says what it omitted", () => {
    // GIVEN a 300,000-character plan and 3,000 changing resources
    const outcome = planned("p1as-dev", manyChanges(3_000), hugePlanText(300_000));
    // WHEN
    const markdown = renderSummary([outcome]);
    // THEN
    expect(markdown.length).toBeLessThanOrEqual(65_000);
    expect(markdown.startsWith(SUMMARY_MARKER)).toBe(true);
    expect(markdown).toContain("> [!CAUTION]");
    expect(markdown).toMatch(/… \d+ lines \(\d+ characters\) omitted to stay under GitHub's comment size limit/);
    expect(markdown).toContain("_…and 2801 more; see the full plan._");
    // the tail of the plan, with terraform's own Plan: line, survives the cut
    expect(markdown).toContain("Plan: 3000 to add, 0 to change, 0 to destroy.");
  });

  it("never exceeds the limit, whatever the plans and the limit (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(400), fc.nat(60_000)), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 2_000, max: 65_000 }),
        (stacks, maxChars) => {
          const outcomes = stacks.map(([changes, textLength], index) =>
            planned(`p1as-${index}`, manyChanges(changes), hugePlanText(textLength)),
          );
          const markdown = renderSummary(outcomes, { maxChars });
          return markdown.length <= maxChars && markdown.startsWith(SUMMARY_MARKER);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("shares the room fairly: a small plan stays whole next to a huge one", () => {
    // GIVEN
    const small = planned("p1as-dev", manyChanges(1), "small plan\nPlan: 1 to add, 0 to change, 0 to destroy.");
    const huge = planned("p1as-prod", manyChanges(1), hugePlanText(200_000));
    // WHEN
    const markdown = renderSummary([small, huge], { maxChars: 20_000 });
    // THEN
    expect(markdown).toContain("small plan\nPlan: 1 to add, 0 to change, 0 to destroy.");
    expect(markdown.length).toBeLessThanOrEqual(20_000);
  });

  it("keeps plan text that contains backticks inside its code fence", () => {
    // GIVEN a plan that quotes a markdown fence and a closing details tag
    const text = 'resource "x" {\n  description = "```\\n</details>"\n}\nPlan: 1 to add, 0 to change, 0 to destroy.';
    // WHEN
    const markdown = renderSummary([planned("p1as-dev", manyChanges(1), text)]);
    // THEN the fence is longer than any backtick run inside it
    expect(markdown).toContain('````text\nresource "x"');
    expect(markdown).toContain("Plan: 1 to add, 0 to change, 0 to destroy.\n````");
  });

  it("escapes pipes and backticks in table cells", () => {
    const summary: StackPlanSummary = {
      counts: counts(1),
      changes: [
        {
          address: 'local_file.x["a|b`c"]',
          action: "create",
          kind: "other",
          fields: [],
          changes: [],
          destructive: false,
        },
      ],
      driftCount: 0,
    };
    const markdown = renderSummary([{ stack: "p1as-dev", status: "planned", summary, planText: "" }]);
    expect(markdown).toContain('| `+` create | ``local_file.x["a\\|b`c"]`` |  |');
  });

  it("shows API and config text as text: hostile errors, reasons, values and plan text add nothing to the rendered comment", () => {
    // GIVEN every text the summary shows set to the hostile corpus, and the same summary with plain text instead
    const outcomes = (value: string): StackOutcome[] => {
      const change = {
        address: `p1as_hostname.x["${value}"]`,
        action: "delete" as const,
        kind: "hostname" as const,
        destructive: true,
        reason: value,
        changes: [{ field: "product", before: value, after: value }],
        fields: [
          { field: "hostname", value },
          { field: "product", value },
        ],
      };
      return [
        {
          stack: "p1as-dev",
          status: "planned",
          summary: { counts: { ...counts(0), destroy: 1 }, changes: [change], driftCount: 0 },
          planText: `${value}\nPlan: 0 to add`,
        },
        { stack: "p1as-test", status: "failed", error: value },
        { stack: "p1as-stage", status: "unplannable", reason: value, detail: value },
        { stack: "p1as-prod", status: "retired", note: value },
      ];
    };
    // WHEN both are rendered as GitHub would
    const hostile = render(renderSummary(outcomes(HOSTILE), { subtitle: HOSTILE }));
    const plain = render(renderSummary(outcomes("plain words"), { subtitle: "plain words" }));
    // THEN the hostile one has exactly the plain one's structure, and no mention, reference or link
    expect(tags(hostile)).toEqual(tags(plain));
    expect(references(prose(hostile))).toEqual([]);
    // (the refusal too)
    expect(tags(render(renderRefusal(HOSTILE, HOSTILE)))).toEqual(
      tags(render(renderRefusal("plain\nwords", "plain words"))),
    );
  });
});

describe("cutText, shareBudget and shortFingerprint", () => {
  it("shortens a full SHA-256 fingerprint to its head and tail, and leaves short values alone", () => {
    const full = "DE:04:7D:60:63:A3:49:A7:1F:E5:7C:B4:4C:7F:A9:0C:E9:D9:F1:DA:11:97:DD:C8:80:87:4D:8C:7F:2E:99:05";
    expect(shortFingerprint(full)).toBe("DE:04:7D:60…2E:99:05");
    expect(shortFingerprint("AA:BB")).toBe("AA:BB");
  });

  it("returns short text unchanged and cuts long text on line boundaries, head and tail", () => {
    const lines = Array.from({ length: 1000 }, (_, index) => `line ${index}`);
    const text = lines.join("\n");
    expect(cutText(text, text.length)).toBe(text);
    const cut = cutText(text, 1_000);
    expect(cut.length).toBeLessThanOrEqual(1_000);
    expect(cut.startsWith("line 0\nline 1\n")).toBe(true);
    expect(cut.endsWith("line 998\nline 999")).toBe(true);
    expect(cut.split("\n").every((line) => /^line \d+$|^… \d+ lines|^$/.test(line))).toBe(true);
  });

  it("gives short texts what they need and splits the rest evenly", () => {
    expect(shareBudget([100, 10_000, 10_000], 5_100)).toEqual([100, 2_500, 2_500]);
    expect(shareBudget([0, 50], 10)).toEqual([0, 10]);
    expect(shareBudget([10], -5)).toEqual([0]);
  });
});

describe("plan JSON", () => {
  it("rejects a document that is not a terraform plan, naming the missing field", () => {
    expect(() => parsePlanJson('{"resource_changes": []}')).toThrow(/format_version/);
  });

  it("masks a field terraform marked sensitive even when it is a displayed field", () => {
    // GIVEN a hostname whose certname comes from a sensitive value
    const plan = planOf({
      address: "p1as_hostname.a_example",
      type: "p1as_hostname",
      name: "a_example",
      change: {
        actions: ["create"],
        after: { hostname: "a.example", product: "pingdelegator", certname: "hidden", adopt: false },
        after_sensitive: { certname: true },
        after_unknown: { id: true, status: true },
      },
    });
    // WHEN
    const [change] = summarizePlan(plan).changes;
    // THEN
    expect(change.fields).toEqual([
      { field: "hostname", value: "a.example" },
      { field: "product", value: "pingdelegator" },
      { field: "certname", value: "(sensitive value)" },
    ]);
  });

  it("shows a hostname the provider replaces as destructive, with the changed field and why, in the banner", () => {
    // GIVEN a product change where the API has no update route (the provider asks for a replacement)
    const plan = planOf({
      address: "p1as_hostname.api_dev_acme_example",
      type: "p1as_hostname",
      name: "api_dev_acme_example",
      action_reason: "replace_because_cannot_update",
      change: {
        actions: ["delete", "create"],
        before: {
          id: "api.dev.acme.example",
          hostname: "api.dev.acme.example",
          product: "pingfederate-engines",
          certname: "wildcard-dev",
          adopt: false,
          status: "complete",
        },
        after: {
          hostname: "api.dev.acme.example",
          product: "pingaccess-engines",
          certname: "wildcard-dev",
          adopt: false,
        },
        after_unknown: { id: true, status: true },
      },
    });
    // WHEN
    const summary = summarizePlan(plan);
    const markdown = renderSummary([{ stack: "p1as-dev", status: "planned", summary, planText: "" }]);
    // THEN
    expect(summary.counts).toEqual({ ...counts(0), replace: 1 });
    expect(markdown).toContain(
      "> - 🛑 **replace** hostname `api.dev.acme.example` in `p1as-dev` (product `pingaccess-engines` · certificate `wildcard-dev` · status `complete`; " +
        "product: `pingfederate-engines` → `pingaccess-engines`; cannot be updated in place: deleted and created again)",
    );
  });

  it("shows a hostname update the provider warned goes offline as a destructive replacement with its window; other updates stay updates", () => {
    // GIVEN two certname updates, where terraform's plan output warns about one of them (no update route), the
    // warning drawn in terraform's box and wrapped as terraform wraps it
    const update = (hostname: string) => ({
      address: `p1as_hostname.${hostname.replace(/\./g, "_")}`,
      type: "p1as_hostname",
      name: hostname.replace(/\./g, "_"),
      change: {
        actions: ["update"],
        before: {
          id: hostname,
          hostname,
          product: "pingfederate-engines",
          certname: "wildcard-dev",
          adopt: false,
          status: "complete",
        },
        after: { id: hostname, hostname, product: "pingfederate-engines", certname: "wildcard-dev-2027", adopt: false },
        after_unknown: { status: true },
      },
    });
    const plan = parsePlanJson(
      JSON.stringify({
        format_version: "1.2",
        resource_changes: [update("b.dev.acme.example"), update("a.dev.acme.example")],
      }),
    );
    const planText =
      "╷\n│ Warning: hostname a.dev.acme.example goes\n│ offline: deleted and created again\n│ \n│   with p1as_hostname.a_dev_acme_example,\n╵\n";
    // WHEN
    const summary = withOffline(summarizePlan(plan), offlineHostnames(planText).planned, "W");
    const markdown = renderSummary([{ stack: "p1as-dev", status: "planned", summary, planText }]);
    // THEN the warned one is destructive, first, and named in the banner with the window; the other is a plain update
    expect(summary.counts).toEqual({ ...counts(0), change: 2 });
    expect(summary.changes.map((change) => [change.address, change.destructive])).toEqual([
      ["p1as_hostname.a_dev_acme_example", true],
      ["p1as_hostname.b_dev_acme_example", false],
    ]);
    expect(markdown).toContain(
      "> - 🛑 **replace (offline)** hostname `a.dev.acme.example` in `p1as-dev` (product `pingfederate-engines` · certificate `wildcard-dev-2027` · status `complete`; " +
        "certificate: `wildcard-dev` → `wildcard-dev-2027`; no update route: deleted and created again, offline for W)",
    );
    expect(markdown).not.toContain("hostname `b.dev.acme.example` in `p1as-dev`");
  });

  it("reads the apply's measured windows over the plan's expected ones, one line per hostname", () => {
    const output =
      "Warning: hostname a.dev.acme.example goes offline: deleted and created again\n" +
      "Warning: hostname b.dev.acme.example goes offline: deleted and created again\n" +
      "│ Warning: hostname a.dev.acme.example was replaced: absent 0.0 s, served again after 5.0 s\n";
    expect(offlineLines(offlineHostnames(output))).toEqual([
      "hostname a.dev.acme.example was offline (no update route: deleted and created again): absent 0.0 s, served again after 5.0 s",
      `hostname b.dev.acme.example goes offline (no update route: deleted and created again): expected ${EXPECTED_OFFLINE_WINDOW}`,
    ]);
    expect(offlineHostnames("Warning: something else\n")).toEqual({ planned: [], replaced: new Map() });
  });

  it("shows the status the API reports now, so a repair of an object in error says why, and never a status 'change'", () => {
    // GIVEN a hostname in error whose declared values are sent again
    const plan = planOf({
      address: "p1as_hostname.auth_dev_acme_example",
      type: "p1as_hostname",
      name: "auth_dev_acme_example",
      change: {
        actions: ["update"],
        before: {
          id: "auth.dev.acme.example",
          hostname: "auth.dev.acme.example",
          product: "pingfederate-engines",
          certname: "wildcard-dev",
          adopt: false,
          status: "error",
        },
        after: {
          id: "auth.dev.acme.example",
          hostname: "auth.dev.acme.example",
          product: "pingfederate-engines",
          certname: "wildcard-dev",
          adopt: false,
        },
        after_unknown: { status: true },
      },
    });
    // WHEN
    const [change] = summarizePlan(plan).changes;
    // THEN
    expect(change).toMatchObject({ action: "update", destructive: false, changes: [] });
    expect(change.fields).toContainEqual({ field: "status", value: "error" });
  });

  it("never shows a certificate's chain or key, only name, fingerprint, expiry and status", () => {
    // GIVEN a certificate create as the provider plans it
    const plan = planOf({
      address: "p1as_certificate.wildcard-dev",
      type: "p1as_certificate",
      name: "wildcard-dev",
      change: {
        actions: ["create"],
        after: {
          name: "wildcard-dev",
          fullchain: pem("CERTIFICATE"),
          private_key_wo: null,
          private_key_wo_version: "AA:BB",
          sha256_fingerprint: "AA:BB",
          not_after: "2027-01-01T00:00:00.000Z",
          adopt: true,
        },
        after_unknown: { id: true, status: true },
        after_sensitive: { private_key_wo: true },
      },
    });
    // WHEN
    const [change] = summarizePlan(plan).changes;
    // THEN
    expect(change.fields).toEqual([
      { field: "name", value: "wildcard-dev" },
      { field: "sha256_fingerprint", value: "AA:BB" },
      { field: "not_after", value: "2027-01-01T00:00:00.000Z" },
      { field: "adopt", value: "true" },
    ]);
  });

  it("folds certificate chains out of the text plan, whatever terraform appends to the heredoc", () => {
    const chain = (prefix: string) =>
      pem("CERTIFICATE")
        .split("\n")
        .map((line) => `${prefix}${line}`)
        .join("\n");
    // (terraform's layout: the value's lines 4 columns deeper than the attribute's name, EOT in the name's column)
    const text =
      "  # p1as_certificate.wildcard-dev must be replaced\n" +
      `      ~ fullchain              = <<-EOT # forces replacement\n${chain("            ")}\n        EOT\n` +
      `      - fullchain              = <<-EOT\n${chain("            ")}\n        EOT -> null\n` +
      "      + description            = <<-EOT\n            not a chain\n        EOT";
    expect(cleanPlanText(text)).toBe(
      "# p1as_certificate.wildcard-dev must be replaced\n" +
        "      ~ fullchain              = (certificate chain, 4 lines, omitted) # forces replacement\n" +
        "      - fullchain              = (certificate chain, 4 lines, omitted) -> null\n" +
        "      + description            = <<-EOT\n            not a chain\n        EOT",
    );
  });

  it("folds a chain whose text holds an EOT line and made-up plan lines whole: they never reach the comment as plan lines", () => {
    // GIVEN a chain that got text after its blocks, as terraform 1.11 prints it in a plan
    const fake = [
      "EOT",
      "  # p1as_hostname.auth_dev_acme_example will be destroyed",
      '  - resource "p1as_hostname" "auth_dev_acme_example" {}',
    ];
    const text = [
      "  # p1as_certificate.wildcard-dev will be created",
      '  + resource "p1as_certificate" "wildcard-dev" {',
      "      + fullchain = <<-EOT",
      ...[...pem("CERTIFICATE").split("\n"), ...fake].map((line) => `            ${line}`),
      "        EOT",
      '      + name      = "wildcard-dev"',
      "    }",
      "",
      "Plan: 1 to add, 0 to change, 0 to destroy.",
    ].join("\n");
    // WHEN cleaned and rendered into the comment
    const cleaned = cleanPlanText(text);
    const markdown = renderSummary([planned("p1as-dev", manyChanges(0), text)]);
    // THEN the whole heredoc, the made-up lines with it, is one line; the resource goes on after it
    expect(cleaned.split("\n").slice(1, 4)).toEqual([
      '  + resource "p1as_certificate" "wildcard-dev" {',
      "      + fullchain = (certificate chain, 7 lines, omitted)",
      '      + name      = "wildcard-dev"',
    ]);
    expect(markdown).not.toContain("will be destroyed");
    expect(markdown).not.toContain('- resource "p1as_hostname"');
  });

  it("drops refresh lines and the saved-plan hint from the text plan", () => {
    const text =
      'x: Refreshing state... [id=1]\n\nTerraform will perform...\nPlan: 0 to add\n\nSaved the plan to: tfplan\n\nTo perform exactly these actions, run:\n  terraform apply "tfplan"\n';
    expect(cleanPlanText(text)).toBe("Terraform will perform...\nPlan: 0 to add");
  });
});

describe("redactTerraformText", () => {
  it.each([
    ["a PEM private key", `before\n${pem("PRIVATE KEY")}\nafter`, `before\n${REDACTED}\nafter`],
    [
      "an RSA PEM key escaped in JSON",
      `"key": "${pem("RSA PRIVATE KEY").replace(/\n/g, "\\n")}"`,
      `"key": "${REDACTED}"`,
    ],
    ["an HCL secret attribute", '  - client_secret = "s3cr3t-value"', `  - client_secret = "${REDACTED}"`],
    ["a JSON secret key", '{"clientSecret":"abc\\"def"}', `{"clientSecret":"${REDACTED}"}`],
    ["an access token key", 'access_token: "xyz123"', `access_token: "${REDACTED}"`],
    ["a bearer header", "Authorization: Bearer abcdefgh.ijklmnop", `Authorization: Bearer ${REDACTED}`],
    ["a bare JWT", "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln end", `token ${REDACTED} end`],
  ])("masks %s", (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    ["a variable name that holds no secret", 'client_secret_variable = "p1as_dev_client_secret"'],
    ["a token URL", 'token_url = "https://auth.pingone.com/x/as/token"'],
    ["terraform's own mask", "client_secret = (sensitive value)"],
    ["a certificate (public)", pem("CERTIFICATE")],
  ])("leaves %s alone", (_name, input) => {
    expect(redactText(input)).toBe(input);
  });

  it("is idempotent, so masking twice changes nothing", () => {
    const once = redactText(`client_secret = "x"\n${pem("EC PRIVATE KEY")}\nBearer abcdefghijk`);
    expect(redactText(once)).toBe(once);
  });
});

// ---- shared setup ----

function planned(stack: string, summary: StackPlanSummary, planText: string): StackOutcome {
  return { stack, status: "planned", summary, planText };
}

function planOf(resourceChange: object) {
  return parsePlanJson(JSON.stringify({ format_version: "1.2", resource_changes: [resourceChange] }));
}

function counts(add: number) {
  return { add, change: 0, replace: 0, destroy: 0, import: 0, forget: 0 };
}

/** `n` hostname creates and one hostname destroy, so the banner always has something to say. */
function manyChanges(n: number): StackPlanSummary {
  const hostname = (name: string, action: "create" | "delete") => ({
    address: `p1as_hostname.${name.replace(/\./g, "_")}`,
    action,
    kind: "hostname" as const,
    fields: [
      { field: "hostname", value: name },
      { field: "product", value: "pingfederate-engines" },
      { field: "certname", value: "wildcard-dev" },
    ],
    changes: [],
    destructive: action === "delete",
  });
  const creates = Array.from({ length: n }, (_, index) => hostname(`h${index}.dev.acme.example`, "create"));
  const destroy = hostname("old.dev.acme.example", "delete");
  return { counts: { ...counts(n), destroy: 1 }, changes: [destroy, ...creates], driftCount: 0 };
}

function hugePlanText(length: number): string {
  const line =
    '  + resource "p1as_hostname" "h_dev_acme_example" { hostname = "h.dev.acme.example", product = "pingdelegator" }';
  const lines = Array.from({ length: Math.ceil(length / (line.length + 1)) }, () => line);
  return `${lines.join("\n")}\n\nPlan: 3000 to add, 0 to change, 0 to destroy.`;
}

function pem(label: string): string {
  return `-----BEGIN ${label}-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7\nabcdefghijklmnopqrstuvwxyz0123456789==\n-----END ${label}-----`;
}
