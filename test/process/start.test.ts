import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { spawnServe } from '../helpers/process.js';
import { runCli } from '../helpers/cli.js';

/** The first hour: a start that cannot lock anyone out, signals through the documented start. */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxkf-start-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const portOf = (url: string) => Number(new URL(url).port);
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}
async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  for (const end = performance.now() + ms; performance.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    if (await check()) return true;
  }
  return false;
}

describe('a failed first start burns nothing', () => {
  it('on a busy port it exits with the reason and creates nothing; the next start shows the admin token and the demo app', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    const db = join(dir, 'first.db');
    const failed = await runCli(['serve', '--port', String(port), '--db', db, '--log-level', 'silent']);
    busy.close();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/EADDRINUSE/);
    expect(failed.stderr).toMatch(/nothing was created/);
    const stats = await runCli(['apps', 'list', '--db', db, '--json']);
    expect(JSON.parse(stats.stdout)).toEqual([]);
    const p = await spawnServe(['--db', db]);
    expect(p.output()).toMatch(/admin token \(shown once, stored hashed\): \S+/);
    expect(p.output()).toMatch(/demo app/);
    expect(await p.stop()).toBe(0);
  });
});

describe('the banner tells the state', () => {
  it('a restart names the store, what it holds, a moved clock and how to get the admin token back; a clean stop says so', async () => {
    const db = join(dir, 'banner.db');
    const first = await spawnServe(['--db', db]);
    expect(first.output()).toContain(`SQLite ${db} (1 app, 0 kf accounts)`);
    const adminToken = /admin token \(shown once, stored hashed\): (\S+)/.exec(first.output())?.[1] as string;
    await call(first.url, '/admin/api/clock', {
      method: 'POST',
      body: { freeze: true },
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(await first.stop('SIGINT')).toBe(0);
    expect(first.output()).toMatch(/wxkf: stopped/);
    const again = await spawnServe(['--db', db]);
    const out = again.output();
    expect(out).toMatch(/clock: +frozen at/);
    expect(out).toContain(`wxkf admin-token --rotate --db ${db}`);
    expect(out).not.toContain('shown once');
    await call(again.url, '/admin/api/reset', { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
    expect(await again.stop()).toBe(0);
    const afterReset = await spawnServe(['--db', db]);
    expect(afterReset.output()).toMatch(/no apps: .*a reset removes every app, the demo app too/);
    expect(afterReset.output()).not.toMatch(/clock:/);
    expect(await afterReset.stop()).toBe(0);
  });

  it('a token rotated on the store works on the running server within a second; the old one stops', async () => {
    const db = join(dir, 'rotate.db');
    const p = await spawnServe(['--db', db, '--admin-token', 'the-first-admin-token']);
    const clock = (token: string) => call(p.url, '/admin/api/clock', { headers: { authorization: `Bearer ${token}` } });
    expect((await clock('the-first-admin-token')).status).toBe(200);
    const rotated = await runCli(['admin-token', '--rotate', '--db', db]);
    expect(rotated.code).toBe(0);
    const fresh = rotated.stdout.trim();
    expect(await waitFor(async () => (await clock(fresh)).status === 200, 1500)).toBe(true);
    expect((await clock('the-first-admin-token')).status).toBe(401);
    expect(await p.stop()).toBe(0);
  });
});

describe('signals reach the server through npm start', () => {
  const npmStart = (db: string, how: 'npm start' | 'npx wxkf serve' = 'npm start') => {
    const args = how === 'npm start' ? ['npm', 'start', '--'] : ['npx', 'wxkf', 'serve'];
    const child = spawn(args[0] as string, [...args.slice(1), '--port', '0', '--db', db, '--log-level', 'silent'], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const url = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${out}`)), 60_000);
      child.stdout?.on('data', () => {
        const m = /wxkf listening on (\S+)/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, url, exited, output: () => out };
  };

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s to the npm process stops the server and frees the port',
    async (signal) => {
      const s = npmStart(join(dir, `${signal}.db`));
      const port = portOf(await s.url);
      expect(await portFree(port)).toBe(false);
      s.child.kill(signal);
      await s.exited;
      expect(await waitFor(() => portFree(port))).toBe(true);
      // npm passes the signal on and exits; the server stops on the signal or on its parent's exit, whichever it sees first.
      const said = new RegExp(`wxkf: (${signal}|the process that started wxkf \\(\\d+\\) is gone), finishing requests in flight`);
      // What the server printed may arrive just after the port is free.
      expect(await waitFor(async () => said.test(s.output()), 5000), s.output()).toBe(true);
    },
    90_000,
  );

  it('SIGTERM to npx wxkf serve stops the server and frees the port', async () => {
    const s = npmStart(join(dir, 'npx.db'), 'npx wxkf serve');
    const port = portOf(await s.url);
    s.child.kill('SIGTERM');
    await s.exited;
    expect(await waitFor(() => portFree(port))).toBe(true);
  }, 90_000);

  it('a server whose npm parent is killed outright stops by itself and frees the port', async () => {
    const s = npmStart(join(dir, 'orphan.db'));
    const port = portOf(await s.url);
    s.child.kill('SIGKILL');
    await s.exited;
    expect(await waitFor(() => portFree(port))).toBe(true);
  }, 90_000);
});

describe('the admin token of a deployment is not lost to a start, a failed start or a racing node', () => {
  const clock = (url: string, token: string) => call(url, '/admin/api/clock', { headers: { authorization: `Bearer ${token}` } });

  it('a start with --admin-token that fails on a busy port leaves the stored token as it was', async () => {
    const db = join(dir, 'keep.db');
    const first = await spawnServe(['--db', db, '--admin-token', 'token-a-for-this-store']);
    expect(await first.stop()).toBe(0);
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    const failed = await runCli([
      'serve',
      '--port',
      String(port),
      '--db',
      db,
      '--admin-token',
      'token-b-never-started',
      '--log-level',
      'silent',
    ]);
    busy.close();
    expect(failed.code).toBe(1);
    const again = await spawnServe(['--db', db]);
    expect((await clock(again.url, 'token-a-for-this-store')).status).toBe(200);
    expect((await clock(again.url, 'token-b-never-started')).status).toBe(401);
    expect(await again.stop()).toBe(0);
  });

  it('wxkf exec on a store of the user’s does not replace its admin token', async () => {
    const db = join(dir, 'exec.db');
    const first = await spawnServe(['--db', db, '--admin-token', 'token-a-for-this-store']);
    expect(await first.stop()).toBe(0);
    const r = await runCli([
      'exec',
      '--db',
      db,
      '--',
      'bash',
      '-c',
      'curl -sS -H "Authorization: Bearer $WXKF_ADMIN_TOKEN" "$WXKF_BASE_URL/admin/api/clock"',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ frozen: false });
    const again = await spawnServe(['--db', db]);
    expect((await clock(again.url, 'token-a-for-this-store')).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it('two nodes starting together on a new store: one prints the admin token, it works on both, one demo app', async () => {
    const db = join(dir, 'race.db');
    const [a, b] = await Promise.all([spawnServe(['--db', db]), spawnServe(['--db', db])]);
    const printed = [a, b].map((p) => /admin token \(shown once, stored hashed\): (\S+)/.exec(p.output())?.[1]).filter(Boolean);
    expect(printed).toHaveLength(1);
    for (const p of [a, b]) {
      expect(await waitFor(async () => (await clock(p.url, printed[0] as string)).status === 200, 2000)).toBe(true);
    }
    const apps = await call(a.url, '/admin/api/apps', { headers: { authorization: `Bearer ${printed[0]}` } });
    expect((apps.json.apps as unknown[]).length).toBe(1);
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  });
});
