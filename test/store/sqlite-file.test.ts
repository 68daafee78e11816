import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../helpers/admin.js';
import { APPS, SECRET, SEED } from '../helpers/fixtures.js';
import { call, expectOk } from '../helpers/http.js';
import { spawnServe, type ServeProcess } from '../helpers/process.js';

const ADMIN = 'file-test-admin-token';
let dir: string;
let running: ServeProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxkf-'));
});
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  running = [];
  rmSync(dir, { recursive: true, force: true });
});

async function serve(args: string[]): Promise<ServeProcess> {
  const p = await spawnServe(args);
  running.push(p);
  return p;
}

const admin = (url: string) => new AdminClient({ baseUrl: url, adminToken: ADMIN, close: async () => {} });
const add = (url: string, token: string, kf_account: string) =>
  call(url, '/customservice/kfaccount/add', { query: { access_token: token }, body: { kf_account, nickname: 'N' } });

describe('wxkf serve on an SQLite file', () => {
  it('first start without a seed makes the demo app and prints its secret, the admin token and a curl pair', async () => {
    const db = join(dir, 'demo.db');
    const p = await serve(['--db', db]);
    const out = p.output();
    const appid = /appid:\s+(wx[0-9a-f]{16})/.exec(out)?.[1];
    const secret = /secret:\s+([0-9a-f]{32})/.exec(out)?.[1];
    const adminToken = /admin token \(shown once, stored hashed\): (\S+)/.exec(out)?.[1];
    expect(appid && secret && adminToken).toBeTruthy();
    expect(out).toContain('/customservice/kfaccount/add?access_token=');
    const token = await call(p.url, '/cgi-bin/token', { query: { grant_type: 'client_credential', appid, secret } });
    expectOk(await add(p.url, token.json.access_token as string, 'test1@wxkf_demo'));
    expect(await p.stop()).toBe(0);
    // A second start finds the store initialised: no new demo app, no new admin token.
    const again = await serve(['--db', db]);
    expect(again.output()).not.toContain('demo app');
    expect(again.output()).not.toContain('admin token');
    const apps = await call(again.url, '/admin/api/apps', { headers: { authorization: `Bearer ${adminToken}` } });
    expect((apps.json.apps as unknown[]).length).toBe(1);
  });

  it('after a restart, accounts and tokens are still there and valid (SIGTERM stops cleanly)', async () => {
    const db = join(dir, 'restart.db');
    const first = await serve(['--db', db, '--admin-token', ADMIN]);
    await admin(first.url).seed(SEED);
    const tok = await call(first.url, '/cgi-bin/token', { query: { grant_type: 'client_credential', appid: APPS.service.appid, secret: SECRET } });
    const token = tok.json.access_token as string;
    const stable = await call(first.url, '/cgi-bin/stable_token', {
      body: { grant_type: 'client_credential', appid: APPS.service.appid, secret: SECRET },
    });
    expectOk(await add(first.url, token, 'keep@kf_alias1'));
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await serve(['--db', db, '--admin-token', ADMIN]);
    const list = await call(second.url, '/cgi-bin/customservice/getkflist', { query: { access_token: token } });
    expect(list.json.kf_list).toEqual([{ kf_account: 'keep@kf_alias1', kf_headimgurl: '', kf_id: '1001', kf_nick: 'N' }]);
    const stableAgain = await call(second.url, '/cgi-bin/stable_token', {
      body: { grant_type: 'client_credential', appid: APPS.service.appid, secret: SECRET },
    });
    expect(stableAgain.json.access_token).toBe(stable.json.access_token);
    expectOk(await add(second.url, stableAgain.json.access_token as string, 'next@kf_alias1'));
    expect((await admin(second.url).kfAccounts(APPS.service.appid)).map((a) => a.kf_id)).toEqual([1001, 1002]);
  });

  it('two processes on one file keep the rules: 300 adds over both give exactly 100, 50 duplicates exactly one', async () => {
    const db = join(dir, 'shared.db');
    const a = await serve(['--db', db, '--admin-token', ADMIN]);
    const b = await serve(['--db', db, '--admin-token', ADMIN]);
    await admin(a.url).seed(SEED);
    const token = await admin(a.url).token(APPS.service.appid);
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => add(i % 2 ? a.url : b.url, token, `p${i}@kf_alias1`)),
    );
    const codes = answers.map((r) => r.json.errcode);
    expect(codes.filter((c) => c === 0)).toHaveLength(100);
    expect(codes.filter((c) => c === 65405)).toHaveLength(200);
    const subToken = await admin(b.url).token(APPS.subscription.appid);
    const dup = await Promise.all(
      Array.from({ length: 50 }, (_, i) => add(i % 2 ? a.url : b.url, subToken, i % 3 ? 'ONE@sub_alias2' : 'one@gh_00000000000b')),
    );
    const dupCodes = dup.map((r) => r.json.errcode);
    expect(dupCodes.filter((c) => c === 0)).toHaveLength(1);
    expect(dupCodes.filter((c) => c === 65406)).toHaveLength(49);
    expect(await admin(b.url).kfAccounts(APPS.service.appid)).toHaveLength(100);
  });
});
