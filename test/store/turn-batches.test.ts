import { afterEach, beforeEach, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { CallCount, type Store } from '../../src/store/store.js';
import { appRecord } from '../helpers/records.js';
import { addRule } from '../../src/domains/kf/rules.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/pg.js';

// Adds and daily counts asked for in one event-loop turn are one statement on PostgreSQL
// (kf-add-pg.ts, admit-pg.ts): each still gets its own answer and its own count, and a failing
// add answers for nobody else. The same cases hold on SQLite (one group commit).
let store: Store;
let db: TestDatabase | undefined;
beforeEach(async () => {
  db = BACKEND === 'postgres' ? await createTestDatabase() : undefined;
  store = db ? await openPostgresStore(db.url) : openSqliteStore(':memory:');
});
afterEach(async () => {
  await store.close();
  await db?.drop();
});

const app = (appid: string) => appRecord({ appid });
const add = (appid: string, prefix: string, nickname = 'n', limit = 3) => {
  const count = new CallCount(appid, { counter: '/customservice/kfaccount/add', period: 1, limit: 4 });
  const a = { kf_account: `${prefix}@alias_1`, prefix, nickname, now: 2000 };
  return { count, done: store.addKfAccount(appid, a, addRule(limit), count) };
};

it('a turn of adds over several apps: each its own answer, in the order asked per app, counted once each', async () => {
  for (const id of ['wx3', 'wx1', 'wx2']) await store.createApp(app(id), 0);
  // Interleaved apps (the batch sorts them by app), a duplicate, the account limit (3) and the quota (4).
  const calls = [
    add('wx3', 'a'),
    add('wx1', 'a'),
    add('wx3', 'a'),
    add('wx2', 'a'),
    add('wx1', 'b'),
    add('wx1', 'c'),
    add('wx1', 'd'),
    add('wx1', 'e'),
  ];
  const results = (await Promise.all(calls.map((c) => c.done))).map((r) => r.result);
  expect(results).toEqual(['added', 'added', 'exists', 'added', 'added', 'added', 'limit', 'quota']);
  expect(calls.map((c) => c.count.admitted)).toEqual([true, true, true, true, true, true, true, false]);
  expect((await store.listKfAccounts('wx1')).map((k) => [k.kf_account, k.kf_id])).toEqual([
    ['a@alias_1', 1001],
    ['b@alias_1', 1002],
    ['c@alias_1', 1003],
  ]);
});

it('an add the database refuses fails alone: the others of its turn are added', async () => {
  for (const id of ['wx1', 'wx2']) await store.createApp(app(id), 0);
  // PostgreSQL keeps no NUL in text: that add is refused by the server (SQLite stores it).
  const calls = [add('wx1', 'a'), add('wx2', 'a', 'bad\u0000nick'), add('wx2', 'b')];
  const settled = await Promise.allSettled(calls.map((c) => c.done));
  expect(settled[0]).toMatchObject({ status: 'fulfilled', value: { result: 'added' } });
  expect(settled[2]).toMatchObject({ status: 'fulfilled', value: { result: 'added' } });
  const wx2 = (await store.listKfAccounts('wx2')).map((k) => k.kf_account);
  if (BACKEND === 'postgres') {
    expect(settled[1]?.status).toBe('rejected');
    expect(wx2).toEqual(['b@alias_1']);
  } else expect(wx2).toEqual(['a@alias_1', 'b@alias_1']);
});

it('a turn of daily counts over several apps and counters: exact at each limit, each call its own answer', async () => {
  for (const id of ['wx2', 'wx1']) await store.createApp(app(id), 0);
  const count = (appid: string, counter: string, limit: number) =>
    store.countCall(new CallCount(appid, { counter, period: 7, limit }));
  const calls = [
    ...Array.from({ length: 5 }, () => count('wx2', '/cgi-bin/customservice/getkflist', 3)),
    ...Array.from({ length: 4 }, () => count('wx1', '/cgi-bin/customservice/getkflist', 2)),
    count('wx1', '/customservice/kfaccount/del', 0),
    count('wx1', '/customservice/kfaccount/update', 5),
  ];
  expect(await Promise.all(calls)).toEqual([true, true, true, false, false, true, true, false, false, false, true]);
  expect(await store.quotaUsed('wx2', '/cgi-bin/customservice/getkflist', 7)).toBe(3);
  expect(await store.quotaUsed('wx1', '/cgi-bin/customservice/getkflist', 7)).toBe(2);
  expect(await store.quotaUsed('wx1', '/customservice/kfaccount/update', 7)).toBe(1);
});
