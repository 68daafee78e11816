import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SEED } from '../helpers/fixtures.js';
import { call, expectOk, expectWxError, type Query } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

const P = 'wxabcdef1234567890';
const PSECRET = 'abcdef0123456789abcdef0123456789';
const noHint = { hint: false };
const ctx = conformanceSuite({
  freeze: true,
  seed: { ...SEED, component_platforms: [{ component_appid: P, component_appsecret: PSECRET }] },
});
let appToken: string;
beforeEach(async () => {
  appToken = await ctx.admin.token(APPS.service.appid);
});

const post = (path: string, body: unknown, query: Query = {}) => call(ctx.t.baseUrl, path, { method: 'POST', query, body });
const pushTicket = (t: string) => ctx.admin.request('POST', `/component_platforms/${P}/ticket`, { component_verify_ticket: t });
const componentToken = async (ticket = 'ticket-1') => {
  const a = await post('/cgi-bin/component/api_component_token', {
    component_appid: P,
    component_appsecret: PSECRET,
    component_verify_ticket: ticket,
  });
  return a.json.component_access_token as string;
};
const authorize = async (ids: number[]) =>
  (
    await ctx.admin.request('POST', `/component_platforms/${P}/authorizations`, {
      authorizer_appid: APPS.service.appid,
      funcscope_category_ids: ids,
    })
  ).json.authorization_code as string;
const add = (token: string, kf: string) =>
  post('/customservice/kfaccount/add', { kf_account: kf, nickname: 'N' }, { access_token: token });

describe('third-party platform flow', () => {
  it('ticket → component token → code → query_auth → authorizer token → add (set 1) → refresh → revoke', async () => {
    expect((await pushTicket('ticket-1')).status).toBe(204);
    const ctoken = await componentToken();
    expect(ctoken).toMatch(/^[A-Za-z0-9_-]{128}$/);
    const code = await authorize([1]);
    const q = await post(
      '/cgi-bin/component/api_query_auth',
      { component_appid: P, authorization_code: code },
      { component_access_token: ctoken },
    );
    const info = q.json.authorization_info as Record<string, unknown>;
    expect(info).toMatchObject({
      authorizer_appid: APPS.service.appid,
      expires_in: 7200,
      func_info: [{ funcscope_category: { id: 1 } }],
    });
    const atoken = info.authorizer_access_token as string;
    expectOk(await add(atoken, 'tp1@kf_alias1'));
    // The new docs' access_token= works as well as component_access_token=.
    const r = await post(
      '/cgi-bin/component/api_authorizer_token',
      {
        component_appid: P,
        authorizer_appid: APPS.service.appid,
        authorizer_refresh_token: info.authorizer_refresh_token,
      },
      { access_token: ctoken },
    );
    expect(r.json).toMatchObject({ expires_in: 7200, authorizer_refresh_token: info.authorizer_refresh_token });
    const fresh = r.json.authorizer_access_token as string;
    expectOk(await add(fresh, 'tp2@kf_alias1'));
    expect((await ctx.admin.request('DELETE', `/component_platforms/${P}/authorizations/${APPS.service.appid}`)).status).toBe(
      204,
    );
    expectWxError(await add(fresh, 'tp3@kf_alias1'), 40001, 'invalid credential, access_token is invalid or not latest', {
      hint: true,
    });
    expectWxError(
      await post(
        '/cgi-bin/component/api_authorizer_token',
        {
          component_appid: P,
          authorizer_appid: APPS.service.appid,
          authorizer_refresh_token: info.authorizer_refresh_token,
        },
        { component_access_token: ctoken },
      ),
      61003,
      'component is not authorized by this account',
      noHint,
    );
  });

  it('an authorization with set 2 only is 61007 on add', async () => {
    await pushTicket('ticket-1');
    const ctoken = await componentToken();
    const q = await post(
      '/cgi-bin/component/api_query_auth',
      { component_appid: P, authorization_code: await authorize([2]) },
      { component_access_token: ctoken },
    );
    const atoken = (q.json.authorization_info as { authorizer_access_token: string }).authorizer_access_token;
    expectWxError(await add(atoken, 'tp@kf_alias1'), 61007, 'api is unauthorized to component', { hint: true });
  });

  it('api_component_token: 41002, 41004, 47001, 61011, 40125, 61006, 61005', async () => {
    const req = (body: Record<string, unknown>) => post('/cgi-bin/component/api_component_token', body);
    const full = { component_appid: P, component_appsecret: PSECRET, component_verify_ticket: 'ticket-1' };
    await pushTicket('ticket-1');
    expectWxError(await req({ ...full, component_appid: undefined }), 41002, 'appid missing', noHint);
    expectWxError(await req({ ...full, component_appsecret: '' }), 41004, 'appsecret missing', noHint);
    expectWxError(await req({ ...full, component_verify_ticket: undefined }), 47001, 'data format error', noHint);
    expectWxError(await req({ ...full, component_appid: 'wxffffffffffffffff' }), 61011, 'invalid component', noHint);
    expectWxError(await req({ ...full, component_appsecret: 'f'.repeat(32) }), 40125, 'invalid appsecret', noHint);
    expectWxError(await req({ ...full, component_verify_ticket: 'old' }), 61006, 'component ticket is invalid', noHint);
    await ctx.admin.advance(12 * 3600);
    expectWxError(await req(full), 61005, 'component ticket is expired', noHint);
    await pushTicket('ticket-2');
    expectWxError(await req(full), 61006, 'component ticket is invalid', noHint);
    expect((await req({ ...full, component_verify_ticket: 'ticket-2' })).json).toHaveProperty('component_access_token');
  });

  it('component token errors: 41001, 40001, 42001, 61014 for an app token; codes are single-use and live 3600 s (61010); 61023', async () => {
    await pushTicket('ticket-1');
    const q = (token: Query, body: unknown) => post('/cgi-bin/component/api_query_auth', body, token);
    const body = { component_appid: P, authorization_code: 'x' };
    expectWxError(await q({}, body), 41001, 'access_token missing', noHint);
    expectWxError(
      await q({ component_access_token: 'nope' }, body),
      40001,
      'invalid credential, access_token is invalid or not latest',
      noHint,
    );
    expectWxError(
      await q({ component_access_token: appToken }, body),
      61014,
      'must use component token for component api',
      noHint,
    );
    const ctoken = await componentToken();
    const code = await authorize([1, 6]);
    expectWxError(await q({ component_access_token: ctoken }, body), 61010, 'code is expired', noHint);
    expect((await q({ component_access_token: ctoken }, { component_appid: P, authorization_code: code })).json).toHaveProperty(
      'authorization_info',
    );
    expectWxError(
      await q({ component_access_token: ctoken }, { component_appid: P, authorization_code: code }),
      61010,
      'code is expired',
      noHint,
    );
    const late = await authorize([1]);
    await ctx.admin.advance(3600);
    expectWxError(
      await q({ component_access_token: ctoken }, { component_appid: P, authorization_code: late }),
      61010,
      'code is expired',
      noHint,
    );
    expectWxError(
      await post(
        '/cgi-bin/component/api_authorizer_token',
        {
          component_appid: P,
          authorizer_appid: APPS.service.appid,
          authorizer_refresh_token: 'wrong',
        },
        { component_access_token: ctoken },
      ),
      61023,
      'refresh_token is invalid',
      noHint,
    );
    await ctx.admin.advance(3600);
    expectWxError(await q({ component_access_token: ctoken }, body), 42001, 'access_token expired', noHint);
  });
});
