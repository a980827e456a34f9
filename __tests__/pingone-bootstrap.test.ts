/**
 * Bootstrap from an empty tenant with generated credentials, through our tools and real terraform, both contract
 * modes: the commands of docs/getting-started.md (`npm run synth`, `plan:summary`, `deploy`, as the npm scripts run
 * them after their build) in a project folder of their own, with the PingOne provider test double against the
 * emulated PingOne. A config with dev and prod, no `credentials`, role attributes managed: the plan from zero, one
 * deploy, a second plan, rotation, the read-only client, a real token's claims, retire, bad input, and no secret in
 * anything printed, any state or any plan. Needs `npm run build` first.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { decodeJwt } from "jose";
import { CONTRACT_MODES } from "./support/p1as-app";
import {
  applicationClient,
  clientToken,
  CommandResult,
  commandTimings,
  gettingStartedCommands,
  pingOneNames,
  pingOneProject,
  withoutBuild,
} from "./support/pingone-project";
import { workerEnv } from "./support/pingone-tenant";

jest.setTimeout(15 * 60_000);

const [SYNTH, VALIDATE] = gettingStartedCommands("2. Synthesize")
  .filter((command) => command.startsWith("npm run"))
  .map(withoutBuild);
const PLAN = withoutBuild(
  gettingStartedCommands("5. The first plan").find((command) => command.startsWith("npm run"))!,
);
const DEPLOY = withoutBuild(gettingStartedCommands("6. Deploy").find((command) => command.startsWith("npm run"))!);

const PINGONE_OBJECTS = {
  resources: [
    "p1as-dev-self-service-api",
    "p1as-dev-self-service-api-audit",
    "p1as-prod-self-service-api",
    "p1as-prod-self-service-api-audit",
  ],
  applications: ["p1as-dev-audit", "p1as-dev-orchestration", "p1as-prod-audit", "p1as-prod-orchestration"],
};

/** A command that must succeed; its output when it did not. */
function ok(result: CommandResult): CommandResult {
  if (result.code !== 0) throw new Error(`${result.command} exited ${result.code}:\n${result.text.slice(-4000)}`);
  return result;
}

describe.each(CONTRACT_MODES)("bootstrap from an empty tenant through the tools (%s contract)", (contract) => {
  const project = pingOneProject(`pingone-bootstrap-${contract}`, contract);
  const hostnames = (environment: "dev" | "prod") =>
    project.emulator.service.listHostnames(environment).map((item) => (item as { hostname: string }).hostname);
  const timed = commandTimings(`pingone-bootstrap (${contract})`);

  test("the commands come from docs/getting-started.md", () => {
    expect(SYNTH).toBe("CHECKPOINT_DISABLE=1 node dist/main.js --clean");
    expect(VALIDATE).toBe("node dist/tools/validate/main.js");
    expect(PLAN).toMatch(/^node dist\/tools\/plan-summary\/main\.js/);
    expect(DEPLOY).toMatch(/^node dist\/tools\/deploy\/main\.js/);
  });

  test("bad input: an unknown field of a PingOne-mode environment, a worker of no PingOne environment; nothing is sent", async () => {
    // GIVEN a config whose dev application has a misspelt field
    project.writeConfig({ dev: { application: { nmae: "p1as-dev-orchestration" } } });
    project.emulator.requestLog.clear();
    // WHEN it is synthesized THEN the error names the field and nothing is written
    const synth = await project.run(SYNTH);
    expect(synth.code).toBe(1);
    expect(synth.text).toMatch(/environments\[0\]\.application.*nmae/);
    expect(fs.existsSync(path.join(project.dir, "cdktf.out", "manifest.json"))).toBe(false);

    // GIVEN a good config synthesized, and a worker environment id that is not an id
    project.writeConfig();
    ok(await project.run(SYNTH));
    const plan = await project.run(PLAN, { ...project.env(), PINGONE_ENVIRONMENT_ID: "dev tenant" });
    // THEN the plan fails naming the variable
    expect(plan.code).toBe(1);
    expect(plan.text).toContain("PINGONE_ENVIRONMENT_ID");
    // AND no command sent anything to PingOne or P1AS
    expect(project.emulator.requestLog.list()).toEqual([]);
  });

  test("plan:summary from zero lists every object to create and warns that the applications do not exist yet", async () => {
    project.writeConfig();
    ok(await project.run(SYNTH));
    ok(await project.run(VALIDATE));

    const plan = await timed("plan from zero", () => project.run(PLAN));
    expect({ code: plan.code, output: plan.code === 0 ? "" : plan.text }).toEqual({ code: 0, output: "" });
    const summary = fs.readFileSync(path.join(project.dir, "plan-summary.md"), "utf8");
    for (const name of [
      ...PINGONE_OBJECTS.resources,
      ...PINGONE_OBJECTS.applications,
      "p1asSelfServiceRoles",
      "wildcard-dev",
      "auth.dev.acme.example",
      "wildcard-prod",
      "auth.prod.acme.example",
    ]) {
      expect(summary).toContain(name);
    }
    expect(summary).not.toMatch(/[1-9]\d* to (change|replace|destroy)/);
    expect(plan.text).toMatch(/PingOne application "p1as-dev-audit" does not exist in PingOne environment .* yet/);
    expect(plan.text).toMatch(/PingOne application "p1as-prod-audit" does not exist in PingOne environment .* yet/);
    // AND the plan created nothing
    expect(pingOneNames(project).applications).toEqual([]);
  });

  test("one deploy creates the PingOne objects, then the virtual hosts; a second plan shows no changes", async () => {
    const deploy = await timed("deploy from zero", () => project.run(DEPLOY));
    expect({ code: deploy.code, output: deploy.code === 0 ? "" : deploy.text }).toEqual({ code: 0, output: "" });
    expect(deploy.stdout).toMatch(/deploy: pingone-directory: applied/);
    expect(deploy.stdout).toMatch(/deploy: p1as-dev: applied/);
    expect(deploy.stdout).toMatch(/deploy: p1as-prod: applied/);

    const held = pingOneNames(project);
    expect(held.resources).toEqual(PINGONE_OBJECTS.resources);
    expect(held.applications).toEqual(PINGONE_OBJECTS.applications);
    expect(held.scopes).toEqual(Array(4).fill("p1as-self-service"));
    expect(held.grants).toBe(4);
    expect(held.roles).toEqual(
      expect.arrayContaining([
        { value: "dev-tls-admin", archived: false },
        { value: "prod-tls-audit", archived: false },
      ]),
    );
    expect(hostnames("dev")).toEqual(["auth.dev.acme.example"]);
    expect(hostnames("prod")).toEqual(["auth.prod.acme.example"]);
    // The PingOne objects were created before the first virtual host of the same apply.
    const log = project.emulator.requestLog.list(/^POST /).map((entry) => entry.path);
    const grants = log.flatMap((item, index) =>
      /^\/v1\/environments\/[^/]+\/applications\/[^/]+\/grants$/.test(item) ? [index] : [],
    );
    const firstCertificate = (environment: string) =>
      log.findIndex((item) => item.startsWith(`/${environment}/api/v1/certificates`));
    // p1as-dev deploys before p1as-prod: dev's two grants, dev's certificate, prod's two grants, prod's certificate.
    expect(grants).toHaveLength(4);
    expect(firstCertificate("dev")).toBeGreaterThan(grants[1]);
    expect(firstCertificate("prod")).toBeGreaterThan(grants[3]);

    const again = await timed("second plan", () => project.run(PLAN));
    expect(again.code).toBe(0);
    const summary = fs.readFileSync(path.join(project.dir, "plan-summary.md"), "utf8");
    expect(summary).not.toMatch(/does not exist/);
    expect(summary).toContain("**3 stacks**: 0 with changes, 3 without changes, 0 failed, 0 could not be planned.");
    project.snapshot();
  });

  test("a real token of each client carries the declared groups, scope and audience", async () => {
    for (const [application, groups] of [
      ["p1as-dev-orchestration", ["dev-tls-admin"]],
      ["p1as-prod-audit", ["prod-tls-audit"]],
    ] as const) {
      const token = await clientToken(project, await applicationClient(project, application));
      expect(token.status).toBe(200);
      const claims = decodeJwt(token.data.access_token);
      expect(claims.groups).toEqual(groups);
      expect(claims.name).toBe("OrchestrationTool");
      expect(claims.scope).toBe("p1as-self-service");
      expect(claims.aud).toBe(project.emulator.apiUrl(application.includes("dev") ? "dev" : "prod"));
    }
  });

  test("the read-only client the stack generated plans every stack with the plan worker, and gets 403 on any write", async () => {
    const audit = {
      dev: await applicationClient(project, "p1as-dev-audit"),
      prod: await applicationClient(project, "p1as-prod-audit"),
    };
    // A plan job: the read-only worker (no applications:read:secret) and the audit secrets in their variables.
    const planJob = {
      ...project.env(project.planWorker),
      P1AS_DEV_AUDIT_CLIENT_SECRET: audit.dev.clientSecret,
      P1AS_PROD_AUDIT_CLIENT_SECRET: audit.prod.clientSecret,
    };
    project.emulator.requestLog.clear();
    const planned = await project.run(PLAN, planJob);
    expect({ code: planned.code, output: planned.code === 0 ? "" : planned.text }).toEqual({ code: 0, output: "" });
    const writes = project.emulator.requestLog
      .list(/^(POST|PUT|PATCH|DELETE) /)
      .filter((entry) => !entry.path.endsWith("/as/token"));
    expect(writes).toEqual([]);

    for (const environment of ["dev", "prod"] as const) {
      const token = (await clientToken(project, audit[environment])).data.access_token as string;
      const write = await fetch(`${project.emulator.apiUrl(environment)}/hostnames`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          hostname: `x.${environment}.acme.example`,
          product: "pingfederate-engines",
          certname: `wildcard-${environment}`,
        }),
      });
      expect(write.status).toBe(403);
      expect(await write.json()).toEqual({ detail: expect.any(String) });
    }
  });

  test("rotate-secret, then deploy: no virtual host changes, the old secret gets a token until previous expires", async () => {
    project.restore();
    const old = await applicationClient(project, "p1as-dev-orchestration");
    const rotated = await project.run("node dist/tools/rotate-secret/main.js --env dev --keep-previous 10m");
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/p1as-dev-orchestration: secret regenerated in PingOne \(not shown\)/);
    expect((await applicationClient(project, "p1as-dev-orchestration")).clientSecret).not.toBe(old.clientSecret);

    const deploy = await project.run(DEPLOY);
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toMatch(/p1as-dev: (unchanged|applied \(Resources: 0 added, 0 changed, 0 destroyed)/);
    expect(hostnames("dev")).toEqual(["auth.dev.acme.example"]);

    expect((await clientToken(project, old)).status).toBe(200);
    project.clockOffsetMs = 11 * 60_000;
    expect((await clientToken(project, old)).status).toBe(401);
  });

  test("retire of a PingOne-mode environment deletes its applications, grants, scopes and resources, and archives its roles", async () => {
    project.restore();
    project.writeConfig({ prod: { retire: true } });
    ok(await project.run(SYNTH));
    const deploy = await project.run(DEPLOY);
    expect({ code: deploy.code, output: deploy.code === 0 ? "" : deploy.text }).toEqual({ code: 0, output: "" });
    expect(deploy.stdout).toMatch(/p1as-prod: applied \(Resources: 0 added, 0 changed, \d+ destroyed\)/);

    const held = pingOneNames(project);
    expect(held.applications).toEqual(["p1as-dev-audit", "p1as-dev-orchestration"]);
    expect(held.resources).toEqual(["p1as-dev-self-service-api", "p1as-dev-self-service-api-audit"]);
    expect(held.scopes).toEqual(["p1as-self-service", "p1as-self-service"]);
    expect(held.grants).toBe(2);
    expect(held.roles).toEqual(
      expect.arrayContaining([
        { value: "prod-tls-admin", archived: true },
        { value: "prod-tls-audit", archived: true },
        { value: "dev-tls-admin", archived: false },
      ]),
    );
    expect(hostnames("prod")).toEqual([]);
    expect(hostnames("dev")).toEqual(["auth.dev.acme.example"]);
  });

  test("no secret in anything printed, any state file, the plan summary or a saved plan", async () => {
    project.restore();
    const plansDir = path.join(project.dir, "plans");
    project.writeConfig();
    ok(await project.run(SYNTH));
    ok(await project.run(`${PLAN} --save-plans plans`));
    const shown: string[] = [];
    for (const file of fs.readdirSync(plansDir).filter((name) => name.endsWith(".tfplan"))) {
      const stack = file.replace(/\.tfplan$/, "");
      const show = ok(
        await project.run(`terraform -chdir=cdktf.out/stacks/${stack} show -json ../../../plans/${file}`),
      );
      shown.push(show.stdout);
    }
    const searched = [
      ...project.transcript,
      ...shown,
      ...project.stateFiles().map((file) => fs.readFileSync(file, "utf8")),
      fs.readFileSync(path.join(project.dir, "plan-summary.md"), "utf8"),
    ].join("\n");
    const secrets = await project.secrets();
    expect(secrets.length).toBeGreaterThanOrEqual(2 + 2 + 4);
    for (const secret of secrets) expect(searched).not.toContain(secret);
    // The worker's own variables are set in every run, and are still not printed.
    expect(searched).not.toContain(workerEnv(project.deployWorker).PINGONE_CLIENT_SECRET);
  });
});
