import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The baselines: a bare fastify route answering addkfaccount's success body, and the same route
// doing one plain better-sqlite3 insert (WAL, as wxkf's store) before it answers.
const db = new Database(join(mkdtempSync(join(tmpdir(), 'wxkf-bare-')), 'bare.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO t (body) VALUES (?)');

const app = Fastify({ logger: false });
app.post('/customservice/kfaccount/add', async () => ({ errcode: 0, errmsg: 'ok' }));
app.post('/insert', async (req) => {
  insert.run(JSON.stringify(req.body));
  return { errcode: 0, errmsg: 'ok' };
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`wxkf listening on ${address}\n`);
