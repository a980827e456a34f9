/**
 * One list per collection, shared by every read that may use a recent answer (a plan's refresh of N objects makes
 * one list, not N). A write to a collection drops its list; a list that was under way when a write began is handed
 * to the callers that asked for it (they asked before the write) but not kept for later ones. A failed list is not
 * kept either, so the next read asks again.
 */
export class SharedLists<K extends string> {
  private readonly lists = new Map<K, SharedList>();
  private readonly generations = new Map<K, number>();

  /** The shared list of `kind`, fetched with `fetch` when there is none. */
  get<V>(kind: K, fetch: () => Promise<readonly V[]>): Promise<readonly V[]> {
    return this.entry(kind, fetch).items as Promise<readonly V[]>;
  }

  /**
   * The first item of the shared list of `kind` whose `keyOf` is `key`. The list is indexed once: a refresh of
   * N objects looks each up in constant time, where a search of the list per read made the refresh cost N².
   */
  async find<V>(
    kind: K,
    key: string,
    keyOf: (item: V) => string,
    fetch: () => Promise<readonly V[]>,
  ): Promise<V | undefined> {
    const entry = this.entry(kind, fetch);
    entry.index ??= entry.items.then((items) => {
      const index = new Map<string, unknown>();
      for (const item of items as readonly V[]) if (!index.has(keyOf(item))) index.set(keyOf(item), item);
      return index;
    });
    return (await entry.index).get(key) as V | undefined;
  }

  private entry(kind: K, fetch: () => Promise<readonly unknown[]>): SharedList {
    const generation = this.generations.get(kind) ?? 0;
    const kept = this.lists.get(kind);
    if (kept && kept.generation === generation) return kept;
    const entry: SharedList = { generation, items: fetch() };
    this.lists.set(kind, entry);
    entry.items.catch(() => {
      if (this.lists.get(kind) === entry) this.lists.delete(kind);
    });
    return entry;
  }

  /** Forgets the list of `kind`: called when a write to it begins and when it ends. */
  invalidate(kind: K): void {
    this.generations.set(kind, (this.generations.get(kind) ?? 0) + 1);
    this.lists.delete(kind);
  }

  /** Runs a write to `kind` with its list forgotten before and after. */
  async writing<T>(kind: K, write: () => Promise<T>): Promise<T> {
    this.invalidate(kind);
    try {
      return await write();
    } finally {
      this.invalidate(kind);
    }
  }
}

interface SharedList {
  readonly generation: number;
  readonly items: Promise<readonly unknown[]>;
  /** Items by key, built by the first `find`. */
  index?: Promise<ReadonlyMap<string, unknown>>;
}
