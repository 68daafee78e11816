import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

// The baselines: a bare fastify route answering addkfaccount's success body, and the same route
// doing one plain insert before it answers: into SQLite (WAL, as wxkf's store), or into
// PostgreSQL when BARE_PG_URL is set.
const app = Fastify({ logger: false });
app.post('/customservice/kfaccount/add', async () => ({ errcode: 0, errmsg: 'ok' }));
app.get('/cgi-bin/customservice/getkflist', async () => ({ errcode: 0, errmsg: 'ok' }));

const pgUrl = process.env.BARE_PG_URL;
if (pgUrl) {
  const pool = new pg.Pool({ connectionString: pgUrl, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS bare_insert (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)');
  app.post('/insert', async (req) => {
    await pool.query('INSERT INTO bare_insert (body) VALUES ($1)', [JSON.stringify(req.body)]);
    return { errcode: 0, errmsg: 'ok' };
  });
} else {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'wxkf-bare-')), 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  app.post('/insert', async (req) => {
    insert.run(JSON.stringify(req.body));
    return { errcode: 0, errmsg: 'ok' };
  });
}
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`wxkf listening on ${address}\n`);
