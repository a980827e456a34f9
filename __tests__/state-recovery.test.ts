/**
 * A local state file cut short, as terraform leaves it when killed while rewriting it (the local backend
 * writes in place; the interruption suite hit it at a 32 KiB write boundary): deploy refuses with the way
 * out, changes nothing, and the documented recovery converges.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { RunningEmulator } from "../emulator/start";
import { main } from "../tools/deploy/main";
import { CliError } from "../cli-kit/errors";
import { captured } from "./support/capture";
import { appClient, createP1asApp, heldKeys, P1asApp, startEmulatorFor, TWO_HOSTNAMES } from "./support/p1as-app";

jest.setTimeout(300_000);

test("a state file cut short by a killed write is refused with the recovery, and the recovery converges", async () => {
  // GIVEN a stack deployed twice (so terraform kept the previous state as a backup), whose state file is then cut short
  app.synth(TWO_HOSTNAMES);
  await app.deploy();
  const grown = {
    ...TWO_HOSTNAMES,
    hostnames: [
      ...TWO_HOSTNAMES.hostnames,
      { hostname: "portal.dev.acme.example", product: "pingdelegator" as const, certname: "wildcard-dev" },
    ],
  };
  app.synth(grown);
  await app.deploy();
  const state = fs.readFileSync(stateFile);
  fs.writeFileSync(stateFile, state.subarray(0, Math.floor(state.length / 2)));
  emulator.requestLog.clear();

  // WHEN deployed
  const refused = await app.deploy().then(
    () => undefined,
    (error: unknown) => error,
  );

  // THEN the deploy names the stack, the cause and the recovery, and nothing reached the API
  expect(refused).toBeInstanceOf(CliError);
  expect((refused as CliError).message).toMatch(
    /^p1as-dev: the local state file cannot be read \(The state file could not be parsed as JSON: syntax error at byte offset \d+\.\): a terraform run was killed while writing it\. Nothing was changed\. Put the previous state back: copy the \.backup file terraform keeps next to the state file over it \(or move the state file aside when there is no backup\), then deploy again: creates adopt the objects that already exist as declared and refuse any they cannot match, naming the import block to use, so nothing is created twice\.$/,
  );
  expect(emulator.requestLog.list()).toEqual([]);

  // WHEN the previous state is put back, as the message says, and deployed again
  fs.copyFileSync(`${stateFile}.backup`, stateFile);
  await app.deploy();

  // THEN the hostname the backup does not know is adopted, not created twice, and the plan is empty
  expect(heldKeys(emulator).hostnames).toEqual([
    "api.dev.acme.example",
    "auth.dev.acme.example",
    "portal.dev.acme.example",
  ]);
  expect(emulator.requestLog.list(/^POST \/dev\/api\/v1\/hostnames$/)).toEqual([]);
  expect((await app.plan()).exitCode).toBe(0);
});

test.each([
  [
    "an unknown --stacks",
    ["--stacks", "p1as-dev,p1as-qa"],
    'deploy: invalid --stacks "p1as-qa": no such stack p1as-qa. Synthesized stacks: p1as-dev.\n',
  ],
  [
    "an --outdir without synthesized stacks",
    ["--outdir", "/nonexistent"],
    "deploy: no synthesized stacks in /nonexistent: /nonexistent/manifest.json is missing or unreadable. Run `npm run synth` first, or pass --outdir <dir> where cdktf wrote its output.\n",
  ],
])("deploy refuses %s, naming it, and sends nothing", async (_name, args, expected) => {
  // GIVEN a synthesized stack
  app.synth(TWO_HOSTNAMES);
  emulator.requestLog.clear();
  // WHEN / THEN
  expect(await captured("stderr", () => main(["--outdir", app.outdir, ...args]))).toEqual({ code: 1, text: expected });
  expect(emulator.requestLog.list()).toEqual([]);
});

// ---- shared setup ----------------------------------------------------------------------------

const CLIENT = appClient("state-recovery-admin");
let emulator: RunningEmulator;
let app: P1asApp;
let stateFile: string;

beforeAll(async () => {
  emulator = await startEmulatorFor(CLIENT);
  app = createP1asApp({ emulatorUrl: emulator.url, ...CLIENT });
  stateFile = path.join(app.dir, "p1as-dev.tfstate");
});

afterAll(async () => {
  await emulator?.close();
  app?.remove();
});
