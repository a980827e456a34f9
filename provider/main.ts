/**
 * The p1as provider's executable. Terraform starts it (through the installed wrapper script) and talks to it
 * over gRPC; `node provider/main.js schema` prints the provider's schema as `terraform providers schema
 * -json` would, which is what cdktf's bindings are generated from.
 */
import { providerSchemaDocument, providerServer } from "./framework";
import { p1asProvider } from "./resources/provider";
import { serve } from "./server";
import { PROVIDER_SOURCE } from "./source";

if (process.argv[2] === "schema") {
  process.stdout.write(`${JSON.stringify(providerSchemaDocument(p1asProvider, PROVIDER_SOURCE), null, 2)}\n`);
} else {
  serve(providerServer(p1asProvider));
}
