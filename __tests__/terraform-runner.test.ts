/**
 * The terraform runner (tools/terraform/run.ts) and the line redaction of live output (tools/terraform/redact.ts), against a
 * stand-in `terraform` on PATH whose timing the test controls: lines arrive while it runs, chunks cut inside a
 * line or a character are joined, an abort sends exactly one SIGINT, a kill ends it, a missing binary rejects.
 * Real terraform runs are in deploy-live.test.ts.
 */
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REDACTED } from "../client/redact";
import { lineRedactor } from "../tools/terraform/redact";
import { runTerraform, TerraformStream } from "../tools/terraform/run";

let dir: string;

beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), "p1as-runner-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Installs `body` (node) as `terraform` in a directory of its own and returns the env that finds it first. */
function fakeTerraform(name: string, body: string): NodeJS.ProcessEnv {
  const bin = path.join(dir, name);
  mkdirSync(bin);
  writeFileSync(path.join(bin, "terraform"), `#!${process.execPath}\n${body}\n`);
  chmodSync(path.join(bin, "terraform"), 0o755);
  return { PATH: `${bin}:${path.dirname(process.execPath)}` };
}

const until = async (condition: () => boolean) => {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

test("lines reach onOutput while terraform runs; a line cut between chunks, even inside a character, arrives whole", async () => {
  // GIVEN a terraform that prints a line, waits for the test to have seen it, then prints a line in two
  // chunks split inside "│" (3 bytes), and a last line without newline, then exits 3
  const seen = path.join(dir, "seen");
  const env = fakeTerraform(
    "streams",
    `const fs = require("fs");
     process.stdout.write("first line\\n");
     const wait = setInterval(() => {
       if (!fs.existsSync(${JSON.stringify(seen)})) return;
       clearInterval(wait);
       const bytes = Buffer.from("a │ b\\n");
       process.stdout.write(bytes.subarray(0, 3));
       setTimeout(() => { process.stdout.write(bytes.subarray(3)); process.stderr.write("last"); process.exit(3); }, 50);
     }, 10);`,
  );
  const lines: [string, TerraformStream][] = [];

  // WHEN it runs
  const running = runTerraform(["apply"], { cwd: dir, env, onOutput: (line, stream) => lines.push([line, stream]) });
  // THEN the first line arrives before the process ends (it waits for this file, written only once seen)
  await until(() => lines.length > 0);
  writeFileSync(seen, "");
  const result = await running;

  // AND every line arrives whole, once, on its stream, and the buffered result is unchanged
  expect(lines).toEqual([
    ["first line", "stdout"],
    ["a │ b", "stdout"],
    ["last", "stderr"],
  ]);
  expect(result).toEqual({ exitCode: 3, stdout: "first line\na │ b\n", stderr: "last" });
});

test("an abort sends terraform exactly one SIGINT, and the result is what it printed as it stopped", async () => {
  // GIVEN a terraform that counts SIGINTs and stops 200 ms after the first
  const env = fakeTerraform(
    "interruptible",
    `let count = 0;
     process.on("SIGINT", () => { count++; if (count === 1) setTimeout(() => { console.log("SIGINTs: " + count); process.exit(1); }, 200); });
     console.log("running");
     setInterval(() => {}, 1000);`,
  );
  const controller = new AbortController();
  const running = runTerraform(["apply"], {
    cwd: dir,
    env,
    signal: controller.signal,
    onOutput: (line) => line === "running" && controller.abort(),
  });

  // WHEN aborted (twice: a second abort of the same signal is a no-op)
  const result = await running;
  controller.abort();

  // THEN terraform saw one SIGINT and exited on its own
  expect(result).toEqual({ exitCode: 1, stdout: "running\nSIGINTs: 1\n", stderr: "" });
});

test("kill ends a terraform that ignores SIGINT, reported as 128 + SIGKILL", async () => {
  const env = fakeTerraform(
    "stubborn",
    `process.on("SIGINT", () => {}); console.log("running"); setInterval(() => {}, 1000);`,
  );
  const interrupt = new AbortController();
  const kill = new AbortController();
  const result = await runTerraform(["apply"], {
    cwd: dir,
    env,
    signal: interrupt.signal,
    kill: kill.signal,
    onOutput: (line) => {
      if (line !== "running") return;
      interrupt.abort();
      setTimeout(() => kill.abort(), 200);
    },
  });
  expect(result).toEqual({ exitCode: 137, stdout: "running\n", stderr: "" });
});

test("a terraform that is not on PATH rejects, naming the command", async () => {
  const empty = path.join(dir, "empty");
  expect(existsSync(empty)).toBe(false);
  await expect(runTerraform(["version"], { cwd: dir, env: { PATH: empty } })).rejects.toThrow(
    "Command failed with ENOENT: terraform version",
  );
});

describe("line redaction of live output", () => {
  // Key and token are made at run time: no key material or token is ever committed.
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pkcs8 = String(privateKey.export({ type: "pkcs8", format: "pem" }))
    .trim()
    .split("\n");
  const pkcs1Begin = String(privateKey.export({ type: "pkcs1", format: "pem" })).split("\n")[0];
  const jwt =
    [{ alg: "HS256" }, { sub: "x" }].map((part) => Buffer.from(JSON.stringify(part)).toString("base64url")).join(".") +
    ".c2ln";

  test("a private key is masked from its BEGIN line to its END line, and only there", () => {
    const redact = lineRedactor();
    const lines = ["before", `  + content = "${pkcs8[0]}`, pkcs8[1], `${pkcs8[pkcs8.length - 1]}"`, "after"];
    expect(lines.map(redact)).toEqual(["before", `  + content = "${REDACTED}`, REDACTED, REDACTED, "after"]);
  });

  test("a secret attribute is masked even when colour codes sit between name and value; clean lines keep their colour", () => {
    const redact = lineRedactor();
    expect(redact('\u001b[1mclient_secret\u001b[0m = "s3cr3t-value"')).toBe(`client_secret = "${REDACTED}"`);
    expect(redact('\u001b[32m+\u001b[0m hostname = "auth.dev.acme.example"')).toBe(
      '\u001b[32m+\u001b[0m hostname = "auth.dev.acme.example"',
    );
    expect(redact(`Authorization: Bearer ${jwt}`)).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  test("each stream keeps its own key state: a BEGIN on one does not mask the other", () => {
    const stdout = lineRedactor();
    const stderr = lineRedactor();
    expect(stdout(pkcs1Begin)).toBe(REDACTED);
    expect(stderr("Error: plain text")).toBe("Error: plain text");
    expect(stdout("still key material")).toBe(REDACTED);
  });
});
