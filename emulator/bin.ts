#!/usr/bin/env node
/**
 * `npm run emulator -- --port 4010`: the local PingOne token endpoint + P1AS self-service API.
 */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { P1AS_ENVIRONMENTS } from "../p1as/facts";
import {
  ClientSeed,
  DEMO_CLIENTS,
  DEMO_PINGONE_ENVIRONMENT_ID,
  EmulatorConfig,
  EmulatorConfigSchema,
  parseClientFlag,
} from "./clients";
import { WORKER_ENV, workerFromEnvironment } from "./pingone/workers";
import { CONTRACT_MODES, ContractMode, DEFAULT_CONTRACT_MODE, isContractMode } from "./contract";
import { startEmulator } from "./start";
import { parseCommandLine, reportFailure, wholeNumber } from "../cli-kit/command-line";

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = "127.0.0.1";
/** Long enough that the demo shows objects "creating", short enough not to bore. */
export const DEFAULT_COMPLETION_DELAY_MS = 1000;

function contractMode(value: string): ContractMode {
  if (!isContractMode(value)) throw new InvalidArgumentError(`must be one of ${CONTRACT_MODES.join(", ")}.`);
  return value;
}

function clientFlag(value: string, previous: ClientSeed[] = []): ClientSeed[] {
  try {
    return [...previous, parseClientFlag(value)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function configFile(path: string): EmulatorConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new InvalidArgumentError(`cannot read ${path}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`${path} is not JSON.`);
  }
  const parsed = EmulatorConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidArgumentError(
      `${path}: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}.`,
    );
  }
  return parsed.data;
}

export function program(): Command {
  return new Command("p1as-emulator")
    .description(
      `Local PingOne (token endpoint, management API) and P1AS self-service API (all four environments). Not for production. ` +
        `Seed a PingOne worker with ${WORKER_ENV.clientId}, ${WORKER_ENV.clientSecret}, ${WORKER_ENV.environmentId} and ${WORKER_ENV.role} (full|read-only), or "workers" in --config.`,
    )
    .addOption(
      new Option("--port <port>", "TCP port (0 = any free port)")
        .default(DEFAULT_PORT)
        .argParser(wholeNumber(0, 65535)),
    )
    .addOption(
      new Option(
        "--host <address>",
        "address to listen on; keep it loopback, the /_emulator endpoints are unauthenticated",
      ).default(DEFAULT_HOST),
    )
    .addOption(
      new Option("--completion-delay-ms <ms>", "how long objects stay creating/updating before complete")
        .default(DEFAULT_COMPLETION_DELAY_MS)
        .argParser(wholeNumber(0, 3_600_000)),
    )
    .addOption(
      new Option(
        "--config <file>",
        'JSON seed: {"clients": [{clientId, clientSecret, groups, pingOneEnvironmentId?, audience?, scopes?}], "workers": [{clientId, clientSecret, environmentId, role?}]}',
      ).argParser(configFile),
    )
    .addOption(
      new Option(
        "--client <id:secret:groups[:pingoneEnvId]>",
        "seed a client (repeatable); groups comma separated",
      ).argParser(clientFlag),
    )
    .addOption(
      new Option(
        "--contract <mode>",
        "assumed: every guess of p1as/assumptions.ts; confirmed: only publicly confirmed routes and fields",
      )
        .default(DEFAULT_CONTRACT_MODE)
        .argParser(contractMode),
    )
    .addOption(
      new Option(
        "--state-file <file>",
        "keep API state in this JSON file across restarts (holds private keys: secret, mode 0600)",
      ),
    )
    .addOption(
      new Option(
        "--no-demo-clients",
        `do not seed the demo clients (${DEMO_CLIENTS.map((client) => client.clientId).join(", ")})`,
      ),
    );
}

async function main(argv: readonly string[]): Promise<void> {
  const command = program();
  const usageExit = parseCommandLine(command, argv);
  if (usageExit !== undefined) {
    process.exitCode = usageExit;
    return;
  }
  const options = command.opts<{
    port: number;
    host: string;
    completionDelayMs: number;
    config?: EmulatorConfig;
    client?: ClientSeed[];
    stateFile?: string;
    demoClients: boolean;
    contract: ContractMode;
  }>();
  let environmentWorker;
  try {
    environmentWorker = workerFromEnvironment(process.env, DEMO_PINGONE_ENVIRONMENT_ID);
  } catch (error) {
    process.stderr.write(`p1as-emulator: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const workers = [...(options.config?.workers ?? []), ...(environmentWorker ? [environmentWorker] : [])];
  const emulator = await startEmulator({
    port: options.port,
    host: options.host,
    completionDelayMs: options.completionDelayMs,
    clients: [...(options.config?.clients ?? []), ...(options.client ?? [])],
    seedDemoClients: options.demoClients,
    stateFile: options.stateFile,
    contract: options.contract,
    pingone: { workers },
  });
  const clients = [...emulator.state.clients.values()];
  // Client ids and roles only: secrets are never printed (the demo ones are in the README).
  const lines = [
    `P1AS emulator listening on ${emulator.url} (${options.contract} contract)`,
    ...[...new Set(clients.map((client) => client.pingOneEnvironmentId))].map(
      (envId) => `  token endpoint: ${emulator.tokenUrl(envId)}`,
    ),
    ...P1AS_ENVIRONMENTS.map(
      (env) => `  ${env.padEnd(5)} API: ${emulator.apiUrl(env)}   docs: ${emulator.url}/${env}/docs`,
    ),
    `  PingOne management API: ${emulator.managementApiUrl}/environments/<envId>/…`,
    `  PingOne workers: ${workers.map((worker) => `${worker.clientId} (${worker.environmentId}, ${worker.role ?? "full"})`).join("; ") || "none (management calls get 401)"}`,
    `  clients: ${clients.map((client) => `${client.clientId} (${client.groups.join(",")})`).join("; ") || "none"}`,
    `  controls: ${emulator.url}/_emulator/{requests,faults,state,status,settings}`,
    options.stateFile ? `  state file: ${options.stateFile} (contains private keys)` : "  state: in memory",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => process.exit(reportFailure("p1as-emulator", error)));
}
