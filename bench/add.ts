/**
 * npm run bench:add: addkfaccount's success and duplicate paths against a bare fastify route, in
 * one run, 50 connections each. Prints req/s, p99 and RSS of each and the ratio to the bare route.
 * `npm run bench:add -- --pg`: the same on PostgreSQL, with one node and with two nodes behind
 * round-robin. Not a test: the machines are noisy, so the figures are reported, never asserted.
 */
import { CONNECTIONS, DURATION_S, load, pgDatabase, start, serveWxkf, type Result } from './lib.js';
import { addLoad } from './workloads.js';
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
const wxkf = await serveWxkf(storeArgs);
const second = PG ? await serveWxkf(storeArgs) : undefined;
try {
  const adds = await addLoad(wxkf.url, APPS);
  const constBody = JSON.stringify({ kf_account: 'b0@bench_alias', nickname: 'bench' });
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
  results.push(await load('add: success path', wxkf.url, wxPid, adds.fresh));
  if (second) {
    const pids = [wxPid, second.proc.pid as number];
    results.push(await load('add: success path, 2 nodes round-robin', [wxkf.url, second.url], pids, adds.fresh));
  }
  results.push(await load('add: duplicate (65406), over every app', wxkf.url, wxPid, adds.duplicate));

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
  const [insert, success] = [results[1] as Result, results[2] as Result];
  const rssPeak = Math.max(...results.slice(2).map((r) => r.rssPeak));
  const goals = PG
    ? [
        `success >= 0.60 of the one-insert route: ${(success.reqs / insert.reqs).toFixed(2)}`,
        `two nodes serve more than one: ${second ? ((results[3] as Result).reqs / success.reqs).toFixed(2) : '-'}×`,
      ]
    : [
        `success >= 0.45 of the bare route: ${(success.reqs / base.reqs).toFixed(2)}`,
        `CPU per add <= 1.3× the one-insert route's: ${(success.cpuPerReq / insert.cpuPerReq).toFixed(1)}×`,
        `p99 <= 2× the one-insert route's: ${(success.p99 / insert.p99).toFixed(1)}×`,
      ];
  console.log(`
goals (measured): ${[...goals, `peak RSS <= 150 MB: ${rssPeak.toFixed(0)} MB`].join('; ')}`);
} finally {
  for (const c of [bare, wxkf, second]) c?.proc.kill();
  await new Promise((r) => setTimeout(r, 500));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}
