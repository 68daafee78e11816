import { describe, expect, it } from 'vitest';
import { DeploymentClock, FakeClock } from '../../../src/platform/clock.js';
import { JOURNAL_BODY_LIMIT, Journal, journalBytes, type JournalRecord } from '../../../src/pipeline/journal.js';
import { openSqliteStore } from '../../../src/store/sqlite.js';
import type { Store } from '../../../src/store/store.js';

const record = (rid: string, request: Buffer | string, response: Buffer): JournalRecord => ({
  rid,
  appid: 'wx1',
  cgi_path: '/customservice/kfaccount/add',
  invoke_time: Date.UTC(2026, 0, 1),
  cost_ms: 1,
  request_url: 'access_token=abcdefgh…',
  request,
  response,
  client_ip: '127.0.0.1',
  errcode: 0,
  reason: null,
  fault_id: null,
});

function journal() {
  const store = openSqliteStore(':memory:');
  const clock = new DeploymentClock(new FakeClock(Date.UTC(2026, 0, 1)));
  return {
    store,
    journal: new Journal(
      store,
      clock,
      (err) => {
        throw err;
      },
      60_000,
    ),
  };
}

describe('the request journal', () => {
  it('keeps the bodies as sent and writes them as text with tokens and secrets cut to 8 characters, before and after a flush', async () => {
    const { store, journal: j } = journal();
    const request = Buffer.from('{"appid":"wx1","secret":"0123456789abcdef0123456789abcdef"}');
    const response = Buffer.from('{"access_token":"ACCESSTOKEN0123456789","expires_in":7200}');
    j.record(record('r1', request, response));
    const before = await j.entry('r1');
    expect(before?.request_body).toBe('{"appid":"wx1","secret":"01234567…"}');
    expect(before?.response_body).toBe('{"access_token":"ACCESSTO…","expires_in":7200}');
    await j.flush();
    expect(await store.getJournal('r1')).toMatchObject({
      request_body: '{"appid":"wx1","secret":"01234567…"}',
      response_body: '{"access_token":"ACCESSTO…","expires_in":7200}',
    });
  });

  it('an answer sent to many calls (one Buffer) is stored for each of them', async () => {
    const { store, journal: j } = journal();
    const shared = Buffer.from('{"kf_list":[{"kf_account":"a@b","kf_nick":"客服"}]}');
    for (const rid of ['r1', 'r2', 'r3']) j.record(record(rid, '', shared));
    await j.flush();
    for (const rid of ['r1', 'r2', 'r3']) expect((await store.getJournal(rid))?.response_body).toBe(shared.toString('utf8'));
  });

  it('a large request body is held as a copy of the part kept, and stored cut at 64 KiB characters', async () => {
    const big = Buffer.from(`{"nickname":"${'客'.repeat(300_000)}"}`);
    const held = journalBytes(big);
    expect(held.length).toBe(4 * JOURNAL_BODY_LIMIT);
    expect(held.buffer).not.toBe(big.buffer);
    const pooled = Buffer.from('{"errcode":0,"errmsg":"ok"}'); // a view into Node's shared 8 KB slab
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
    const own = journalBytes(pooled);
    expect(own.equals(pooled) && own.buffer.byteLength === own.length).toBe(true);
    const answer = Buffer.from(`{"kf_list":"${'x'.repeat(9000)}"}`); // owns its memory: held as it is
    expect(journalBytes(answer)).toBe(answer);
    const { store, journal: j } = journal();
    j.record(record('r1', held, Buffer.from('{}')));
    j.record(record('r2', '[multipart body]', Buffer.from('{}')));
    await j.flush();
    const stored = (await store.getJournal('r1'))?.request_body ?? '';
    expect(stored.length).toBe(JOURNAL_BODY_LIMIT);
    expect(stored.startsWith('{"nickname":"客客')).toBe(true);
    expect((await store.getJournal('r2'))?.request_body).toBe('[multipart body]');
  });
});

describe('a request is findable from the moment it is answered', () => {
  it('a batch whose insert has not committed yet is still found by rid, and then in the store', async () => {
    const store = openSqliteStore(':memory:');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow: Store = {
      ...store,
      appendJournal: async (entries) => {
        await held;
        await store.appendJournal(entries);
      },
    };
    const clock = new DeploymentClock(new FakeClock(Date.UTC(2026, 0, 1)));
    const j = new Journal(
      slow,
      clock,
      (err) => {
        throw err;
      },
      60_000,
    );
    j.record({ ...record('r1', '', Buffer.from('{}')), reason: 'nickname has 17 characters, at most 16' });
    const flushing = j.flush();
    expect(await store.getJournal('r1')).toBeUndefined();
    expect((await j.entry('r1'))?.reason).toBe('nickname has 17 characters, at most 16');
    release();
    await flushing;
    expect((await j.entry('r1'))?.reason).toBe('nickname has 17 characters, at most 16');
    expect((await store.getJournal('r1'))?.reason).toBe('nickname has 17 characters, at most 16');
  });
});

describe('the admin list reads the store once every earlier batch is in it', () => {
  it('a list during a flush that is still writing waits for it, and finds the entry', async () => {
    const store = openSqliteStore(':memory:');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow: Store = {
      ...store,
      appendJournal: async (entries) => {
        await held;
        await store.appendJournal(entries);
      },
    };
    const clock = new DeploymentClock(new FakeClock(Date.UTC(2026, 0, 1)));
    const j = new Journal(
      slow,
      clock,
      (err) => {
        throw err;
      },
      60_000,
    );
    j.record(record('r1', '', Buffer.from('{}')));
    const flushing = j.flush();
    const listing = j.list({ limit: 10 });
    setTimeout(release, 50);
    expect((await listing).map((e) => e.rid)).toEqual(['r1']);
    await flushing;
  });
});
