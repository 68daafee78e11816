import { describe, expect, it } from 'vitest';
import { APPS, SECRET, SEED } from '../helpers/fixtures.js';
import { call } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

const ctx = conformanceSuite();

describe('admin API authentication', () => {
  it('a wrong, missing or malformed bearer token gets 401 and nothing else', async () => {
    for (const authorization of [
      undefined,
      '',
      'Bearer',
      'Bearer wrong',
      `Basic ${ctx.t.adminToken}`,
      `Bearer ${ctx.t.adminToken}x`,
    ]) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      const a = await call(ctx.t.baseUrl, '/admin/api/apps', { headers });
      expect(a.status).toBe(401);
      expect(Object.keys(a.json)).toEqual(['error']);
    }
    const reset = await call(ctx.t.baseUrl, '/admin/api/reset', { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(reset.status).toBe(401);
  });
});

describe('/admin/api/clock', () => {
  it('freezes, advances, sets and returns to real time', async () => {
    const real = await ctx.admin.clock();
    expect(real).toMatchObject({ frozen: false, offset: 0 });
    const frozen = await ctx.admin.clock({ freeze: true });
    expect(frozen.frozen).toBe(true);
    const later = await ctx.admin.clock({ advance: 3600 });
    expect(later.now).toBe(frozen.now + 3600);
    expect(await ctx.admin.clock()).toMatchObject({ now: frozen.now + 3600, frozen: true });
    expect(await ctx.admin.clock({ set: 2_000_000_000 })).toMatchObject({ now: 2_000_000_000, frozen: true });
    const back = await ctx.admin.clock({ real: true });
    expect(back).toMatchObject({ frozen: false, offset: 0 });
    expect(Math.abs(back.now - real.now)).toBeLessThan(120);
  });

  it('rejects a body that is not exactly one known change, naming the field', async () => {
    for (const body of [{}, { advance: '5' }, { advance: 1, set: 2 }, { freeze: false }, { tick: 1 }]) {
      const a = await ctx.admin.request('POST', '/clock', body);
      expect(a.status).toBe(400);
      expect(typeof a.json.error).toBe('string');
    }
    expect((await ctx.admin.request('POST', '/clock', { tick: 1 })).json.error).toContain('tick');
  });

  it('stays within the times a rid can carry (Unix seconds 0 to 4294967295): past them is a 400 naming the field', async () => {
    const before = await ctx.admin.clock();
    const set = await ctx.admin.request('POST', '/clock', { set: 4_294_967_296 });
    expect(set.status).toBe(400);
    expect(set.json.error).toContain('set');
    const back = await ctx.admin.request('POST', '/clock', { advance: -(before.now + 10) });
    expect(back.status).toBe(400);
    expect(back.json.error).toContain('advance');
    expect(Math.abs((await ctx.admin.clock()).now - before.now)).toBeLessThan(120);
    expect(await ctx.admin.clock({ set: 4_294_967_295 })).toMatchObject({ now: 4_294_967_295 });
    const far = await ctx.admin.request('POST', '/clock', { advance: 1 });
    expect(far.status).toBe(400);
    const unknown = await call(ctx.t.baseUrl, '/cgi-bin/nope');
    expect(String(unknown.json.errmsg)).toMatch(/rid: ffffffff-/);
    await ctx.admin.clock({ real: true });
  });
});

describe('/admin/api/apps', () => {
  it('creates an app with documented defaults and a generated secret, reads, changes and deletes it', async () => {
    const created = await ctx.admin.request('POST', '/apps', { appid: 'wx00000000000000aa' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      appid: 'wx00000000000000aa',
      type: 'service',
      certified: true,
      alias: '',
      kf_enabled: true,
      ip_whitelist: [],
      secret_frozen: false,
    });
    expect(created.json.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(created.json.original_id).toMatch(/^gh_[0-9a-f]{12}$/);
    expect((await ctx.admin.request('POST', '/apps', { appid: 'wx00000000000000aa' })).status).toBe(409);
    const patched = await ctx.admin.request('PATCH', '/apps/wx00000000000000aa', { secret_frozen: true, alias: 'new_alias' });
    expect(patched.json).toMatchObject({ secret_frozen: true, alias: 'new_alias' });
    expect((await ctx.admin.request('GET', '/apps/wx00000000000000aa')).json).toMatchObject({ secret_frozen: true });
    expect((await ctx.admin.request('DELETE', '/apps/wx00000000000000aa')).status).toBe(204);
    expect((await ctx.admin.request('GET', '/apps/wx00000000000000aa')).status).toBe(404);
  });

  it('names every wrong or unknown field', async () => {
    const a = await ctx.admin.request('POST', '/apps', { appid: 'WX1', type: 'bank', alias: '1abc', colour: 'red' });
    expect(a.status).toBe(400);
    for (const field of ['appid', 'type', 'alias', 'colour']) expect(a.json.error).toContain(field);
    const p = await ctx.admin.request('PATCH', `/apps/${APPS.service.appid}`, { appid: 'wx0000000000000001' });
    expect(p.status).toBe(400);
  });

  it('deleting an app ends its tokens', async () => {
    await ctx.admin.seed(SEED);
    const token = await ctx.admin.token(APPS.service.appid);
    await ctx.admin.request('DELETE', `/apps/${APPS.service.appid}`);
    const a = await call(ctx.t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: token } });
    expect(a.json.errcode).toBe(40001);
  });
});

describe('/admin/api/seed', () => {
  const doc = {
    apps: [
      { ...APPS.service, kf_accounts: [{ kf_account: 'alice@kf_alias1', nickname: 'Alice' }] },
      { appid: 'wx00000000000000bb' },
    ],
    component_platforms: [
      {
        component_appid: 'wxabcdef1234567890',
        component_appsecret: SECRET,
        authorizations: [{ authorizer_appid: APPS.service.appid, funcscope_category_ids: [1, 6] }],
      },
    ],
  };

  it('applies a seed, and applying it twice changes nothing', async () => {
    const first = await ctx.admin.seed(doc);
    expect(first.kf_accounts_added).toBe(1);
    const generated = (first.apps as { appid: string; secret?: string }[]).find((a) => a.appid === 'wx00000000000000bb');
    expect(generated?.secret).toMatch(/^[0-9a-f]{32}$/);
    const before = await ctx.admin.request('GET', '/apps');
    const second = await ctx.admin.seed(doc);
    expect(second.kf_accounts_added).toBe(0);
    expect((second.apps as { created: boolean }[]).every((a) => !a.created)).toBe(true);
    expect((await ctx.admin.request('GET', '/apps')).json).toEqual(before.json);
    expect(await ctx.admin.kfAccounts(APPS.service.appid)).toHaveLength(1);
  });

  it('rejects unknown keys by name and writes nothing', async () => {
    const bad = { apps: [{ appid: 'wx00000000000000cc', colour: 'red' }], platforms: [] };
    const a = await ctx.admin.request('POST', '/seed', bad);
    expect(a.status).toBe(400);
    expect(a.json.error).toContain('apps[0].colour: unknown key');
    expect(a.json.error).toContain('platforms: unknown key');
    expect((await ctx.admin.request('GET', '/apps/wx00000000000000cc')).status).toBe(404);
  });

  it('rejects an account that breaks the kf rules and writes nothing', async () => {
    const bad = {
      apps: [{ appid: 'wx00000000000000dd', alias: 'good_alias', kf_accounts: [{ kf_account: 'a@other_alias', nickname: 'A' }] }],
    };
    const a = await ctx.admin.request('POST', '/seed', bad);
    expect(a.status).toBe(400);
    expect(a.json.error).toContain('kf_account');
    expect((await ctx.admin.request('GET', '/apps/wx00000000000000dd')).status).toBe(404);
  });
});

describe('admin API times', () => {
  it('are Unix seconds by the deployment clock: apps, kf accounts, invitations', async () => {
    const at = 1_900_000_000;
    await ctx.admin.clock({ set: at });
    const created = await ctx.admin.request('POST', '/apps', { appid: 'wx00000000000000ee', alias: 'times_alias' });
    expect(created.json).toMatchObject({ created_at: at, updated_at: at });
    await ctx.admin.clock({ advance: 60 });
    const patched = await ctx.admin.request('PATCH', '/apps/wx00000000000000ee', { certified: true });
    expect(patched.json).toMatchObject({ created_at: at, updated_at: at + 60 });
    expect((await ctx.admin.request('GET', '/apps')).json.apps).toEqual([
      expect.objectContaining({ created_at: at, updated_at: at + 60 }),
    ]);
    const token = await ctx.admin.token('wx00000000000000ee');
    const add = await call(ctx.t.baseUrl, '/customservice/kfaccount/add', {
      method: 'POST',
      query: { access_token: token },
      body: { kf_account: 't1@times_alias', nickname: 'T' },
    });
    expect(add.json.errcode).toBe(0);
    const invite = await call(ctx.t.baseUrl, '/customservice/kfaccount/inviteworker', {
      method: 'POST',
      query: { access_token: token },
      body: { kf_account: 't1@times_alias', invite_wx: 'worker_times' },
    });
    expect(invite.json.errcode).toBe(0);
    const accounts = (await ctx.admin.request('GET', '/apps/wx00000000000000ee/kf_accounts')).json.kf_accounts as Record<
      string,
      unknown
    >[];
    expect(accounts).toEqual([expect.objectContaining({ created_at: at + 60, invite_expire_time: at + 60 + 7 * 86_400 })]);
    const accepted = await ctx.admin.request('POST', '/apps/wx00000000000000ee/kf_accounts/t1@times_alias/invitation/accept');
    expect(accepted.json).toMatchObject({ kf_wx: 'worker_times', created_at: at + 60 });
    const online = await ctx.admin.request('PUT', '/apps/wx00000000000000ee/kf_accounts/t1@times_alias/online', {
      status: 1,
      accepted_case: 2,
    });
    expect(online.json).toMatchObject({ created_at: at + 60 });
    const tooMany = await ctx.admin.request('PUT', '/apps/wx00000000000000ee/kf_accounts/t1@times_alias/online', {
      status: 1,
      accepted_case: 3_000_000_000,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error).toContain('accepted_case');
  });
});

describe('admin API bodies', () => {
  it('are JSON whatever the Content-Type says (curl -d sends form-encoded), and a wrong one is a 400 naming the field', async () => {
    await ctx.admin.reset();
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/json']) {
      const appid = `wx${type.length.toString(16).padStart(16, '0')}`;
      const a = await call(ctx.t.baseUrl, '/admin/api/apps', {
        method: 'POST',
        body: JSON.stringify({ appid }),
        headers: { authorization: `Bearer ${ctx.t.adminToken}`, 'content-type': type },
      });
      expect(a.status, `${type}: ${a.text}`).toBe(201);
    }
    const bad = await call(ctx.t.baseUrl, '/admin/api/apps', {
      method: 'POST',
      body: '{"appid": 5}',
      headers: { authorization: `Bearer ${ctx.t.adminToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('appid: must be');
    const notJson = await call(ctx.t.baseUrl, '/admin/api/apps', {
      method: 'POST',
      body: 'appid=wx1',
      headers: { authorization: `Bearer ${ctx.t.adminToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatch(/^body: not JSON/);
    const unknownFilter = await ctx.admin.request('GET', '/journal?colour=red');
    expect(unknownFilter.status).toBe(400);
    expect(unknownFilter.json.error).toBe('colour: unknown key');
  });

  it('PUT /quotas applies concurrent changes to one app without losing one', async () => {
    await ctx.admin.reset();
    await ctx.admin.seed({ apps: [{ appid: APPS.service.appid }] });
    const paths = Array.from({ length: 20 }, (_, i) => `/cgi-bin/path${i}`);
    const answers = await Promise.all(
      paths.map((cgi_path, i) => ctx.admin.request('PUT', `/apps/${APPS.service.appid}/quotas`, { cgi_path, daily_limit: i })),
    );
    expect(answers.map((a) => a.status)).toEqual(paths.map(() => 200));
    const app = (await ctx.admin.request('GET', `/apps/${APPS.service.appid}`)).json;
    expect(app.daily_quotas).toEqual(Object.fromEntries(paths.map((p, i) => [p, i])));
  });
});
