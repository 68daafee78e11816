import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LEGACY_SQLITE_VERSIONS } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { SQLITE_MIGRATIONS } from '../fixtures/legacy-sqlite-migrations.js';
import { APP_ROW, stillWorks } from '../helpers/upgrade.js';

describe('SQLite files made by 0.1.0 upgrade in place', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  const columns = (file: string) => {
    const db = new Database(file, { readonly: true });
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    ).map((t) => t.name);
    const out = Object.fromEntries(
      tables.map((t) => [
        t,
        (db.pragma(`table_info(${t})`) as { name: string; type: string }[]).map((c) => `${c.name} ${c.type}`).sort(),
      ]),
    );
    db.close();
    return out;
  };

  for (const version of Object.keys(LEGACY_SQLITE_VERSIONS).map(Number)) {
    it(`from user_version ${version}`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'wxkf-legacy-'));
      const old = new Database(join(dir, 'old.db'));
      for (let v = 0; v < version; v++) old.exec(SQLITE_MIGRATIONS[v] as string);
      old.pragma(`user_version = ${version}`);
      old.exec(APP_ROW.replace(/true/g, '1').replace(/false/g, '0'));
      old.close();
      const store = openSqliteStore(join(dir, 'old.db'));
      await stillWorks(store);
      await store.close();
      const fresh = openSqliteStore(join(dir, 'new.db'));
      await fresh.close();
      expect(columns(join(dir, 'old.db'))).toEqual(columns(join(dir, 'new.db')));
    });
  }
});
