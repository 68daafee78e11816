/**
 * npm run bench:mechanisms: every mechanism of the hot path (src/platform/mechanisms.ts) measured
 * on and off, on the load it is there for, in alternating runs (on, off, off, on, on, off: drift
 * of the machine falls on both sides), each run a fresh server and store. Prints the mean req/s
 * and server CPU per call each way, and whether the mechanism moves its row by 5 % or more.
 * `-- --only a,b` runs only those; BENCH_DURATION (s, default 5) and BENCH_REPEATS (default 3).
 * Figures, never assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MECHANISMS, type Mechanism } from '../src/platform/mechanisms.js';
import { load, pgDatabase, serveWxkf, type Call, type Result } from './lib.js';
import { addLoad, kflistLoad, sendLoad } from './workloads.js';

type Workload = 'add' | 'duplicate' | 'getkflist' | 'send';
/** Each mechanism on the load it is there for, and the backend it lives on. */
const PLAN: [Mechanism, Workload, 'sqlite' | 'pg'][] = [
  ['credential-cache', 'send', 'sqlite'],
  ['group-commit', 'add', 'sqlite'],
  ['quota-in-write', 'send', 'sqlite'],
  ['random-pool', 'getkflist', 'sqlite'],
  ['stack-trace-limit', 'duplicate', 'sqlite'],
  ['journal-batch', 'add', 'sqlite'],
  ['journal-text-cache', 'getkflist', 'sqlite'],
  ['kflist-cache', 'getkflist', 'sqlite'],
  ['credential-batch', 'add', 'pg'],
  ['prepared-statements', 'send', 'pg'],
  ['add-function', 'add', 'pg'],
  ['add-batch', 'add', 'pg'],
  ['quota-batch', 'getkflist', 'pg'],
  ['quota-count-first', 'send', 'pg'],
];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SECONDS = Number(process.env.BENCH_DURATION ?? 5);
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : undefined;

async function prepare(url: string, workload: Workload): Promise<() => Call> {
  switch (workload) {
    case 'add':
      return (await addLoad(url, 1000)).fresh;
    case 'duplicate': {
      const adds = await addLoad(url, 1000);
      for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, () => fetchCall(url, adds.fresh())));
      return adds.duplicate;
    }
    case 'getkflist':
      return kflistLoad(url, 100);
    case 'send':
      return sendLoad(url, 3000);
  }
}

async function fetchCall(url: string, call: Call): Promise<void> {
  await (await fetch(`${url}${call.path}`, { method: call.method ?? 'POST', body: call.body })).arrayBuffer();
}

/** One run: a fresh server and store with `off` turned off, loaded with `workload`. */
async function run(mechanism: Mechanism, workload: Workload, backend: 'sqlite' | 'pg', off: boolean): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'wxkf-bench-mech-'));
  const database = backend === 'pg' ? await pgDatabase() : undefined;
  const storeArgs = database ? ['--database-url', database.url] : ['--db', join(dir, 'bench.db')];
  const server = await serveWxkf(storeArgs, { WXKF_BENCH_OFF: off ? mechanism : '' });
  try {
    const next = await prepare(server.url, workload);
    return await load(`${mechanism} ${off ? 'off' : 'on'}`, server.url, server.proc.pid as number, next, SECONDS);
  } finally {
    server.proc.kill();
    await new Promise((r) => setTimeout(r, 300));
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows: string[] = [];
for (const [mechanism, workload, backend] of PLAN) {
  if (only && !only.has(mechanism)) continue;
  const on: Result[] = [];
  const off: Result[] = [];
  for (let i = 0; i < REPEATS; i++) {
    // on, off | off, on | on, off …
    for (const isOff of i % 2 === 0 ? [false, true] : [true, false]) {
      const r = await run(mechanism, workload, backend, isOff);
      (isOff ? off : on).push(r);
      const codes = JSON.stringify(r.errcodes);
      console.error(`${r.name}: ${r.reqs.toFixed(0)} req/s, ${r.cpuPerReq.toFixed(0)} µs, p99 ${r.p99} ms ${codes}`);
    }
  }
  const [onReqs, offReqs] = [mean(on.map((r) => r.reqs)), mean(off.map((r) => r.reqs))];
  const [onCpu, offCpu] = [mean(on.map((r) => r.cpuPerReq)), mean(off.map((r) => r.cpuPerReq))];
  const gain = onReqs / offReqs - 1;
  const saving = 1 - onCpu / offCpu;
  const verdict = gain >= 0.05 || saving >= 0.05 ? 'earns its place' : 'moves its row < 5 %';
  rows.push(
    `| ${mechanism} | ${backend} ${workload} | ${onReqs.toFixed(0)} | ${offReqs.toFixed(0)} | ${(gain * 100).toFixed(1)} % | ` +
      `${onCpu.toFixed(0)} | ${offCpu.toFixed(0)} | ${(saving * 100).toFixed(1)} % | ${verdict} |`,
  );
}
console.log(`\n${REPEATS} runs each way, 50 connections, ${SECONDS} s a run, node ${process.version}\n`);
console.log('| mechanism | load | on req/s | off req/s | req/s gain | on µs/call | off µs/call | CPU saved | verdict |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('\nWhat each is:');
for (const [m] of PLAN) if (!only || only.has(m)) console.log(`- ${m}: ${MECHANISMS[m]}`);
