import { describe, expect, it } from 'vitest';
import { APPS, SECRET, SEED } from '../helpers/fixtures.js';
import { call, expectOk, expectWxError, type Answer } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

const APPID = APPS.service.appid;
const noHint = { hint: false };
const INVALID = 'invalid credential, access_token is invalid or not latest';

const ctx = conformanceSuite({ freeze: true, seed: SEED });

const token = (query: Record<string, string | undefined>, method = 'GET') =>
  call(ctx.t.baseUrl, '/cgi-bin/token', { method, query });
const clientCredential = (appid = APPID, secret = SECRET) => token({ grant_type: 'client_credential', appid, secret });
const stable = (body: unknown) => call(ctx.t.baseUrl, '/cgi-bin/stable_token', { method: 'POST', body });
const stableBody = (extra: Record<string, unknown> = {}) => ({
  grant_type: 'client_credential',
  appid: APPID,
  secret: SECRET,
  ...extra,
});
/** Uses a token on an endpoint that needs one: 0 when it works. */
const use = async (accessToken: string) =>
  await call(ctx.t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: accessToken } });
const works = async (accessToken: string) => expect((await use(accessToken)).json).toHaveProperty('kf_list');
const accessToken = (a: Answer) => a.json.access_token as string;

describe('GET /cgi-bin/token', () => {
  it('answers a new 128-character token of A-Za-z0-9_- with expires_in 7200, and no errcode', async () => {
    const a = await clientCredential();
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/json; encoding=utf-8');
    expect(Object.keys(a.json).sort()).toEqual(['access_token', 'expires_in']);
    expect(a.json.expires_in).toBe(7200);
    expect(accessToken(a)).toMatch(/^[A-Za-z0-9_-]{128,}$/);
    expect(accessToken(await clientCredential())).not.toBe(accessToken(a));
  });

  it('checks in order: method, grant_type, appid, secret, app, secret match, frozen, IP whitelist', async () => {
    expectWxError(await token({}, 'POST'), 43001, 'require GET method', noHint);
    expectWxError(await token({ appid: APPID, secret: SECRET }), 40002, 'invalid grant_type', noHint);
    expectWxError(await token({ grant_type: 'password', appid: APPID, secret: SECRET }), 40002, 'invalid grant_type', noHint);
    expectWxError(await token({ grant_type: 'client_credential', secret: SECRET }), 41002, 'appid missing', noHint);
    expectWxError(await token({ grant_type: 'client_credential', appid: '', secret: 'x' }), 41002, 'appid missing', noHint);
    expectWxError(await token({ grant_type: 'client_credential', appid: 'wxnothere' }), 41004, 'appsecret missing', noHint);
    expectWxError(await clientCredential('wxffffffffffffffff'), 40013, 'invalid appid', noHint);
    expectWxError(await clientCredential(APPID, 'f'.repeat(32)), 40125, 'invalid appsecret', noHint);
    expectWxError(await clientCredential(APPID, SECRET.toUpperCase()), 40125, 'invalid appsecret', noHint);
    await ctx.admin.patchApp(APPID, { secret_frozen: true });
    expectWxError(await clientCredential(APPID, 'f'.repeat(32)), 40125, 'invalid appsecret', noHint);
    expectWxError(await clientCredential(), 40243, 'appsecret is frozen', noHint);
    await ctx.admin.patchApp(APPID, { secret_frozen: false, ip_whitelist: ['203.0.113.9'] });
    const a = await clientCredential();
    expect(a.json.errcode).toBe(40164);
    expect(String(a.json.errmsg)).toMatch(/^invalid ip \S+ ipv6 ::ffff:\S+, not in whitelist rid: [0-9a-f-]{26}$/);
    await ctx.admin.patchApp(APPID, { ip_whitelist: ['203.0.113.9', '127.0.0.1'] });
    expect(accessToken(await clientCredential())).toBeTruthy();
  });

  it('supersedes the previous token: it works 300 s more, then answers 40001', async () => {
    const first = accessToken(await clientCredential());
    await ctx.admin.advance(60);
    const second = accessToken(await clientCredential());
    await ctx.admin.advance(100);
    accessToken(await clientCredential()); // a later issue does not move the first one's supersession
    await ctx.admin.advance(199);
    await works(first);
    await ctx.admin.advance(1);
    expectWxError(await use(first), 40001, INVALID, { hint: true });
    await works(second);
  });

  it('a token answers 42001 once it is 7200 s old', async () => {
    const tok = accessToken(await clientCredential());
    await ctx.admin.advance(7199);
    await works(tok);
    await ctx.admin.advance(1);
    expectWxError(await use(tok), 42001, 'access_token expired', { hint: true });
  });

  it('does not touch the stable_token family, and the other way round', async () => {
    const plain = accessToken(await clientCredential());
    const st = accessToken(await stable(stableBody()));
    await accessToken(await clientCredential());
    await stable(stableBody({ force_refresh: true }));
    await ctx.admin.advance(301);
    expectWxError(await use(plain), 40001, INVALID, { hint: true });
    expectWxError(await use(st), 40001, INVALID, { hint: true });
    const st2 = accessToken(await stable(stableBody()));
    accessToken(await clientCredential());
    await ctx.admin.advance(301);
    await works(st2);
  });
});

describe('POST /cgi-bin/stable_token', () => {
  it('GET is 43002; a body that is not a JSON object is 47001, before anything else', async () => {
    expectWxError(
      await call(ctx.t.baseUrl, '/cgi-bin/stable_token', { query: stableBody() as never }),
      43002,
      'require POST method',
      noHint,
    );
    expectWxError(await stable('[1]'), 47001, 'data format error', noHint);
    expectWxError(await stable('grant_type=client_credential'), 47001, 'data format error', noHint);
    expectWxError(await stable(''), 44002, 'empty post data', noHint);
    expectWxError(await stable({ appid: APPID, secret: SECRET }), 40002, 'invalid grant_type', noHint);
    expectWxError(await stable({ grant_type: 'client_credential', secret: SECRET }), 41002, 'appid missing', noHint);
    expectWxError(await stable({ grant_type: 'client_credential', appid: APPID, secret: 5 }), 41004, 'appsecret missing', noHint);
    expectWxError(await stable(stableBody({ appid: 'wxffffffffffffffff' })), 40013, 'invalid appid', noHint);
    expectWxError(await stable(stableBody({ secret: 'nope' })), 40125, 'invalid appsecret', noHint);
  });

  it('normal mode: the same token while more than 300 s are left, then a new one; the old one works to its expiry', async () => {
    const first = await stable(stableBody());
    expect(first.json.expires_in).toBe(7200);
    await ctx.admin.advance(1000);
    const again = await stable(stableBody({ force_refresh: false }));
    expect(accessToken(again)).toBe(accessToken(first));
    expect(again.json.expires_in).toBe(6200);
    await ctx.admin.advance(5899); // 301 s left
    expect(accessToken(await stable(stableBody()))).toBe(accessToken(first));
    await ctx.admin.advance(1); // 300 s left: a new one
    const next = await stable(stableBody());
    expect(accessToken(next)).not.toBe(accessToken(first));
    expect(next.json.expires_in).toBe(7200);
    await works(accessToken(first));
    await ctx.admin.advance(299);
    await works(accessToken(first));
    await ctx.admin.advance(1);
    expectWxError(await use(accessToken(first)), 42001, 'access_token expired', { hint: true });
    await works(accessToken(next));
  });

  it('only JSON true forces: "true" and 1 are normal mode', async () => {
    const first = accessToken(await stable(stableBody()));
    await ctx.admin.advance(60);
    expect(accessToken(await stable(stableBody({ force_refresh: 'true' })))).toBe(first);
    expect(accessToken(await stable(stableBody({ force_refresh: 1 })))).toBe(first);
  });

  it('force_refresh: a new token, and the previous one stops at once', async () => {
    const first = accessToken(await stable(stableBody()));
    await ctx.admin.advance(60);
    const forced = await stable(stableBody({ force_refresh: true }));
    expect(accessToken(forced)).not.toBe(first);
    expect(forced.json.expires_in).toBe(7200);
    expectWxError(await use(first), 40001, INVALID, { hint: true });
    await works(accessToken(forced));
  });

  it('force_refresh within 30 s of the last forced refresh returns the current token unchanged', async () => {
    const forced = accessToken(await stable(stableBody({ force_refresh: true })));
    await ctx.admin.advance(29);
    const again = await stable(stableBody({ force_refresh: true }));
    expect(accessToken(again)).toBe(forced);
    expect(again.json.errcode).toBeUndefined();
    await ctx.admin.advance(1);
    expect(accessToken(await stable(stableBody({ force_refresh: true })))).not.toBe(forced);
  });

  it('at most 20 forced refreshes a China day; the 21st returns the current token, the next China day refreshes again', async () => {
    // Start just after midnight China time (16:00 UTC) so the 20 refreshes fit in one China day.
    const now = (await ctx.admin.clock()).now;
    const midnightChina = Math.floor((now + 8 * 3600) / 86400) * 86400 - 8 * 3600 + 86400;
    await ctx.admin.clock({ set: midnightChina + 10 });
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      seen.add(accessToken(await stable(stableBody({ force_refresh: true }))));
      await ctx.admin.advance(31);
    }
    expect(seen.size).toBe(20);
    const last = [...seen].at(-1) as string;
    expect(accessToken(await stable(stableBody({ force_refresh: true })))).toBe(last);
    await works(last);
    await ctx.admin.clock({ set: midnightChina + 86400 });
    expect(accessToken(await stable(stableBody({ force_refresh: true })))).not.toBe(last);
  });

  it('a rotated secret: the old token keeps working, the next call answers a new token', async () => {
    const first = accessToken(await stable(stableBody()));
    const rotated = await ctx.admin.request('POST', `/apps/${APPID}/secret`);
    const secret = rotated.json.secret as string;
    expect(secret).toMatch(/^[0-9a-f]{32}$/);
    expectWxError(await stable(stableBody()), 40125, 'invalid appsecret', noHint);
    const next = accessToken(await stable(stableBody({ secret })));
    expect(next).not.toBe(first);
    await works(first);
  });
});

describe('tokens survive what the admin API does to other tokens', () => {
  it('revoking one token leaves the others working', async () => {
    const a = accessToken(await clientCredential());
    const b = await ctx.admin.token(APPS.subscription.appid);
    const r = await ctx.admin.request('POST', '/tokens/revoke', { access_token: a });
    expect(r.status).toBe(204);
    expectWxError(await use(a), 40001, INVALID, { hint: true });
    await works(b);
    expect((await ctx.admin.request('POST', '/tokens/revoke', { access_token: a })).status).toBe(404);
  });

  it('an admin-issued token is a /cgi-bin/token-family token', async () => {
    const a = await ctx.admin.token(APPID);
    expectOk(
      await call(ctx.t.baseUrl, '/customservice/kfaccount/add', {
        query: { access_token: a },
        body: { kf_account: 'a@kf_alias1', nickname: 'A' },
      }),
    );
    await clientCredential();
    await ctx.admin.advance(300);
    expectWxError(await use(a), 40001, INVALID, { hint: true });
  });
});
