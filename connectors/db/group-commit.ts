// Group commit: concurrent callers of one statement share it. At most `maxInFlight`
// statements run at once per instance; calls arriving meanwhile wait and go together in the
// next one (a lone call goes at once). Each statement is its own implicit transaction, so a
// call's rows are committed when its promise resolves; a failed batch is retried one item at
// a time, so one bad item never fails the others.
//
// `run` gets a batch and returns one result per item, in order. `keys` names what must not
// appear twice in one batch (e.g. a dedupe key: each must map to one row); such an item waits
// for the next batch.

export interface GroupCommitOptions<I, R> {
  run(batch: I[]): Promise<R[]>;
  keys?(item: I): string[];
  maxInFlight?: number;
  maxBatch?: number;
}

interface Pending<I, R> {
  item: I;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export class GroupCommit<I, R> {
  private queue: Pending<I, R>[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;

  constructor(private readonly options: GroupCommitOptions<I, R>) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxBatch = options.maxBatch ?? 64;
  }

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The next batch: up to maxBatch items, no key twice. */
  private take(): Pending<I, R>[] {
    const batch: Pending<I, R>[] = [];
    const rest: Pending<I, R>[] = [];
    const seen = new Set<string>();
    for (const p of this.queue) {
      const keys = this.options.keys?.(p.item) ?? [];
      if (batch.length >= this.maxBatch || keys.some((k) => seen.has(k))) rest.push(p);
      else {
        for (const k of keys) seen.add(k);
        batch.push(p);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async runOne(items: I[]): Promise<R[]> {
    const results = await this.options.run(items);
    if (results.length !== items.length) throw new Error(`group commit: ${results.length} results for ${items.length} items`);
    return results;
  }

  private async runBatch(batch: Pending<I, R>[]): Promise<void> {
    try {
      const results = await this.runOne(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (e) {
      if (batch.length === 1) return batch[0]!.reject(e);
      // the statement rolled back as a whole: each item on its own
      await Promise.all(
        batch.map(async (p) => {
          try {
            p.resolve((await this.runOne([p.item]))[0]!);
          } catch (err) {
            p.reject(err);
          }
        }),
      );
    }
  }
}
