interface Waiter<V> {
  resolve: (value: V | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * Point lookups asked for in the same turn of the event loop are answered by one load of all
 * their keys (on PostgreSQL one round trip instead of one each). A lookup is loaded after it was
 * asked for, never before, so it sees everything committed before the caller asked: batching
 * never makes an answer older. A failed load fails every lookup in it.
 */
export class KeyBatcher<K, V> {
  private pending: Map<K, Waiter<V>[]> | undefined;

  constructor(private readonly load: (keys: K[]) => Promise<ReadonlyMap<K, V>>) {}

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending === undefined) {
        this.pending = new Map();
        setImmediate(() => void this.flush());
      }
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = undefined;
    if (batch === undefined) return;
    let found: ReadonlyMap<K, V>;
    try {
      found = await this.load([...batch.keys()]);
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
      return;
    }
    for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.get(key));
  }
}

/**
 * Calls made in the same turn of the event loop are run together by one `run` of all of them (on
 * PostgreSQL one round trip for many writes). Each call is run after it was made, never before,
 * and gets its own outcome: `run` answers one settled result per call, in the order given.
 */
export class TurnBatcher<T, V> {
  private pending: { item: T; resolve: (value: V) => void; reject: (err: unknown) => void }[] | undefined;

  constructor(private readonly runAll: (items: T[]) => Promise<PromiseSettledResult<V>[]>) {}

  run(item: T): Promise<V> {
    return new Promise((resolve, reject) => {
      if (this.pending === undefined) {
        this.pending = [];
        setImmediate(() => void this.flush());
      }
      this.pending.push({ item, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending ?? [];
    this.pending = undefined;
    let settled: PromiseSettledResult<V>[];
    try {
      settled = await this.runAll(batch.map((p) => p.item));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const s = settled[i];
      if (s?.status === 'fulfilled') p.resolve(s.value);
      else p.reject(s ? s.reason : new Error('no outcome for a batched call'));
    });
  }
}

/**
 * Plain code-unit order: what batches that lock rows sort their items by, so that any two of them
 * (on any node) take the rows they share in the same order and never wait on each other in a cycle.
 */
export function compareKeys(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
