import { describe, expect, it } from 'vitest';
import { KeyBatcher, TurnBatcher } from '../../../src/store/batcher.js';

const turn = () => new Promise((r) => setImmediate(r));

describe('KeyBatcher', () => {
  it('answers the lookups of one turn with one load of their distinct keys', async () => {
    const loads: string[][] = [];
    const table = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    const batcher = new KeyBatcher<string, number>(async (keys) => {
      loads.push(keys);
      return new Map(keys.filter((k) => table.has(k)).map((k) => [k, table.get(k) as number]));
    });
    const answers = await Promise.all(['a', 'b', 'a', 'missing'].map((k) => batcher.get(k)));
    expect(answers).toEqual([1, 2, 1, undefined]);
    expect(loads).toEqual([['a', 'b', 'missing']]);
  });

  it('loads again for lookups of a later turn', async () => {
    let loads = 0;
    const batcher = new KeyBatcher<string, number>(async (keys) => {
      loads++;
      return new Map(keys.map((k) => [k, loads]));
    });
    expect(await batcher.get('a')).toBe(1);
    expect(await batcher.get('a')).toBe(2);
  });

  it('never answers older than the moment of asking: what is written after get() and before the load is seen', async () => {
    const table = new Map([['token', 'live']]);
    const batcher = new KeyBatcher<string, string>(async (keys) => new Map(keys.map((k) => [k, table.get(k) as string])));
    const pending = batcher.get('token');
    table.set('token', 'revoked');
    expect(await pending).toBe('revoked');
  });

  it('a failed load fails every lookup in it, and the next turn loads afresh', async () => {
    let fail = true;
    const batcher = new KeyBatcher<string, string>(async (keys) => {
      if (fail) throw new Error('store down');
      return new Map(keys.map((k) => [k, 'ok']));
    });
    const failed = await Promise.allSettled([batcher.get('a'), batcher.get('b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await turn();
    expect(await batcher.get('a')).toBe('ok');
  });
});

describe('TurnBatcher', () => {
  it('runs the calls of one turn together, in the order made, each with its own outcome', async () => {
    const runs: number[][] = [];
    const batcher = new TurnBatcher<number, number>(async (items) => {
      runs.push(items);
      return items.map((n) =>
        n < 0 ? { status: 'rejected' as const, reason: new Error(`bad ${n}`) } : { status: 'fulfilled' as const, value: n * 10 },
      );
    });
    const settled = await Promise.allSettled([3, -1, 2].map((n) => batcher.run(n)));
    expect(runs).toEqual([[3, -1, 2]]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([30, 'bad -1', 20]);
    // A later turn is a run of its own.
    expect(await batcher.run(5)).toBe(50);
    expect(runs).toEqual([[3, -1, 2], [5]]);
  });

  it('runs a call after it was made, never before: what changed in between is seen', async () => {
    const state = { value: 'old' };
    const batcher = new TurnBatcher<string, string>(async (items) =>
      items.map(() => ({ status: 'fulfilled', value: state.value })),
    );
    const pending = batcher.run('x');
    state.value = 'new';
    expect(await pending).toBe('new');
  });

  it('a run that fails fails every call in it, and the next turn runs afresh; a missing outcome is an error', async () => {
    let fail = true;
    const batcher = new TurnBatcher<number, number>(async (items) => {
      if (fail) throw new Error('down');
      return items.slice(1).map((n) => ({ status: 'fulfilled', value: n }));
    });
    await expect(Promise.all([batcher.run(1), batcher.run(2)])).rejects.toThrow('down');
    fail = false;
    const settled = await Promise.allSettled([batcher.run(1), batcher.run(2)]);
    expect(settled[0]).toMatchObject({ status: 'fulfilled', value: 2 });
    expect(settled[1]).toMatchObject({ status: 'rejected' });
  });
});
