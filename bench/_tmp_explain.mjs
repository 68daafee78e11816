import pg from '/work/main/node_modules/pg/lib/index.js';
import { start, ADMIN, pgDatabase } from '/work/main/dist/bench/lib.js';
import { addLoad } from '/work/main/dist/bench/workloads.js';
import { CREDENTIAL_SELECT } from '/work/main/dist/src/store/rows.js';
import { toPostgres } from '/work/main/dist/src/store/postgres.js';
const database = await pgDatabase();
const s = await start(
  '/work/main/dist/src/cli.js',
  ['serve', '--port', '0', '--database-url', database.url, '--admin-token', ADMIN],
  [],
);
await addLoad(s.url, 1000);
const c = new pg.Client({ connectionString: database.url });
await c.connect();
const hashes = (await c.query('SELECT token_hash FROM access_tokens LIMIT 5')).rows.map((r) => r.token_hash);
const sql = toPostgres(`${CREDENTIAL_SELECT} WHERE t.token_hash IN (SELECT value FROM json_each(?))`);
await c.query('ANALYZE');
await c.query(`PREPARE q(text) AS ${sql}`);
await c.query(`SET plan_cache_mode = force_generic_plan`);
console.log(
  (await c.query(`EXPLAIN ANALYZE EXECUTE q('${JSON.stringify(hashes)}')`)).rows.map((r) => r['QUERY PLAN']).join('\n'),
);
await c.end();
s.proc.kill();
await new Promise((r) => setTimeout(r, 300));
await database.drop();
