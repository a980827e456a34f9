/**
 * Known secret values are masked as values, not only by their shape: whatever a tool's environment and config
 * hold (TF_VAR_*, PINGONE_CLIENT_SECRET, P1AS_CLIENT_SECRET, P1AS_READ_CLIENT_SECRET, P1AS_PLAN_KEY, the pg
 * passwords, the private keys the config names) is masked in every encoding a program could print it in,
 * wherever the tools redact: log lines, the live deploy stream, plan summaries, posted bodies. The forms
 * searched for come from the tests' own needles (support/needles.ts), not from the code under test.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { MIN_MASKED_CHARS, maskValues, REDACTED, redactText } from "../client/redact";
import { safeBody } from "../tools/github/api";
import { renderSummary } from "../tools/plan-summary/render";
import { knownSecretValues, lineRedactor, maskKnownSecrets, pgPasswords } from "../tools/terraform/redact";
import { makeCertificate } from "./support/certs";
import { findForms, forms, Needle } from "./support/needles";

const CLIENT_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const secret = (name: string) => `${name}-${randomBytes(18).toString("base64url")}`;
const KEY = makeCertificate({ commonName: "auth.dev.acme.example" }).privkey;

let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), "secret-values-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("maskValues and redactText", () => {
  const value = secret("client");
  const jwt = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.${randomBytes(64).toString("base64url")}`;
  beforeAll(() => maskValues([value, KEY, jwt]));

  test.each<[string, (needle: Needle) => string]>([
    ["alone", (needle) => needle.value],
    ["inside an API error", (needle) => `HTTP 422: {"detail":"invalid input ${needle.value} for privkey"}`],
  ])("masks every form of a known value %s", (_label, embed) => {
    // GIVEN every form of each value (the tests' own list), a key's every body line and a JWT's signature
    const body = KEY.split("\n").filter((line) => line && !line.startsWith("-----"));
    const needles = [
      {
        name: "client secret",
        needles: [
          ...forms(value),
          {
            form: "HTTP Basic pair",
            value: Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(value)}`).toString("base64"),
          },
        ],
      },
      {
        name: "private key",
        needles: [
          ...forms(KEY),
          { form: "body joined", value: body.join("") },
          ...body.slice(0, -1).map((line, i) => ({ form: `body line ${i + 1}`, value: line })),
        ],
      },
      { name: "JWT", needles: [...forms(jwt), { form: "signature alone", value: jwt.split(".")[2] }] },
    ];
    for (const { name, needles: list } of needles) {
      for (const needle of list) {
        // WHEN the form is printed and redacted
        const printed = redactText(embed(needle));
        // THEN no form of any secret survives, and the mask says where it was
        expect({ name, form: needle.form, hits: findForms(printed, needles) }).toEqual({
          name,
          form: needle.form,
          hits: [],
        });
        expect(printed).toContain(REDACTED);
      }
    }
  });

  test("masks the Basic pair and base64 at every alignment whatever surrounds the value", () => {
    for (const prefix of ["", "a", "ab", "abc"]) {
      const printed = redactText(
        `Authorization header was ${Buffer.from(`${prefix}:${value}:tail`).toString("base64")} (base64)`,
      );
      expect(findForms(printed, [{ name: "client secret", needles: forms(value) }])).toEqual([]);
    }
  });

  test(`never masks a value shorter than ${MIN_MASKED_CHARS} characters, so a common word cannot blank out the output`, () => {
    maskValues(["NA", "true", "dev", "1234567"]);
    const text = "region NA, enabled true, environment dev, port 1234567";
    expect(redactText(text)).toBe(text);
  });
});

describe("knownSecretValues: what the environment and the config hold", () => {
  test("finds every secret variable, the pg passwords and the private keys the config names, and nothing else", () => {
    // GIVEN a config with a pg connStr and a key file next to it, and an environment as a CI job has it
    writeFileSync(path.join(dir, "dev.key"), KEY, { mode: 0o600 });
    const configFile = path.join(dir, "config.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        environments: [
          {
            name: "dev",
            backend: { type: "pg", connStr: "postgres://tf:config%2Fpa55word@db.example/state" },
            virtualHosts: { certificates: [{ name: "c", fullchainFile: "dev.pem", privateKeyFile: "dev.key" }] },
          },
          { name: "prod", backend: { type: "pg", connStr: "host=db.example user=tf password='kw pa55word'" } },
        ],
      }),
    );
    const env = {
      P1AS_CONFIG: configFile,
      TF_VAR_p1as_dev_client_secret: "tfvar-secret-value",
      TF_VAR_api_dev_private_key: "variable-key-value",
      PINGONE_CLIENT_SECRET: "pingone-secret-value",
      P1AS_CLIENT_SECRET: "p1as-secret-value",
      P1AS_READ_CLIENT_SECRET: "p1as-read-secret-value",
      P1AS_PROD_CLIENT_SECRET: "prod-write-secret-value",
      P1AS_PROD_AUDIT_CLIENT_SECRET: "prod-read-secret-value",
      P1AS_ENVIRONMENT: "prod",
      P1AS_PLAN_KEY: "plan-key-value-at-least-this-long",
      PG_CONN_STR: "postgres://tf:env-pa55word@db.example/state?sslmode=require",
      PINGONE_CLIENT_ID: CLIENT_ID,
      PINGONE_ENVIRONMENT_ID: "not-a-secret-environment-id",
    };
    // WHEN
    const values = knownSecretValues(env);
    // THEN
    expect(values).toEqual(
      expect.arrayContaining([
        "tfvar-secret-value",
        "variable-key-value",
        "prod-write-secret-value",
        "prod-read-secret-value",
        "pingone-secret-value",
        "p1as-secret-value",
        "p1as-read-secret-value",
        "plan-key-value-at-least-this-long",
        "env-pa55word",
        "config/pa55word",
        "kw pa55word",
        KEY,
      ]),
    );
    expect(values).not.toContain(CLIENT_ID);
    expect(values).not.toContain("not-a-secret-environment-id");
    expect(values).not.toContain("prod");
  });

  test("reads a pg password in each spelling, without reading any file the connection string names", () => {
    expect(pgPasswords("postgres://tf:s3cr%40t@db/x?sslpassword=ssl-pw&sslkey=/dev/zero")).toEqual(
      expect.arrayContaining(["s3cr@t", "ssl-pw"]),
    );
    expect(pgPasswords("host=db password = 'a b\\'c' sslkey=/dev/zero")).toEqual(["a b'c"]);
    expect(pgPasswords("not a connection string at all '")).toEqual([]);
  });

  test("a config that is not JSON, or names a FIFO or a missing key file, still gives the environment's values", () => {
    const broken = path.join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    expect(knownSecretValues({ P1AS_CONFIG: broken, P1AS_PLAN_KEY: "plan-key-value-at-least-this-long" })).toEqual([
      "plan-key-value-at-least-this-long",
    ]);
    const missing = path.join(dir, "missing.json");
    writeFileSync(
      missing,
      JSON.stringify({
        environments: [
          { virtualHosts: { certificates: [{ privateKeyFile: "/dev/zero" }, { privateKeyFile: "absent.key" }] } },
        ],
      }),
    );
    expect(knownSecretValues({ P1AS_CONFIG: missing })).toEqual([]);
  });
});

describe("the tools' outputs mask known values", () => {
  const value = secret("tfvar");
  const body = KEY.split("\n").filter((line) => line && !line.startsWith("-----"));
  beforeAll(() =>
    maskKnownSecrets({
      TF_VAR_p1as_dev_client_secret: value,
      TF_VAR_dev_key: KEY,
      P1AS_CONFIG: path.join(dir, "none.json"),
    }),
  );
  const leaks = (text: string) =>
    findForms(text, [
      { name: "secret", needles: forms(value) },
      {
        name: "key",
        needles: [
          { form: "body joined", value: body.join("") },
          ...body.slice(0, -1).map((line, i) => ({ form: `body line ${i + 1}`, value: line })),
        ],
      },
    ]);
  const echo = `Error: create certificate wildcard-dev failed: HTTP 422: privkey: invalid: ${body.join("")} (client ${value})`;

  test("a 422 echoing a key's base64 body and a secret: masked in the live stream, the plan summary and a posted body", () => {
    const live = lineRedactor();
    expect(leaks(live(echo))).toEqual([]);
    expect(leaks(renderSummary([{ stack: "p1as-dev", status: "failed", error: echo }]))).toEqual([]);
    expect(leaks(safeBody(echo))).toEqual([]);
    // (the same text is left whole by the patterns alone: it is the values that are masked)
    expect(leaks(echo)).not.toEqual([]);
  });
});
