/**
 * The p1as provider's executable. Terraform starts it (through the installed wrapper script) and talks to it
 * over gRPC; `node provider/main.js schema` prints the provider's schema as `terraform providers schema
 * -json` would, which is what cdktf's bindings are generated from.
 */
import { providerSchemaDocument, providerServer } from "./framework";
import { untestedNodeLine } from "./node-lines";
import { p1asProvider } from "./resources/provider";
import { serve } from "./server";
import { PROVIDER_SOURCE } from "./public-face";

if (process.argv[2] === "schema") {
  void printSchema();
} else {
  const refusal = untestedNodeLine(process.version, process.execPath);
  if (refusal === undefined) serve(providerServer(p1asProvider));
  else refuseToStart(refusal);
}

/** The command-line parser loads only here: terraform starts the provider three times per plan, never with arguments. */
async function printSchema(): Promise<void> {
  const [{ Command }, { parseCommandLine }] = await Promise.all([
    import("commander"),
    import("../cli-kit/command-line"),
  ]);
  // `npm run provider:schema -- --help` answers like every other tool; terraform never passes arguments.
  const usageExit = parseCommandLine(
    new Command("provider:schema").description(
      "Print the p1as provider's schema as `terraform providers schema -json` would.",
    ),
    process.argv.slice(3),
  );
  if (usageExit !== undefined) process.exitCode = usageExit;
  else process.stdout.write(`${JSON.stringify(providerSchemaDocument(p1asProvider, PROVIDER_SOURCE), null, 2)}\n`);
}

/**
 * The wrapper pins the Node binary by path, but what is at that path can change under it (a system package
 * upgraded to a new major). Terraform shows a plugin's first stdout line when it is not a handshake
 * ("Unrecognized remote plugin message: ..."), and hides its stderr unless TF_LOG is set: the refusal goes to
 * both.
 */
function refuseToStart(refusal: string): void {
  const installed = process.env.P1AS_PROVIDER_NODE_VERSION;
  const line = `${refusal}${installed && installed !== process.version ? ` (it was installed for Node ${installed})` : ""}`;
  process.stdout.write(`${line}\n`);
  process.stderr.write(`${line}\n`);
  process.exitCode = 1;
}
