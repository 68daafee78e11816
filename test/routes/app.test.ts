import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type WxkfApp } from '../../src/app.js';
import { DeploymentClock, FakeClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { SeededRandom } from '../../src/platform/random.js';
import { startServer } from '../../src/serve.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { APPS, SEED } from '../helpers/fixtures.js';
import { call, expectOk, expectWxError } from '../helpers/http.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function inProcess(wrap: (s: Store) => Store = (s) => s): Promise<{ wxkf: WxkfApp; store: Store; token: string }> {
  const store = openSqliteStore(':memory:');
  const clock = new DeploymentClock(new FakeClock(Date.UTC(2026, 10, 25, 8, 0, 0)));
  const wxkf = await buildApp({
    store: wrap(store),
    clock,
    random: new SeededRandom('routes'),
    adminToken: { plain: 'admin-token' },
  });
  closers.push(async () => {
    await wxkf.fastify.close();
    await store.close();
  });
  const { validateSeed } = await import('../../src/domains/admin/validate.js');
  const seed = validateSeed(SEED);
  if (!seed.ok) throw new Error('bad seed');
  await wxkf.admin.applySeed(seed.value);
  const { access_token } = await wxkf.admin.issueToken(APPS.service.appid);
  return { wxkf, store, token: access_token };
}

describe('buildApp with injected clock and randomness', () => {
  it("answers a byte-exact envelope: the rid is the fake clock's seconds and seeded bytes", async () => {
    const { wxkf } = await inProcess();
    const res = await wxkf.fastify.inject({ method: 'GET', url: '/customservice/kfaccount/add' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; encoding=utf-8');
    const body = JSON.parse(res.body) as { errcode: number; errmsg: string };
    const seconds = Math.floor(Date.UTC(2026, 10, 25, 8, 0, 0) / 1000).toString(16);
    expect(body.errcode).toBe(43002);
    expect(body.errmsg).toMatch(
      new RegExp(`^require POST method hint: \\[[\\w-]{16}\\] rid: ${seconds}-[0-9a-f]{8}-[0-9a-f]{8}$`),
    );
  });

  it('a failing store answers -1 system error with HTTP 200, and writes nothing', async () => {
    let fail = false;
    const { wxkf, store, token } = await inProcess(
      (s) =>
        new Proxy(s, {
          get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver) as unknown;
            if (prop === 'addKfAccount' && typeof v === 'function') {
              return async (...args: unknown[]) => {
                if (fail) throw new Error('disk on fire');
                return (v as (...a: unknown[]) => unknown).apply(target, args);
              };
            }
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        }),
    );
    fail = true;
    const res = await wxkf.fastify.inject({
      method: 'POST',
      url: `/customservice/kfaccount/add?access_token=${token}`,
      payload: { kf_account: 'a@kf_alias1', nickname: 'A' },
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ errcode: -1 });
    expect(JSON.parse(res.body).errmsg).toMatch(/^system error hint: \[[\w-]{16}\] rid: [0-9a-f-]{26}$/);
    expect(await store.listKfAccounts(APPS.service.appid)).toEqual([]);
  });
});

describe('wxkf serve --forbidden-words', () => {
  it('refuses nicknames that contain a listed word, in any letter case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxkf-words-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const words = join(dir, 'words.txt');
    writeFileSync(words, '# test list\nSpam\n广告\n');
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify(SEED));
    const loaded = loadConfig(
      { db: ':memory:', port: '0', adminToken: 'admin-token', forbiddenWords: words, seed, logLevel: 'silent' },
      {},
    );
    if (!loaded.ok) throw new Error(loaded.problems.join());
    const server = await startServer(loaded.config, { logger: false });
    closers.push(() => server.close());
    expect(server.report.demoApp).toBeUndefined();
    const { access_token } = await server.wxkf.admin.issueToken(APPS.service.appid);
    const add = (nickname: string, kf_account: string) =>
      call(server.url, '/customservice/kfaccount/add', { query: { access_token }, body: { kf_account, nickname } });
    expectWxError(await add('no SPAM here', 'a@kf_alias1'), 65403, 'illegal nickname', { hint: true });
    expectWxError(await add('发广告', 'b@kf_alias1'), 65403, 'illegal nickname', { hint: true });
    expectOk(await add('Sp am', 'c@kf_alias1'));
  });
});
