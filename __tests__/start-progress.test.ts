/**
 * `npm start`'s progress lines: terraform's machine-readable UI (lines in the format terraform 1.11 prints
 * for `apply -json`) becomes one short line per object and step; data-source reads and plan chatter vanish;
 * errors stay whole. And how npm start runs terraform for them (a stand-in terraform that prints and exits).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import pc from "picocolors";
import { terraform as startTerraform } from "../tools/start/main";
import { renderUiLine as render } from "../tools/start/progress";

/** Plain text, whatever the environment says about colour (CI sets CI=true, which turns colour on). */
const plain = pc.createColors(false);
const renderUiLine = (line: string) => render(line, plain);

/** A UI message about the managed resource `address` (`type.name`). */
const hook = (type: string, address: string, action: string, extra: object = {}) =>
  JSON.stringify({
    type,
    "@level": "info",
    hook: {
      resource: { addr: address, resource_type: address.split(".")[0], resource_name: address.split(".")[1] },
      action,
      ...extra,
    },
  });

describe("npm start progress lines", () => {
  test("one line per object and step, named by the API's key", () => {
    // GIVEN what terraform prints while creating a certificate and a hostname and deleting another
    const lines = [
      hook("apply_start", "p1as_certificate.wildcard-dev", "create"),
      hook("apply_complete", "p1as_certificate.wildcard-dev", "create", { elapsed_seconds: 1 }),
      hook("apply_start", "p1as_hostname.auth_dev_acme_example", "update"),
      hook("apply_start", "p1as_hostname.old_dev_acme_example", "delete"),
      hook("apply_complete", "p1as_hostname.old_dev_acme_example", "delete", { elapsed_seconds: 0 }),
      JSON.stringify({ type: "change_summary", changes: { add: 1, change: 1, remove: 1, operation: "apply" } }),
    ];

    // WHEN rendered without colour
    const rendered = lines.map(renderUiLine);

    // THEN each says what happens to which object
    expect(rendered).toEqual([
      "  creating   certificate wildcard-dev",
      "  complete   certificate wildcard-dev (1 s)",
      "  updating   hostname auth.dev.acme.example",
      "  deleting   hostname old.dev.acme.example",
      "  deleted    hostname old.dev.acme.example (0 s)",
      "  done: 1 added, 1 changed, 1 destroyed",
    ]);
  });

  test("names a PingOne object by its kind and construct path, without cdktf's hash", () => {
    const lines = [
      hook("apply_start", "pingone_application.orchestration-client_application_66C31D91", "create"),
      hook("apply_complete", "pingone_resource_attribute.admin-api-resource_groups-attribute_656F04FA", "create", {
        elapsed_seconds: 0,
      }),
      hook("apply_start", "pingone_schema_attribute.role-attributes_p1asGrafanaRoles_0E7F70CD", "update"),
      hook("apply_start", "pingone_application_resource_grant.audit-client_scope-grant_CB61DBC8", "delete"),
      // A type the demo does not know keeps its address.
      hook("apply_start", "pingone_population.people_0E7F70CD", "create"),
    ];
    expect(lines.map(renderUiLine)).toEqual([
      "  creating   PingOne application orchestration-client application",
      "  complete   PingOne resource attribute admin-api-resource groups-attribute (0 s)",
      "  updating   PingOne schema attribute role-attributes p1asGrafanaRoles",
      "  deleting   PingOne grant audit-client scope-grant",
      "  creating   pingone_population.people_0E7F70CD",
    ]);
  });

  test("drops data-source reads, plan lines and warnings; keeps errors whole", () => {
    const read = JSON.stringify({
      type: "apply_start",
      hook: {
        resource: { addr: "data.p1as_hostnames.held", resource_type: "p1as_hostnames", resource_name: "held" },
        action: "read",
      },
    });
    const planned = JSON.stringify({ type: "planned_change", change: { action: "create" } });
    const warning = JSON.stringify({
      type: "diagnostic",
      diagnostic: { severity: "warning", summary: "Unable to open CLI configuration file" },
    });
    const error = JSON.stringify({
      type: "diagnostic",
      diagnostic: {
        severity: "error",
        summary: "hostname x did not become ready",
        detail: 'hostname x ended in status "error"\nCheck the console.',
      },
    });

    expect([read, planned, warning].map(renderUiLine)).toEqual([undefined, undefined, undefined]);
    expect(renderUiLine(error)).toBe(
      '  hostname x did not become ready\n    hostname x ended in status "error"\n    Check the console.',
    );
  });

  test("colours a step as the P1AS console does when colour is on: blue creating, yellow updating, green complete, red error", () => {
    const coloured = pc.createColors(true);
    expect(render(hook("apply_start", "p1as_certificate.c", "create"), coloured)).toBe(
      `  ${coloured.blue("creating  ")} certificate c`,
    );
    expect(render(hook("apply_start", "p1as_hostname.h", "update"), coloured)).toBe(
      `  ${coloured.yellow("updating  ")} hostname h`,
    );
    expect(render(hook("apply_errored", "p1as_hostname.h", "create"), coloured)).toBe(
      `  ${coloured.red("error     ")} hostname h`,
    );
    expect(render(hook("apply_complete", "p1as_hostname.h", "create", { elapsed_seconds: 2 }), coloured)).toBe(
      `  ${coloured.green("complete  ")} hostname h ${coloured.dim("(2 s)")}`,
    );
  });

  test("a line that is not JSON (terraform's own stderr noise) is passed on, dimmed", () => {
    expect(renderUiLine("something terraform printed")).toBe("something terraform printed");
    expect(renderUiLine("   ")).toBeUndefined();
  });
});

describe("npm start's terraform, through the tools' one runner", () => {
  // A terraform that prints what it is asked to and exits with FAKE_EXIT: the runner's whole contract here.
  const bin = mkdtempSync(path.join(tmpdir(), "start-terraform-"));
  writeFileSync(
    path.join(bin, "terraform"),
    [
      "#!/bin/sh",
      'echo "plain line on stdout"',
      'echo "init trouble on stderr" >&2',
      `echo '${JSON.stringify({ type: "apply_start", "@level": "info", hook: { resource: { addr: "p1as_certificate.wildcard-dev", resource_type: "p1as_certificate", resource_name: "wildcard-dev" }, action: "create" } })}'`,
      'exit "${FAKE_EXIT:-0}"',
    ].join("\n"),
    { mode: 0o755 },
  );
  const written: { stdout: string; stderr: string } = { stdout: "", stderr: "" };
  const streams = ["stdout", "stderr"] as const;
  beforeEach(() => {
    written.stdout = written.stderr = "";
    for (const stream of streams) {
      jest
        .spyOn(process[stream], "write")
        .mockImplementation((text: string | Uint8Array) => ((written[stream] += String(text)), true));
    }
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const env = (exit: number) => ({ PATH: `${bin}:${process.env.PATH}`, FAKE_EXIT: String(exit) });
  const plainText = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

  test("an apply's -json output is rendered one line per object, and its stderr is kept back while it succeeds", async () => {
    await startTerraform(["apply", "-auto-approve"], bin, env(0), false);
    expect(plainText(written.stdout)).toMatch(/^\s*creating\s+certificate wildcard-dev$/m);
    expect(written.stdout).not.toContain('"apply_start"');
    expect(written.stderr).toBe("");
  });

  test("a failing init prints what terraform said, then names the command, the folder and the code", async () => {
    await expect(startTerraform(["init", "-input=false"], bin, env(3), false)).rejects.toThrow(
      /^terraform init in .* exited with 3$/,
    );
    expect(written.stderr).toContain("plain line on stdout\n");
    expect(written.stderr).toContain("init trouble on stderr\n");
    expect(written.stdout).toBe("");
  });

  test("--verbose passes terraform's own lines through, each to its stream", async () => {
    await startTerraform(["apply", "-auto-approve"], bin, env(0), true);
    expect(written.stdout).toContain("plain line on stdout\n");
    expect(written.stderr).toBe("init trouble on stderr\n");
  });

  test("a terraform that cannot start is named as such", async () => {
    await expect(startTerraform(["init"], path.join(bin, "missing-dir"), env(0), false)).rejects.toThrow(
      /^cannot run terraform \(/,
    );
  });
});
