/**
 * A toy provider built on the provider framework, for the protocol and end-to-end tests: `toy_thing`
 * objects live in a JSON file, so a test can see what the provider did (a write-only secret received, a
 * tainted object deleted) and change the world behind terraform's back (an object deleted out of band).
 */
import * as fs from "node:fs";
import { randomUUID } from "node:crypto";
import {
  DataSource,
  Diagnostics,
  ProviderDefinition,
  Resource,
  State,
  types,
  valuesEqual,
} from "../../provider/framework";

/** Where the store lives when the provider block does not say. */
export const TOY_STORE_ENV = "TOY_STORE_PATH";

export interface StoredThing {
  readonly name: string;
  readonly value: string | null;
  readonly labels: Record<string, string> | null;
  readonly color: string;
  readonly revision: number;
  /** The write-only secret as the provider last received it. */
  readonly secret: string | null;
}

export interface ToyStore {
  readonly things: Record<string, StoredThing>;
  /** Ids of every object deleted through the provider, in order. */
  readonly deleted: string[];
}

interface ToyData {
  readonly storePath: string;
}

export function readStore(storePath: string): ToyStore {
  return fs.existsSync(storePath) ? JSON.parse(fs.readFileSync(storePath, "utf8")) : { things: {}, deleted: [] };
}

export function writeStore(storePath: string, store: ToyStore): void {
  fs.writeFileSync(storePath, JSON.stringify(store, null, 2));
}

function update(storePath: string, change: (store: ToyStore) => ToyStore): void {
  writeStore(storePath, change(readStore(storePath)));
}

function toState(id: string, thing: StoredThing, failCreate: boolean | null): State {
  return {
    id,
    name: thing.name,
    value: thing.value,
    labels: thing.labels,
    color: thing.color,
    revision: thing.revision,
    fail_create: failCreate,
  };
}

const thing: Resource<ToyData> = {
  typeName: "toy_thing",
  schema: {
    description: "A thing in the toy store.",
    attributes: {
      id: { type: types.string, computed: true, useStateForUnknown: true },
      name: {
        type: types.string,
        required: true,
        requiresReplace: true,
        description: "Cannot change: a new name is a new thing.",
        validate: (value) => (/\s/.test(String(value)) ? [`must not contain spaces, got "${String(value)}"`] : []),
      },
      value: { type: types.string, optional: true },
      labels: { type: types.map(types.string), optional: true },
      color: { type: types.string, optional: true, computed: true, default: "blue" },
      secret_wo: { type: types.string, optional: true, writeOnly: true, sensitive: true },
      revision: { type: types.number, computed: true },
      fail_create: { type: types.bool, optional: true, description: "Create the thing, then report an error." },
    },
  },

  async create({ config, planned, providerData, diagnostics }) {
    const id = `thing-${randomUUID().slice(0, 8)}`;
    const stored = storedFrom(planned, config, 1);
    update(providerData.storePath, (store) => ({ ...store, things: { ...store.things, [id]: stored } }));
    if (planned.fail_create === true) {
      diagnostics.error(
        "Thing created but not usable",
        `The toy store created ${id} and then failed, as fail_create asked.`,
      );
    }
    return toState(id, stored, planned.fail_create as boolean | null);
  },

  async read({ state, providerData }) {
    const stored = readStore(providerData.storePath).things[String(state.id)];
    return stored ? toState(String(state.id), stored, state.fail_create as boolean | null) : null;
  },

  async update({ prior, planned, config, providerData }) {
    const id = String(prior.id);
    const stored = storedFrom(planned, config, Number(prior.revision) + 1);
    update(providerData.storePath, (store) => ({ ...store, things: { ...store.things, [id]: stored } }));
    return toState(id, stored, planned.fail_create as boolean | null);
  },

  async delete({ state, providerData }) {
    const id = String(state.id);
    update(providerData.storePath, (store) => {
      const { [id]: _gone, ...things } = store.things;
      return { things, deleted: [...store.deleted, id] };
    });
  },

  modifyPlan({ prior, planned, replace }) {
    // The toy store fixes labels at create, like an API with no update route for them: the provider decides
    // the replacement at plan time instead of failing at apply.
    if (prior && !valuesEqual(prior.labels, planned.labels)) replace("labels");
  },

  validate({ config, diagnostics }) {
    if (config.value === "forbidden") diagnostics.error("Forbidden value", 'value must not be "forbidden".', "value");
  },
};

function storedFrom(planned: State, config: State, revision: number): StoredThing {
  return {
    name: String(planned.name),
    value: planned.value as string | null,
    labels: planned.labels as Record<string, string> | null,
    color: String(planned.color),
    revision,
    secret: config.secret_wo as string | null,
  };
}

const things: DataSource<ToyData> = {
  typeName: "toy_things",
  schema: {
    attributes: {
      prefix: { type: types.string, optional: true },
      names: { type: types.list(types.string), computed: true },
    },
  },
  async read({ config, providerData }) {
    const prefix = (config.prefix as string | null) ?? "";
    const names = Object.values(readStore(providerData.storePath).things).map((t) => t.name);
    return { prefix: config.prefix, names: names.filter((name) => name.startsWith(prefix)).sort() };
  },
};

export const toyProvider: ProviderDefinition<ToyData> = {
  typeName: "toy",
  schema: {
    attributes: { store_path: { type: types.string, optional: true, description: `@default - env ${TOY_STORE_ENV}` } },
  },
  async configure({ config, diagnostics }: { config: State; diagnostics: Diagnostics }) {
    const storePath = (config.store_path as string | null) ?? process.env[TOY_STORE_ENV];
    if (!storePath) diagnostics.error("No store", `Set store_path or ${TOY_STORE_ENV}.`, "store_path");
    return { storePath: storePath ?? "" };
  },
  resources: [thing],
  dataSources: [things],
};
