/**
 * The literal rule, judged by terraform itself: strings (adversarial ones and seeded random ones) are written
 * where a construct writes them, in a template position and inside an expression, and real terraform must
 * read every one back unchanged, evaluating nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Fn, TerraformLocal, TerraformStack, Testing, Token } from "cdktf";
import * as fc from "fast-check";
import {
  expressionLiteral,
  readTemplateLiteral,
  templateLiteral,
  templateLiterals,
} from "../constructs/terraform-literal";
import { runTerraform } from "../tools/terraform/run";

jest.setTimeout(120_000);

/** Strings an attacker would try, and the escapes' own edge cases. */
const ADVERSARIAL = [
  'x", "exfil" = file("/etc/hostname"), "zz" = "',
  '${file("/etc/hostname")}',
  "%{ if true }directive%{ endif }",
  "$${already escaped} and %%{ this too }",
  "$$${three} %%%{three}",
  "ends with $",
  "ends with %",
  "${",
  "%{",
  "}",
  'back\\slash \\" quote \\n not a newline',
  "tab\tnew\nline\rreturn",
  "unicode: bücher ☃ 𝄞",
  'nested "${"${upper("x")}"}"',
  "",
];

describe("terraform literals", () => {
  test("terraform reads every adversarial and random string back unchanged, in a template and inside an expression", async () => {
    // GIVEN the adversarial strings and 150 seeded random ones built from the characters that matter
    const alphabet = fc.constantFrom("$", "%", "{", "}", '"', "\\", "\n", "a", " ", "(", ")", "'", "\t", "é");
    const random = fc.sample(
      fc.array(alphabet, { maxLength: 24 }).map((chars) => chars.join("")),
      { numRuns: 150, seed: 9 },
    );
    const values = [...ADVERSARIAL, ...random];

    // WHEN each is written as an output value in both positions and terraform applies the outputs
    const outputs: Record<string, { value: string }> = {};
    values.forEach((value, i) => {
      outputs[`template_${i}`] = { value: templateLiteral(value) };
      outputs[`expression_${i}`] = { value: `\${${expressionLiteral(value)}}` };
    });
    const read = await applyOutputs(outputs);

    // THEN every output equals its input exactly: nothing was evaluated, nothing was cut off
    const mismatches = values.flatMap((value, i) =>
      ["template", "expression"]
        .filter((position) => read[`${position}_${i}`] !== value)
        .map((position) => ({ position, value, read: read[`${position}_${i}`] })),
    );
    expect(mismatches).toEqual([]);
    // AND tools that read synthesized JSON back (drift) recover each one, as terraform did
    expect(values.filter((value) => readTemplateLiteral(templateLiteral(value)) !== value)).toEqual([]);
  });

  test("a tool reading synthesized JSON back sees a reference as unresolved, not as text", () => {
    expect(readTemplateLiteral("${pingone_application.a.oidc_options[0].client_id}")).toBeUndefined();
    expect(readTemplateLiteral("pre %{ if x }y%{ endif }")).toBeUndefined();
    expect(readTemplateLiteral("$${x} %%{y}")).toBe("${x} %{y}");
  });

  test("keeps references that code made as references, and escapes only the text around them", () => {
    // GIVEN a prop that mixes text with a token (another resource's attribute)
    const stack = new TerraformStack(Testing.app(), "stack");
    const token = Fn.upper("x");

    // WHEN it is made a literal
    const literal = templateLiteral(`pre \${x} ${token} post %{y}`);

    // THEN the token still resolves to an interpolation and the text is escaped
    expect(Token.isUnresolved(literal)).toBe(true);
    new TerraformLocal(stack, "mixed", literal);
    expect(JSON.parse(Testing.synth(stack)).locals.mixed).toBe('pre $${x} ${upper("x")} post %%{y}');
  });

  test("escapes every string inside objects and arrays, and leaves numbers, booleans and keys alone", () => {
    expect(templateLiterals({ a: "${x}", b: ["%{y}", 1, true], c: { d: null } })).toEqual({
      a: "$${x}",
      b: ["%%{y}", 1, true],
      c: { d: null },
    });
  });

  test("refuses a token inside an expression literal: a reference must be written as one", () => {
    expect(() => expressionLiteral(Fn.upper("x"))).toThrow("expressionLiteral takes plain text, not a token");
  });
});

/** Applies a configuration of outputs only (no provider, local state) and returns `terraform output -json`. */
async function applyOutputs(outputs: Record<string, { value: string }>): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "terraform-literal-"));
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ output: outputs }));
  for (const args of [
    ["init", "-input=false", "-no-color"],
    ["apply", "-auto-approve", "-input=false", "-no-color"],
  ]) {
    const result = await runTerraform(args, { cwd: dir });
    if (result.exitCode !== 0) throw new Error(`terraform ${args[0]} failed: ${result.stderr}`);
  }
  const shown = await runTerraform(["output", "-json"], { cwd: dir });
  const parsed = JSON.parse(shown.stdout) as Record<string, { value: string }>;
  return Object.fromEntries(Object.entries(parsed).map(([name, output]) => [name, output.value]));
}
