#!/usr/bin/env node
/**
 * `npm start`: the whole mission on the embedded default, offline. Starts the emulator on 4010 (its state kept
 * in .demo/) with its emulated PingOne and a PingOne worker made up for this run, writes demo certificates into
 * .demo/certs/ (once), installs the PingOne provider test double into a throw-away mirror under .demo/,
 * synthesizes config/demo.json (PingOne mode) and runs the real terraform binary on pingone-directory (the
 * role attributes) and then every p1as-* stack (the PingOne resources, applications and grants, then the
 * virtual hosts, with the clients the p1as provider looks up in PingOne). Then it prints what the API holds,
 * read with the read-only client found the same way. Run it again and terraform reports no changes. Progress
 * is one short line per object; `--verbose` shows terraform's own output, plan body included.
 */
import { randomBytes, randomUUID } from "node:crypto";
import pc from "picocolors";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { loadConfig } from "../../config/load";
import { connect } from "../../client/connect";
import { makeCertificate } from "../../emulator/demo-certs";
import { startEmulator } from "../../emulator/start";
import { WorkerSeed, workerFromEnvironment } from "../../emulator/pingone/workers";
import { installTestDouble } from "../../pingone-double/install";
import { DOUBLE_VERSION } from "../../pingone-double/source";
import { lookedUpCredentials, lookupClient, PINGONE_WORKER_ENV } from "../../client/pingone-lookup";
import { allowedHostsFrom } from "../../p1as/destinations";
import { clientSecretEnv } from "../../p1as/secret-names";
import type { P1asEnvironment } from "../../p1as/facts";
import { DEFAULT_COMPLETION_DELAY_MS, DEFAULT_PORT } from "../../emulator/bin";
import { synthesize } from "../../stacks/synthesize";
import { checkWaysIn } from "../terraform/ways-in";
import { PROJECT_ROOT } from "../../constructs/virtual-hosts";
import { DEFAULT_STATUS_PORT } from "../status/server";
import { runTerraform, TerraformStream } from "../terraform/run";
import { CliError, demoPortInUse, EXIT_OK, terraformExited, terraformNotRunnable } from "../../cli-kit/errors";
import { renderUiLine, statusColour } from "./progress";
import { parseCommandLine, reportFailure, wholeNumber } from "../../cli-kit/command-line";

const DEMO_DIR = path.join(PROJECT_ROOT, ".demo");
const DEMO_CONFIG = path.join(PROJECT_ROOT, "config", "demo.json");
const DEMO_PORT = DEFAULT_PORT;

function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** Demo pairs are made once: a new pair would be a new fingerprint, and the second run must show no change. */
function ensureDemoCertificates(config: ReturnType<typeof loadConfig>): void {
  for (const environment of config.environments) {
    for (const certificate of environment.virtualHosts.certificates) {
      const fullchainFile = path.resolve(config.baseDir, certificate.fullchainFile);
      const keyFile = certificate.privateKeyFile && path.resolve(config.baseDir, certificate.privateKeyFile);
      if (existsSync(fullchainFile) && (!keyFile || existsSync(keyFile))) continue;
      const generated = makeCertificate({ commonName: `*.${environment.name}.${config.customer}.example` });
      mkdirSync(path.dirname(fullchainFile), { recursive: true });
      writeFileSync(fullchainFile, generated.fullchain);
      if (keyFile) writeFileSync(keyFile, generated.privkey, { mode: 0o600 });
      say(`generated ${path.relative(PROJECT_ROOT, fullchainFile)} (demo CA, not for production)`);
    }
  }
}

/**
 * Runs terraform through the tools' one runner. Verbose: its own output, line by line as it prints it. Otherwise
 * `-json` output rendered as one short line per object (see ./progress.ts), and the rest only if it fails.
 */
export async function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv, verbose: boolean): Promise<void> {
  const json = !verbose && args[0] === "apply";
  let captured = "";
  const onOutput = (line: string, stream: TerraformStream): void => {
    if (verbose) process[stream].write(`${line}\n`);
    else if (json && stream === "stdout") {
      const rendered = renderUiLine(line);
      if (rendered) say(rendered);
    } else captured += `${line}\n`;
  };
  const result = await runTerraform(json ? [...args, "-json"] : args, { cwd, env, onOutput }).catch((error: Error) => {
    throw terraformNotRunnable(error.message);
  });
  if (result.exitCode === 0) return;
  if (captured.trim()) process.stderr.write(captured);
  throw terraformExited(args[0], path.relative(PROJECT_ROOT, cwd), result.exitCode);
}

/**
 * The PingOne worker: the emulator's own variables (P1AS_EMULATOR_WORKER_CLIENT_ID, ...) when set, as for
 * `npm run emulator`, else one made up for this run. The emulator keeps no worker in its state, so nothing of it
 * outlives the run; its secret is only ever in this process and terraform's environment.
 */
function demoWorker(environmentId: string): WorkerSeed {
  return (
    workerFromEnvironment(process.env, environmentId) ?? {
      clientId: randomUUID(),
      clientSecret: randomBytes(32).toString("base64url"),
      environmentId,
      role: "full",
    }
  );
}

/** The PingOne provider's variables for that worker; the p1as provider finds its clients in PingOne with them. */
function workerVariables(worker: WorkerSeed, regionCode: string): NodeJS.ProcessEnv {
  return {
    [PINGONE_WORKER_ENV.clientId]: worker.clientId,
    [PINGONE_WORKER_ENV.clientSecret]: worker.clientSecret,
    [PINGONE_WORKER_ENV.environmentId]: worker.environmentId,
    [PINGONE_WORKER_ENV.regionCode]: regionCode,
  };
}

/** The lookup of an environment's clients in the emulated PingOne, as the p1as provider makes it. */
function demoLookup(config: ReturnType<typeof loadConfig>, tokenUrl: string, workerEnv: NodeJS.ProcessEnv) {
  const lookup = lookupClient(
    {
      environmentId: config.pingone.environmentId,
      apiUrl: config.pingone.apiUrl,
      tokenUrl,
      allowedHosts: allowedHostsFrom(),
      timeoutMs: 30_000,
      log: () => {},
    },
    workerEnv,
  );
  if ("problems" in lookup)
    throw new Error(`cannot look the demo's clients up in PingOne: ${lookup.problems.join("; ")}`);
  return lookup.applications;
}

/**
 * A .demo made when the demo used fixed clients holds virtual hosts but no PingOne application, and the provider
 * rightly refuses to read objects whose client is gone: say so before terraform does, with the way out.
 */
async function refuseFixedClientDemo(
  config: ReturnType<typeof loadConfig>,
  workerEnv: NodeJS.ProcessEnv,
  held: (environment: string) => number,
): Promise<void> {
  for (const environment of config.environments) {
    if (held(environment.name) === 0) continue;
    if (await demoLookup(config, environment.selfService.tokenUrl, workerEnv).find(environment.application.auditName))
      continue;
    throw new CliError(
      `.demo holds ${environment.name}'s virtual hosts but not the PingOne application ${environment.application.auditName} that reads them: ` +
        "it was made by an older npm start, whose demo used fixed clients. Nothing was changed. Start over: rm -rf .demo && npm start",
    );
  }
}

async function printHoldings(config: ReturnType<typeof loadConfig>, workerEnv: NodeJS.ProcessEnv): Promise<void> {
  say("\nWhat the self-service API now holds:");
  const log = () => {};
  for (const environment of config.environments) {
    const { apiUrl, tokenUrl } = environment.selfService;
    // Read with the read-only client, as every reader should, found in PingOne by name as the p1as provider finds it.
    const read = lookedUpCredentials(
      demoLookup(config, tokenUrl, workerEnv),
      {
        name: environment.application.auditName,
        setting: "application.auditName",
        secretEnv: clientSecretEnv(environment.name, "audit"),
        role: "read-only",
      },
      config.pingone.environmentId,
    );
    const { client: api } = await connect({ apiUrl, tokenUrl, read, apiContract: "discover", log });
    say(`  ${environment.stackName}  (${apiUrl})`);
    for (const certificate of await api.listCertificates()) {
      say(
        `    certificate ${certificate.name.padEnd(28)} ${statusColour(certificate.status)(certificate.status.padEnd(9))} expires ${certificate.notAfter ?? "?"}`,
      );
    }
    for (const hostname of await api.listHostnames()) {
      say(
        `    hostname    ${hostname.hostname.padEnd(28)} ${statusColour(hostname.status)(hostname.status.padEnd(9))} ${hostname.product} / ${hostname.certname}`,
      );
    }
  }
}

// The emulator stops with this script, so the status view needs it running again (its state file keeps what was
// deployed, PingOne side included), with a worker: the status view finds the read-only clients in the emulated PingOne
// as the p1as provider does. The worker secret is made up in the shell, never printed.
function statusView(environmentId: string, regionCode: string): string {
  return `
To watch these virtual hosts live (console colours, drift, certificate expiry), in one terminal:
  export P1AS_EMULATOR_WORKER_CLIENT_ID="$(node -p 'crypto.randomUUID()')" P1AS_EMULATOR_WORKER_CLIENT_SECRET="$(node -p 'crypto.randomBytes(32).toString("base64url")')"
  node dist/emulator/bin.js --state-file .demo/emulator-state.json --no-demo-clients &   # built by npm start
  PINGONE_CLIENT_ID="$P1AS_EMULATOR_WORKER_CLIENT_ID" PINGONE_CLIENT_SECRET="$P1AS_EMULATOR_WORKER_CLIENT_SECRET" PINGONE_ENVIRONMENT_ID=${environmentId} \\
    PINGONE_REGION_CODE=${regionCode} P1AS_CONFIG=config/demo.json npm run status -- --outdir .demo/cdktf.out
  then open http://127.0.0.1:${DEFAULT_STATUS_PORT}/ (or add --once for a table on the terminal); stop the emulator with kill %1.`;
}

const REAL_TENANT = `
To point the same code at a real tenant:
  1. copy config/example.json, set customer, p1asRegion, pingone.environmentId and regionCode, and list
     your virtual hosts under environments[].virtualHosts (certificate files relative to the config file);
  2. either let the stacks create the PingOne side, as here (export a PingOne worker's PINGONE_CLIENT_ID,
     PINGONE_CLIENT_SECRET, PINGONE_ENVIRONMENT_ID, PINGONE_REGION_CODE; terraform downloads Ping's provider at init),
     or give "credentials": {"clientId", "audit": {"clientId"}} and export their P1AS_<ENV>_CLIENT_SECRET variables;
  3. P1AS_CONFIG=config/yours.json npm run synth && npm run deploy   (or npx cdktf deploy 'p1as-*')
  Keep the Terraform state in a protected backend: docs/reference/state-backends.md. Step by step: docs/getting-started.md.`;

async function main(options: { completionDelayMs: number; verbose: boolean }): Promise<void> {
  const config = loadConfig(DEMO_CONFIG);
  ensureDemoCertificates(config);

  const worker = demoWorker(config.pingone.environmentId);
  const emulator = await startEmulator({
    port: DEMO_PORT,
    completionDelayMs: options.completionDelayMs,
    stateFile: path.join(DEMO_DIR, "emulator-state.json"),
    // No fixed demo client: the stacks create the clients in the emulated PingOne.
    seedDemoClients: false,
    pingone: { workers: [worker] },
  }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === "EADDRINUSE" ? demoPortInUse(DEMO_PORT) : error;
  });
  say(
    `emulator: ${emulator.url} (state in .demo/emulator-state.json), with an emulated PingOne at ${emulator.managementApiUrl}`,
  );
  const double = installTestDouble({ parentDir: DEMO_DIR });
  say(
    `PingOne side: runs through the test double of the PingOne provider (${DOUBLE_VERSION}, not Ping Identity's provider) against the emulated PingOne`,
  );
  try {
    const outdir = path.join(DEMO_DIR, "cdktf.out");
    const stacks = synthesize(DEMO_CONFIG, outdir);
    // terraform runs here directly, not through our deploy: the same checks first.
    await checkWaysIn(outdir, stacks, "npm start");
    const host = new URL(emulator.url).host;
    const workerEnv = workerVariables(worker, config.pingone.regionCode);
    const env: NodeJS.ProcessEnv = {
      ...double.env,
      ...workerEnv,
      // Where the test double finds the emulated PingOne (the variables Ping's provider documents for other hosts).
      PINGONE_API_SERVICE_HOSTNAME: host,
      PINGONE_AUTH_SERVICE_HOSTNAME: host,
    };
    await refuseFixedClientDemo(config, workerEnv, (name) => {
      const held = emulator.service.snapshot().environments[name as P1asEnvironment];
      return (held?.certificates.length ?? 0) + (held?.hostnames.length ?? 0);
    });
    // The role attributes first: the p1as-<env> stacks' groups use their values.
    for (const stack of [stacks.directory, ...stacks.environments].filter((item) => item !== undefined)) {
      const stackDir = path.join(outdir, "stacks", stack.node.id);
      say(`\n${pc.bold(stack.node.id)}`);
      // Each run installs the double afresh: lock it as init would, and init so terraform uses this copy.
      double.lockBeside(stackDir);
      await terraform(["init", "-input=false"], stackDir, env, options.verbose);
      await terraform(["apply", "-auto-approve", "-input=false"], stackDir, env, options.verbose);
    }
    await printHoldings(config, workerEnv);
    say(statusView(config.pingone.environmentId, config.pingone.regionCode));
    say(REAL_TENANT);
  } finally {
    double.remove();
    await emulator.close();
  }
}

if (require.main === module) {
  const program = new Command("start")
    .description("Deploy config/demo.json's virtual hosts to the local emulator with the real terraform binary")
    .option(
      "--completion-delay-ms <ms>",
      "how long emulator objects stay creating/updating",
      wholeNumber(0, 3_600_000),
      DEFAULT_COMPLETION_DELAY_MS,
    )
    .option("--verbose", "show terraform's own output, plan body included", false);
  const stop = parseCommandLine(program, process.argv.slice(2));
  if (stop !== undefined) process.exitCode = stop;
  else {
    main(program.opts()).then(
      () => (process.exitCode = EXIT_OK),
      // Exit now: a failed demo may leave terraform's children or the emulator's sockets behind.
      (error: Error) => process.exit(reportFailure("npm start", error)),
    );
  }
}
