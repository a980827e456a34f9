/**
 * The p1as provider finding its clients in PingOne, through real terraform against the emulator (P1AS self-service
 * API and emulated PingOne), in both contract modes. The PingOne side is created through the management API directly
 * (the PingOne provider is not part of this suite): first nothing exists (a plan from zero), then the two
 * applications the stack declares.
 */
import * as fs from "node:fs";
import { TerraformStack } from "cdktf";
import { Certificate, Hostname, VirtualHosts } from "../constructs/virtual-hosts";
import type { RunningEmulator } from "../emulator/start";
import { TokenClient } from "../client/token-client";
import { main as rotateMain } from "../tools/rotate-secret/main";
import { runTerraform } from "../tools/terraform/run";
import { makeCertificate } from "./support/certs";
import { startTestEmulator } from "./support/emulator";
import { managementApi, workerSeed } from "./support/pingone";
import { createEnvironmentClients, workerEnv } from "./support/pingone-tenant";
import { synthesize } from "./support/terraform-apply";
import * as os from "node:os";
import * as path from "node:path";

jest.setTimeout(300_000);

const ENV_ID = "0ff1ce00-de30-4000-8000-0000000000b2";
const full = workerSeed("full", ENV_ID);
const planWorker = workerSeed("read-only", ENV_ID);
let emulator: RunningEmulator;
const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "p1as-lookup-e2e-"));
const pair = makeCertificate({ commonName: "*.dev.acme.example" });
fs.writeFileSync(path.join(certDir, "wildcard.pem"), pair.fullchain);
fs.writeFileSync(path.join(certDir, "wildcard.key"), pair.privkey, { mode: 0o600 });

beforeAll(async () => {
  emulator = await startTestEmulator({ pingone: { workers: [full, planWorker] } });
});
afterAll(() => emulator?.close());

/** dev's virtual hosts with both clients named as the stack names them, as PingOne applications to look up. */
function devStack(options: { writeApplication?: string; readApplication?: string } = {}) {
  return synthesize((app) => {
    const stack = new TerraformStack(app, "p1as-dev");
    const tokenUrl = emulator.tokenUrl(ENV_ID);
    const vh = new VirtualHosts(stack, "virtual-hosts", {
      apiUrl: emulator.apiUrl("dev"),
      credentials: {
        pingOneApplication: { environmentId: ENV_ID, name: options.writeApplication ?? "p1as-dev-orchestration" },
        clientSecretEnv: "P1AS_DEV_CLIENT_SECRET",
        tokenUrl,
      },
      readCredentials: {
        pingOneApplication: { environmentId: ENV_ID, name: options.readApplication ?? "p1as-dev-audit" },
        clientSecretEnv: "P1AS_DEV_AUDIT_CLIENT_SECRET",
        tokenUrl,
      },
      pingOneApiUrl: emulator.managementApiUrl,
      pollIntervalMs: 50,
      readyTimeoutMs: 30_000,
    });
    const certificate = new Certificate(vh, "wildcard-dev", {
      name: "wildcard-dev",
      fullchainFile: path.join(certDir, "wildcard.pem"),
      privateKeyFile: path.join(certDir, "wildcard.key"),
    });
    new Hostname(vh, "auth.dev.acme.example", {
      hostname: "auth.dev.acme.example",
      product: "pingfederate-engines",
      certificate,
    });
    return stack;
  });
}

async function terraform(stackDir: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = await runTerraform([...args, "-input=false", "-no-color"], { cwd: stackDir, env });
  // Terraform wraps diagnostics at its terminal width: one space per run of white space.
  return { ...result, output: `${result.stdout}\n${result.stderr}`.replace(/\s+/g, " ") };
}

/** What a terraform run must never print: any secret of the workers or the applications. */
async function secrets(): Promise<string[]> {
  const api = await managementApi(emulator, full);
  const listed = (await api.get("/applications")).data._embedded?.applications ?? [];
  const values: string[] = [full.clientSecret, planWorker.clientSecret];
  for (const application of listed) values.push((await api.get(`/applications/${application.id}/secret`)).data.secret);
  return values;
}

describe.each(["assumed", "confirmed"] as const)("p1as provider with PingOne lookup (%s contract)", (contract) => {
  beforeEach(() => {
    emulator.pingone.store.reset();
    emulator.service.reset();
    emulator.service.completionDelayMs = 0;
    emulator.state.settings.contract = contract;
  });

  test("plans from zero with a warning, deploys once the applications exist, and plans read-only with the audit client", async () => {
    const { stackDir } = devStack();
    await terraform(stackDir, ["init"], {});

    // GIVEN an empty PingOne environment WHEN planning with the deploy worker
    const fromZero = await terraform(stackDir, ["plan", "-detailed-exitcode"], workerEnv(full));
    // THEN the plan succeeds, warns that the read client does not exist yet, and shows the creates
    expect(fromZero.exitCode).toBe(2);
    expect(fromZero.output).toContain('PingOne application "p1as-dev-audit" does not exist in PingOne environment');
    expect(fromZero.output).toContain("shows what will be created");
    expect(fromZero.output).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy/);

    // WHEN the applications exist (the PingOne resources of the same apply would create them first) and dev applies
    await createEnvironmentClients(emulator, full, "dev");
    const applied = await terraform(stackDir, ["apply", "-auto-approve"], workerEnv(full));
    expect(applied.output).toContain("Apply complete! Resources: 2 added");
    expect(emulator.service.snapshot().environments.dev.hostnames.map((hostname) => hostname.hostname)).toEqual([
      "auth.dev.acme.example",
    ]);

    // THEN a plan job (a worker that may not read secrets, the audit secret in its own variable) plans no change
    const auditSecret = (await secretOf("p1as-dev-audit"))!;
    const planJob = await terraform(stackDir, ["plan", "-detailed-exitcode"], {
      ...workerEnv(planWorker),
      P1AS_DEV_AUDIT_CLIENT_SECRET: auditSecret,
    });
    expect(planJob.exitCode).toBe(0);

    // AND without that variable the plan job's error names it and the missing permission
    const withoutSecret = await terraform(stackDir, ["plan"], workerEnv(planWorker));
    expect(withoutSecret.exitCode).toBe(1);
    expect(withoutSecret.output).toContain("P1AS_DEV_AUDIT_CLIENT_SECRET");
    expect(withoutSecret.output).toContain("applications:read:secret");

    // AND no run printed a secret
    const output = [fromZero, applied, planJob, withoutSecret].map((run) => run.output).join("\n");
    for (const secret of await secrets()) expect(output).not.toContain(secret);

    await terraform(stackDir, ["destroy", "-auto-approve"], workerEnv(full));
  });

  test("rotate-secret regenerates the write secret: the old one works until previous expires, the next plan changes no virtual host", async () => {
    // GIVEN dev deployed
    await createEnvironmentClients(emulator, full, "dev");
    const { stackDir } = devStack();
    await terraform(stackDir, ["init"], {});
    expect((await terraform(stackDir, ["apply", "-auto-approve"], workerEnv(full))).exitCode).toBe(0);
    const old = (await secretOf("p1as-dev-orchestration"))!;

    // WHEN the tool rotates it, keeping the old one for ten minutes
    const printed: string[] = [];
    const output = { stdout: (text: string) => printed.push(text), stderr: (text: string) => printed.push(text) };
    const code = await rotateMain(["--env", "dev", "--keep-previous", "10m"], output, {
      ...workerEnv(full),
      P1AS_CONFIG: configFile(),
    });

    // THEN it says what it did without the secret, and PingOne holds a new one
    expect(code).toBe(0);
    expect(printed.join("")).toMatch(
      /^p1as-dev-orchestration: secret regenerated in PingOne \(not shown\)\. The previous secret is accepted until \d{4}-/,
    );
    const renewed = (await secretOf("p1as-dev-orchestration"))!;
    expect(renewed).not.toBe(old);
    for (const secret of [old, renewed, full.clientSecret]) expect(printed.join("")).not.toContain(secret);
    // AND the old secret still gets a token until it expires
    const applicationId = (await lookupId("p1as-dev-orchestration"))!;
    await expect(
      new TokenClient({
        tokenUrl: emulator.tokenUrl(ENV_ID),
        clientId: applicationId,
        clientSecret: old,
        log: () => {},
      }).getToken(),
    ).resolves.toMatch(/^ey/);
    // AND a plan afterwards changes no virtual host, and an apply (which reads the new secret) has nothing to do
    expect((await terraform(stackDir, ["plan", "-detailed-exitcode"], workerEnv(full))).exitCode).toBe(0);
    expect((await terraform(stackDir, ["apply", "-auto-approve"], workerEnv(full))).output).toContain(
      "Resources: 0 added, 0 changed, 0 destroyed",
    );
  });

  test("the read-only client may not write: an apply with it as the writer gets the API's 403", async () => {
    await createEnvironmentClients(emulator, full, "dev");
    // The two swapped: the audit application writes, so the self-service API sees a token with only dev-tls-audit.
    const { stackDir } = devStack({ writeApplication: "p1as-dev-audit", readApplication: "p1as-dev-orchestration" });
    await terraform(stackDir, ["init"], {});
    const applied = await terraform(stackDir, ["apply", "-auto-approve"], workerEnv(full));
    expect(applied.exitCode).toBe(1);
    expect(applied.output).toMatch(/HTTP 403/);
    expect(emulator.service.snapshot().environments.dev?.certificates ?? []).toEqual([]);
  });

  test("a resource whose application is gone is an error, not a planned re-create", async () => {
    // GIVEN dev deployed
    const created = await createEnvironmentClients(emulator, full, "dev");
    const { stackDir } = devStack();
    await terraform(stackDir, ["init"], {});
    expect((await terraform(stackDir, ["apply", "-auto-approve"], workerEnv(full))).exitCode).toBe(0);
    // WHEN the read client's application is deleted outside the configuration
    const api = await managementApi(emulator, full);
    expect((await api.delete(`/applications/${created.read.clientId}`)).status).toBe(204);
    // THEN the plan fails, naming the application, instead of planning the certificate and hostname again
    const planned = await terraform(stackDir, ["plan"], workerEnv(full));
    expect(planned.exitCode).toBe(1);
    expect(planned.output).toContain(
      'PingOne application "p1as-dev-audit" (pingone_read_application, the read-only client) does not exist',
    );
    expect(planned.output).not.toMatch(/to add/);
  });
});

/** A config for dev against this emulator, as rotate-secret reads it. */
function configFile(): string {
  const file = path.join(certDir, "config.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      customer: "acme",
      p1asRegion: "us1",
      pingone: {
        environmentId: ENV_ID,
        regionCode: "NA",
        apiUrl: emulator.managementApiUrl,
        roleAttributes: { manage: false },
      },
      environments: [
        { name: "dev", selfService: { apiUrl: emulator.apiUrl("dev"), tokenUrl: emulator.tokenUrl(ENV_ID) } },
      ],
    }),
  );
  return file;
}

async function lookupId(name: string): Promise<string | undefined> {
  const api = await managementApi(emulator, full);
  return ((await api.get("/applications")).data._embedded?.applications ?? []).find(
    (item: { name: string }) => item.name === name,
  )?.id;
}

async function secretOf(name: string): Promise<string | undefined> {
  const api = await managementApi(emulator, full);
  const application = ((await api.get("/applications")).data._embedded?.applications ?? []).find(
    (item: { name: string }) => item.name === name,
  );
  return application && (await api.get(`/applications/${application.id}/secret`)).data.secret;
}
