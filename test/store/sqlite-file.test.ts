import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';

// What only the SQLite file has: several processes (here threads, each its own connection) opening
// one file, new or not. The multi-node tests in nodes.test.ts do the same with `wxkf serve` processes.
const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');
const BUILT_STORE = fileURLToPath(new URL('../../dist/src/store/sqlite.js', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxkf-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs CommonJS `source` in a worker thread with `better-sqlite3` and `data` at hand; resolves its first message. */
function inWorker(source: string, data: Record<string, unknown>): { worker: Worker; first: Promise<unknown> } {
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.betterSqlite3);
    ${source}`,
    { eval: true, workerData: { betterSqlite3: BETTER_SQLITE3, ...data } },
  );
  const first = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, first };
}

const journalMode = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('journal_mode', { simple: true });
  } finally {
    db.close();
  }
};

describe('the SQLite file', () => {
  it('opens a new file while another connection holds its write lock (the WAL switch meets it and waits)', async () => {
    const file = join(dir, 'held.db');
    // A new file is in rollback-journal mode; the holder takes the write lock for 300 ms. Switching
    // to WAL reads the header, then upgrades: SQLite answers that upgrade SQLITE_BUSY at once.
    const holder = inWorker(
      `
      const db = new Database(workerData.file);
      db.exec('CREATE TABLE held (x)');
      db.exec('BEGIN IMMEDIATE');
      db.exec('INSERT INTO held VALUES (1)');
      parentPort.postMessage('holding');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 300);`,
      { file },
    );
    expect(await holder.first).toBe('holding');
    try {
      const store = openSqliteStore(file);
      await store.setMeta('opened', 'yes');
      expect(await store.getMeta('opened')).toBe('yes');
      await store.close();
    } finally {
      await holder.worker.terminate();
    }
    expect(journalMode(file)).toBe('wal');
  });

  // A smoke check of whole first opens (WAL switch, migrations, a write) racing through the built
  // store; the window of the BUSY above is too narrow for a race to hit it reliably, the test above does.
  it('twelve stores opening one new file at the same moment all open it and can write', async () => {
    if (!existsSync(BUILT_STORE)) throw new Error(`${BUILT_STORE} is missing: run npm run build (npm test does)`);
    for (let round = 0; round < 2; round++) {
      const file = join(dir, `race${round}.db`);
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const racers = Array.from({ length: 12 }, (_, i) =>
        inWorker(
          `
          import(workerData.store).then(async ({ openSqliteStore }) => {
            Atomics.wait(new Int32Array(workerData.gate), 0, 0);
            try {
              const store = openSqliteStore(workerData.file);
              await store.setMeta('racer' + workerData.i, 'in');
              await store.close();
              parentPort.postMessage('ok');
            } catch (e) { parentPort.postMessage(String(e.code) + ' ' + e.message); }
          });`,
          { file, gate: gate.buffer, store: pathToFileURL(BUILT_STORE).href, i },
        ),
      );
      // Let every thread load the module and wait at the gate, then open them all at once.
      await new Promise((r) => setTimeout(r, 300));
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      const answers = await Promise.all(racers.map((r) => r.first));
      await Promise.all(racers.map((r) => r.worker.terminate()));
      expect(answers.filter((a) => a !== 'ok')).toEqual([]);
      expect(journalMode(file)).toBe('wal');
      const store = openSqliteStore(file);
      for (let i = 0; i < 12; i++) expect(await store.getMeta(`racer${i}`)).toBe('in');
      await store.close();
    }
  });
});
