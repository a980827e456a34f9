/**
 * Credentials go only where they belong, end to end. A capture server on 127.0.0.2 (a loopback address that is not
 * the emulator, so a host of its own) records every TCP connection it gets, whatever protocol the client speaks.
 * Every config a pull request could write that would send a credential (or anything) there, or to another
 * environment, is refused at synth with its path; and when the synthesized output is edited to point there anyway
 * (a hand-made stack, an HCL user), the provider, plan:summary, drift, status and deploy refuse it before any
 * request. The capture server receives nothing, and the emulator sees no request carrying a credential to a
 * foreign place. Needs `npm run build` (the provider runs from dist/).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:net";
import * as path from "node:path";
import { ValidationError } from "../constructs/errors";
import { ContractMode } from "../emulator/contract";
import { RunningEmulator } from "../emulator/start";
import { synthesize } from "../stacks/synthesize";
import { detectDrift } from "../tools/drift/main";
import { runPlanSummary } from "../tools/plan-summary/main";
import { StatusCollector } from "../tools/status/model";
import { resolveTargets } from "../tools/status/targets";
import { withEnv } from "./support/capture";
import { appClient, AppClients, createP1asApp, P1asApp, startEmulatorFor, TWO_HOSTNAMES } from "./support/p1as-app";

jest.setTimeout(600_000);

/** A TCP server that only counts: a connection is a leak, whatever was (or was not yet) sent on it. */
interface Capture {
  readonly port: number;
  readonly connections: string[];
  close(): Promise<void>;
}

async function startCapture(): Promise<Capture> {
  const connections: string[] = [];
  const server: Server = createServer((socket) => {
    let first = "";
    socket.once("data", (chunk) => (first = chunk.subarray(0, 40).toString("latin1")));
    socket.on("close", () => connections.push(first || "(connected, nothing sent)"));
    socket.on("error", () => undefined);
    socket.end();
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.2", resolve));
  const port = (server.address() as { port: number }).port;
  return { port, connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.each<ContractMode>(["assumed", "confirmed"])(
  "credentials go only to their own environment's hosts (emulator contract %s)",
  (contract) => {
    const clients: AppClients = appClient(`destinations-${contract}`);
    let emulator: RunningEmulator;
    let capture: Capture;
    let app: P1asApp;
    let configFile: string;

    beforeAll(async () => {
      emulator = await startEmulatorFor(clients, contract, ["dev", "prod"]);
      capture = await startCapture();
      app = createP1asApp({ emulatorUrl: emulator.url, ...clients });
      configFile = app.synth(TWO_HOSTNAMES);
      await app.deploy();
    });
    afterAll(async () => {
      await emulator?.close();
      await capture?.close();
      app?.remove();
    });
    beforeEach(() => emulator.requestLog.clear());
    afterEach(() => expect(capture.connections).toEqual([]));

    const foreign = (scheme: string) => `${scheme}://127.0.0.2:${capture?.port}`;
    const edit = (mutate: (environment: Record<string, any>) => void) => {
      const config = JSON.parse(readFileSync(configFile, "utf8"));
      mutate(config.environments[0]);
      const file = path.join(app.dir, "hostile.json");
      writeFileSync(file, JSON.stringify(config));
      return file;
    };

    // What a config-only pull request could write to move a credential somewhere else.
    const hostile: [string, (environment: Record<string, any>) => void, string, RegExp][] = [
      [
        "the API on a foreign host over http",
        (e) => (e.selfService.apiUrl = `${foreign("http")}/dev/api/v1`),
        "environments[0].selfService.apiUrl",
        /must use https/,
      ],
      [
        "the API on a foreign host over https",
        (e) => (e.selfService.apiUrl = `${foreign("https")}/dev/api/v1`),
        "environments[0].selfService.apiUrl",
        /must be environment dev's self-service API/,
      ],
      [
        "the token endpoint on a foreign host",
        (e) => (e.selfService.tokenUrl = `${foreign("https")}/0ff1ce00-de30-4000-8000-000000000001/as/token`),
        "environments[0].selfService.tokenUrl",
        /must be PingOne's token endpoint/,
      ],
      [
        "another environment's secret",
        (e) => (e.credentials.clientSecretEnv = "P1AS_PROD_CLIENT_SECRET"),
        "environments[0].credentials.clientSecretEnv",
        /must start with P1AS_DEV_/,
      ],
      [
        "another environment's read-only secret",
        (e) => (e.credentials.audit.clientSecretEnv = "P1AS_PROD_AUDIT_CLIENT_SECRET"),
        "environments[0].credentials.audit.clientSecretEnv",
        /must start with P1AS_DEV_/,
      ],
      [
        "a secret that is not ours",
        (e) => (e.credentials.clientSecretEnv = "PINGONE_CLIENT_SECRET"),
        "environments[0].credentials.clientSecretEnv",
        /starts with P1AS_/,
      ],
      [
        "another environment's key variable",
        (e) =>
          Object.assign(e.virtualHosts.certificates[0], {
            privateKeyFile: undefined,
            privateKeyVariable: "p1as_prod_wildcard_key",
          }),
        "environments[0].virtualHosts.certificates[0].privateKeyVariable",
        /must start with p1as_dev_/,
      ],
      [
        "the write client as the read-only one",
        (e) => (e.credentials.audit.clientId = e.credentials.clientId),
        "environments[0].credentials.audit.clientId",
        /is the write client/,
      ],
    ];

    test.each(hostile)(
      "synth refuses %s, naming the field; nothing is written or sent",
      (_what, mutate, field, reason) => {
        const outdir = path.join(app.dir, "hostile.out");
        let error: unknown;
        try {
          synthesize(edit(mutate), outdir);
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(ValidationError);
        const line = (error as ValidationError).reasons.find((text) => text.startsWith(`${field}: `));
        expect(line).toMatch(reason);
        expect(emulator.requestLog.list()).toEqual([]);
      },
    );

    describe("a synthesized stack edited to point elsewhere (what synth would refuse) is refused by every tool before any request", () => {
      let restore: string;
      const block = () => path.join(app.outdir, "stacks", "p1as-dev", "cdk.tf.json");
      const pointAt = (attribute: string, url: string) => {
        const json = JSON.parse(restore);
        json.provider.p1as[0][attribute] = url;
        writeFileSync(block(), JSON.stringify(json, null, 2));
      };
      beforeAll(() => (restore = readFileSync(block(), "utf8")));
      afterEach(() => writeFileSync(block(), restore));

      test.each([
        [
          "api_url",
          () => `${foreign("https")}/dev/api/v1`,
          /api_url \(or P1AS_API_URL\) must be a P1AS environment's self-service API/,
        ],
        [
          "token_url",
          () => `${foreign("https")}/0ff1ce00-de30-4000-8000-000000000001/as/token`,
          /token_url \(or P1AS_TOKEN_URL\) must be PingOne's token endpoint/,
        ],
      ])(
        "%s on 127.0.0.2: plan:summary, drift and deploy fail naming it, status refuses it",
        async (attribute, url, reason) => {
          pointAt(attribute, url());
          // plan:summary (the pull request's plan), drift and deploy run terraform; the provider refuses to configure
          const summary = path.join(app.dir, "summary.md");
          const planned = await withEnv(app.readOnlyEnv, () =>
            runPlanSummary({ outdir: app.outdir, out: summary, maxChars: 65_000, allowUnplannable: false }),
          );
          expect(planned.outcomes.map((outcome) => outcome.status)).toEqual(["failed"]);
          expect(readFileSync(summary, "utf8").replace(/\s+/g, " ")).toMatch(reason);
          const drift = await detectDrift({ outdir: app.outdir, env: app.readOnlyEnv });
          expect(drift.exitCode).toBe(1);
          expect(JSON.stringify(drift.stacks[0]).replace(/\\n|\s+/g, " ")).toMatch(reason);
          await expect(app.deploy()).rejects.toThrow(/terraform apply failed/);
          // status resolves its targets from the same block, and refuses before collecting anything
          if (attribute === "api_url")
            expect(() => resolveTargets({ configFile, outdir: app.outdir, env: app.readOnlyEnv })).toThrow(
              /must be a P1AS environment's self-service API/,
            );
          else
            expect(() => resolveTargets({ configFile, outdir: app.outdir, env: app.readOnlyEnv })).toThrow(
              /must be PingOne's token endpoint/,
            );
          // THEN no credential went anywhere: not one token request, not one API call
          expect(
            emulator.requestLog
              .list()
              .filter((entry) => /\/as\/token$|\/api\/v1\/(certificates|hostnames)/.test(entry.path)),
          ).toEqual([]);
        },
      );

      test("the untouched stack still works, with the read-only client only: the refusals above came from the destination", async () => {
        const targets = resolveTargets({ configFile, outdir: app.outdir, env: app.readOnlyEnv });
        const report = await new StatusCollector(targets, { log: () => undefined }).collect();
        expect(report.environments.map((environment) => environment.error)).toEqual([undefined]);
        const drift = await detectDrift({ outdir: app.outdir, env: app.readOnlyEnv });
        expect(drift.exitCode).toBe(0);
        expect(
          new Set(emulator.requestLog.list(/\/api\/v1\/(certificates|hostnames)/).map((entry) => entry.clientId)),
        ).toEqual(new Set([clients.audit.clientId]));
      });
    });

    test("P1AS_ALLOWED_HOSTS lets an operator add a host on another zone for one environment; a pull request cannot set it", () => {
      // GIVEN an operator's allow-list for prod's API (an environment variable, not the config)
      const file = edit((e) => (e.selfService.apiUrl = "https://api.p1as.acme.example/api/v1"));
      // THEN dev may not use it under prod's entry, and may under its own
      expect(() =>
        withEnvSync({ P1AS_ALLOWED_HOSTS: "prod=api.p1as.acme.example" }, () =>
          synthesize(file, path.join(app.dir, "allowed.out")),
        ),
      ).toThrow(/must be environment dev's self-service API/);
      expect(() =>
        withEnvSync({ P1AS_ALLOWED_HOSTS: "dev=api.p1as.acme.example" }, () =>
          synthesize(file, path.join(app.dir, "allowed.out")),
        ),
      ).not.toThrow();
      // AND the config schema has no field for it: an allow-list in the config is an unknown field
      const inConfig = edit((e) => (e.selfService.allowedHosts = ["api.p1as.acme.example"]));
      expect(() => synthesize(inConfig, path.join(app.dir, "allowed.out"))).toThrow(
        /environments\[0\]\.selfService\.allowedHosts: unknown field/,
      );
    });
  },
);

function withEnvSync<T>(env: NodeJS.ProcessEnv, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
