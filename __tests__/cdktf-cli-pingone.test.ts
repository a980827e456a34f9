/**
 * Bootstrap from an empty tenant with generated credentials through cdktf 0.21's own CLI, both contract modes: the
 * `npx cdktf diff` and `npx cdktf deploy` commands of docs/getting-started.md in a project folder of their own, with
 * terraform installing the PingOne provider test double from a throw-away mirror (TF_CLI_CONFIG_FILE). One deploy
 * per mode: the diff from zero shows the creates, the deploy creates the PingOne objects and then the virtual hosts,
 * and a second diff shows no changes. Needs `npm run build` first.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONTRACT_MODES } from "./support/p1as-app";
import { commandTimings, gettingStartedCommands, pingOneNames, pingOneProject } from "./support/pingone-project";

jest.setTimeout(15 * 60_000);

const DIFFS = gettingStartedCommands("5. The first plan").filter((command) => command.startsWith("npx cdktf diff"));
const DEPLOY = gettingStartedCommands("6. Deploy").find((command) => command.startsWith("npx cdktf deploy"))!;

/** The page's offline form: terraform gets the PingOne provider from a mirror, which `terraform providers lock` cannot read. */
const offline = (command: string) => `${command} --skip-provider-lock`;

describe.each(CONTRACT_MODES)("bootstrap from an empty tenant through the cdktf CLI (%s contract)", (contract) => {
  const project = pingOneProject(`cdktf-cli-pingone-${contract}`, contract);
  const timed = commandTimings(`cdktf-cli-pingone (${contract})`);

  /** Only dev: the page's cdktf commands name its stacks. */
  const writeDevConfig = (overrides: object = {}) => project.writeConfig({ dev: overrides }, ["dev"]);

  test("the commands come from docs/getting-started.md", () => {
    expect(DIFFS).toEqual(["npx cdktf diff pingone-directory", "npx cdktf diff p1as-dev"]);
    expect(DEPLOY).toBe("npx cdktf deploy pingone-directory p1as-dev");
  });

  test("bad input: a misspelt field of a PingOne-mode environment stops cdktf before terraform; nothing is sent", async () => {
    writeDevConfig({ resource: { scopes: "p1as-self-service" } });
    project.emulator.requestLog.clear();
    const diff = await project.run(offline(DIFFS[1]));
    expect(diff.code).not.toBe(0);
    expect(diff.text).toMatch(/environments\[0\]\.resource.*scopes/);
    expect(project.emulator.requestLog.list()).toEqual([]);
  });

  test("diff from zero shows the creates, one deploy creates everything, a second diff shows no changes", async () => {
    writeDevConfig();
    // WHEN the page's diffs run on an empty tenant
    const directory = await timed("diff pingone-directory from zero", () => project.run(offline(DIFFS[0])));
    const dev = await timed("diff p1as-dev from zero", () => project.run(offline(DIFFS[1])));
    // THEN they show every object to create, with the warning that the applications do not exist yet
    expect({ code: directory.code, output: directory.code === 0 ? "" : directory.text }).toEqual({
      code: 0,
      output: "",
    });
    expect(directory.text).toContain("pingone_schema_attribute");
    expect({ code: dev.code, output: dev.code === 0 ? "" : dev.text }).toEqual({ code: 0, output: "" });
    for (const address of [
      "pingone_resource",
      "pingone_resource_scope",
      "pingone_resource_attribute",
      "pingone_application",
      "pingone_application_resource_grant",
      "p1as_certificate",
      "p1as_hostname",
    ]) {
      expect(dev.text).toContain(address);
    }
    expect(dev.text).toMatch(/PingOne application "p1as-dev-audit" does not exist in PingOne environment .* yet/);
    expect(dev.text).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(pingOneNames(project).applications).toEqual([]);

    // WHEN the page's deploy runs
    const deploy = await timed("deploy from zero", () => project.run(`${offline(DEPLOY)} --auto-approve`));
    // THEN it creates the PingOne objects and the virtual hosts
    expect({ code: deploy.code, output: deploy.code === 0 ? "" : deploy.text }).toEqual({ code: 0, output: "" });
    const held = pingOneNames(project);
    expect(held.applications).toEqual(["p1as-dev-audit", "p1as-dev-orchestration"]);
    expect(held.resources).toEqual(["p1as-dev-self-service-api", "p1as-dev-self-service-api-audit"]);
    expect(held.grants).toBe(2);
    expect(held.roles.map((role) => role.value)).toEqual(expect.arrayContaining(["dev-tls-admin", "dev-tls-audit"]));
    expect(
      project.emulator.service.listHostnames("dev").map((item) => (item as { hostname: string }).hostname),
    ).toEqual(["auth.dev.acme.example"]);

    // AND a second diff of each stack shows no changes
    const again = await timed("second diff p1as-dev", () => project.run(offline(DIFFS[1])));
    expect({ code: again.code, output: again.code === 0 ? "" : again.text }).toEqual({ code: 0, output: "" });
    expect(again.text).toMatch(/No changes/);
    expect(again.text).not.toMatch(/does not exist/);
    const directoryAgain = await project.run(offline(DIFFS[0]));
    expect(directoryAgain.text).toMatch(/No changes/);

    // AND nothing printed holds a secret
    const printed =
      project.transcript.join("\n") +
      project
        .stateFiles()
        .map((file) => fs.readFileSync(file, "utf8"))
        .join("\n");
    for (const secret of await project.secrets()) expect(printed).not.toContain(secret);
    expect(fs.existsSync(path.join(project.dir, "cdktf.out", "stacks", "p1as-dev", "cdk.tf.json"))).toBe(true);
  });
});
