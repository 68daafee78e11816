/**
 * npm run bench:scale: does a full store slow the hot path? One server, measured twice with the
 * same loads (adds to 2000 new apps with room, getkflist of a new app with 100 accounts): on an
 * empty store, then after the store is filled beside it with 10 000 apps × 90 accounts, a token
 * each and 1 000 000 journal entries over the last 4 days. `-- --pg` on PostgreSQL (which then
 * runs ANALYZE, as its autovacuum would soon after such a load). Prints the ratio of each load's
 * throughput full/empty (goal ≥ 0.9) and how long the fill took. Figures, never assertions.
 * BENCH_SCALE_APPS scales the fill (default 10 000 apps; the journal is 100 entries per app).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, CONNECTIONS, DURATION_S, admin, load, pgDatabase, serveWxkf, type Result } from './lib.js';
import { addLoad, benchAppid, kflistLoad, tokensFor } from './workloads.js';
import { fill, type Filler } from './scale-fill.js';

const APPS = Number(process.env.BENCH_SCALE_APPS ?? 10_000);
const PG = process.argv.includes('--pg');

const dir = mkdtempSync(join(tmpdir(), 'wxkf-bench-scale-'));
const file = join(dir, 'scale.db');
const database = PG ? await pgDatabase() : undefined;
const storeArgs = database ? ['--database-url', database.url] : ['--db', file];
const wxkf = await serveWxkf(storeArgs);
const pid = wxkf.proc.pid as number;

async function measure(phase: string, firstApp: number, listApp: number): Promise<Result[]> {
  const adds = await addLoad(wxkf.url, 2000, firstApp);
  const list = await kflistLoad(wxkf.url, 100, listApp);
  return [await load(`add, ${phase}`, wxkf.url, pid, adds.fresh), await load(`getkflist, ${phase}`, wxkf.url, pid, list)];
}

/** The app the fill copies: 90 accounts, a token, and journal entries of adds. */
async function template(): Promise<Filler> {
  const appid = benchAppid(0xa0000);
  const kf_accounts = Array.from({ length: 90 }, (_, i) => ({ kf_account: `t${i}@bench_alias`, nickname: `客服${i}` }));
  await admin(wxkf.url, '/seed', { apps: [{ appid, alias: 'bench_alias', kf_accounts }] });
  const [token] = await tokensFor(wxkf.url, [appid]);
  const body = JSON.stringify({ kf_account: 't0@bench_alias', nickname: '客服' });
  await fetch(`${wxkf.url}/customservice/kfaccount/add?access_token=${token}`, { method: 'POST', body });
  // The admin journal list writes this node's buffer out first.
  const listed = await fetch(`${wxkf.url}/admin/api/journal?appid=${appid}&limit=1`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const [entry] = ((await listed.json()) as { entries: { rid: string }[] }).entries;
  if (!entry) throw new Error('the template call is not in the journal');
  return { appid, rid: entry.rid, apps: APPS, journalPerApp: 100 };
}

try {
  const empty = await measure('empty store', 0, 0xf0000);
  const started = Date.now();
  const counts = await fill(database ? { pg: database.url } : { sqlite: file }, await template());
  const fillSeconds = (Date.now() - started) / 1000;
  const full = await measure('full store', 4000, 0xf0001);

  console.log(
    `\n${PG ? 'PostgreSQL' : 'SQLite'}, ${CONNECTIONS} connections, ${DURATION_S} s each, node ${process.version}; ` +
      `filled in ${fillSeconds.toFixed(0)} s with ${JSON.stringify(counts)}\n`,
  );
  console.log('| run | req/s | full/empty | server CPU µs/req | p99 ms | peak RSS MB | errcodes |');
  console.log('|---|---|---|---|---|---|---|');
  [...empty, ...full].forEach((r, i) => {
    const ratio = i < 2 ? '' : (r.reqs / (empty[i - 2] as Result).reqs).toFixed(2);
    console.log(
      `| ${r.name} | ${r.reqs.toFixed(0)} | ${ratio} | ${r.cpuPerReq.toFixed(0)} | ${r.p99} | ${r.rssPeak.toFixed(0)} | ${JSON.stringify(r.errcodes)} |`,
    );
  });
  console.log('\ngoal: each load keeps >= 0.9 of its empty-store throughput');
} finally {
  wxkf.proc.kill();
  await new Promise((r) => setTimeout(r, 500));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}
