import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SEED } from '../helpers/fixtures.js';
import { call, expectOk, expectWxError, type Query } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

const hint = { hint: true };
const tokens: Record<string, string> = {};
const ctx = conformanceSuite({ freeze: true, seed: SEED });
beforeEach(async () => {
  for (const [name, app] of Object.entries(APPS)) tokens[name] = await ctx.admin.token(app.appid);
  const add = (token: string | undefined, kf_account: string) =>
    call(ctx.t.baseUrl, '/customservice/kfaccount/add', { query: { access_token: token }, body: { kf_account, nickname: 'N' } });
  expectOk(await add(tokens.service, 'a@kf_alias1'));
  expectOk(await add(tokens.service, 'b@kf_alias1'));
  expectOk(await add(tokens.miniProgram, 'm@gh_00000000000c'));
});

const post = (path: string, token: string | undefined, body: unknown, query: Query = {}) =>
  call(ctx.t.baseUrl, path, { method: 'POST', query: { access_token: token, ...query }, body });
const get = (path: string, query: Query) => call(ctx.t.baseUrl, path, { query });
const list = async (token = tokens.service) =>
  (await get('/cgi-bin/customservice/getkflist', { access_token: token })).json.kf_list as Record<string, unknown>[];
const NOT_ENABLED = 'please enable new custom service, or wait for a while if you have enabled';

describe('POST /customservice/kfaccount/update', () => {
  const update = (body: unknown, token = tokens.service) => post('/customservice/kfaccount/update', token, body);
  it('changes kf_nick only, naming the account in either suffix form and any case', async () => {
    expectOk(await update({ kf_account: 'A@gh_0123456789ab', nickname: '新名字', password: 'x' }));
    expect((await list())[0]).toEqual({ kf_account: 'a@kf_alias1', kf_headimgurl: '', kf_id: '1001', kf_nick: '新名字' });
  });
  it('rules in order: 65400, 65404, 65401, 65403', async () => {
    await ctx.admin.patchApp(APPS.service.appid, { kf_enabled: false });
    expectWxError(await update({ kf_account: 'bad', nickname: '' }), 65400, NOT_ENABLED, hint);
    await ctx.admin.patchApp(APPS.service.appid, { kf_enabled: true });
    expectWxError(await update({ kf_account: 'bad', nickname: '' }), 65404, 'illegal custom service account', hint);
    expectWxError(await update({ kf_account: 'zz@kf_alias1', nickname: '' }), 65401, 'invalid custom service account', hint);
    expectWxError(await update({ kf_account: 'a@kf_alias1', nickname: '' }), 65403, 'illegal nickname', hint);
    expectWxError(await update({ kf_account: 'a@kf_alias1', nickname: 5 }), 65403, 'illegal nickname', hint);
  });
  it('common checks: GET is 43002, an uncertified account 48001, an empty body 44002', async () => {
    expectWxError(
      await get('/customservice/kfaccount/update', { access_token: tokens.service }),
      43002,
      'require POST method',
      hint,
    );
    expectWxError(await update({}, tokens.uncertifiedService), 48001, 'api unauthorized', hint);
    expectWxError(await update(''), 44002, 'empty post data', hint);
  });
});

describe('/customservice/kfaccount/del', () => {
  it('GET with a raw @ in the query, GET percent-encoded, POST with a JSON body: each removes at once', async () => {
    const raw = await fetch(`${ctx.t.baseUrl}/customservice/kfaccount/del?access_token=${tokens.service}&kf_account=a@kf_alias1`);
    expect(await raw.json()).toEqual({ errcode: 0, errmsg: 'ok' });
    expectOk(await get('/customservice/kfaccount/del', { access_token: tokens.service, kf_account: 'b@gh_0123456789ab' }));
    expectOk(await post('/customservice/kfaccount/del', tokens.miniProgram, { kf_account: 'M@GH_00000000000C' }));
    expect(await list()).toEqual([]);
    expect(await list(tokens.miniProgram)).toEqual([]);
  });
  it('a deleted account added again gets a new kf_id', async () => {
    expectOk(await post('/customservice/kfaccount/del', tokens.service, { kf_account: 'b@kf_alias1' }));
    expectOk(await post('/customservice/kfaccount/add', tokens.service, { kf_account: 'b@kf_alias1', nickname: 'again' }));
    expect((await list()).map((a) => [a.kf_account, a.kf_id])).toEqual([
      ['a@kf_alias1', '1001'],
      ['b@kf_alias1', '1003'],
    ]);
  });
  it('rules in order: 65400, 65404, 65401; PUT is 43002; POST without body or query is 44002', async () => {
    await ctx.admin.patchApp(APPS.service.appid, { kf_enabled: false });
    expectWxError(
      await get('/customservice/kfaccount/del', { access_token: tokens.service, kf_account: 'x' }),
      65400,
      NOT_ENABLED,
      hint,
    );
    await ctx.admin.patchApp(APPS.service.appid, { kf_enabled: true });
    expectWxError(
      await get('/customservice/kfaccount/del', { access_token: tokens.service }),
      65404,
      'illegal custom service account',
      hint,
    );
    expectWxError(
      await get('/customservice/kfaccount/del', { access_token: tokens.service, kf_account: 'zz@kf_alias1' }),
      65401,
      'invalid custom service account',
      hint,
    );
    expectWxError(
      await call(ctx.t.baseUrl, '/customservice/kfaccount/del', { method: 'PUT', query: { access_token: tokens.service } }),
      43002,
      'require POST method',
      hint,
    );
    expectWxError(await post('/customservice/kfaccount/del', tokens.service, ''), 44002, 'empty post data', hint);
    expectOk(await post('/customservice/kfaccount/del', tokens.service, '', { kf_account: 'a@kf_alias1' }));
  });
});

describe('POST /customservice/kfaccount/inviteworker and the invitation lifecycle', () => {
  const invite = (kf_account: string, invite_wx: unknown, token = tokens.service) =>
    post('/customservice/kfaccount/inviteworker', token, { kf_account, invite_wx });
  const answer = (kf: string, what: 'accept' | 'reject', appid: string = APPS.service.appid) =>
    ctx.admin.request('POST', `/apps/${appid}/kf_accounts/${encodeURIComponent(kf)}/invitation/${what}`);

  it('waiting, then accepted: kf_wx replaces the invite fields; rejected and expired read as such', async () => {
    const now = (await ctx.admin.clock()).now;
    expectOk(await invite('a@kf_alias1', 'worker_one'));
    expect((await list())[0]).toEqual({
      kf_account: 'a@kf_alias1',
      kf_headimgurl: '',
      kf_id: '1001',
      kf_nick: 'N',
      invite_wx: 'worker_one',
      invite_expire_time: now + 7 * 86400,
      invite_status: 'waiting',
    });
    expect((await answer('a@kf_alias1', 'accept')).status).toBe(200);
    expect((await list())[0]).toEqual({
      kf_account: 'a@kf_alias1',
      kf_headimgurl: '',
      kf_id: '1001',
      kf_nick: 'N',
      kf_wx: 'worker_one',
    });
    expectOk(await invite('b@kf_alias1', 'worker_two'));
    const rejected = await answer('b@kf_alias1', 'reject');
    expect(rejected.status, rejected.text).toBe(200);
    expect((await list())[1]).toMatchObject({ invite_status: 'rejected' });
    expectOk(await invite('b@kf_alias1', 'worker_three'));
    await ctx.admin.advance(7 * 86400);
    tokens.service = await ctx.admin.token(APPS.service.appid); // the old one expired meanwhile
    expect((await list())[1]).toMatchObject({ invite_wx: 'worker_three', invite_status: 'expired' });
    expect((await answer('b@kf_alias1', 'accept')).status).toBe(409);
    expectOk(await invite('b@kf_alias1', 'worker_three'));
  });

  it('rules in order: 65400, 65404, 65401, 65409, 65412, 65411, 65407, 65408', async () => {
    await ctx.admin.patchApp(APPS.service.appid, { kf_enabled: false });
    expectWxError(await invite('bad', 'x'), 65400, NOT_ENABLED, hint);
    await ctx.admin.patchApp(APPS.service.appid, { kf_enabled: true });
    expectWxError(await invite('bad', 'x'), 65404, 'illegal custom service account', hint);
    expectWxError(await invite('zz@kf_alias1', 'x'), 65401, 'invalid custom service account', hint);
    for (const bad of ['x', '1worker', 'worker!', 'w'.repeat(21), 5, null]) {
      expectWxError(await invite('a@kf_alias1', bad), 65409, 'wechat account invalid', hint);
    }
    expectOk(await invite('a@kf_alias1', 'worker_one'));
    expectWxError(
      await invite('a@kf_alias1', 'worker_two'),
      65411,
      'a effective invitation to bind the custom service account exists',
      hint,
    );
    expectWxError(await invite('b@kf_alias1', 'worker_one'), 65408, 'you have already invited the wechat user', hint);
    await answer('a@kf_alias1', 'accept');
    expectWxError(
      await invite('a@kf_alias1', 'worker_two'),
      65412,
      'the custom service account have been bound by a wechat user',
      hint,
    );
    expectWxError(await invite('b@kf_alias1', 'worker_one'), 65407, 'the wechat user have been one of your workers', hint);
  });

  it('65410: a worker bound to 5 accounts across apps cannot be invited again', async () => {
    const apps = Array.from({ length: 6 }, (_, i) => ({
      appid: `wx00000000000001${(i + 16).toString(16)}`,
      alias: `many_${i}_alias`,
      kf_accounts: [{ kf_account: `w@many_${i}_alias`, nickname: 'W' }],
    }));
    await ctx.admin.seed({ apps });
    for (const [i, a] of apps.slice(0, 5).entries()) {
      const tok = await ctx.admin.token(a.appid);
      expectOk(await invite(`w@many_${i}_alias`, 'busy_worker', tok));
      expect((await answer(`w@many_${i}_alias`, 'accept', a.appid)).status).toBe(200);
    }
    const sixth = await ctx.admin.token(apps[5]!.appid);
    expectWxError(
      await invite('w@many_5_alias', 'busy_worker', sixth),
      65410,
      'too many custom service accounts bound by the worker',
      hint,
    );
  });

  it('Mini Programs and MiniGames get 48001; uncertified accounts too', async () => {
    expectWxError(await invite('m@gh_00000000000c', 'worker_one', tokens.miniProgram), 48001, 'api unauthorized', hint);
    expectWxError(await invite('x@x', 'worker_one', tokens.miniGame), 48001, 'api unauthorized', hint);
    expectWxError(await invite('x@x', 'worker_one', tokens.uncertifiedSubscription), 48001, 'api unauthorized', hint);
  });

  it('concurrent invitations of one WeChat ID to two accounts of one app: exactly one succeeds', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => invite(i % 2 ? 'a@kf_alias1' : 'b@kf_alias1', 'racing_worker')),
    );
    const codes = answers.map((a) => a.json.errcode);
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    expect(codes.every((c) => c === 0 || c === 65408 || c === 65411)).toBe(true);
  });
});

describe('getkflist after the app is deleted and made again', () => {
  it("lists only the new app's accounts (no list of the former app survives anywhere)", async () => {
    expect(await list()).toHaveLength(2);
    expect((await ctx.admin.request('DELETE', `/apps/${APPS.service.appid}`)).status).toBe(204);
    await ctx.admin.seed({ apps: [APPS.service] });
    tokens.service = await ctx.admin.token(APPS.service.appid);
    expect(await list()).toEqual([]);
    expectOk(await post('/customservice/kfaccount/add', tokens.service, { kf_account: 'z@kf_alias1', nickname: 'Z' }));
    expect((await list()).map((a) => [a.kf_account, a.kf_id])).toEqual([['z@kf_alias1', '1001']]);
  });
});

describe('getonlinekflist', () => {
  it('lists bound accounts set online, with numbers for status and accepted_case, on both paths', async () => {
    const online = async (path: string) => (await get(path, { access_token: tokens.service })).json;
    expect(await online('/cgi-bin/customservice/getonlinekflist')).toEqual({ kf_online_list: [] });
    await post('/customservice/kfaccount/inviteworker', tokens.service, { kf_account: 'a@kf_alias1', invite_wx: 'worker_one' });
    expect(
      (
        await ctx.admin.request('PUT', `/apps/${APPS.service.appid}/kf_accounts/a@kf_alias1/online`, {
          status: 1,
          accepted_case: 2,
        })
      ).status,
    ).toBe(409);
    await ctx.admin.request('POST', `/apps/${APPS.service.appid}/kf_accounts/a@kf_alias1/invitation/accept`);
    const set = await ctx.admin.request('PUT', `/apps/${APPS.service.appid}/kf_accounts/a@kf_alias1/online`, {
      status: 1,
      accepted_case: 2,
    });
    expect(set.json).toMatchObject({ online_status: 1, accepted_case: 2, kf_wx: 'worker_one' });
    const expected = { kf_online_list: [{ kf_account: 'a@kf_alias1', status: 1, kf_id: '1001', accepted_case: 2 }] };
    expect(await online('/cgi-bin/customservice/getonlinekflist')).toEqual(expected);
    expect(await online('/customservice/getonlinekflist')).toEqual(expected);
    expectOk(await post('/customservice/kfaccount/del', tokens.service, { kf_account: 'a@kf_alias1' }));
    expect(await online('/customservice/getonlinekflist')).toEqual({ kf_online_list: [] });
    expectWxError(await post('/cgi-bin/customservice/getonlinekflist', tokens.service, {}), 43001, 'require GET method', hint);
  });
});

describe('authorizer_access_token: the permission sets per interface', () => {
  const PLATFORM = 'wxabcdef1234567890';
  it("needs one of the interface's sets (61007 otherwise); a revoked authorization makes it 40001", async () => {
    expect((await ctx.admin.request('POST', '/component_platforms', { component_appid: PLATFORM })).status).toBe(201);
    const authorize = (ids: number[]) =>
      ctx.admin.request('POST', `/component_platforms/${PLATFORM}/authorizations`, {
        authorizer_appid: APPS.service.appid,
        funcscope_category_ids: ids,
      });
    expect((await authorize([19])).status).toBe(200);
    const tok = (await ctx.admin.request('POST', '/tokens', { appid: APPS.service.appid, component_appid: PLATFORM })).json
      .access_token as string;
    // Set 19 is enough for add, del, getkflist, getonlinekflist; not for update, uploadheadimg, inviteworker.
    expect((await get('/cgi-bin/customservice/getkflist', { access_token: tok })).json).toHaveProperty('kf_list');
    expectOk(await post('/customservice/kfaccount/add', tok, { kf_account: 'c@kf_alias1', nickname: 'C' }));
    const text = 'api is unauthorized to component';
    expectWxError(
      await post('/customservice/kfaccount/update', tok, { kf_account: 'c@kf_alias1', nickname: 'D' }),
      61007,
      text,
      hint,
    );
    expectWxError(await post('/customservice/kfaccount/inviteworker', tok, {}), 61007, text, hint);
    expectWxError(await post('/customservice/kfaccount/uploadheadimg', tok, {}), 61007, text, hint);
    expect((await authorize([6])).status).toBe(200);
    expectOk(await post('/customservice/kfaccount/update', tok, { kf_account: 'c@kf_alias1', nickname: 'D' }));
    // The account-type check comes first: an uncertified app's authorizer token is 48001.
    await ctx.admin.patchApp(APPS.service.appid, { certified: false });
    expectWxError(await post('/customservice/kfaccount/update', tok, {}), 48001, 'api unauthorized', hint);
    await ctx.admin.patchApp(APPS.service.appid, { certified: true });
    expect(
      (await ctx.admin.request('DELETE', `/component_platforms/${PLATFORM}/authorizations/${APPS.service.appid}`)).status,
    ).toBe(204);
    expectWxError(
      await get('/cgi-bin/customservice/getkflist', { access_token: tok }),
      40001,
      'invalid credential, access_token is invalid or not latest',
      hint,
    );
  });
});
