import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../helpers/admin.js';
import { APPS, SECRET, SEED } from '../helpers/fixtures.js';
import { startTarget, type Target } from '../helpers/target.js';

// The npm package `wechat-api` (node-webot), unchanged: only its endpoint is pointed at wxkf
// (its setEndpoint() forces https, so the field is assigned).
const require = createRequire(import.meta.url);
interface WechatApi {
  endpoint: string;
  getLatestToken(cb: (err: Error | null, token: { accessToken: string }) => void): void;
  addKfAccount(
    account: string,
    nick: string,
    password: string,
    cb: (err: (Error & { code?: number }) | null, data: unknown) => void,
  ): void;
  getCustomServiceList(cb: (err: Error | null, data: { kf_list: Record<string, string>[] }) => void): void;
  updateKfAccount(account: string, nick: string, password: string, cb: (err: Error | null, data: unknown) => void): void;
  deleteKfAccount(account: string, cb: (err: Error | null, data: unknown) => void): void;
  setKfAccountAvatar(account: string, file: string, cb: (err: Error | null, data: unknown) => void): void;
  getOnlineCustomServiceList(cb: (err: Error | null, data: { kf_online_list: unknown[] }) => void): void;
}
const API = require('wechat-api') as new (appid: string, secret: string) => WechatApi;

function promisify<T>(fn: (cb: (err: (Error & { code?: number }) | null, data: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, data) => (err ? reject(err) : resolve(data))));
}

let t: Target;

beforeAll(async () => {
  t = await startTarget();
  const admin = new AdminClient(t);
  await admin.reset();
  await admin.clock({ real: true });
  await admin.seed(SEED);
});
afterAll(() => t.close());

describe('SDK: node wechat-api against wxkf', () => {
  it('gets a token, adds accounts, sees WeChat errors as WeChatAPIError, and lists the accounts', async () => {
    const api = new API(APPS.service.appid, SECRET);
    api.endpoint = t.baseUrl;
    const token = await promisify<{ accessToken: string }>((cb) => api.getLatestToken(cb));
    expect(token.accessToken).toMatch(/^[A-Za-z0-9_-]{128}$/);

    await promisify((cb) => api.addKfAccount('sdk1@kf_alias1', '客服1', 'secret-password', cb));
    await promisify((cb) => api.addKfAccount('sdk2@gh_0123456789ab', '客服2', 'secret-password', cb));
    const dup = await promisify((cb) => api.addKfAccount('SDK1@kf_alias1', 'again', 'x', cb)).catch((e: unknown) => e);
    expect(dup).toMatchObject({ name: 'WeChatAPIError', code: 65406 });
    expect((dup as Error).message).toMatch(/^custom service account exists hint: \[[\w-]{16}\] rid: /);

    const list = await promisify<{ kf_list: Record<string, string>[] }>((cb) => api.getCustomServiceList(cb));
    expect(list.kf_list.map((a) => [a.kf_account, a.kf_nick, a.kf_id])).toEqual([
      ['sdk1@kf_alias1', '客服1', '1001'],
      ['sdk2@gh_0123456789ab', '客服2', '1002'],
    ]);
  });

  it('an app secret that does not match surfaces as 40125', async () => {
    const api = new API(APPS.service.appid, 'f'.repeat(32));
    api.endpoint = t.baseUrl;
    const err = await promisify((cb) => api.getLatestToken(cb)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 40125 });
  });

  it('updates, uploads a head image, lists online accounts and deletes, as the SDK calls them', async () => {
    const api = new API(APPS.service.appid, SECRET);
    api.endpoint = t.baseUrl;
    await promisify((cb) => api.addKfAccount('sdk3@kf_alias1', 'three', 'pw', cb));
    await promisify((cb) => api.updateKfAccount('sdk3@kf_alias1', '第三', 'pw', cb));
    const dir = mkdtempSync(join(tmpdir(), 'wxkf-sdk-'));
    try {
      const file = join(dir, 'avatar.png');
      writeFileSync(file, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(512)]));
      await promisify((cb) => api.setKfAccountAvatar('sdk3@kf_alias1', file, cb));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const list = await promisify<{ kf_list: Record<string, string>[] }>((cb) => api.getCustomServiceList(cb));
    const three = list.kf_list.find((a) => a.kf_account === 'sdk3@kf_alias1');
    expect(three?.kf_nick).toBe('第三');
    expect(three?.kf_headimgurl).toMatch(/\/kf\/headimg\//);
    const online = await promisify<{ kf_online_list: unknown[] }>((cb) => api.getOnlineCustomServiceList(cb));
    expect(online).toEqual({ kf_online_list: [] });
    await promisify((cb) => api.deleteKfAccount('sdk3@kf_alias1', cb));
    const after = await promisify<{ kf_list: Record<string, string>[] }>((cb) => api.getCustomServiceList(cb));
    expect(after.kf_list.some((a) => a.kf_account === 'sdk3@kf_alias1')).toBe(false);
  });
});
