/**
 * The PingOne provider test double's executable: terraform starts it (through the wrapper that
 * `installTestDouble` writes) and talks to it over gRPC. `node pingone-double/main.js schema` prints its
 * schema as `terraform providers schema -json` would.
 */
import { providerSchemaDocument, providerServer } from "../provider/framework";
import { serve } from "../provider/server";
import { log } from "./client";
import { pingOneDouble } from "./provider";
import { DOUBLE_SOURCE, TEST_DOUBLE_NOTICE } from "./source";

if (process.argv[2] === "schema") {
  process.stdout.write(`${JSON.stringify(providerSchemaDocument(pingOneDouble, DOUBLE_SOURCE), null, 2)}\n`);
} else {
  log(TEST_DOUBLE_NOTICE);
  serve(providerServer(pingOneDouble));
}
