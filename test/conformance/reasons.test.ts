import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SECRET, SEED } from '../helpers/fixtures.js';
import { call } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

/**
 * A refusal's reason in plain words, for a tester: in the journal entry (admin API), never in
 * WeChat's answer. Each row of addkfaccount's table, and the token calls filed under their appid.
 */
const ADD = '/customservice/kfaccount/add';
const ctx = conformanceSuite({ freeze: true, seed: SEED });
let token: string;
beforeEach(async () => {
  token = await ctx.admin.token(APPS.service.appid);
});

const ridOf = (errmsg: unknown) => /rid: (\S+)$/.exec(String(errmsg))?.[1] as string;
async function journalEntry(rid: string): Promise<Record<string, unknown>> {
  const a = await ctx.admin.request('GET', `/journal/${rid}`);
  expect(a.status).toBe(200);
  return a.json;
}

async function reasonOf(answer: { json: Record<string, unknown> }): Promise<string> {
  expect(answer.json.errcode).not.toBe(0);
  const entry = await journalEntry(ridOf(answer.json.errmsg));
  // The wire answer stays WeChat's own text: the reason is not in it.
  expect(String(answer.json.errmsg)).not.toContain(String(entry.reason));
  return String(entry.reason);
}

const add = (body: unknown, opts: { method?: string; token?: string } = {}) =>
  call(ctx.t.baseUrl, ADD, { method: opts.method ?? 'POST', query: { access_token: opts.token ?? token }, body });

describe('every refusal of addkfaccount records why, in plain words', () => {
  it.each([
    ['row 1 (43002)', () => add(undefined, { method: 'GET' }), /GET on an endpoint that takes POST/],
    ['row 2 (41001)', () => call(ctx.t.baseUrl, ADD, { method: 'POST', body: {} }), /no access_token/],
    ['row 3 (40001)', () => add({}, { token: 'x'.repeat(128) }), /unknown access_token/],
    ['row 7 (44002)', () => add(''), /body is empty/],
    ['row 8 (47001)', () => add('[1]'), /not an object/],
    [
      'row 9 (65400)',
      async () => {
        await ctx.admin.patchApp(APPS.service.appid, { kf_enabled: false });
        return add({ kf_account: 'a@kf_alias1', nickname: 'A' });
      },
      /not enabled new customer service/,
    ],
    ['row 10 (65404, no @)', () => add({ kf_account: 'abc', nickname: 'A' }), /no @/],
    ['row 10 (65404, suffix)', () => add({ kf_account: 'a@wrong', nickname: 'A' }), /suffix must be @kf_alias1 or @gh_/],
    ['row 10 (65404, PREFIX)', () => add({ kf_account: 'a-b@kf_alias1', nickname: 'A' }), /PREFIX "a-b"/],
    ['row 11 (65403, length)', () => add({ kf_account: 'a@kf_alias1', nickname: 'x'.repeat(17) }), /17 characters, at most 16/],
    ['row 11 (65403, type)', () => add({ kf_account: 'a@kf_alias1', nickname: 5 }), /nickname is a number/],
  ])('%s', async (_row, make, reason) => {
    expect(await reasonOf(await make())).toMatch(reason);
  });

  it('row 5 (48001), row 12 (65406) and row 13 (65405)', async () => {
    const uncertified = await ctx.admin.token(APPS.uncertifiedService.appid);
    expect(await reasonOf(await add({}, { token: uncertified }))).toMatch(/uncertified service account may not call/);
    await add({ kf_account: 'dup@kf_alias1', nickname: 'A' });
    expect(await reasonOf(await add({ kf_account: 'DUP@kf_alias1', nickname: 'A' }))).toMatch(/PREFIX dup already/);
    for (let i = 0; i < 99; i++) await add({ kf_account: `p${i}@kf_alias1`, nickname: 'A' });
    expect(await reasonOf(await add({ kf_account: 'full@kf_alias1', nickname: 'A' }))).toMatch(/has 100 accounts/);
  });

  it('row 6 (45009): a used-up quota', async () => {
    await ctx.admin.request('PUT', `/apps/${APPS.service.appid}/quotas`, { cgi_path: ADD, daily_limit: 0 });
    expect(await reasonOf(await add({ kf_account: 'a@kf_alias1', nickname: 'A' }))).toMatch(
      /used its 0 calls of \/customservice\/kfaccount\/add today/,
    );
  });

  it('a success has no reason', async () => {
    const ok = await add({ kf_account: 'fine@kf_alias1', nickname: 'A' });
    expect(ok.json.errcode).toBe(0);
    const entries = (await ctx.admin.request('GET', `/journal?path=${encodeURIComponent(ADD)}&errcode=0`)).json.entries as Record<
      string,
      unknown
    >[];
    expect(entries.map((e) => e.reason)).toEqual([null]);
  });
});

describe('token calls are journaled under the appid they name', () => {
  it('a success, a wrong secret, an unknown appid, stable_token and clear_quota/v2; filtering by app finds them', async () => {
    const tokenCall = (query: Record<string, string>) =>
      call(ctx.t.baseUrl, '/cgi-bin/token', { query: { grant_type: 'client_credential', ...query } });
    expect((await tokenCall({ appid: APPS.service.appid, secret: SECRET })).json.access_token).toBeTruthy();
    const wrong = await tokenCall({ appid: APPS.service.appid, secret: '0'.repeat(32) });
    expect(wrong.json.errcode).toBe(40125);
    expect(await reasonOf(wrong)).toMatch(/secret is not/);
    const unknown = await tokenCall({ appid: 'wx0000000000000999', secret: SECRET });
    expect((await journalEntry(ridOf(unknown.json.errmsg))).appid).toBe('wx0000000000000999');
    const stable = await call(ctx.t.baseUrl, '/cgi-bin/stable_token', {
      body: { grant_type: 'client_credential', appid: APPS.service.appid, secret: 'nope' },
    });
    expect(stable.json.errcode).toBe(40125);
    const v2 = await call(ctx.t.baseUrl, '/cgi-bin/clear_quota/v2', {
      method: 'POST',
      query: { appid: APPS.service.appid, appsecret: SECRET },
    });
    expect(v2.json.errcode).toBe(0);
    const mine = (await ctx.admin.request('GET', `/journal?appid=${APPS.service.appid}`)).json.entries as Record<
      string,
      unknown
    >[];
    const paths = mine.map((e) => `${String(e.path)} ${String(e.errcode)}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/cgi-bin/token 0',
        '/cgi-bin/token 40125',
        '/cgi-bin/stable_token 40125',
        '/cgi-bin/clear_quota/v2 0',
      ]),
    );
  });
});
