// connectors/db/group-commit.ts: concurrent calls share batches; a failed batch is retried
// item by item, so one bad item fails alone.
import { describe, it, expect } from 'vitest';
import { GroupCommit } from '../../../../connectors/db/group-commit.js';

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('group commit', () => {
  it('runs at most maxInFlight batches; calls arriving meanwhile go together, in order, never a key twice', async () => {
    const batches: string[][] = [];
    const first = gate();
    const gc = new GroupCommit<string, string>({
      run: async (items) => {
        batches.push(items);
        if (batches.length === 1) await first.opened;
        return items.map((i) => i.toUpperCase());
      },
      keys: (i) => [i.slice(0, 1)],
      maxInFlight: 1,
    });
    const results = [gc.submit('a1'), gc.submit('b1'), gc.submit('c1'), gc.submit('b2'), gc.submit('d1')];
    first.open();
    expect(await Promise.all(results)).toEqual(['A1', 'B1', 'C1', 'B2', 'D1']);
    // a1 alone (nothing waiting yet), then everything waiting except the second b
    expect(batches).toEqual([['a1'], ['b1', 'c1', 'd1'], ['b2']]);
  });

  it('a failed batch is retried one item at a time: the bad item fails alone', async () => {
    const block = gate();
    let calls = 0;
    const gc = new GroupCommit<number, number>({
      run: async (items) => {
        calls++;
        if (calls === 1) await block.opened;
        if (items.includes(13)) throw new Error('refused 13');
        return items.map((i) => i * 2);
      },
      maxInFlight: 1,
      maxBatch: 10,
    });
    const lone = gc.submit(1);
    const rest = [2, 13, 4].map((n) => gc.submit(n));
    block.open();
    expect(await lone).toBe(2);
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([4, 'refused 13', 8]);
  });

  it('says so when a batch returns the wrong number of results', async () => {
    const gc = new GroupCommit<number, number>({ run: async () => [] });
    await expect(gc.submit(1)).rejects.toThrow(/0 results for 1 items/);
  });
});
