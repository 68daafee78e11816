/**
 * npm run bench:add: addkfaccount's success and duplicate paths against a bare fastify route, in
 * one run, 50 connections each. Prints req/s, p99 and RSS of each and the ratio to the bare route.
 * `npm run bench:add -- --pg`: the same on PostgreSQL, with one node and with two nodes behind
 * round-robin. Not a test: the machines are noisy, so the figures are reported, never asserted.
 */
import { ADMIN, CONNECTIONS, DURATION_S, admin, load, pgDatabase, start, type Result } from './lib.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APPS = Number(process.env.BENCH_APPS ?? 2000);
const PG = process.argv.includes('--pg');
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'wxkf-bench-'));
const database = PG ? await pgDatabase() : undefined;
const storeArgs = database ? ['--database-url', database.url] : ['--db', join(dir, 'bench.db')];
const bare = await start(here('./bare.js'), [], [], database ? { BARE_PG_URL: database.url } : {});
const serveArgs = [
  'serve',
  '--port',
  '0',
  ...storeArgs,
  '--admin-token',
  ADMIN,
  '--log-level',
  process.env.BENCH_LOG_LEVEL ?? 'info',
];
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const wxkf = await start(here('../src/cli.js'), serveArgs, nodeArgs);
const second = PG ? await start(here('../src/cli.js'), serveArgs, nodeArgs) : undefined;
try {
  const appids = Array.from({ length: APPS }, (_, i) => `wx${(0xbe000000 + i).toString(16).padStart(16, '0')}`);
  await admin(wxkf.url, '/seed', { apps: appids.map((appid) => ({ appid, alias: 'bench_alias', kf_enabled: true })) });
  const tokens: string[] = [];
  for (let i = 0; i < appids.length; i += 100) {
    const batch = appids.slice(i, i + 100).map((appid) => admin(wxkf.url, '/tokens', { appid }));
    for (const a of await Promise.all(batch)) tokens.push(a.access_token as string);
  }
  const addPath = (i: number) => `/customservice/kfaccount/add?access_token=${tokens[i % tokens.length]}`;
  const constBody = JSON.stringify({ kf_account: 'b0@bench_alias', nickname: 'bench' });
  // Each request a new account, spread over the apps: app i % APPS, PREFIX from the round number.
  let n = 0;
  const fresh = () => {
    const i = n++;
    return { path: addPath(i), body: JSON.stringify({ kf_account: `b${Math.floor(i / APPS)}@bench_alias`, nickname: '客服' }) };
  };
  const wxPid = wxkf.proc.pid as number;
  const barePid = bare.proc.pid as number;

  const results: Result[] = [];
  results.push(
    await load('bare fastify route', bare.url, barePid, () => ({ path: '/customservice/kfaccount/add', body: constBody })),
  );
  results.push(
    await load(`bare route + one ${PG ? 'pg' : 'sqlite'} insert`, bare.url, barePid, () => ({
      path: '/insert',
      body: constBody,
    })),
  );
  results.push(await load('add: success path', wxkf.url, wxPid, fresh));
  if (second) {
    const pids = [wxPid, second.proc.pid as number];
    results.push(await load('add: success path, 2 nodes round-robin', [wxkf.url, second.url], pids, fresh));
  }
  results.push(await load('add: duplicate (65406)', wxkf.url, wxPid, () => ({ path: addPath(0), body: constBody })));

  const base = results[0] as Result;
  console.log(
    `\n${PG ? 'PostgreSQL' : 'SQLite'}, ${CONNECTIONS} connections, ${DURATION_S} s each, ${APPS} apps, node ${process.version}\n`,
  );
  console.log('| run | req/s | ratio to bare | server CPU µs/req | p99 ms | peak RSS MB | errcodes |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const ratio = (r.reqs / base.reqs).toFixed(2);
    console.log(
      `| ${r.name} | ${r.reqs.toFixed(0)} | ${ratio} | ${r.cpuPerReq.toFixed(0)} | ${r.p99} | ${r.rssPeak.toFixed(0)} | ${JSON.stringify(r.errcodes)} |`,
    );
  }
  const success = results[2] as Result;
  const goal = PG ? 'success ratio >= 0.20, p99 <= 10 ms' : 'success ratio >= 0.45, p99 <= 5 ms, RSS <= 150 MB';
  console.log(
    `\ngoals: ${goal}; measured ${(success.reqs / base.reqs).toFixed(2)}, p99 ${success.p99} ms, RSS ${success.rssPeak.toFixed(0)} MB`,
  );
} finally {
  for (const c of [bare, wxkf, second]) c?.proc.kill();
  await new Promise((r) => setTimeout(r, 500));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}
