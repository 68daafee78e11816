import pg from 'pg';
import { afterEach, describe, it } from 'vitest';
import { loadMigrations } from '../../src/store/migrations.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { APP_ROW, stillWorks } from '../helpers/upgrade.js';

describe('PostgreSQL schemas made by 0.1.0 upgrade in place', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  for (const applied of [1, 3, 5]) {
    it(`from schema version ${applied}`, async () => {
      db = await createTestDatabase();
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      // 0.1.0's bookkeeping: a table of version numbers only.
      await c.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)');
      for (const m of loadMigrations('postgres').slice(0, applied)) {
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      }
      await c.query(APP_ROW);
      await c.end();
      const store = await openPostgresStore(db.url);
      await stillWorks(store);
      await store.close();
    });
  }
});
