/**
 * npm run bench:send: custom/send's success path (a text to a user whose window is open) against
 * a bare fastify route in the same run, 50 connections each, on SQLite (`-- --pg`: PostgreSQL). Prints req/s, the ratio to
 * the bare route, server CPU per call, p99 and peak RSS. Figures, never assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONNECTIONS, DURATION_S, load, pgDatabase, start, serveWxkf, type Result } from './lib.js';
import { sendLoad } from './workloads.js';

const USERS = Number(process.env.BENCH_USERS ?? 5000);
const PG = process.argv.includes('--pg');
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'wxkf-bench-send-'));
const database = PG ? await pgDatabase() : undefined;
const storeArgs = database ? ['--database-url', database.url] : ['--db', join(dir, 'send.db')];
const bare = await start(here('./bare.js'), [], [], database ? { BARE_PG_URL: database.url } : {});
const wxkf = await serveWxkf(storeArgs);
try {
  // The legacy window (20 sends per user message) and many users, so that the run stays on the success path.
  const next = await sendLoad(wxkf.url, USERS);
  const constBody = JSON.stringify({ touser: 'x', msgtype: 'text', text: { content: 'Hello from the bench' } });
  const results: Result[] = [];
  results.push(
    await load('bare fastify route', bare.url, bare.proc.pid as number, () => ({
      path: '/customservice/kfaccount/add',
      body: constBody,
    })),
  );
  results.push(
    await load(`bare route + one ${PG ? 'pg' : 'sqlite'} insert`, bare.url, bare.proc.pid as number, () => ({
      path: '/insert',
      body: constBody,
    })),
  );
  results.push(await load('custom/send: success path (text, live window)', wxkf.url, wxkf.proc.pid as number, next));
  const base = results[0] as Result;
  console.log(
    `\n${PG ? 'PostgreSQL' : 'SQLite'}, ${CONNECTIONS} connections, ${DURATION_S} s each, ${USERS} users, node ${process.version}\n`,
  );
  console.log('| run | req/s | ratio to bare | server CPU µs/req | p99 ms | peak RSS MB | errcodes |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.reqs.toFixed(0)} | ${(r.reqs / base.reqs).toFixed(2)} | ${r.cpuPerReq.toFixed(0)} | ${r.p99} | ${r.rssPeak.toFixed(0)} | ${JSON.stringify(r.errcodes)} |`,
    );
  }
  const send = results[2] as Result;
  console.log(
    `\ngoal: send >= 0.45 of the bare route; measured ${(send.reqs / base.reqs).toFixed(2)}, p99 ${send.p99} ms, RSS ${send.rssPeak.toFixed(0)} MB`,
  );
} finally {
  bare.proc.kill();
  wxkf.proc.kill();
  await new Promise((r) => setTimeout(r, 300));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}
