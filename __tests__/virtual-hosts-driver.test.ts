/**
 * The provisioner driver's refusals: each is one readable line on stderr and exit 1, before any request.
 * Runs the bundle a provisioner runs (`npm run build` makes it).
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { DRIVER_INPUT_ENV } from "../driver/consts";

describe("driver", () => {
  test("fails on an input version it does not know, saying which it reads", async () => {
    // GIVEN an input written by a newer release WHEN a hostname is created
    const result = await driver("hostname-create", { ...HOSTNAME_INPUT, version: 2 });
    // THEN it refuses and says what to do
    expect(result).toEqual({
      code: 1,
      stderr:
        "p1as: hostname-create failed: driver input version 2 is not supported (this driver reads version 1). The object was created by a newer release: run this deploy with that release.\n",
    });
  });

  test("fails on an unknown command, listing the known ones", async () => {
    const result = await driver("hostname-upsert", HOSTNAME_INPUT);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown command "hostname-upsert": expected one of certificate-create, certificate-content, certificate-delete, hostname-create, hostname-routing, hostname-delete.');
  });

  test("fails naming the field when the input is malformed", async () => {
    const result = await driver("hostname-create", { ...HOSTNAME_INPUT, product: "pingone" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${DRIVER_INPUT_ENV} is not a valid driver input: product: Invalid enum value.`);
  });

  test("fails when the client secret is not in terraform's environment, naming the variable to export", async () => {
    const result = await driver("hostname-delete", HOSTNAME_INPUT);
    expect(result).toEqual({
      code: 1,
      stderr:
        "p1as: hostname-delete failed: the client secret is not available: looked in environment variable TF_VAR_p1as_dev_client_secret. Export TF_VAR_p1as_dev_client_secret in the shell that runs cdktf/terraform (a -var flag is not visible to provisioners).\n",
    });
  });
});

// ---- shared setup ----------------------------------------------------------------------------

const HOSTNAME_INPUT = {
  version: 1,
  // Port 9 (discard): nothing listens, so a request would fail loudly instead of reaching anything.
  api_url: "http://127.0.0.1:9/dev/api/v1",
  token_url: "http://127.0.0.1:9/env/as/token",
  client_id: "client-1",
  scope: "",
  client_secret_env: "TF_VAR_p1as_dev_client_secret",
  client_secret_address: "",
  poll_interval_ms: 100,
  ready_timeout_ms: 1000,
  hostname: "auth.dev.acme.example",
  product: "pingfederate-engines",
  certname: "wildcard-dev",
  adopt: false,
};

function driver(command: string, input: object): Promise<{ code: number; stderr: string }> {
  const root = path.resolve(__dirname, "..");
  const env = { PATH: process.env.PATH, [DRIVER_INPUT_ENV]: JSON.stringify(input) };
  return new Promise((resolve) => {
    execFile("node", ["dist/driver/bundle.js", command], { cwd: root, env }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}
