import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SEED } from '../helpers/fixtures.js';
import { call, expectOk, expectWxError } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

const ADD = '/customservice/kfaccount/add';
const LIST = '/cgi-bin/customservice/getkflist';
const hint = { hint: true };

const tokens: Record<string, string> = {};

const ctx = conformanceSuite({ freeze: true, seed: SEED });
beforeEach(async () => {
  for (const [name, app] of Object.entries(APPS)) tokens[name] = await ctx.admin.token(app.appid);
});

const add = (token: string | undefined, body: unknown, opts: { method?: string; headers?: Record<string, string> } = {}) =>
  call(ctx.t.baseUrl, ADD, { method: opts.method ?? 'POST', query: { access_token: token }, body, headers: opts.headers });
const list = async (token: string | undefined) =>
  (await call(ctx.t.baseUrl, LIST, { query: { access_token: token } })).json.kf_list as Record<string, unknown>[];

describe('POST /customservice/kfaccount/add: rules in order', () => {
  it('row 1: a method other than POST is 43002, before the token is looked at', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      expectWxError(await add(tokens.service, undefined, { method }), 43002, 'require POST method', hint);
    }
    expectWxError(await add(undefined, undefined, { method: 'GET' }), 43002, 'require POST method', hint);
  });

  it('row 2: a missing or empty access_token is 41001, whatever the body', async () => {
    expectWxError(await add(undefined, { kf_account: 'a@kf_alias1', nickname: 'A' }), 41001, 'access_token missing', hint);
    expectWxError(await add('', { kf_account: 'a@kf_alias1', nickname: 'A' }), 41001, 'access_token missing', hint);
    expectWxError(await add(undefined, 'not json'), 41001, 'access_token missing', hint);
  });

  it('row 3: an unknown or revoked token is 40001', async () => {
    expectWxError(
      await add('x'.repeat(128), { kf_account: 'a@kf_alias1', nickname: 'A' }),
      40001,
      'invalid credential, access_token is invalid or not latest',
      hint,
    );
    const revoked = await ctx.admin.request('POST', '/tokens/revoke', { access_token: tokens.service });
    expect(revoked.status).toBe(204);
    expectWxError(
      await add(tokens.service, { kf_account: 'a@kf_alias1', nickname: 'A' }),
      40001,
      'invalid credential, access_token is invalid or not latest',
      hint,
    );
  });

  it('row 3: a token superseded more than 5 minutes ago is 40001 (within 5 minutes it still works)', async () => {
    const old = tokens.service as string;
    await ctx.admin.token(APPS.service.appid);
    await ctx.admin.advance(299);
    expectOk(await add(old, { kf_account: 'a@kf_alias1', nickname: 'A' }));
    await ctx.admin.advance(1);
    expectWxError(
      await add(old, { kf_account: 'b@kf_alias1', nickname: 'B' }),
      40001,
      'invalid credential, access_token is invalid or not latest',
      hint,
    );
  });

  it('row 4: a token past its 7200 s is 42001; a superseded and expired one is 40001 (row 3 first)', async () => {
    await ctx.admin.advance(7199);
    expectOk(await add(tokens.service, { kf_account: 'a@kf_alias1', nickname: 'A' }));
    await ctx.admin.advance(1);
    expectWxError(await add(tokens.service, { kf_account: 'b@kf_alias1', nickname: 'B' }), 42001, 'access_token expired', hint);
    await ctx.admin.token(APPS.service.appid);
    await ctx.admin.advance(300);
    expectWxError(await add(tokens.service, {}), 40001, 'invalid credential, access_token is invalid or not latest', hint);
  });

  it('row 4 before row 5: an expired token of an uncertified account is 42001', async () => {
    await ctx.admin.advance(7200);
    expectWxError(await add(tokens.uncertifiedService, {}), 42001, 'access_token expired', hint);
  });

  it('row 5: uncertified subscription and service accounts get 48001; Mini Programs, MiniGames and certified accounts may call', async () => {
    for (const name of ['uncertifiedService', 'uncertifiedSubscription']) {
      expectWxError(await add(tokens[name], { kf_account: 'a@x', nickname: 'A' }), 48001, 'api unauthorized', hint);
    }
    expectOk(await add(tokens.miniProgram, { kf_account: 'a@gh_00000000000c', nickname: 'A' }));
    expectOk(await add(tokens.miniGame, { kf_account: 'a@gh_00000000000d', nickname: 'A' }));
    expectOk(await add(tokens.subscription, { kf_account: 'a@sub_alias2', nickname: 'A' }));
    expectOk(await add(tokens.service, { kf_account: 'a@kf_alias1', nickname: 'A' }));
  });

  it('row 5 before row 7: an uncertified account with an empty body is 48001', async () => {
    expectWxError(await add(tokens.uncertifiedService, ''), 48001, 'api unauthorized', hint);
  });

  it('row 7: an empty body is 44002 (also only a BOM or white space), before row 9', async () => {
    expectWxError(await add(tokens.service, ''), 44002, 'empty post data', hint);
    expectWxError(await add(tokens.service, '\ufeff'), 44002, 'empty post data', hint);
    expectWxError(await add(tokens.service, ' \r\n'), 44002, 'empty post data', hint);
    expectWxError(await add(tokens.disabled, ''), 44002, 'empty post data', hint);
  });

  it('row 8: a body that is not a JSON object is 47001, before row 9', async () => {
    for (const body of ['[]', '"text"', '1', 'null', 'true', '{"kf_account":', 'kf_account=a@kf_alias1']) {
      expectWxError(await add(tokens.service, body), 47001, 'data format error', hint);
    }
    expectWxError(await add(tokens.disabled, '[1]'), 47001, 'data format error', hint);
  });

  it('row 9: an app without new customer service gets 65400, before the kf_account is checked', async () => {
    const text = 'please enable new custom service, or wait for a while if you have enabled';
    expectWxError(await add(tokens.disabled, { kf_account: 'a@off_alias7', nickname: 'A' }), 65400, text, hint);
    expectWxError(await add(tokens.disabled, { kf_account: 'no at sign', nickname: 'A' }), 65400, text, hint);
  });

  it('row 10: an illegal kf_account is 65404', async () => {
    const bad: unknown[] = [
      undefined,
      null,
      5,
      true,
      ['a@kf_alias1'],
      { a: 1 },
      '',
      'abc',
      '@kf_alias1',
      'abcdefghijk@kf_alias1',
      'ab-c@kf_alias1',
      'ab.c@kf_alias1',
      'ab c@kf_alias1',
      '客服@kf_alias1',
      'a@other_alias',
      'a@',
      'a@kf_alias1@kf_alias1',
      'a@gh_0123456789ac',
      ' a@kf_alias1',
      'a@kf_alias1 ',
    ];
    for (const kf_account of bad) {
      expectWxError(await add(tokens.service, { kf_account, nickname: 'A' }), 65404, 'illegal custom service account', hint);
    }
  });

  it('row 10: the whole kf_account is at most 30 characters', async () => {
    expectWxError(
      await add(tokens.longAlias, { kf_account: 'abcdefghij@a234567890123456789b', nickname: 'A' }),
      65404,
      'illegal custom service account',
      hint,
    );
    expectOk(await add(tokens.longAlias, { kf_account: 'abcdefghi@a234567890123456789b', nickname: 'A' }));
  });

  it('row 10: an app with neither WeChat ID nor original ID can add no account', async () => {
    expectWxError(
      await add(tokens.noWechatId, { kf_account: 'a@', nickname: 'A' }),
      65404,
      'illegal custom service account',
      hint,
    );
  });

  it('row 10 before row 11: an illegal kf_account and an illegal nickname are 65404', async () => {
    expectWxError(await add(tokens.service, { kf_account: 'bad', nickname: '' }), 65404, 'illegal custom service account', hint);
  });

  it('row 11: an illegal nickname is 65403', async () => {
    const bad: unknown[] = [
      undefined,
      null,
      5,
      false,
      ['A'],
      {},
      '',
      'x'.repeat(17),
      '客'.repeat(17),
      '   ',
      '\u3000\u3000',
      '\t\n',
      'a\u0001b',
      'a\u007fb',
      'a\u200bb',
      'a\ufeffb',
      'a\u202eb',
      'a\ud800b',
      '\udc00',
    ];
    for (const nickname of bad) {
      expectWxError(await add(tokens.service, { kf_account: 'a@kf_alias1', nickname }), 65403, 'illegal nickname', hint);
    }
  });

  it('row 11 before row 12: an illegal nickname for an account that exists is 65403', async () => {
    expectOk(await add(tokens.service, { kf_account: 'a@kf_alias1', nickname: 'A' }));
    expectWxError(await add(tokens.service, { kf_account: 'a@kf_alias1', nickname: '' }), 65403, 'illegal nickname', hint);
  });

  it('row 11: nickname length counts code points: 16 emoji or 16 Chinese characters are fine', async () => {
    expectOk(await add(tokens.service, { kf_account: 'e@kf_alias1', nickname: '😀'.repeat(16) }));
    expectOk(await add(tokens.service, { kf_account: 'c@kf_alias1', nickname: '客'.repeat(16) }));
    expectOk(await add(tokens.service, { kf_account: 's@kf_alias1', nickname: ' 客服 1 ' }));
    const nicks = (await list(tokens.service)).map((a) => a.kf_nick);
    expect(nicks).toEqual(['😀'.repeat(16), '客'.repeat(16), ' 客服 1 ']);
  });

  it('row 12: the same PREFIX in any letter case or either suffix form is 65406', async () => {
    expectOk(await add(tokens.service, { kf_account: 'u7@kf_alias1', nickname: 'A' }));
    for (const kf_account of ['u7@kf_alias1', 'U7@kf_alias1', 'u7@KF_ALIAS1', 'u7@gh_0123456789ab', 'U7@GH_0123456789AB']) {
      expectWxError(await add(tokens.service, { kf_account, nickname: 'B' }), 65406, 'custom service account exists', hint);
    }
    expect(await list(tokens.service)).toHaveLength(1);
  });

  it('row 12 before row 13, and row 13: a full app answers 65406 for an existing account, 65405 for a new one', async () => {
    const kf_accounts = Array.from({ length: 99 }, (_, i) => ({ kf_account: `s${i}@kf_alias1`, nickname: `S${i}` }));
    await ctx.admin.seed({ apps: [{ ...APPS.service, kf_accounts }] });
    expectOk(await add(tokens.service, { kf_account: 'last@kf_alias1', nickname: 'L' }));
    expectWxError(
      await add(tokens.service, { kf_account: 'S5@kf_alias1', nickname: 'B' }),
      65406,
      'custom service account exists',
      hint,
    );
    expectWxError(
      await add(tokens.service, { kf_account: 'new@kf_alias1', nickname: 'N' }),
      65405,
      'custom service account number reach limit',
      hint,
    );
    expect(await list(tokens.service)).toHaveLength(100);
  });

  it('row 14: the account is stored as sent and listed at once, kf_id from 1001, legacy password and unknown fields ignored', async () => {
    expectOk(
      await add(tokens.service, {
        kf_account: 'Test1@KF_alias1',
        nickname: '客服1',
        password: 'e10adc3949ba59abbe56e057f20f883e',
      }),
    );
    expectOk(await add(tokens.service, { kf_account: 'test2@gh_0123456789ab', nickname: '客服2', extra: { x: 1 } }));
    const expected = [
      { kf_account: 'Test1@KF_alias1', kf_headimgurl: '', kf_id: '1001', kf_nick: '客服1' },
      { kf_account: 'test2@gh_0123456789ab', kf_headimgurl: '', kf_id: '1002', kf_nick: '客服2' },
    ];
    expect(await list(tokens.service)).toEqual(expected);
    const other = await call(ctx.t.baseUrl, '/customservice/getkflist', { query: { access_token: tokens.service } });
    expect(other.json).toEqual({ kf_list: expected });
    expect(other.headers.get('content-type')).toBe('application/json; encoding=utf-8');
    expect(other.text).toContain('客服1');
  });

  it("getkflist: runs the common checks and answers only the accounts of the caller's app", async () => {
    expectWxError(
      await call(ctx.t.baseUrl, LIST, { method: 'POST', query: { access_token: tokens.service }, body: {} }),
      43001,
      'require GET method',
      hint,
    );
    expectWxError(await call(ctx.t.baseUrl, LIST), 41001, 'access_token missing', hint);
    expectWxError(
      await call(ctx.t.baseUrl, LIST, { query: { access_token: tokens.uncertifiedService } }),
      48001,
      'api unauthorized',
      hint,
    );
    expectOk(await add(tokens.subscription, { kf_account: 'a@sub_alias2', nickname: 'A' }));
    expect(await list(tokens.service)).toEqual([]);
    expect(await list(tokens.subscription)).toHaveLength(1);
  });
});
