/**
 * One list per collection, shared by every read that may use a recent answer (a plan's refresh of N objects makes
 * one list, not N). A write to a collection drops its list; a list that was under way when a write began is handed
 * to the callers that asked for it (they asked before the write) but not kept for later ones. A failed list is not
 * kept either, so the next read asks again.
 */
export class SharedLists<K extends string> {
  private readonly lists = new Map<K, { readonly generation: number; readonly items: Promise<readonly unknown[]> }>();
  private readonly generations = new Map<K, number>();

  /** The shared list of `kind`, fetched with `fetch` when there is none. */
  get<V>(kind: K, fetch: () => Promise<readonly V[]>): Promise<readonly V[]> {
    const generation = this.generations.get(kind) ?? 0;
    const kept = this.lists.get(kind);
    if (kept && kept.generation === generation) return kept.items as Promise<readonly V[]>;
    const items = fetch();
    this.lists.set(kind, { generation, items });
    items.catch(() => {
      if (this.lists.get(kind)?.items === items) this.lists.delete(kind);
    });
    return items;
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
