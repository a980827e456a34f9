/**
 * The p1as provider's executable. Terraform starts it (through the installed wrapper script) and talks to it
 * over gRPC; `node provider/main.js schema` prints the provider's schema as `terraform providers schema
 * -json` would, which is what cdktf's bindings are generated from.
 */
import { Command } from "commander";
import { parseCommandLine } from "../tools/cli";
import { providerSchemaDocument, providerServer } from "./framework";
import { p1asProvider } from "./resources/provider";
import { serve } from "./server";
import { PROVIDER_SOURCE } from "./source";

if (process.argv[2] === "schema") {
  // `npm run provider:schema -- --help` answers like every other tool; terraform never passes arguments.
  const usageExit = parseCommandLine(new Command("provider:schema").description("Print the p1as provider's schema as `terraform providers schema -json` would."), process.argv.slice(3));
  if (usageExit !== undefined) process.exitCode = usageExit;
  else process.stdout.write(`${JSON.stringify(providerSchemaDocument(p1asProvider, PROVIDER_SOURCE), null, 2)}\n`);
} else {
  serve(providerServer(p1asProvider));
}
