/**
 * Offline check of synthesized Terraform JSON against a provider schema (`terraform providers schema
 * -json`). Terraform cannot validate these stacks here because the provider binary is missing; this
 * catches what it would: missing required attributes, unknown or read-only ones, wrong primitive
 * types, and nested attributes written as blocks (or blocks written as objects).
 */

/** A cty type as the schema JSON writes it: "string", ["list","string"], ["object",{...}], ... */
export type CtyType = string | [string, CtyType | Record<string, CtyType>];

export interface SchemaAttribute {
  readonly type?: CtyType;
  readonly nested_type?: { readonly attributes: Record<string, SchemaAttribute>; readonly nesting_mode: string };
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
}

export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<
    string,
    {
      readonly nesting_mode: string;
      readonly block: SchemaBlock;
      readonly min_items?: number;
      readonly max_items?: number;
    }
  >;
}

export interface ProviderSchemaDocument {
  readonly provider_schemas: Record<
    string,
    {
      readonly provider: { readonly block: SchemaBlock };
      readonly resource_schemas?: Record<string, { readonly block: SchemaBlock }>;
      readonly data_source_schemas?: Record<string, { readonly block: SchemaBlock }>;
    }
  >;
}

export interface SchemaProblem {
  readonly stack: string;
  /** `pingone_application.<name>`, `data.pingone_schema.<name>` or `provider.pingone[0]`. */
  readonly address: string;
  /** Dotted attribute path inside the object (`oidc_options.grant_types`), empty for the whole object. */
  readonly attribute: string;
  readonly message: string;
}

/** Terraform's own arguments, valid on every resource or data source whatever the provider says. */
const META_ARGUMENTS = new Set([
  "//",
  "count",
  "for_each",
  "depends_on",
  "provider",
  "lifecycle",
  "provisioner",
  "connection",
]);

const isExpression = (value: unknown) => typeof value === "string" && /(^|[^$])\$\{/.test(value);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const describe = (value: unknown) =>
  Array.isArray(value) ? "a list" : value === null ? "null" : isObject(value) ? "an object" : `a ${typeof value}`;

/** Problems of one value against a cty type; an expression is only known at plan time, so it passes. */
function typeProblems(value: unknown, type: CtyType, at: string): { attribute: string; message: string }[] {
  if (isExpression(value) || value === null) return [];
  const fail = (expected: string) => [
    { attribute: at, message: `must be ${expected}, got ${describe(value)} ${JSON.stringify(value)}` },
  ];
  if (typeof type === "string") {
    switch (type) {
      case "string":
        return typeof value === "string" ? [] : fail("a string");
      case "number":
        return typeof value === "number" ? [] : fail("a number");
      case "bool":
        return typeof value === "boolean" ? [] : fail("a bool");
      default:
        return []; // "dynamic" accepts anything
    }
  }
  const [kind, element] = type;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(value)) return fail(`a ${kind} (JSON array)`);
    return value.flatMap((item, index) => typeProblems(item, element as CtyType, `${at}[${index}]`));
  }
  if (kind === "map") {
    if (!isObject(value)) return fail("a map (JSON object)");
    return Object.entries(value).flatMap(([key, item]) => typeProblems(item, element as CtyType, `${at}.${key}`));
  }
  if (kind === "object") {
    if (!isObject(value)) return fail("an object");
    return Object.entries(element as Record<string, CtyType>).flatMap(([key, fieldType]) =>
      key in value ? typeProblems(value[key], fieldType, `${at}.${key}`) : [],
    );
  }
  return [];
}

/** Problems of one object (resource body, nested attribute object or block) against its schema. */
function objectProblems(
  body: Record<string, unknown>,
  block: SchemaBlock,
  prefix: string,
): { attribute: string; message: string }[] {
  const problems: { attribute: string; message: string }[] = [];
  const attributes = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  const at = (name: string) => (prefix ? `${prefix}.${name}` : name);

  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.required && (!(name in body) || body[name] === null))
      problems.push({ attribute: at(name), message: "required attribute is missing" });
  }
  for (const [name, value] of Object.entries(body)) {
    if (!prefix && META_ARGUMENTS.has(name)) continue;
    const attribute = attributes[name];
    const blockType = blockTypes[name];
    if (attribute) {
      if (attribute.computed && !attribute.optional && !attribute.required) {
        problems.push({ attribute: at(name), message: "is read-only (computed by the provider) and must not be set" });
      } else if (attribute.nested_type) {
        problems.push(...nestedProblems(value, attribute.nested_type, at(name)));
      } else if (attribute.type !== undefined) {
        problems.push(...typeProblems(value, attribute.type, at(name)));
      }
    } else if (blockType) {
      if (isExpression(value)) continue;
      if (blockType.nesting_mode === "single" || blockType.nesting_mode === "group") {
        if (!isObject(value))
          problems.push({
            attribute: at(name),
            message: `is a single block and must be an object, got ${describe(value)}`,
          });
        else problems.push(...objectProblems(value, blockType.block, at(name)));
      } else if (!Array.isArray(value)) {
        problems.push({
          attribute: at(name),
          message: `is a block (nesting ${blockType.nesting_mode}) and must be a list of objects, got ${describe(value)}`,
        });
      } else {
        if (blockType.max_items !== undefined && value.length > blockType.max_items) {
          problems.push({
            attribute: at(name),
            message: `allows at most ${blockType.max_items} block(s), got ${value.length}`,
          });
        }
        value.forEach((item, index) => {
          if (isObject(item)) problems.push(...objectProblems(item, blockType.block, `${at(name)}[${index}]`));
          else
            problems.push({ attribute: `${at(name)}[${index}]`, message: `must be an object, got ${describe(item)}` });
        });
      }
    } else {
      const known = [...Object.keys(attributes), ...Object.keys(blockTypes)].sort();
      problems.push({ attribute: at(name), message: `unknown attribute; known: ${known.join(", ")}` });
    }
  }
  return problems;
}

/** A nested attribute (plugin framework): `single` is one object, `list`/`set` an array of objects, `map` an object of objects. */
function nestedProblems(
  value: unknown,
  nested: NonNullable<SchemaAttribute["nested_type"]>,
  at: string,
): { attribute: string; message: string }[] {
  if (isExpression(value) || value === null) return [];
  const block: SchemaBlock = { attributes: nested.attributes };
  switch (nested.nesting_mode) {
    case "single":
      return isObject(value)
        ? objectProblems(value, block, at)
        : [
            {
              attribute: at,
              message: `is a nested attribute and must be written as an object (attribute = { ... }), not as a block or list; got ${describe(value)}`,
            },
          ];
    case "list":
    case "set":
      if (!Array.isArray(value))
        return [
          {
            attribute: at,
            message: `is a ${nested.nesting_mode} of nested objects and must be a JSON array, got ${describe(value)}`,
          },
        ];
      return value.flatMap((item, index) =>
        isObject(item)
          ? objectProblems(item, block, `${at}[${index}]`)
          : [{ attribute: `${at}[${index}]`, message: `must be an object, got ${describe(item)}` }],
      );
    case "map":
      if (!isObject(value))
        return [
          { attribute: at, message: `is a map of nested objects and must be a JSON object, got ${describe(value)}` },
        ];
      return Object.entries(value).flatMap(([key, item]) =>
        isObject(item)
          ? objectProblems(item, block, `${at}.${key}`)
          : [{ attribute: `${at}.${key}`, message: `must be an object, got ${describe(item)}` }],
      );
    default:
      return [];
  }
}

/** The provider's short name in Terraform JSON: `registry.terraform.io/pingidentity/pingone` -> `pingone`. */
const localName = (source: string) => source.split("/").pop() as string;

/**
 * Checks every resource, data source and provider block of the schema's providers in one stack's
 * `cdk.tf.json`. Types of other providers (terraform_data, ...) are not this check's business.
 */
export function checkStack(
  stack: string,
  tfJson: Record<string, unknown>,
  schema: ProviderSchemaDocument,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const add = (address: string) => (found: { attribute: string; message: string }[]) =>
    problems.push(...found.map((problem) => ({ stack, address, ...problem })));

  for (const [source, provider] of Object.entries(schema.provider_schemas)) {
    const name = localName(source);
    const prefix = `${name}_`;
    const providerBlocks = isObject(tfJson.provider) ? tfJson.provider[name] : undefined;
    if (providerBlocks !== undefined) {
      const blocks = Array.isArray(providerBlocks) ? providerBlocks : [providerBlocks];
      blocks.forEach((block, index) => {
        const address = `provider.${name}[${index}]`;
        if (isObject(block)) add(address)(objectProblems(withoutAlias(block), provider.provider.block, ""));
        else add(address)([{ attribute: "", message: `must be an object, got ${describe(block)}` }]);
      });
    }
    for (const [section, schemas, addressPrefix] of [
      ["resource", provider.resource_schemas ?? {}, ""],
      ["data", provider.data_source_schemas ?? {}, "data."],
    ] as const) {
      const byType = isObject(tfJson[section]) ? (tfJson[section] as Record<string, unknown>) : {};
      for (const [type, instances] of Object.entries(byType)) {
        if (!type.startsWith(prefix) || !isObject(instances)) continue;
        for (const [instance, body] of Object.entries(instances)) {
          const address = `${addressPrefix}${type}.${instance}`;
          const typeSchema = schemas[type];
          if (!typeSchema)
            add(address)([
              {
                attribute: "",
                message: `unknown ${section === "data" ? "data source" : "resource"} type ${type} for provider ${source}`,
              },
            ]);
          else if (!isObject(body))
            add(address)([{ attribute: "", message: `must be an object, got ${describe(body)}` }]);
          else add(address)(objectProblems(body, typeSchema.block, ""));
        }
      }
    }
  }
  return problems;
}

/** `alias` is a meta-argument of provider blocks. */
function withoutAlias(block: Record<string, unknown>): Record<string, unknown> {
  const { alias: _alias, ...rest } = block;
  return rest;
}

export function formatProblem(problem: SchemaProblem): string {
  return `${problem.stack}: ${problem.address}${problem.attribute ? `: ${problem.attribute}` : ""}: ${problem.message}`;
}
