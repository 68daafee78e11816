import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SECRET, SEED } from '../helpers/fixtures.js';
import { call, expectOk, expectWxError, type Query } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

const noHint = { hint: false };
const ADD = '/customservice/kfaccount/add';
let token: string;
const ctx = conformanceSuite({ freeze: true, seed: SEED });
beforeEach(async () => {
  token = await ctx.admin.token(APPS.service.appid);
});

const post = (path: string, body: unknown, query: Query = { access_token: token }) =>
  call(ctx.t.baseUrl, path, { method: 'POST', query, body });
const setLimit = (cgi_path: string, daily_limit: number, appid: string = APPS.service.appid) =>
  ctx.admin.request('PUT', `/apps/${appid}/quotas`, { cgi_path, daily_limit });
const quotaOf = async (cgi_path: string) => (await post('/cgi-bin/openapi/quota/get', { cgi_path })).json.quota;
const add = (i: number) => post(ADD, { kf_account: `q${i}@kf_alias1`, nickname: 'Q' });

describe('daily quotas (45009)', () => {
  it('admits exactly the limit; only calls that pass checks 1–7 count', async () => {
    expect((await setLimit(ADD, 3)).json).toEqual({ daily_quotas: { [ADD]: 3 } });
    await call(ctx.t.baseUrl, ADD, { method: 'POST', body: {} }); // 41001: not counted
    await call(ctx.t.baseUrl, ADD, { method: 'GET', query: { access_token: token } }); // 43002: not counted
    expect((await post(ADD, { kf_account: 'bad', nickname: 'x' })).json.errcode).toBe(65404); // counted
    expectOk(await add(1));
    expectOk(await add(2));
    expectWxError(await add(3), 45009, 'reach max api daily quota limit', { hint: true });
    expect(await quotaOf(ADD)).toEqual({ daily_limit: 3, used: 3, remain: 0 });
  });

  it('resets at 00:00 China time by the deployment clock', async () => {
    const now = (await ctx.admin.clock()).now;
    const nextMidnight = Math.floor((now + 8 * 3600) / 86400) * 86400 - 8 * 3600 + 86400;
    await ctx.admin.clock({ set: nextMidnight - 10 });
    token = await ctx.admin.token(APPS.service.appid);
    await setLimit(ADD, 1);
    expectOk(await add(1));
    expectWxError(await add(2), 45009, 'reach max api daily quota limit', { hint: true });
    await ctx.admin.clock({ set: nextMidnight });
    expectOk(await add(3));
  });

  it('the token endpoint has its own quota (default 2000); 45009 after its checks', async () => {
    expect(await quotaOf('/cgi-bin/token')).toEqual({ daily_limit: 2000, used: 0, remain: 2000 });
    await setLimit('/cgi-bin/token', 1);
    const get = (secret = SECRET) =>
      call(ctx.t.baseUrl, '/cgi-bin/token', { query: { grant_type: 'client_credential', appid: APPS.service.appid, secret } });
    expect((await get()).json).toHaveProperty('access_token');
    expectWxError(await get('f'.repeat(32)), 40125, 'invalid appsecret', noHint);
    expectWxError(await get(), 45009, 'reach max api daily quota limit', noHint);
  });

  it('check 8 before 9 and 10 and the rules: a used-up quota answers 45009 whatever the body, and stores nothing', async () => {
    await setLimit(ADD, 1);
    expectOk(await add(1));
    const kfList = () => call(ctx.t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: token } });
    for (const body of [
      undefined,
      '[1]',
      { kf_account: 'bad', nickname: 'x' },
      { kf_account: 'q1@kf_alias1', nickname: 'Q' },
      { kf_account: 'q2@kf_alias1', nickname: 'Q' },
    ]) {
      expectWxError(
        await call(ctx.t.baseUrl, ADD, { method: 'POST', query: { access_token: token }, body }),
        45009,
        'reach max api daily quota limit',
        { hint: true },
      );
    }
    expect((await kfList()).json.kf_list).toEqual([expect.objectContaining({ kf_account: 'q1@kf_alias1' })]);
    expect(await quotaOf(ADD)).toEqual({ daily_limit: 1, used: 1, remain: 0 });
  });

  it('calls refused by a body check or a rule count too (44002, 47001, 65404, 65403, 65406)', async () => {
    await setLimit(ADD, 100);
    await call(ctx.t.baseUrl, ADD, { method: 'POST', query: { access_token: token } });
    await call(ctx.t.baseUrl, ADD, { method: 'POST', query: { access_token: token }, body: '[1]' });
    await post(ADD, { kf_account: 'bad', nickname: 'x' });
    await post(ADD, { kf_account: 'n1@kf_alias1', nickname: '' });
    expectOk(await add(1));
    expect((await add(1)).json.errcode).toBe(65406);
    expect(await quotaOf(ADD)).toEqual({ daily_limit: 100, used: 6, remain: 94 });
  });

  it('50 simultaneous calls, half of them with broken bodies, against a remaining quota of 10: exactly 10 admitted, every admitted good one stored', async () => {
    await setLimit(ADD, 10);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? add(i) : post(ADD, { kf_account: `x${i}@elsewhere`, nickname: 'Q' }))),
    );
    const codes = answers.map((a) => a.json.errcode);
    expect(codes.filter((c) => c === 0 || c === 65404)).toHaveLength(10);
    expect(codes.filter((c) => c === 45009)).toHaveLength(40);
    const listed = (await call(ctx.t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: token } })).json
      .kf_list as unknown[];
    expect(listed).toHaveLength(codes.filter((c) => c === 0).length);
  });

  it('a limit is 0 to 2147483647 calls a day: larger is refused by the admin API, naming the field; the largest works', async () => {
    const tooLarge = await setLimit(ADD, 3_000_000_000);
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.json.error).toContain('daily_limit');
    expect((await setLimit(ADD, 2_147_483_647)).status).toBe(200);
    expectOk(await add(1));
    expect(await quotaOf(ADD)).toEqual({ daily_limit: 2_147_483_647, used: 1, remain: 2_147_483_646 });
    expect((await setLimit(ADD, 0)).status).toBe(200);
    expectWxError(await add(2), 45009, 'reach max api daily quota limit', { hint: true });
  });

  it('50 simultaneous calls against a remaining quota of 10: exactly 10 admitted', async () => {
    await setLimit(ADD, 10);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => add(i)));
    const codes = answers.map((a) => a.json.errcode);
    expect(codes.filter((c) => c === 0)).toHaveLength(10);
    expect(codes.filter((c) => c === 45009)).toHaveLength(40);
  });
});

describe('stable_token minute limit (45011)', () => {
  it('10000 calls a minute per app, then 45011 until the next minute', async () => {
    const now = (await ctx.admin.clock()).now;
    await ctx.admin.clock({ set: Math.floor(now / 60) * 60 + 60 }); // the start of a minute
    const body = { grant_type: 'client_credential', appid: APPS.service.appid, secret: SECRET };
    let ok = 0;
    for (let sent = 0; sent < 10_000; sent += 200) {
      const batch = await Promise.all(Array.from({ length: 200 }, () => post('/cgi-bin/stable_token', body, {})));
      ok += batch.filter((a) => typeof a.json.access_token === 'string').length;
    }
    expect(ok).toBe(10_000);
    expectWxError(
      await post('/cgi-bin/stable_token', body, {}),
      45011,
      'api minute-quota reach limit, must slower, retry next minute',
      noHint,
    );
    // Other apps and the plain token endpoint are not affected.
    expect((await post('/cgi-bin/stable_token', { ...body, appid: APPS.subscription.appid }, {})).json).toHaveProperty(
      'access_token',
    );
    await ctx.admin.advance(60);
    expect((await post('/cgi-bin/stable_token', body, {})).json).toHaveProperty('access_token');
  }, 120_000);
});

describe('clear_quota', () => {
  it("v1: resets the app's counters; the appid must be the token's own (40013), present (41002)", async () => {
    await setLimit(ADD, 1);
    expectOk(await add(1));
    expectWxError(await add(2), 45009, 'reach max api daily quota limit', { hint: true });
    expectWxError(await post('/cgi-bin/clear_quota', {}), 41002, 'appid missing', noHint);
    expectWxError(await post('/cgi-bin/clear_quota', { appid: APPS.subscription.appid }), 40013, 'invalid appid', noHint);
    expectOk(await post('/cgi-bin/clear_quota', { appid: APPS.service.appid }));
    expectOk(await add(3));
  });

  it('10 clears a China calendar month, shared by v1 and v2 (48006); a new month allows again', async () => {
    await ctx.admin.clock({ set: Date.UTC(2026, 9, 15) / 1000 });
    token = await ctx.admin.token(APPS.service.appid);
    for (let i = 0; i < 5; i++) expectOk(await post('/cgi-bin/clear_quota', { appid: APPS.service.appid }));
    for (let i = 0; i < 5; i++)
      expectOk(await post('/cgi-bin/clear_quota/v2', {}, { appid: APPS.service.appid, appsecret: SECRET }));
    const text = 'forbid to clear quota because of reaching the limit';
    expectWxError(await post('/cgi-bin/clear_quota', { appid: APPS.service.appid }), 48006, text, noHint);
    expectWxError(
      await post('/cgi-bin/clear_quota/v2', { appid: APPS.service.appid, appsecret: SECRET }, {}),
      48006,
      text,
      noHint,
    );
    // 2026-11-01 00:00 China time is 2026-10-31 16:00 UTC.
    await ctx.admin.clock({ set: Date.UTC(2026, 9, 31, 16) / 1000 });
    token = await ctx.admin.token(APPS.service.appid);
    expectOk(await post('/cgi-bin/clear_quota', { appid: APPS.service.appid }));
  });

  it('v2: appid and appsecret in the query or the body; 41002, 41004, 40013, 40125', async () => {
    const v2 = (body: unknown, query: Query = {}) => post('/cgi-bin/clear_quota/v2', body, query);
    expectOk(await v2({ appid: APPS.service.appid, appsecret: SECRET }));
    expectOk(await v2('', { appid: APPS.service.appid, appsecret: SECRET }));
    expectWxError(await v2({ appsecret: SECRET }), 41002, 'appid missing', noHint);
    expectWxError(await v2({ appid: APPS.service.appid }), 41004, 'appsecret missing', noHint);
    expectWxError(await v2({ appid: 'wxffffffffffffffff', appsecret: SECRET }), 40013, 'invalid appid', noHint);
    expectWxError(await v2({ appid: APPS.service.appid, appsecret: 'f'.repeat(32) }), 40125, 'invalid appsecret', noHint);
  });
});

describe('POST /cgi-bin/openapi/quota/get', () => {
  it('answers errcode 0 with the quota; 76021 for a path wxkf does not serve or without its leading /', async () => {
    const a = await post('/cgi-bin/openapi/quota/get', { cgi_path: '/cgi-bin/customservice/getkflist' });
    expect(a.json).toEqual({ errcode: 0, errmsg: 'ok', quota: { daily_limit: 100000, used: 0, remain: 100000 } });
    for (const cgi_path of ['/cgi-bin/nope', 'customservice/kfaccount/add', 5]) {
      expectWxError(await post('/cgi-bin/openapi/quota/get', { cgi_path }), 76021, 'cgi_path not found, please check', noHint);
    }
  });
});

describe('POST /cgi-bin/openapi/rid/get', () => {
  it('finds a request by the rid of its answer, tokens cut to 8 characters; 76002, 76001, 76003', async () => {
    const failed = await add(1);
    expectOk(failed);
    const bad = await post(ADD, { kf_account: 'nope', nickname: 'x' });
    const rid = /rid: (\S+)$/.exec(String(bad.json.errmsg))?.[1] as string;
    const now = (await ctx.admin.clock()).now;
    const found = await post('/cgi-bin/openapi/rid/get', { rid });
    expect(found.json).toMatchObject({ errcode: 0, errmsg: 'ok', request: { invoke_time: now, client_ip: expect.any(String) } });
    const request = found.json.request as Record<string, unknown>;
    expect(request.request_url).toBe(`access_token=${token.slice(0, 8)}…`);
    expect(request.request_body).toBe(JSON.stringify({ kf_account: 'nope', nickname: 'x' }));
    expect(JSON.parse(request.response_body as string)).toEqual(bad.json);
    expect(typeof request.cost_in_ms).toBe('number');
    expectWxError(await post('/cgi-bin/openapi/rid/get', { rid: 'not-a-rid' }), 76002, 'rid is error', noHint);
    expectWxError(await post('/cgi-bin/openapi/rid/get', {}), 76002, 'rid is error', noHint);
    expectWxError(await post('/cgi-bin/openapi/rid/get', { rid: '00000000-00000000-00000000' }), 76001, 'rid not found', noHint);
    const other = await ctx.admin.token(APPS.subscription.appid);
    expectWxError(
      await post('/cgi-bin/openapi/rid/get', { rid }, { access_token: other }),
      76003,
      'could not query this rid,no permission',
      noHint,
    );
    await ctx.admin.advance(7 * 86400);
    token = await ctx.admin.token(APPS.service.appid);
    expectWxError(await post('/cgi-bin/openapi/rid/get', { rid }), 76001, 'rid not found', noHint);
  });
});

describe('admin journal', () => {
  it('GET /admin/api/journal/{rid} and GET /admin/api/journal with filters, times in Unix seconds, tokens cut', async () => {
    const now = (await ctx.admin.clock()).now;
    const bad = await post(ADD, { kf_account: 'nope', nickname: 'x' });
    expectOk(await add(7));
    const rid = /rid: (\S+)$/.exec(String(bad.json.errmsg))?.[1] as string;
    const one = await ctx.admin.request('GET', `/journal/${rid}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({
      rid,
      appid: APPS.service.appid,
      path: ADD,
      invoke_time: now,
      errcode: 65404,
      request_url: `access_token=${token.slice(0, 8)}…`,
    });
    expect((await ctx.admin.request('GET', '/journal/00000000-00000000-00000000')).status).toBe(404);
    const all = (await ctx.admin.request('GET', `/journal?appid=${APPS.service.appid}&path=${encodeURIComponent(ADD)}`)).json
      .entries as { errcode: number }[];
    expect(all.map((e) => e.errcode).sort()).toEqual([0, 65404]);
    const failed = (await ctx.admin.request('GET', '/journal?errcode=65404')).json.entries as { rid: string }[];
    expect(failed.map((e) => e.rid)).toEqual([rid]);
    expect(((await ctx.admin.request('GET', `/journal?since=${now + 1}`)).json.entries as unknown[]).length).toBe(0);
    expect((await ctx.admin.request('GET', '/journal?errcode=abc')).status).toBe(400);
  });
});
