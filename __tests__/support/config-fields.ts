/**
 * Every string field of the config, found by walking the zod schema itself, so a field added later is
 * found too: the literal-rule suites test each one, and fail when a field has no sample to test with.
 */
import { z } from "zod";

/** One step of a field's path: an object key, "any element of an array", or one option of a union. */
export type Step =
  { readonly key: string } | { readonly element: true } | { readonly option: string; readonly discriminator: string };

export interface StringField {
  readonly steps: readonly Step[];
  /** `environments[].backend<pg>.connStr`. */
  readonly name: string;
  /** An enum takes only its listed words; a plain string is free text until its own rules judge it. */
  readonly kind: "string" | "enum";
}

const nameOf = (steps: readonly Step[]) =>
  steps
    .map((step) => ("key" in step ? `.${step.key}` : "element" in step ? "[]" : `<${step.option}>`))
    .join("")
    .slice(1);

/** Walks `schema` down to every string and enum leaf, through objects, arrays and each option of a union. */
export function stringFields(schema: z.ZodTypeAny, steps: Step[] = []): StringField[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return stringFields(schema.unwrap(), steps);
  if (schema instanceof z.ZodDefault) return stringFields(schema._def.innerType, steps);
  if (schema instanceof z.ZodEffects) return stringFields(schema.innerType(), steps);
  if (schema instanceof z.ZodString) return [{ steps, name: nameOf(steps), kind: "string" }];
  if (schema instanceof z.ZodEnum) return [{ steps, name: nameOf(steps), kind: "enum" }];
  if (schema instanceof z.ZodArray) return stringFields(schema.element, [...steps, { element: true }]);
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodTypeAny>).flatMap(([key, value]) =>
      stringFields(value, [...steps, { key }]),
    );
  }
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const discriminator = schema.discriminator as string;
    return (schema.options as z.ZodObject<z.ZodRawShape>[]).flatMap((option) => {
      const tag = option.shape[discriminator];
      const values: string[] =
        tag instanceof z.ZodLiteral ? [String(tag.value)] : (tag as z.ZodEnum<[string, ...string[]]>).options;
      const rest = Object.entries(option.shape as Record<string, z.ZodTypeAny>).filter(
        ([key]) => key !== discriminator,
      );
      return values.flatMap((value) =>
        rest.flatMap(([key, field]) => stringFields(field, [...steps, { option: value, discriminator }, { key }])),
      );
    });
  }
  return [];
}

/** The concrete path of `field` in `config` (first array element that has it), or undefined when the sample lacks it. */
export function locate(config: unknown, steps: readonly Step[]): (string | number)[] | undefined {
  if (steps.length === 0) return typeof config === "string" ? [] : undefined;
  const [step, ...rest] = steps;
  if ("key" in step) {
    if (config === null || typeof config !== "object" || !(step.key in config)) return undefined;
    const found = locate((config as Record<string, unknown>)[step.key], rest);
    return found && [step.key, ...found];
  }
  if ("element" in step) {
    if (!Array.isArray(config)) return undefined;
    for (let index = 0; index < config.length; index++) {
      const found = locate(config[index], rest);
      if (found) return [index, ...found];
    }
    return undefined;
  }
  const tagged = config as Record<string, unknown> | null;
  return tagged?.[step.discriminator] === step.option ? locate(config, rest) : undefined;
}

/** Sets the string at `at` (a path from `locate`) in a JSON-like value, in place. */
export function setAt(config: unknown, at: readonly (string | number)[], value: string): void {
  const parent = at
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], config);
  (parent as Record<string | number, unknown>)[at[at.length - 1]] = value;
}
