import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { JournalEntry, Store } from '../../src/store/store.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/pg.js';
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A long answer sent to many calls is kept once per app (journal_bodies); each entry still reads
// back whole. Runs on both backends (the `postgres` project runs it again).
let store: Store;
let db: TestDatabase | undefined;
let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxkf-bodies-'));
  db = BACKEND === 'postgres' ? await createTestDatabase() : undefined;
  store = db ? await openPostgresStore(db.url) : openSqliteStore(join(dir, 'j.db'));
});
afterEach(async () => {
  await store.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** How many bodies the store keeps apart from their entries (read beside the store). */
async function sharedBodies(): Promise<number> {
  const sql = 'SELECT COUNT(*) AS n FROM journal_bodies';
  if (!db) {
    const raw = new Database(join(dir, 'j.db'), { readonly: true });
    const n = (raw.prepare(sql).get() as { n: number }).n;
    raw.close();
    return n;
  }
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const n = Number((await c.query(sql)).rows[0].n);
  await c.end();
  return n;
}

const long = (tag: string) => JSON.stringify({ kf_list: Array.from({ length: 60 }, (_, i) => ({ kf_account: `${tag}${i}@a` })) });
const entry = (rid: string, appid: string | null, at: number, response_body: string): JournalEntry => ({
  rid,
  appid,
  cgi_path: '/cgi-bin/customservice/getkflist',
  invoke_time: at,
  cost_ms: 1,
  request_url: 'access_token=abc…',
  request_body: '',
  response_body,
  client_ip: '127.0.0.1',
  errcode: 0,
  reason: null,
  fault_id: null,
});

describe('journal bodies', () => {
  it('entries that share a long answer each read it back whole, by rid and in lists, whatever app or batch', async () => {
    const a = long('a');
    const b = long('b');
    expect(a.length).toBeGreaterThan(1024);
    await store.appendJournal([entry('r1', 'wx1', 1000, a), entry('r2', 'wx1', 1001, a), entry('r3', 'wx2', 1002, a)]);
    await store.appendJournal([entry('r4', 'wx1', 1003, a), entry('r5', null, 1004, b), entry('r6', 'wx1', 1005, 'short')]);
    for (const [rid, body] of [
      ['r1', a],
      ['r2', a],
      ['r3', a],
      ['r4', a],
      ['r5', b],
      ['r6', 'short'],
    ] as const) {
      expect((await store.getJournal(rid))?.response_body).toBe(body);
    }
    // One copy of `a` for wx1 (three entries over two batches), one for wx2, one for no app.
    expect(await sharedBodies()).toBe(3);
    const listed = await store.listJournal({ appid: 'wx1', limit: 10 });
    expect(listed.map((e) => [e.rid, e.response_body])).toEqual([
      ['r6', 'short'],
      ['r4', a],
      ['r2', a],
      ['r1', a],
    ]);
  });

  it('a shared body is pruned with the last entry that names it, not before', async () => {
    const a = long('a');
    await store.appendJournal([entry('old', 'wx1', 1000, a)]);
    await store.appendJournal([entry('new', 'wx1', 5000, a)]);
    await store.pruneJournal(2000);
    expect(await store.getJournal('old')).toBeUndefined();
    expect((await store.getJournal('new'))?.response_body).toBe(a);
    // Written out of order (an earlier batch last): the body keeps the latest use.
    await store.appendJournal([entry('older', 'wx1', 1500, a)]);
    await store.pruneJournal(4000);
    expect((await store.getJournal('new'))?.response_body).toBe(a);
    await store.pruneJournal(6000);
    expect(await store.getJournal('new')).toBeUndefined();
    // A body written again after its prune is stored again.
    await store.appendJournal([entry('again', 'wx1', 7000, a)]);
    expect((await store.getJournal('again'))?.response_body).toBe(a);
  });
});
