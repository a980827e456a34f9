/**
 * What a provider, a resource and a data source declare. They see plain objects (attribute name to value)
 * and a Diagnostics collector: never MessagePack, gRPC or terraform's consistency rules, which the
 * framework enforces for all of them.
 */
import type { ObjectValue, Value } from "../protocol/values";
import type { Diagnostics } from "./diagnostics";
import type { Schema } from "./schema";

/** A state, plan or configuration object. Values may be `unknown` in configurations and plans only. */
export type State = ObjectValue;

interface Context<P> {
  /** What the provider's `configure` returned; undefined before ConfigureProvider (validation). */
  readonly providerData: P;
  readonly diagnostics: Diagnostics;
  /** Aborted when terraform asks the provider to stop (StopProvider, after Ctrl-C). */
  readonly signal: AbortSignal;
}

export interface ValidateContext<P> extends Omit<Context<P>, "providerData"> {
  /** May hold unknown values (references to objects not created yet). */
  readonly config: State;
}

export interface CreateContext<P> extends Context<P> {
  readonly config: State;
  /** The plan: configured values, defaults, and `unknown` for computed values the create must supply. */
  readonly planned: State;
}

export interface UpdateContext<P> extends CreateContext<P> {
  readonly prior: State;
}

export interface ReadContext<P> extends Context<P> {
  readonly state: State;
}

export interface DeleteContext<P> extends Context<P> {
  /** The object to delete; also called for a tainted object (a create that failed after creating something). */
  readonly state: State;
}

export interface ImportContext<P> extends Context<P> {
  /** The id from `terraform import` or an `import` block. */
  readonly id: string;
}

export interface UpgradeContext {
  /** The schema version the stored state was written with. */
  readonly version: number;
  /** The stored state, parsed from JSON: an older schema's attributes, as terraform stored them. */
  readonly rawState: { readonly [attribute: string]: unknown };
  readonly diagnostics: Diagnostics;
}

export interface DataSourceReadContext<P> extends Context<P> {
  readonly config: State;
}

export interface PlanContext<P> extends Context<P> {
  /** null when the object is to be created. */
  readonly prior: State | null;
  readonly config: State;
  /** The plan so far, after the schema's rules (configured values, defaults, unknown computed values). */
  readonly planned: State;
  /** Attributes whose change already forces replacement (nested ones dotted: `oidc_options.type`). */
  readonly requiresReplace: readonly string[];
  /** Sets a planned value; `unknown` means "known after apply". */
  setPlanned(attribute: string, value: Value): void;
  /** Forces replacement because of `attribute`, e.g. when the API cannot update it in place. */
  replace(attribute: string): void;
}

export interface Resource<P = unknown> {
  /** The full type name, `<provider>_<name>`. */
  readonly typeName: string;
  readonly schema: Schema;
  /**
   * Creates the object and returns its state (every computed value known). To report a failure after the
   * object came into being, add an error diagnostic and still return the state: terraform keeps the object
   * as tainted and deletes it later, instead of losing track of it.
   */
  create(context: CreateContext<P>): Promise<State>;
  /** The object as it is now, or null when it is gone (terraform then plans to create it again). */
  read(context: ReadContext<P>): Promise<State | null>;
  /** @default - every change of a configurable attribute forces replacement */
  update?(context: UpdateContext<P>): Promise<State>;
  /** Treat "already gone" as success. */
  delete(context: DeleteContext<P>): Promise<void>;
  /** @default - the state `{ id }`, which the read that terraform runs next completes; needs an `id` attribute */
  importState?(context: ImportContext<P>): Promise<State>;
  /** @default - the stored attributes that the current schema still has; missing ones become null */
  upgradeState?(context: UpgradeContext): State;
  /** Checks across attributes, after each attribute's own `validate`. @default - none */
  validate?(context: ValidateContext<P>): void;
  /** Adjusts the plan after the schema's rules. Not called for destroy plans. @default - none */
  modifyPlan?(context: PlanContext<P>): Promise<void> | void;
}

export interface DataSource<P = unknown> {
  readonly typeName: string;
  readonly schema: Schema;
  /** The data, computed attributes known. */
  read(context: DataSourceReadContext<P>): Promise<State>;
  validate?(context: ValidateContext<P>): void;
}

export interface ProviderDefinition<P = unknown> {
  /** The provider's type name, the prefix of every resource type (`p1as`). */
  readonly typeName: string;
  readonly schema: Schema;
  /**
   * Turns the provider configuration into what resources receive as `providerData` (an API client).
   * Environment variable fallbacks for unset attributes belong here.
   */
  configure(context: {
    readonly config: State;
    readonly diagnostics: Diagnostics;
    readonly terraformVersion: string;
  }): Promise<P>;
  readonly resources: readonly Resource<P>[];
  /** @default - none */
  readonly dataSources?: readonly DataSource<P>[];
  /** Checks of the provider configuration across attributes. @default - none */
  validate?(context: ValidateContext<P>): void;
}
