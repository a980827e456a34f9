/**
 * rotate-secret's command line and refusals, in process (the rotation itself, against the emulated PingOne, is in
 * provider-pingone-lookup-e2e.test.ts): each bad input names the option or the variable, and nothing is sent.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../tools/rotate-secret/main";
import { EXIT_ERROR, EXIT_USAGE } from "../cli-kit/errors";

const ROOT = path.resolve(__dirname, "..");

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(
    argv,
    { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
    { P1AS_CONFIG: path.join(ROOT, "config/example.json"), ...env },
  );
  return { code, stdout, stderr };
}

test.each([
  [["--keep-previous", "10m"], "rotate-secret: required option '--env <environment>' not specified. See --help.\n"],
  [
    ["--env", "qa"],
    "rotate-secret: option '--env <environment>' argument 'qa' is invalid. Allowed choices are dev, test, stage, prod. See --help.\n",
  ],
  [
    ["--env", "dev", "--keep-previous", "30s"],
    "rotate-secret: option '--keep-previous <duration>' argument '30s' is invalid. must be 0 or a duration from 1m to 30d, such as 90s, 10m, 2h or 7d. See --help.\n",
  ],
  [
    ["--env", "dev", "--keep-previous", "31d"],
    "rotate-secret: option '--keep-previous <duration>' argument '31d' is invalid. must be 0 or a duration from 1m to 30d, such as 90s, 10m, 2h or 7d. See --help.\n",
  ],
  [
    ["--env", "dev", "--client", "reader"],
    "rotate-secret: option '--client <client>' argument 'reader' is invalid. Allowed choices are write, audit. See --help.\n",
  ],
])("%j is a usage error (64) naming the option", async (argv, message) => {
  expect(await run(argv)).toEqual({ code: EXIT_USAGE, stdout: "", stderr: message });
});

test("an environment the config does not list is refused, naming the ones it has", async () => {
  const result = await run(["--env", "stage"]);
  expect(result).toMatchObject({ code: EXIT_ERROR, stdout: "" });
  expect(result.stderr).toContain("environment stage is not in");
  expect(result.stderr).toContain("(it has dev, prod). Nothing was changed.");
});

test("an environment with explicit credentials is refused: this project does not manage its clients", async () => {
  const configFile = path.join(mkdtempSync(path.join(os.tmpdir(), "rotate-secret-")), "explicit.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      customer: "acme",
      p1asRegion: "us1",
      pingone: {
        environmentId: "0ff1ce00-de30-4000-8000-000000000001",
        regionCode: "NA",
        roleAttributes: { manage: false },
      },
      environments: [
        {
          name: "dev",
          credentials: {
            clientId: "0ff1ce00-de30-4000-8000-00000000c11e",
            audit: { clientId: "0ff1ce00-de30-4000-8000-0000000a0d17" },
          },
        },
      ],
    }),
  );
  const result = await run(["--env", "dev"], { P1AS_CONFIG: configFile });
  expect(result.code).toBe(EXIT_ERROR);
  expect(result.stderr).toContain("environment dev has explicit credentials");
});

test("without the PingOne worker's variables it names each one and sends nothing", async () => {
  const result = await run(["--env", "dev"]);
  expect(result.code).toBe(EXIT_ERROR);
  for (const variable of ["PINGONE_CLIENT_ID", "PINGONE_CLIENT_SECRET", "PINGONE_ENVIRONMENT_ID"])
    expect(result.stderr).toContain(`${variable} is not set`);
  expect(result.stderr).toContain("Nothing was changed.");
});
