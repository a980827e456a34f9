/**
 * Issue 16's reproduction, end to end: the API answers a certificate create with a 422 whose detail echoes the
 * private key's base64 body (no PEM header, so no pattern knows it), terminal control sequences and a mention.
 * `npm run deploy` (dist/tools/deploy/main.js as its own process, real terraform and the p1as provider) must show
 * none of it raw: not in its live stream, not in its result lines, not in deploy-result.md or the job summary.
 * Needs `npm run build` first.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { createFixture, Fixture } from "./support/plan-fixture";
import { findForms, forms } from "./support/needles";
import { prose, references, render } from "./support/markdown";

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "..");
let fixture: Fixture;

beforeAll(async () => (fixture = await createFixture()));
afterAll(() => fixture?.remove());

test("a 422 echoing the key's body, escape sequences and a mention reaches no output raw", async () => {
  // GIVEN dev with a certificate whose key comes from TF_VAR_wildcard_dev_key, and an API that echoes it in a 422
  fixture.synth([
    { environment: "dev", spec: { certificates: [{ name: "wildcard-dev", keyFromVariable: true }], hostnames: [] } },
  ]);
  const body = fixture
    .pem("dev", "wildcard-dev")
    .privkey.split("\n")
    .filter((line) => line && !line.startsWith("-----"));
  const detail = `privkey: not a valid RSA key: ${body.join("")} \u001b]0;pwned\u0007\u001b[2J\r@octocat see #1`;
  fixture.emulator.faults.add({ route: "POST /certificates", status: 422, detail, times: 5 });
  const resultFile = path.join(fixture.dir, "deploy-result.md");
  const stepSummary = path.join(fixture.dir, "step-summary.md");
  writeFileSync(stepSummary, "");

  // WHEN deployed as the workflow's apply job does
  const done = await deploy(["--outdir", fixture.outdir, "--result-out", resultFile], {
    ...fixture.env(),
    GITHUB_STEP_SUMMARY: stepSummary,
  });

  // THEN the deploy failed with the API's answer, its place masked
  expect(done.code).toBe(1);
  expect(done.stderr).toContain("deploy: p1as-dev: failed: terraform apply failed:");
  // (terraform wraps the provider's error at 80 columns; the key's body is one long word, on its own line)
  expect(done.stderr).toContain(
    "deploy: p1as-dev: create certificate wildcard-dev failed: HTTP 422: privkey: not a valid RSA",
  );
  expect(done.stderr).toContain("deploy: p1as-dev: [REDACTED]\n");
  const result = readFileSync(resultFile, "utf8");
  expect(result).toContain("<br>\\[REDACTED\\]<br>");
  // AND no line of the key's body, joined or alone, is in any output, the result file or the job summary
  const key = [
    {
      name: "key",
      needles: [
        ...forms(body.join("")),
        ...body.slice(0, -1).map((line, i) => ({ form: `body line ${i + 1}`, value: line })),
      ],
    },
  ];
  for (const [where, text] of Object.entries({
    stdout: done.stdout,
    stderr: done.stderr,
    result,
    stepSummary: readFileSync(stepSummary, "utf8"),
  })) {
    expect({ where, hits: findForms(text, key) }).toEqual({ where, hits: [] });
  }
  // AND no control sequence reached the terminal raw (stdout is not a terminal: no colour at all)
  expect(done.stdout + done.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(done.stderr).toContain("\\x1b]0;pwned\\x07\\x1b[2J\\r");
  // AND the result, once rendered on GitHub, mentions and references no one
  expect(references(prose(render(result)))).toEqual([]);
});

/** dist/tools/deploy/main.js as its own process, with the fixture's TF_VAR_* secrets, as the apply job runs it. */
function deploy(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, "dist", "tools", "deploy", "main.js"), ...args], {
    cwd: ROOT,
    env: { ...process.env, P1AS_PLAN_KEY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
