#!/usr/bin/env node
/**
 * `npm start`: the whole mission on the embedded default. Starts the emulator on 4010 (its state kept
 * in .demo/), writes demo certificates into .demo/certs/ (once), synthesizes config/demo.json and runs
 * the real terraform binary on every p1as-* stack, then prints what the API holds. Run it again and
 * terraform reports no changes. Progress is one short line per object; `--verbose` shows terraform's own
 * output, plan body included.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import pc from "picocolors";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { loadConfig } from "../config/load";
import { SelfServiceClient } from "../client/self-service-client";
import { TokenClient } from "../client/token-client";
import { DEMO_AUDIT_CLIENT_ID, DEMO_AUDIT_CLIENT_SECRET, DEMO_CLIENT_SECRET } from "../emulator/clients";
import { makeCertificate } from "../emulator/demo-certs";
import { startEmulator } from "../emulator/start";
import { DEFAULT_COMPLETION_DELAY_MS, DEFAULT_PORT } from "../emulator/bin";
import { checkWaysIn, synthesize } from "../main";
import { PROJECT_ROOT } from "../constructs/virtual-hosts";
import { DEFAULT_STATUS_PORT } from "./status/server";
import { terraformEnv } from "./terraform";
import { demoPortInUse, EXIT_OK, terraformExited, terraformNotRunnable } from "./errors";
import { renderUiLine, statusColour } from "./start/progress";
import { parseCommandLine, reportFailure, wholeNumber } from "./cli";

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
 * Runs terraform. Verbose: its own output, as a user running it would see it. Otherwise `-json` output
 * rendered as one short line per object (see ./start/progress.ts), and init's output only if it fails.
 */
function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv, verbose: boolean): Promise<void> {
  const quiet = !verbose;
  const json = quiet && args[0] === "apply";
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", json ? [...args, "-json"] : args, { cwd, env: terraformEnv(env), stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit" });
    let captured = "";
    if (quiet) {
      child.stderr!.on("data", (chunk) => (captured += chunk));
      if (json) {
        createInterface({ input: child.stdout! }).on("line", (line) => {
          const rendered = renderUiLine(line);
          if (rendered) say(rendered);
        });
      } else {
        child.stdout!.on("data", (chunk) => (captured += chunk));
      }
    }
    child.on("error", (error) => reject(terraformNotRunnable(error.message)));
    child.on("exit", (code) => {
      if (code === 0) return resolve();
      if (quiet && captured.trim()) process.stderr.write(captured);
      reject(terraformExited(args[0], path.relative(PROJECT_ROOT, cwd), code));
    });
  });
}

async function printHoldings(apiUrls: { name: string; apiUrl: string; tokenUrl: string }[]): Promise<void> {
  say("\nWhat the self-service API now holds:");
  for (const { name, apiUrl, tokenUrl } of apiUrls) {
    // What the API holds is read with the read-only client, as every reader should.
    const readTokens = new TokenClient({ tokenUrl, clientId: DEMO_AUDIT_CLIENT_ID, clientSecret: DEMO_AUDIT_CLIENT_SECRET });
    const api = new SelfServiceClient({ baseUrl: apiUrl, readTokens });
    say(`  ${name}  (${apiUrl})`);
    for (const certificate of await api.listCertificates()) {
      say(`    certificate ${certificate.name.padEnd(28)} ${statusColour(certificate.status)(certificate.status.padEnd(9))} expires ${certificate.notAfter ?? "?"}`);
    }
    for (const hostname of await api.listHostnames()) {
      say(`    hostname    ${hostname.hostname.padEnd(28)} ${statusColour(hostname.status)(hostname.status.padEnd(9))} ${hostname.product} / ${hostname.certname}`);
    }
  }
}

// The emulator stops with this script, so the status view needs it running again (its state file keeps what was deployed).
// The demo secret is read from the code, not printed: secrets never appear in output, even the demo's.
const STATUS_VIEW = `
To watch these virtual hosts live (console colours, drift, certificate expiry), in two terminals:
  npm run emulator -- --state-file .demo/emulator-state.json
  P1AS_CONFIG=config/demo.json P1AS_DEV_AUDIT_CLIENT_SECRET="$(node -p 'require("./dist/emulator/clients").DEMO_AUDIT_CLIENT_SECRET')" \\
    P1AS_PROD_AUDIT_CLIENT_SECRET="$(node -p 'require("./dist/emulator/clients").DEMO_AUDIT_CLIENT_SECRET')" npm run status -- --outdir .demo/cdktf.out
  then open http://127.0.0.1:${DEFAULT_STATUS_PORT}/ (or add --once for a table on the terminal).`;

const REAL_TENANT = `
To point the same code at a real tenant:
  1. copy config/example.json, set customer, p1asRegion, pingone.environmentId and regionCode, and list
     your virtual hosts under environments[].virtualHosts (certificate files relative to the config file);
  2. either let the p1as-<env> stacks create the PingOne resource and orchestration client (export the
     pingone provider's PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET, PINGONE_ENVIRONMENT_ID, PINGONE_REGION_CODE),
     or give "credentials": {"clientId", "clientSecretVariable"} and export TF_VAR_<clientSecretVariable>;
  3. P1AS_CONFIG=config/yours.json npm run synth && npm run deploy   (or npx cdktf deploy 'p1as-*')
  Keep the Terraform state in a protected backend: docs/reference/state-backends.md. Step by step: docs/getting-started.md.`;

async function main(options: { completionDelayMs: number; verbose: boolean }): Promise<void> {
  const config = loadConfig(DEMO_CONFIG);
  ensureDemoCertificates(config);

  const emulator = await startEmulator({
    port: DEMO_PORT,
    completionDelayMs: options.completionDelayMs,
    stateFile: path.join(DEMO_DIR, "emulator-state.json"),
  }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === "EADDRINUSE" ? demoPortInUse(DEMO_PORT) : error;
  });
  say(`emulator: ${emulator.url} (state in .demo/emulator-state.json)`);
  try {
    const outdir = path.join(DEMO_DIR, "cdktf.out");
    const stacks = synthesize(DEMO_CONFIG, outdir);
    // terraform runs here directly, not through our deploy: the same checks first.
    await checkWaysIn(outdir, stacks, "npm start");
    const secrets = Object.fromEntries(
      config.environments.flatMap((environment) =>
        environment.credentials
          ? [
              [environment.credentials.clientSecretEnv, DEMO_CLIENT_SECRET],
              [environment.credentials.audit.clientSecretEnv, DEMO_AUDIT_CLIENT_SECRET],
            ]
          : [],
      ),
    );
    for (const stack of stacks.environments) {
      const stackDir = path.join(outdir, "stacks", stack.node.id);
      say(`\n${pc.bold(stack.node.id)}`);
      if (!existsSync(path.join(stackDir, ".terraform"))) await terraform(["init", "-input=false"], stackDir, secrets, options.verbose);
      await terraform(["apply", "-auto-approve", "-input=false"], stackDir, secrets, options.verbose);
    }
    await printHoldings(config.environments.map((environment) => ({ name: environment.stackName, ...environment.selfService })));
    say(STATUS_VIEW);
    say(REAL_TENANT);
  } finally {
    await emulator.close();
  }
}

if (require.main === module) {
  const program = new Command("start")
    .description("Deploy config/demo.json's virtual hosts to the local emulator with the real terraform binary")
    .option("--completion-delay-ms <ms>", "how long emulator objects stay creating/updating", wholeNumber(0, 3_600_000), DEFAULT_COMPLETION_DELAY_MS)
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
