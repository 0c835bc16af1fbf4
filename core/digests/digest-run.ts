// One composition run (a scheduler tick, the bench, the CLI): a fixed "now" and a memo of
// workspace-level aggregates, so 500 heads of one workspace share one set of team queries.

export class DigestRun {
  private readonly memo = new Map<string, Promise<unknown>>();

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
}
