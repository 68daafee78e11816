import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../helpers/admin.js';
import { APPS, SECRET, SEED } from '../helpers/fixtures.js';
import { Flow } from '../helpers/flow.js';
import type { SuiteContext } from '../helpers/suite.js';
import { startTarget } from '../helpers/target.js';

// The npm packages wechat-api (callbacks) and co-wechat-api (promises), unchanged: only their base
// addresses point at wxkf. The customer-service calls their base URL reaches.
const require = createRequire(import.meta.url);
type Cb<T> = (err: (Error & { code?: number }) | null, data: T) => void;
interface WechatApi {
  endpoint: string;
  sendText(openid: string, text: string, cb: Cb<unknown>): void;
  createKfSession(account: string, openid: string, cb: Cb<unknown>): void;
  closeKfSession(account: string, openid: string, cb: Cb<unknown>): void;
  getKfSession(openid: string, cb: Cb<{ kf_account: string; createtime: number }>): void;
  getKfSessionList(account: string, cb: Cb<{ sessionlist: { openid: string }[] }>): void;
  getKfSessionWaitCase(cb: Cb<{ count: number }>): void;
  getRecords(
    opts: Record<string, number>,
    cb: Cb<{ recordlist: { opercode: number; text: string }[]; number: number; msgid: number }>,
  ): void;
}
interface CoWechatApi {
  prefix: string;
  customservicePrefix: string;
  sendText(openid: string, text: string): Promise<unknown>;
}
const WechatAPI = require('wechat-api') as new (appid: string, secret: string) => WechatApi;
const CoWechatAPI = require('co-wechat-api') as new (appid: string, secret: string) => CoWechatApi;
const call = <T>(fn: (cb: Cb<T>) => void) =>
  new Promise<T>((resolve, reject) => fn((err, data) => (err ? reject(err) : resolve(data))));

const ctx = {} as SuiteContext;
const flow = new Flow(ctx);
const svc = APPS.service.appid;
const U = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';

beforeAll(async () => {
  ctx.t = await startTarget();
  ctx.admin = new AdminClient(ctx.t);
  await ctx.admin.reset();
  await ctx.admin.clock({ real: true });
  await ctx.admin.seed(SEED);
  await flow.user(svc, U);
});
afterAll(() => ctx.t.close());

describe('SDK: the customer-service flow through wechat-api and co-wechat-api', () => {
  it('wechat-api: sendText outside the window is WeChatAPIError 45015; after the user speaks it lands in the outbox', async () => {
    const api = new WechatAPI(svc, SECRET);
    api.endpoint = ctx.t.baseUrl;
    const refused = await call((cb) => api.sendText(U, 'Hello', cb)).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'WeChatAPIError', code: 45015 });
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    await call((cb) => api.sendText(U, 'Hello', cb));
    const [entry] = await flow.outbox(svc, '?errcode=0');
    expect(entry?.body).toEqual({ touser: U, msgtype: 'text', text: { content: 'Hello' } });
  });

  it('wechat-api: kf sessions and chat records', async () => {
    const api = new WechatAPI(svc, SECRET);
    api.endpoint = ctx.t.baseUrl;
    const token = await ctx.admin.token(svc);
    await flow.worker(svc, token, 'sdk@kf_alias1');
    await call((cb) => api.createKfSession('sdk@kf_alias1', U, cb));
    expect(await call<{ kf_account: string }>((cb) => api.getKfSession(U, cb))).toMatchObject({ kf_account: 'sdk@kf_alias1' });
    expect(
      (await call<{ sessionlist: { openid: string }[] }>((cb) => api.getKfSessionList('sdk@kf_alias1', cb))).sessionlist,
    ).toEqual([{ openid: U, createtime: expect.any(Number) }]);
    expect(await call<{ count: number }>((cb) => api.getKfSessionWaitCase(cb))).toEqual({ count: 0, waitcaselist: [] });
    await flow.say(svc, U, { type: 'text', content: 'forwarded' });
    const now = (await ctx.admin.clock()).now;
    const records = await call<{ recordlist: { opercode: number; text: string }[] }>((cb) =>
      api.getRecords({ starttime: now - 60, endtime: now + 60, number: 100 }, cb),
    );
    expect(records.recordlist.map((r) => [r.opercode, r.text])).toEqual([[2003, 'forwarded']]);
    await call((cb) => api.closeKfSession('sdk@kf_alias1', U, cb));
    const none = await call((cb) => api.closeKfSession('sdk@kf_alias1', U, cb)).catch((e: unknown) => e);
    expect(none).toMatchObject({ name: 'WeChatAPIError', code: 65413 });
  });

  it('co-wechat-api: sendText through its prefix', async () => {
    const api = new CoWechatAPI(svc, SECRET);
    api.prefix = `${ctx.t.baseUrl}/cgi-bin/`;
    api.customservicePrefix = `${ctx.t.baseUrl}/customservice/`;
    await api.sendText(U, 'from co-wechat-api');
    const entries = await flow.outbox(svc, '?errcode=0');
    expect(entries.at(-1)?.body).toMatchObject({ text: { content: 'from co-wechat-api' } });
    const refused = await api.sendText('nobody', 'x').catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'WeChatAPIError', code: 40003 });
  });
});
