/**
 * Request bodies of the emulated PingOne management API, as zod schemas. Only the objects and fields our
 * stacks declare are modelled ([C] the pingone-go-sdk-v2 OpenAPI document); a field outside them is an
 * error naming it, so a test double that sends something PingOne would read differently fails loudly.
 * Server-set fields (`id`, `environment`, `createdAt`, `updatedAt`, `_links`) are accepted and ignored,
 * since clients often PUT back what they read.
 */
import * as z from "zod/v4";
import { ACCESS_TOKEN_VALIDITY_SECONDS } from "../../p1as/facts";

const SERVER_SET = {
  id: z.unknown().optional(),
  environment: z.unknown().optional(),
  createdAt: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  _links: z.unknown().optional(),
};
const ref = z.object({ id: z.string().min(1) }).passthrough();
const name = z.string().trim().min(1, "must not be empty").max(256);

export const ResourceBody = z
  .object({
    ...SERVER_SET,
    type: z.literal("CUSTOM").optional(),
    name,
    description: z.string().max(1024).optional(),
    // [S] a URL without fragment that must not name pingone/pingidentity; defaults to the name.
    audience: z
      .string()
      .min(1)
      .refine((value) => !/pingone|pingidentity/i.test(value), "must not contain 'pingone' or 'pingidentity'")
      .refine((value) => !value.includes("#"), "must not contain a fragment")
      .optional(),
    accessTokenValiditySeconds: z
      .number()
      .int()
      .min(ACCESS_TOKEN_VALIDITY_SECONDS.min)
      .max(ACCESS_TOKEN_VALIDITY_SECONDS.max)
      .optional(),
  })
  .strict();

export const ResourceAttributeBody = z
  .object({
    ...SERVER_SET,
    resource: z.unknown().optional(),
    type: z.enum(["CUSTOM", "CORE"]).optional(),
    name: z
      .string()
      .min(1)
      .max(256)
      .regex(
        /^[A-Za-z_][A-Za-z0-9_.-]*$/,
        "must start with a letter or '_' and hold only letters, digits, '_', '.', '-'",
      ),
    value: z
      .string()
      .min(1)
      .max(16 * 1024),
    idToken: z.boolean().optional(),
  })
  .strict();

export const ResourceScopeBody = z
  .object({
    ...SERVER_SET,
    resource: z.unknown().optional(),
    name: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[^\s]+$/, "must not contain whitespace"),
    description: z.string().max(1024).optional(),
  })
  .strict();

export const GRANT_TYPES = [
  "AUTHORIZATION_CODE",
  "IMPLICIT",
  "REFRESH_TOKEN",
  "CLIENT_CREDENTIALS",
  "DEVICE_CODE",
] as const;
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  "NONE",
  "CLIENT_SECRET_BASIC",
  "CLIENT_SECRET_POST",
  "CLIENT_SECRET_JWT",
  "PRIVATE_KEY_JWT",
] as const;

export const ApplicationBody = z
  .object({
    ...SERVER_SET,
    name,
    description: z.string().max(1024).optional(),
    enabled: z.boolean(),
    type: z.enum(["WEB_APP", "NATIVE_APP", "SINGLE_PAGE_APP", "WORKER", "SERVICE"]),
    protocol: z.literal("OPENID_CONNECT"),
    tokenEndpointAuthMethod: z.enum(TOKEN_ENDPOINT_AUTH_METHODS),
    grantTypes: z.array(z.enum(GRANT_TYPES)).min(1),
    responseTypes: z.array(z.enum(["TOKEN", "ID_TOKEN", "CODE"])).optional(),
    redirectUris: z.array(z.string().min(1)).optional(),
    postLogoutRedirectUris: z.array(z.string().min(1)).optional(),
    pkceEnforcement: z.enum(["OPTIONAL", "REQUIRED", "S256_REQUIRED"]).optional(),
    accessControl: z
      .object({
        role: z
          .object({ type: z.literal("ADMIN_USERS_ONLY") })
          .strict()
          .optional(),
        group: z
          .object({ type: z.enum(["ANY_GROUP", "ALL_GROUPS"]), groups: z.array(ref).min(1) })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    homePageUrl: z.string().optional(),
    loginPageUrl: z.string().optional(),
    refreshTokenDuration: z.number().int().optional(),
    refreshTokenRollingDuration: z.number().int().optional(),
  })
  .strict();

export const SecretRegenerateBody = z
  .object({
    // [C] 1 minute to 30 days ahead (checked against the clock in the store).
    previous: z
      .object({ expiresAt: z.iso.datetime({ offset: true }) })
      .strict()
      .optional(),
  })
  .strict();

export const GrantBody = z
  .object({
    ...SERVER_SET,
    application: z.unknown().optional(),
    resource: ref,
    scopes: z.array(ref).min(1),
  })
  .strict();

export const ATTRIBUTE_TYPES = ["STRING", "JSON", "BOOLEAN", "COMPLEX"] as const;

export const SchemaAttributeBody = z
  .object({
    ...SERVER_SET,
    schema: z.unknown().optional(),
    schemaType: z.unknown().optional(),
    name: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, "must start with a letter and hold only letters, digits and '_'"),
    displayName: z.string().max(256).optional(),
    description: z.string().max(1024).optional(),
    enabled: z.boolean(),
    type: z.enum(ATTRIBUTE_TYPES),
    unique: z.boolean().optional(),
    multiValued: z.boolean().optional(),
    required: z.boolean().optional(),
    enumeratedValues: z
      .array(
        z
          .object({ value: z.string().min(1), description: z.string().optional(), archived: z.boolean().optional() })
          .strict(),
      )
      .optional(),
    regexValidation: z
      .object({ pattern: z.string().min(1), requirements: z.string().optional() })
      .passthrough()
      .optional(),
  })
  .strict();

export type ResourceInput = z.output<typeof ResourceBody>;
export type ResourceAttributeInput = z.output<typeof ResourceAttributeBody>;
export type ResourceScopeInput = z.output<typeof ResourceScopeBody>;
export type ApplicationInput = z.output<typeof ApplicationBody>;
export type GrantInput = z.output<typeof GrantBody>;
export type SchemaAttributeInput = z.output<typeof SchemaAttributeBody>;
