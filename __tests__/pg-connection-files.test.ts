/**
 * Files named inside a pg connection string. pg-connection-string reads `sslcert`, `sslkey` and `sslrootcert`
 * while it parses, and terraform's driver reads them whole, so `sslkey=/dev/zero` or a FIFO once hung synth
 * (2 GB RSS). Now:
 * - a config's `connStr` (which a pull request can change) may name no file at all: refused, naming the field
 *   and the parameter, before anything is read;
 * - PG_CONN_STR and the PG* variables (the operator's own) are read under the certificate files' policy
 *   (a regular file of at most 64 KiB, opened without blocking); anything else stops the stack before terraform.
 * The hostile cases run in a child process that is killed after a deadline, so on code that reads the file
 * they fail instead of hanging the suite.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { connStrProblems, FILE_PARAMETERS, parsePgConnection } from "../config/pg-connection";
import { clientConfig } from "../tools/terraform/pg-bootstrap";

const ROOT = path.resolve(__dirname, "..");
/** Far above what the fixed code needs (a synth is about 3 s here), far below "hung". */
const DEADLINE_MS = 30_000;

/** Files terraform's driver would read without end, or into memory: each made in the suite's folder. */
const HOSTILE = ["/dev/zero", "a FIFO", "an 8 MiB file"] as const;
type Hostile = (typeof HOSTILE)[number];
const hostileFile = (name: Hostile) =>
  name === "/dev/zero" ? "/dev/zero" : path.join(dir, name === "a FIFO" ? "fifo" : "big.pem");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "p1as-pg-files-"));
  execFileSync("mkfifo", [hostileFile("a FIFO")]);
  writeFileSync(hostileFile("an 8 MiB file"), "");
  truncateSync(hostileFile("an 8 MiB file"), 8 * 1024 * 1024);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a config's connStr names no file", () => {
  it.each(FILE_PARAMETERS.map((name) => [name]))(
    "refuses %s in a URL, in key=value pairs and percent-encoded, without reading it",
    (name) => {
      const absent = path.join(dir, "absent", `${name}.pem`);
      const expected = `must not name a file (found: ${name}): terraform's pg driver and the tools read it on the machine that runs them`;
      for (const connStr of [
        `postgres://tf@db.example/tf?${name}=${absent}`,
        `host=db.example dbname=tf ${name}='${absent}'`,
        `postgres://tf@db.example/tf?${encodeURIComponent(name).replace(/^s/, "%73")}=${absent}`,
      ]) {
        const problems = connStrProblems(connStr);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain(expected);
        expect(problems[0]).toContain(
          "Leave connStr out and set PG_CONN_STR in terraform's environment, or keep connStr and give the files as PGSSLCERT, PGSSLKEY, PGSSLROOTCERT or PGPASSFILE",
        );
      }
    },
  );

  it("lists every file parameter and a password in one round", () => {
    expect(connStrProblems("host=db.example password=x sslcert=/a sslkey=/b")).toEqual([
      expect.stringContaining("must not hold a password (found: password)"),
      expect.stringContaining("must not name a file (found: sslcert, sslkey)"),
    ]);
  });

  it("still parses what it compares from a URL whose query it keeps away from the library", () => {
    expect(parsePgConnection("postgres://tf@[::1]:6543/state?sslmode=verify-full&dbname=other")).toEqual({
      hosts: "::1",
      port: "6543",
      database: "other",
      user: "tf",
      passwordParameters: [],
      fileParameters: [],
    });
  });

  it.each(HOSTILE.map((name) => [name]))(
    "synth refuses sslkey=<%s> in connStr at once, naming the field and the parameter",
    (name) => {
      // GIVEN a config whose pg connStr names the hostile file
      const config = minimalConfig({ type: "pg", connStr: `postgres://tf@db.example/tf?sslkey=${hostileFile(name)}` });

      // WHEN synthesized by the app's entry point, in a child process killed after the deadline
      const result = guarded([path.join(ROOT, "dist", "main.js")], {
        P1AS_CONFIG: config,
        CDKTF_OUTDIR: path.join(dir, `out-${name.replace(/\W+/g, "-")}`),
      });

      // THEN it ends on its own, refusing the field with the parameter named, and writes nothing
      expect({ timedOut: result.timedOut, status: result.status }).toEqual({ timedOut: false, status: 1 });
      expect(result.stderr).toContain("environments[0].backend.connStr: must not name a file (found: sslkey)");
    },
  );
});

describe("PG_CONN_STR and the PG* variables are read under the certificate files' policy", () => {
  it("reads a small regular file named by PG_CONN_STR or PGSSLROOTCERT", () => {
    const ca = path.join(dir, "ca.pem");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nQQ==\n-----END CERTIFICATE-----\n");
    expect(clientConfig(`postgres://tf@db.example/tf?sslrootcert=${ca}`, {}).ssl).toMatchObject({
      ca: expect.stringContaining("BEGIN CERTIFICATE"),
    });
    expect(clientConfig("host=db.example", { PGSSLROOTCERT: ca }).ssl).toMatchObject({
      ca: expect.stringContaining("BEGIN CERTIFICATE"),
      rejectUnauthorized: true,
    });
  });

  const cases = HOSTILE.flatMap(
    (name) =>
      [
        [
          name,
          "PG_CONN_STR",
          (file: string) => ({ PG_CONN_STR: `postgres://tf@127.0.0.1:9/tf?sslkey=${file}` }),
          "PG_CONN_STR",
        ],
        [
          name,
          "PGSSLKEY",
          (file: string) => ({ PG_CONN_STR: "postgres://tf@127.0.0.1:9/tf", PGSSLKEY: file }),
          "PGSSLKEY",
        ],
      ] as const,
  );

  it.each(cases)(
    "%s as the key in %s: the stack stops before terraform starts, naming the parameter and why",
    (name, _where, env, source) => {
      // GIVEN a pg stack without conn_str, and terraform's environment naming the hostile file
      const workingDirectory = path.join(dir, `stack-${name.replace(/\W+/g, "-")}-${source.replace(/\W+/g, "-")}`);
      mkdirSync(workingDirectory, { recursive: true });
      writeFileSync(
        path.join(workingDirectory, "cdk.tf.json"),
        JSON.stringify({ terraform: { backend: { pg: { schema_name: "p1as_dev" } } } }),
      );

      // WHEN the tools initialise it (in a child process killed after the deadline), with a terraform that records its calls
      const result = guarded(["-e", INIT_STACK, workingDirectory], env(hostileFile(name)));

      // THEN it ends on its own, terraform never ran, and the failure names the parameter, its source and the reason
      expect({ timedOut: result.timedOut, status: result.status }).toEqual({ timedOut: false, status: 0 });
      const { result: init, calls } = JSON.parse(result.stdout);
      expect(calls).toEqual([]);
      expect(init.exitCode).toBe(1);
      expect(init.stderr).toContain(
        `Error: terraform init not started: the pg connection's sslkey (from ${source}) is refused: `,
      );
      expect(init.stderr).toMatch(
        name === "an 8 MiB file"
          ? /is 8388608 bytes/
          : name === "a FIFO"
            ? /is a FIFO \(named pipe\), not a regular file/
            : /is a character device, not a regular file/,
      );
    },
  );
});

// ---- shared setup ----------------------------------------------------------------------------

/** initStack from dist/, with a stand-in for terraform that records each call; prints `{ result, calls }`. */
const INIT_STACK = `
const path = require("node:path");
const { initStack } = require(${JSON.stringify(path.join(ROOT, "dist", "tools", "terraform", "init.js"))});
const workingDirectory = process.argv[1];
const calls = [];
initStack(
  { name: "p1as-dev", workingDirectory, configFile: path.join(workingDirectory, "cdk.tf.json"), retiring: false },
  { env: {}, run: async (args) => (calls.push(args.join(" ")), { exitCode: 0, stdout: "", stderr: "" }) },
).then((result) => process.stdout.write(JSON.stringify({ result, calls })));
`;

function guarded(
  args: string[],
  env: NodeJS.ProcessEnv,
): { timedOut: boolean; status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PG_CONN_STR: "", PGSSLKEY: "", ...env },
    encoding: "utf8",
    timeout: DEADLINE_MS,
    killSignal: "SIGKILL",
  });
  return {
    timedOut: result.error !== undefined || result.signal === "SIGKILL",
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** A config file with one environment on `backend`, written into the suite's folder. */
function minimalConfig(backend: object): string {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      customer: "acme",
      p1asRegion: "us1",
      pingone: {
        environmentId: "3f1e2d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
        regionCode: "NA",
        roleAttributes: { manage: false },
      },
      environments: [{ name: "dev", backend }],
    }),
  );
  return file;
}
