import { describe, expect, it } from 'vitest';
import { KeyBatcher } from '../../../src/store/batcher.js';

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
