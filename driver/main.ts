#!/usr/bin/env node
/**
 * The provisioner entry: `node dist/driver/main.js <command>` with the resource's input in
 * P1AS_DRIVER_INPUT. One process per provisioner run, so it holds one token for its whole life.
 * Exit 0 on success; on failure one readable line on stderr (terraform shows it in the deploy
 * output) and exit 1, which fails the apply.
 */
import { SelfServiceClient } from "../client/self-service-client";
import { TokenClient } from "../client/token-client";
import { redactText } from "../client/redact";
import { DRIVER_COMMANDS, DRIVER_INPUT_ENV, DriverCommand } from "./consts";
import { DriverError, unknownCommand, withNextStep } from "./errors";
import { ConnectionInput, parseCertificateInput, parseHostnameInput } from "./input";
import * as operations from "./operations";
import { MARKING_COMMANDS, recordEnsured } from "./run-markers";
import { clientSecret } from "./secrets";

const PREFIX = "p1as";

function log(line: string): void {
  process.stderr.write(`${PREFIX}: ${redactText(line)}\n`);
}

/** Also used by `npm run drift`, so it reaches the API exactly as a deploy would. */
export function connect(input: ConnectionInput, env: NodeJS.ProcessEnv = process.env): { client: SelfServiceClient; tokens: TokenClient } {
  const timeoutMs = input.request_timeout_ms;
  const tokens = new TokenClient({ tokenUrl: input.token_url, clientId: input.client_id, clientSecret: clientSecret(input, env), scope: input.scope || undefined, timeoutMs, log });
  return { client: new SelfServiceClient({ baseUrl: input.api_url, tokens, timeoutMs, log }), tokens };
}

export async function run(command: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const raw = env[DRIVER_INPUT_ENV];
  const certificateOperations: Partial<Record<DriverCommand, typeof operations.createCertificate>> = {
    [DRIVER_COMMANDS.certificateCreate]: operations.createCertificate,
    [DRIVER_COMMANDS.certificateContent]: operations.updateCertificateContent,
    [DRIVER_COMMANDS.certificateDelete]: operations.deleteCertificate,
  };
  const hostnameOperations: Partial<Record<DriverCommand, typeof operations.createHostname>> = {
    [DRIVER_COMMANDS.hostnameCreate]: operations.createHostname,
    [DRIVER_COMMANDS.hostnameRouting]: operations.updateHostnameRouting,
    [DRIVER_COMMANDS.hostnameDelete]: operations.deleteHostname,
  };
  const certificateOperation = certificateOperations[command as DriverCommand];
  const hostnameOperation = hostnameOperations[command as DriverCommand];
  let input: Record<string, unknown>;
  if (certificateOperation) {
    const certificate = parseCertificateInput(raw, DRIVER_INPUT_ENV);
    await certificateOperation(connect(certificate, env).client, certificate, log);
    input = certificate;
  } else if (hostnameOperation) {
    const hostname = parseHostnameInput(raw, DRIVER_INPUT_ENV);
    await hostnameOperation(connect(hostname, env).client, hostname, log);
    input = hostname;
  } else {
    throw unknownCommand(command, Object.values(DRIVER_COMMANDS));
  }
  const marked = MARKING_COMMANDS[command as DriverCommand];
  if (marked) recordEnsured(marked, input, env);
}

if (require.main === module) {
  const command = process.argv[2];
  run(command).then(
    () => process.exit(0),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const known = error instanceof DriverError || (error instanceof Error && error.name !== "Error");
      // An unexpected error gets its stack too; redactText keeps credentials out either way.
      log(`${command ?? "(no command)"} failed: ${known ? withNextStep(message, error) : (error as Error)?.stack ?? message}`);
      process.exit(1);
    },
  );
}
