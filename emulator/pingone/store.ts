/**
 * The emulated PingOne's data and rules, with no HTTP in them: per PingOne environment its custom
 * resources (with attributes and scopes), OIDC applications and their secrets, resource grants, and the
 * `User` schema with its attributes. Application secrets are emulator credentials: `snapshot()` (the
 * state file) keeps them, `publicSnapshot()` (GET /_emulator/state) never does.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { ACCESS_TOKEN_VALIDITY_SECONDS } from "../../p1as/facts";
import { invalidValue, notFound, notUnique } from "./errors";
import type {
  ApplicationInput,
  GrantInput,
  ResourceAttributeInput,
  ResourceInput,
  ResourceScopeInput,
  SchemaAttributeInput,
} from "./model";

export interface StoredResource {
  id: string;
  name: string;
  description?: string;
  type: "CUSTOM";
  audience: string;
  accessTokenValiditySeconds: number;
  createdAt: string;
  updatedAt: string;
}
export interface StoredAttribute {
  id: string;
  resourceId: string;
  name: string;
  value: string;
  type: "CUSTOM" | "CORE";
  idToken?: boolean;
  createdAt: string;
  updatedAt: string;
}
export interface StoredScope {
  id: string;
  resourceId: string;
  name: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
}
export type StoredApplication = Omit<ApplicationInput, "id" | "environment" | "createdAt" | "updatedAt" | "_links"> & {
  id: string;
  createdAt: string;
  updatedAt: string;
};
export interface StoredSecret {
  /** Emulator credential: never logged, never in publicSnapshot(). */
  secret: string;
  previous?: { secret: string; expiresAt: string; lastUsed?: string };
}
export interface StoredGrant {
  id: string;
  applicationId: string;
  resourceId: string;
  scopeIds: string[];
  createdAt: string;
  updatedAt: string;
}
export type StoredSchemaAttribute = Omit<
  SchemaAttributeInput,
  "id" | "environment" | "createdAt" | "updatedAt" | "_links" | "schema" | "schemaType"
> & {
  id: string;
  schemaId: string;
  schemaType: "CORE" | "STANDARD" | "CUSTOM";
  createdAt: string;
  updatedAt: string;
};

export interface PingOneEnvironmentData {
  resources: StoredResource[];
  attributes: StoredAttribute[];
  scopes: StoredScope[];
  applications: StoredApplication[];
  secrets: Record<string, StoredSecret>;
  grants: StoredGrant[];
  schemas: { id: string; name: string }[];
  schemaAttributes: StoredSchemaAttribute[];
}

/** What the state file keeps under `pingone`. */
export interface PingOnePersistedState {
  readonly version: 1;
  readonly environments: Record<string, PingOneEnvironmentData>;
}

/** [C] A custom resource gets a core `sub` attribute on creation. */
export const CORE_SUB_ATTRIBUTE = { name: "sub", value: "${user.id}" } as const;
/**
 * [I] Claim names a resource attribute may not take because the token already carries them. PingOne
 * publishes reserved names for attributes but the emulator's list is a guess covering the claims it sets.
 */
export const RESERVED_ATTRIBUTE_NAMES = [
  "aud",
  "iss",
  "exp",
  "iat",
  "nbf",
  "jti",
  "scope",
  "client_id",
  "env",
  "org",
  "acr",
  "amr",
  "auth_time",
  "sid",
  "nonce",
] as const;
/** [C] The previous secret may be kept from 1 minute to 30 days. */
export const PREVIOUS_SECRET_MIN_MS = 60_000;
export const PREVIOUS_SECRET_MAX_MS = 30 * 24 * 3600_000;

/** Standard `User` attributes seeded so the schema is not empty, as in a new environment. */
const SEEDED_USER_ATTRIBUTES: readonly { name: string; schemaType: "CORE" | "STANDARD"; displayName: string }[] = [
  { name: "username", schemaType: "CORE", displayName: "Username" },
  { name: "email", schemaType: "STANDARD", displayName: "Email Address" },
];

const now = () => new Date().toISOString();
const generateSecret = () => randomBytes(48).toString("base64url");

function emptyEnvironment(): PingOneEnvironmentData {
  const schemaId = randomUUID();
  const stamp = now();
  return {
    resources: [],
    attributes: [],
    scopes: [],
    applications: [],
    secrets: {},
    grants: [],
    schemas: [{ id: schemaId, name: "User" }],
    schemaAttributes: SEEDED_USER_ATTRIBUTES.map((attribute) => ({
      id: randomUUID(),
      schemaId,
      name: attribute.name,
      displayName: attribute.displayName,
      enabled: true,
      type: "STRING" as const,
      unique: attribute.name === "username",
      multiValued: false,
      required: attribute.name === "username",
      schemaType: attribute.schemaType,
      createdAt: stamp,
      updatedAt: stamp,
    })),
  };
}

/** Copies only the given keys that are set: a PUT keeps nothing the body omits. */
function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const result: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

const APPLICATION_FIELDS = [
  "name",
  "description",
  "enabled",
  "type",
  "protocol",
  "tokenEndpointAuthMethod",
  "grantTypes",
  "responseTypes",
  "redirectUris",
  "postLogoutRedirectUris",
  "pkceEnforcement",
  "accessControl",
  "homePageUrl",
  "loginPageUrl",
  "refreshTokenDuration",
  "refreshTokenRollingDuration",
] as const satisfies readonly (keyof ApplicationInput)[];
const SCHEMA_ATTRIBUTE_FIELDS = [
  "name",
  "displayName",
  "description",
  "enabled",
  "type",
  "unique",
  "multiValued",
  "required",
  "enumeratedValues",
  "regexValidation",
] as const;

export interface PingOneStoreOptions {
  /** Called after every change (the state file hook). @default - nothing */
  readonly onChange?: () => void;
  /** The clock, so tests can move past a previous secret's expiry. @default Date.now */
  readonly clock?: () => number;
}

export class PingOneStore {
  private environments = new Map<string, PingOneEnvironmentData>();
  private readonly onChange: () => void;
  readonly clock: () => number;

  constructor(options: PingOneStoreOptions = {}) {
    this.onChange = options.onChange ?? (() => undefined);
    this.clock = options.clock ?? Date.now;
  }

  /** Creates the environment (with its `User` schema) if it does not exist yet. */
  ensureEnvironment(environmentId: string): void {
    if (!this.environments.has(environmentId)) this.environments.set(environmentId, emptyEnvironment());
  }

  hasEnvironment(environmentId: string): boolean {
    return this.environments.has(environmentId);
  }

  environmentIds(): string[] {
    return [...this.environments.keys()];
  }

  data(environmentId: string): PingOneEnvironmentData {
    const data = this.environments.get(environmentId);
    if (!data) throw notFound("environment", environmentId);
    return data;
  }

  // ---- resources ----

  createResource(envId: string, input: ResourceInput): StoredResource {
    const data = this.data(envId);
    this.uniqueName(data.resources, input.name, "name", "the environment");
    const stamp = now();
    const resource: StoredResource = {
      id: randomUUID(),
      type: "CUSTOM",
      ...this.resourceFields(input),
      createdAt: stamp,
      updatedAt: stamp,
    };
    data.resources.push(resource);
    data.attributes.push({
      id: randomUUID(),
      resourceId: resource.id,
      ...CORE_SUB_ATTRIBUTE,
      type: "CORE",
      createdAt: stamp,
      updatedAt: stamp,
    });
    return this.changed(resource);
  }

  resource(envId: string, id: string): StoredResource {
    return this.find(this.data(envId).resources, id, "resource");
  }

  updateResource(envId: string, id: string, input: ResourceInput): StoredResource {
    const data = this.data(envId);
    const resource = this.resource(envId, id);
    this.uniqueName(data.resources, input.name, "name", "the environment", id);
    delete resource.description;
    Object.assign(resource, this.resourceFields(input), { updatedAt: now() });
    return this.changed(resource);
  }

  deleteResource(envId: string, id: string): void {
    const data = this.data(envId);
    this.resource(envId, id);
    data.resources = data.resources.filter((item) => item.id !== id);
    data.attributes = data.attributes.filter((item) => item.resourceId !== id);
    data.scopes = data.scopes.filter((item) => item.resourceId !== id);
    // [I] grants of a deleted resource go with it.
    data.grants = data.grants.filter((item) => item.resourceId !== id);
    this.changed(undefined);
  }

  // ---- resource attributes ----

  createAttribute(envId: string, resourceId: string, input: ResourceAttributeInput): StoredAttribute {
    const data = this.data(envId);
    this.resource(envId, resourceId);
    this.checkAttributeName(input.name);
    this.uniqueName(this.attributes(envId, resourceId), input.name, "name", "the resource");
    const stamp = now();
    const attribute: StoredAttribute = {
      id: randomUUID(),
      resourceId,
      name: input.name,
      value: input.value,
      type: "CUSTOM",
      ...pick(input, ["idToken"]),
      createdAt: stamp,
      updatedAt: stamp,
    };
    data.attributes.push(attribute);
    return this.changed(attribute);
  }

  attributes(envId: string, resourceId: string): StoredAttribute[] {
    this.resource(envId, resourceId);
    return this.data(envId).attributes.filter((item) => item.resourceId === resourceId);
  }

  attribute(envId: string, resourceId: string, id: string): StoredAttribute {
    return this.find(this.attributes(envId, resourceId), id, "resource attribute");
  }

  updateAttribute(envId: string, resourceId: string, id: string, input: ResourceAttributeInput): StoredAttribute {
    const attribute = this.attribute(envId, resourceId, id);
    if (attribute.type === "CORE" && input.name !== attribute.name)
      throw invalidValue("name", "name of a core attribute can't change.");
    if (attribute.type === "CUSTOM") this.checkAttributeName(input.name);
    this.uniqueName(this.attributes(envId, resourceId), input.name, "name", "the resource", id);
    delete attribute.idToken;
    Object.assign(attribute, { name: input.name, value: input.value, ...pick(input, ["idToken"]), updatedAt: now() });
    return this.changed(attribute);
  }

  deleteAttribute(envId: string, resourceId: string, id: string): void {
    const attribute = this.attribute(envId, resourceId, id);
    if (attribute.type === "CORE") throw invalidValue("id", "a core attribute can't be deleted.");
    const data = this.data(envId);
    data.attributes = data.attributes.filter((item) => item.id !== id);
    this.changed(undefined);
  }

  // ---- scopes ----

  createScope(envId: string, resourceId: string, input: ResourceScopeInput): StoredScope {
    const data = this.data(envId);
    this.uniqueName(this.scopes(envId, resourceId), input.name, "name", "the resource");
    const stamp = now();
    const scope: StoredScope = {
      id: randomUUID(),
      resourceId,
      name: input.name,
      ...pick(input, ["description"]),
      createdAt: stamp,
      updatedAt: stamp,
    };
    data.scopes.push(scope);
    return this.changed(scope);
  }

  scopes(envId: string, resourceId: string): StoredScope[] {
    this.resource(envId, resourceId);
    return this.data(envId).scopes.filter((item) => item.resourceId === resourceId);
  }

  scope(envId: string, resourceId: string, id: string): StoredScope {
    return this.find(this.scopes(envId, resourceId), id, "resource scope");
  }

  updateScope(envId: string, resourceId: string, id: string, input: ResourceScopeInput): StoredScope {
    const scope = this.scope(envId, resourceId, id);
    this.uniqueName(this.scopes(envId, resourceId), input.name, "name", "the resource", id);
    delete scope.description;
    Object.assign(scope, { name: input.name, ...pick(input, ["description"]), updatedAt: now() });
    return this.changed(scope);
  }

  deleteScope(envId: string, resourceId: string, id: string): void {
    this.scope(envId, resourceId, id);
    const data = this.data(envId);
    data.scopes = data.scopes.filter((item) => item.id !== id);
    // [I] a deleted scope leaves the grants that held it; a grant left empty goes.
    for (const grant of data.grants) grant.scopeIds = grant.scopeIds.filter((scopeId) => scopeId !== id);
    data.grants = data.grants.filter((grant) => grant.scopeIds.length > 0);
    this.changed(undefined);
  }

  // ---- applications and secrets ----

  createApplication(envId: string, input: ApplicationInput): StoredApplication {
    const data = this.data(envId);
    const stamp = now();
    const application = {
      ...pick(input, APPLICATION_FIELDS),
      id: randomUUID(),
      createdAt: stamp,
      updatedAt: stamp,
    } as StoredApplication;
    data.applications.push(application);
    // [S] PingOne generates an application's secret when it creates the application.
    data.secrets[application.id] = { secret: generateSecret() };
    return this.changed(application);
  }

  applications(envId: string): StoredApplication[] {
    return this.data(envId).applications;
  }

  application(envId: string, id: string): StoredApplication {
    return this.find(this.data(envId).applications, id, "application");
  }

  updateApplication(envId: string, id: string, input: ApplicationInput): StoredApplication {
    const data = this.data(envId);
    const current = this.application(envId, id);
    const replaced = {
      ...pick(input, APPLICATION_FIELDS),
      id,
      createdAt: current.createdAt,
      updatedAt: now(),
    } as StoredApplication;
    data.applications = data.applications.map((item) => (item.id === id ? replaced : item));
    return this.changed(replaced);
  }

  deleteApplication(envId: string, id: string): void {
    const data = this.data(envId);
    this.application(envId, id);
    data.applications = data.applications.filter((item) => item.id !== id);
    data.grants = data.grants.filter((item) => item.applicationId !== id);
    delete data.secrets[id];
    this.changed(undefined);
  }

  /** The current secret and, while it has not expired, the previous one. */
  secret(envId: string, applicationId: string): StoredSecret {
    this.application(envId, applicationId);
    const stored = this.data(envId).secrets[applicationId];
    if (stored.previous && Date.parse(stored.previous.expiresAt) <= this.clock()) delete stored.previous;
    return stored;
  }

  /** [C] Regenerates; with `previousExpiresAt` the old secret stays valid until then, otherwise it stops at once. */
  regenerateSecret(envId: string, applicationId: string, previousExpiresAt?: string): StoredSecret {
    const stored = this.secret(envId, applicationId);
    if (previousExpiresAt !== undefined) {
      const ahead = Date.parse(previousExpiresAt) - this.clock();
      if (!(ahead >= PREVIOUS_SECRET_MIN_MS && ahead <= PREVIOUS_SECRET_MAX_MS)) {
        throw invalidValue("previous.expiresAt", "previous.expiresAt must be between 1 minute and 30 days from now.");
      }
    }
    const next: StoredSecret = { secret: generateSecret() };
    if (previousExpiresAt !== undefined)
      next.previous = { secret: stored.secret, expiresAt: new Date(Date.parse(previousExpiresAt)).toISOString() };
    this.data(envId).secrets[applicationId] = next;
    return this.changed(next);
  }

  deletePreviousSecret(envId: string, applicationId: string): void {
    const stored = this.secret(envId, applicationId);
    delete stored.previous;
    this.changed(undefined);
  }

  /** Whether `candidate` is the application's secret or its unexpired previous one (which is then marked used). */
  secretMatches(
    envId: string,
    applicationId: string,
    candidate: string,
    equal: (a: string, b: string) => boolean,
  ): boolean {
    const stored = this.secret(envId, applicationId);
    if (equal(stored.secret, candidate)) return true;
    if (stored.previous && equal(stored.previous.secret, candidate)) {
      stored.previous.lastUsed = new Date(this.clock()).toISOString();
      return true;
    }
    return false;
  }

  // ---- grants ----

  createGrant(envId: string, applicationId: string, input: GrantInput): StoredGrant {
    const data = this.data(envId);
    this.application(envId, applicationId);
    const scopeIds = this.grantScopes(envId, input);
    // [I] one grant per application and resource.
    if (data.grants.some((grant) => grant.applicationId === applicationId && grant.resourceId === input.resource.id))
      throw notUnique("resource.id", "the application's grants");
    const stamp = now();
    const grant: StoredGrant = {
      id: randomUUID(),
      applicationId,
      resourceId: input.resource.id,
      scopeIds,
      createdAt: stamp,
      updatedAt: stamp,
    };
    data.grants.push(grant);
    return this.changed(grant);
  }

  grants(envId: string, applicationId: string): StoredGrant[] {
    this.application(envId, applicationId);
    return this.data(envId).grants.filter((grant) => grant.applicationId === applicationId);
  }

  grant(envId: string, applicationId: string, id: string): StoredGrant {
    return this.find(this.grants(envId, applicationId), id, "grant");
  }

  updateGrant(envId: string, applicationId: string, id: string, input: GrantInput): StoredGrant {
    const grant = this.grant(envId, applicationId, id);
    if (input.resource.id !== grant.resourceId)
      throw invalidValue("resource.id", "resource.id of a grant can't change.");
    Object.assign(grant, { scopeIds: this.grantScopes(envId, input), updatedAt: now() });
    return this.changed(grant);
  }

  deleteGrant(envId: string, applicationId: string, id: string): void {
    this.grant(envId, applicationId, id);
    const data = this.data(envId);
    data.grants = data.grants.filter((grant) => grant.id !== id);
    this.changed(undefined);
  }

  // ---- schemas ----

  schemas(envId: string): { id: string; name: string }[] {
    return this.data(envId).schemas;
  }

  schema(envId: string, id: string): { id: string; name: string } {
    return this.find(this.data(envId).schemas, id, "schema");
  }

  createSchemaAttribute(envId: string, schemaId: string, input: SchemaAttributeInput): StoredSchemaAttribute {
    const data = this.data(envId);
    this.uniqueName(this.schemaAttributes(envId, schemaId), input.name, "name", "the schema");
    this.checkEnumeratedValues(input);
    const stamp = now();
    const attribute = {
      ...pick(input, SCHEMA_ATTRIBUTE_FIELDS),
      id: randomUUID(),
      schemaId,
      schemaType: "CUSTOM",
      createdAt: stamp,
      updatedAt: stamp,
    } as StoredSchemaAttribute;
    data.schemaAttributes.push(attribute);
    return this.changed(attribute);
  }

  schemaAttributes(envId: string, schemaId: string): StoredSchemaAttribute[] {
    this.schema(envId, schemaId);
    return this.data(envId).schemaAttributes.filter((item) => item.schemaId === schemaId);
  }

  schemaAttribute(envId: string, schemaId: string, id: string): StoredSchemaAttribute {
    return this.find(this.schemaAttributes(envId, schemaId), id, "schema attribute");
  }

  updateSchemaAttribute(
    envId: string,
    schemaId: string,
    id: string,
    input: SchemaAttributeInput,
  ): StoredSchemaAttribute {
    const data = this.data(envId);
    const current = this.schemaAttribute(envId, schemaId, id);
    // [C] a custom attribute can't change its name or type.
    if (input.name !== current.name) throw invalidValue("name", "name of a schema attribute can't change.");
    if (input.type !== current.type) throw invalidValue("type", "type of a schema attribute can't change.");
    this.checkEnumeratedValues(input);
    const replaced = {
      ...pick(input, SCHEMA_ATTRIBUTE_FIELDS),
      id,
      schemaId,
      schemaType: current.schemaType,
      createdAt: current.createdAt,
      updatedAt: now(),
    } as StoredSchemaAttribute;
    data.schemaAttributes = data.schemaAttributes.map((item) => (item.id === id ? replaced : item));
    return this.changed(replaced);
  }

  deleteSchemaAttribute(envId: string, schemaId: string, id: string): void {
    const attribute = this.schemaAttribute(envId, schemaId, id);
    if (attribute.schemaType !== "CUSTOM")
      throw invalidValue("id", `a ${attribute.schemaType.toLowerCase()} attribute can't be deleted.`);
    const data = this.data(envId);
    data.schemaAttributes = data.schemaAttributes.filter((item) => item.id !== id);
    this.changed(undefined);
  }

  // ---- state ----

  /** Everything, secrets included: only for the state file. */
  snapshot(): PingOnePersistedState {
    return {
      version: 1,
      environments: Object.fromEntries([...this.environments].map(([id, data]) => [id, structuredClone(data)])),
    };
  }

  /** What GET /_emulator/state shows: everything but the secrets (which applications have a previous one, and until when). */
  publicSnapshot(): Record<string, object> {
    return Object.fromEntries(
      [...this.environments.keys()].map((envId) => {
        const { secrets: _secrets, ...rest } = structuredClone(this.data(envId));
        const secrets = Object.fromEntries(
          Object.keys(this.data(envId).secrets).map((appId) => [
            appId,
            { previousExpiresAt: this.secret(envId, appId).previous?.expiresAt ?? null },
          ]),
        );
        return [envId, { ...rest, secrets }];
      }),
    );
  }

  load(state: PingOnePersistedState): void {
    if (state?.version !== 1 || typeof state.environments !== "object")
      throw new Error("not a PingOne emulator state (version 1)");
    for (const [envId, data] of Object.entries(state.environments)) this.environments.set(envId, structuredClone(data));
  }

  /** Empties every environment (each keeps a fresh `User` schema). */
  reset(notify = true): void {
    for (const envId of this.environments.keys()) this.environments.set(envId, emptyEnvironment());
    if (notify) this.onChange();
  }

  // ---- internals ----

  private resourceFields(input: ResourceInput) {
    return {
      name: input.name,
      ...pick(input, ["description"]),
      audience: input.audience ?? input.name,
      accessTokenValiditySeconds: input.accessTokenValiditySeconds ?? ACCESS_TOKEN_VALIDITY_SECONDS.default,
    };
  }

  private checkAttributeName(name: string): void {
    if ((RESERVED_ATTRIBUTE_NAMES as readonly string[]).includes(name) || name === CORE_SUB_ATTRIBUTE.name)
      throw invalidValue("name", `name '${name}' is reserved.`);
  }

  private checkEnumeratedValues(input: SchemaAttributeInput): void {
    const values = (input.enumeratedValues ?? []).map((item) => item.value);
    const duplicate = values.find((value, index) => values.indexOf(value) !== index);
    if (duplicate !== undefined) throw notUnique("enumeratedValues.value", "the attribute's enumerated values");
    if (values.length > 0 && input.type !== "STRING")
      throw invalidValue("enumeratedValues", "enumeratedValues need type STRING.");
  }

  private grantScopes(envId: string, input: GrantInput): string[] {
    const resource = this.data(envId).resources.find((item) => item.id === input.resource.id);
    if (!resource) throw invalidValue("resource.id", "resource.id names no resource of the environment.");
    const known = new Set(this.scopes(envId, resource.id).map((scope) => scope.id));
    input.scopes.forEach((scope, index) => {
      if (!known.has(scope.id))
        throw invalidValue(`scopes[${index}].id`, `scopes[${index}].id names no scope of resource ${resource.id}.`);
    });
    return [...new Set(input.scopes.map((scope) => scope.id))];
  }

  private uniqueName(
    items: readonly { id: string; name: string }[],
    name: string,
    target: string,
    scope: string,
    exceptId?: string,
  ): void {
    if (items.some((item) => item.name === name && item.id !== exceptId)) throw notUnique(target, scope);
  }

  private find<T extends { id: string }>(items: readonly T[], id: string, what: string): T {
    const item = items.find((candidate) => candidate.id === id);
    if (!item) throw notFound(what, id);
    return item;
  }

  private changed<T>(value: T): T {
    this.onChange();
    return value;
  }
}
