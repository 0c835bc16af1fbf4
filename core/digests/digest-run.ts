// One composition run (a scheduler minute, the bench, the CLI): a memo of workspace-level
// aggregates, so every head of a workspace shares one set of team queries, and a batcher
// that folds the per-user queries of digests composed concurrently into one query per
// section (WHERE user = ANY(...)), so 10,000 digests cost hundreds of queries, not 40,000.

interface PendingBatch {
  requests: Map<number, unknown>;
  waiters: Map<number, Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }>>;
  load: (requests: unknown[]) => Promise<Map<number, unknown>>;
}

/** Most ids one batched query takes; larger batches are split. */
const MAX_BATCH = 1000;

export class DigestRun {
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly pending = new Map<string, PendingBatch>();
  /** how many batched queries ran, and how many requests they answered (bench figures) */
  readonly stats = { batches: 0, requests: 0 };

  constructor(readonly now: Date) {}

  /** Runs fn once per key in this run; concurrent callers share the same promise. */
  once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const found = this.memo.get(key);
    if (found) return found as Promise<T>;
    const started = fn();
    this.memo.set(key, started);
    // a failure is not cached: the next caller retries
    started.catch(() => this.memo.delete(key));
    return started;
  }

  get size(): number {
    return this.memo.size;
  }

  /**
   * Asks for one id's result of a batched query. Requests made in the same turn of the
   * event loop under the same name are loaded together by one call of `load`, which
   * returns results by id (a missing id resolves to undefined).
   */
  batch<R, V>(name: string, id: number, request: R, load: (requests: R[]) => Promise<Map<number, V>>): Promise<V | undefined> {
    let b = this.pending.get(name);
    if (!b) {
      b = { requests: new Map(), waiters: new Map(), load: load as PendingBatch['load'] };
      this.pending.set(name, b);
      setImmediate(() => void this.flush(name));
    }
    b.requests.set(id, request);
    return new Promise<V | undefined>((resolve, reject) => {
      const list = b.waiters.get(id) ?? [];
      list.push({ resolve: resolve as (v: unknown) => void, reject });
      b.waiters.set(id, list);
    });
  }

  private async flush(name: string) {
    const b = this.pending.get(name);
    if (!b) return;
    this.pending.delete(name);
    const ids = [...b.requests.keys()];
    for (let i = 0; i < ids.length; i += MAX_BATCH) {
      const chunk = ids.slice(i, i + MAX_BATCH);
      this.stats.batches++;
      this.stats.requests += chunk.length;
      try {
        const results = await b.load(chunk.map((id) => b.requests.get(id)));
        for (const id of chunk) for (const w of b.waiters.get(id) ?? []) w.resolve(results.get(id));
      } catch (e) {
        for (const id of chunk) for (const w of b.waiters.get(id) ?? []) w.reject(e);
      }
    }
  }
}
