/**
 * The provider's schema as `terraform providers schema -json` prints it, built from the declarations alone
 * (no terraform run): cdktf generates bindings from this document, and docs can be generated from it.
 */
import type { ProviderDefinition } from "./provider-interfaces";
import { toJsonSchema } from "./schema";

/**
 * @param source the provider's source address as configurations name it, `<host>/<namespace>/<type>`
 *   (terraform prints `registry.terraform.io/<namespace>/<type>` for registry providers)
 */
export function providerSchemaDocument(
  definition: ProviderDefinition<never> | ProviderDefinition<unknown>,
  source: string,
): object {
  const schemas = (items: readonly { typeName: string; schema: Parameters<typeof toJsonSchema>[0] }[]) =>
    Object.fromEntries(
      [...items]
        .sort((a, b) => a.typeName.localeCompare(b.typeName))
        .map((item) => [item.typeName, toJsonSchema(item.schema)]),
    );
  return {
    format_version: "1.0",
    provider_schemas: {
      [source]: {
        provider: toJsonSchema(definition.schema),
        resource_schemas: schemas(definition.resources),
        data_source_schemas: schemas(definition.dataSources ?? []),
      },
    },
  };
}
