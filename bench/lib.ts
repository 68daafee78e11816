/** What the benchmarks share: child processes, /proc readings, the admin API. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ADMIN = 'bench-admin-token';

export interface Child {
  url: string;
  proc: ChildProcess;
}

export function start(script: string, args: string[], nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, [...nodeArgs, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /wxkf listening on (\S+)/.exec(out);
      if (m?.[1]) {
        proc.stdout?.removeAllListeners('data');
        proc.stdout?.resume();
        resolve({ url: m[1], proc });
      }
    });
    proc.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/**
 * A `wxkf serve` on a free port with the bench admin token, on the store `storeArgs` names
 * (`--db FILE` or `--database-url URL`). BENCH_NODE_ARGS are passed to node, BENCH_LOG_LEVEL
 * (default info) to wxkf; `env` is added to the process's environment.
 */
export function serveWxkf(storeArgs: string[], env: Record<string, string> = {}): Promise<Child> {
  const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  return start(cli, ['serve', '--port', '0', ...storeArgs, '--admin-token', ADMIN, '--log-level', logLevel], nodeArgs, env);
}

/** Resident set size of a process now, and its peak, in MB (Linux /proc). */
export function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export async function admin(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/admin/api${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** CPU time (user + system) a process has used, in microseconds (Linux /proc, 100 ticks a second). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
export const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);

export interface Result {
  name: string;
  reqs: number;
  cpuPerReq: number;
  p99: number;
  rssPeak: number;
  errcodes: Record<string, number>;
}

/** One request of a load: a POST with a JSON body, or a GET without one. */
export interface Call {
  path: string;
  body?: string;
  method?: 'GET' | 'POST';
}

/** One row: the requests `next` makes, 50 connections, with the server's CPU per request and its peak RSS. */
export async function load(
  name: string,
  url: string | string[],
  pid: number | number[],
  next: () => Call,
  seconds = DURATION_S,
): Promise<Result> {
  const errcodes: Record<string, number> = {};
  const pids = Array.isArray(pid) ? pid : [pid];
  const cpuBefore = pids.reduce((sum, p) => sum + cpuMicros(p), 0);
  const r = await autocannon({
    // Several URLs share the connections round-robin (autocannon supports it; its types lag).
    url: url as string,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          const call = next();
          return { ...req, method: call.method ?? 'POST', path: call.path, body: call.body ?? '' };
        },
        onResponse: (status: number, body: string) => {
          // The load generator shares the machine: read the errcode, not the whole body (an answer
          // without one, getkflist's, is a success).
          const code = status === 200 ? (/^\{"errcode":(-?\d+)/.exec(body)?.[1] ?? '0') : `HTTP ${status}`;
          errcodes[code] = (errcodes[code] ?? 0) + 1;
        },
      },
    ],
  });
  const cpuAfter = pids.reduce((sum, p) => sum + cpuMicros(p), 0);
  const cpuPerReq = (cpuAfter - cpuBefore) / Math.max(1, r.requests.total);
  const rssPeak = Math.max(...pids.map((p) => rss(p).peak));
  return { name, reqs: r.requests.average, cpuPerReq, p99: r.latency.p99, rssPeak, errcodes };
}

/** A fresh PostgreSQL database for this run (the tests' server, started the same way). */
export async function pgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const script = fileURLToPath(new URL('../../scripts/start-postgres.sh', import.meta.url));
  const base =
    process.env.WXKF_TEST_DATABASE_URL ?? execFileSync('bash', [script], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  const { withDefaultUser } = await import('../src/store/postgres.js');
  const baseUrl = withDefaultUser(base);
  const name = `wxkf_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
