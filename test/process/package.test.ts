import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The installable package, installed exactly as README's "Using wxkf from another project" says,
 * into an empty folder: no TypeScript build on the user's side, `npx wxkf --version` and
 * `npx wxkf serve` work, and npm warns about no engine on this Node.
 */
const run = promisify(execFile);
const repo = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wxkf-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack, then install into an empty folder', () => {
  it('installs without engine warnings and runs wxkf --version and wxkf serve', async () => {
    // npm test has built dist/ already: the pack skips prepack's build so that no build rewrites
    // dist/ under the other test files running from it.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: repo });
    const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')) as string);
    const app = join(dir, 'app');
    await run('mkdir', ['-p', app]);
    await run('npm', ['init', '-y'], { cwd: app });
    const install = await run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: app, timeout: 300_000 });
    expect(`${install.stdout}${install.stderr}`).not.toMatch(/EBADENGINE/);
    await run('npm', ['install-scripts', 'approve', 'better-sqlite3'], { cwd: app, timeout: 60_000 });
    const version = await run('npx', ['wxkf', '--version'], { cwd: app, timeout: 60_000 });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // A process group of its own, so that the stop below reaches node behind npx.
    const serve = spawn('npx', ['wxkf', 'serve', '--port', '0', '--db', ':memory:', '--log-level', 'silent'], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    serve.stdout.on('data', (d: Buffer) => (out += d.toString()));
    serve.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npx wxkf serve did not start:\n${out}`)), 30_000);
      serve.stdout.on('data', () => {
        const m = /wxkf listening on (\S+)/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      serve.on('exit', (code) => reject(new Error(`npx wxkf serve exited with ${code}:\n${out}`)));
    });
    expect(out).toMatch(/demo app/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const stopped = new Promise((r) => serve.once('close', r));
    process.kill(-(serve.pid as number), 'SIGTERM');
    await stopped;
    expect(out).toMatch(/wxkf: stopped/);
  }, 360_000);
});
