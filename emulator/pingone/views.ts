/**
 * Stored objects as the management API shows them ([C] field names of the pingone-go-sdk-v2 models):
 * references as `{id}` objects, the environment on every object, list envelopes with `_embedded`.
 */
import type {
  StoredApplication,
  StoredAttribute,
  StoredGrant,
  StoredResource,
  StoredSchemaAttribute,
  StoredScope,
  StoredSecret,
} from "./store";

const environment = (envId: string) => ({ environment: { id: envId } });

export const resourceView = (envId: string, resource: StoredResource) => ({ ...environment(envId), ...resource });

export const attributeView = (envId: string, { resourceId, ...attribute }: StoredAttribute) => ({
  ...environment(envId),
  resource: { id: resourceId },
  ...attribute,
});

export const scopeView = (envId: string, { resourceId, ...scope }: StoredScope) => ({
  ...environment(envId),
  resource: { id: resourceId },
  ...scope,
});

export const applicationView = (envId: string, application: StoredApplication) => ({
  ...environment(envId),
  ...application,
});

export const secretView = (secret: StoredSecret) => ({
  secret: secret.secret,
  ...(secret.previous
    ? {
        previous: {
          secret: secret.previous.secret,
          expiresAt: secret.previous.expiresAt,
          ...(secret.previous.lastUsed ? { lastUsed: secret.previous.lastUsed } : {}),
        },
      }
    : {}),
});

export const grantView = (envId: string, { applicationId, resourceId, scopeIds, ...grant }: StoredGrant) => ({
  ...environment(envId),
  application: { id: applicationId },
  resource: { id: resourceId },
  scopes: scopeIds.map((id) => ({ id })),
  ...grant,
});

export const schemaView = (envId: string, schema: { id: string; name: string }) => ({
  ...environment(envId),
  ...schema,
});

export const schemaAttributeView = (envId: string, { schemaId, ...attribute }: StoredSchemaAttribute) => ({
  ...environment(envId),
  schema: { id: schemaId },
  ...attribute,
});

/** [C] `{_links, _embedded: {<collection>: [...]}, count, size}`. */
export function listEnvelope(href: string, collection: string, items: readonly object[]) {
  return { _links: { self: { href } }, _embedded: { [collection]: items }, count: items.length, size: items.length };
}
