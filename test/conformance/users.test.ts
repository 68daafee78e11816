import { describe, expect, it } from 'vitest';
import { APPS, SEED } from '../helpers/fixtures.js';
import { conformanceSuite } from '../helpers/suite.js';

/** Simulated users (admin API): made, listed, changed silently and removed per app. */
const ctx = conformanceSuite({ freeze: true, seed: SEED });
const base = `/apps/${APPS.service.appid}/users`;

describe('simulated users', () => {
  it('a user with no fields gets a 28-character openid starting with o, subscribed since now', async () => {
    const now = (await ctx.admin.clock()).now;
    const a = await ctx.admin.request('POST', base);
    expect(a.status).toBe(201);
    expect(a.json).toEqual({
      openid: expect.stringMatching(/^o[A-Za-z0-9_-]{27}$/),
      nickname: '',
      subscribed: true,
      subscribe_time: now,
      created_at: now,
    });
    const b = await ctx.admin.request('POST', base, {});
    expect(b.json.openid).not.toBe(a.json.openid);
  });

  it('a given openid is unique within an app (409), and another app may have the same one', async () => {
    const body = { openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', nickname: '小明', subscribed: false };
    expect((await ctx.admin.request('POST', base, body)).json).toMatchObject(body);
    const again = await ctx.admin.request('POST', base, { openid: body.openid });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatch(/openid/);
    const other = await ctx.admin.request('POST', `/apps/${APPS.subscription.appid}/users`, { openid: body.openid });
    expect(other.status).toBe(201);
    expect(((await ctx.admin.request('GET', base)).json.users as unknown[]).length).toBe(1);
  });

  it('bad fields are 400 naming them; an unknown app or user is 404', async () => {
    for (const [body, field] of [
      [{ openid: 'a b' }, 'openid'],
      [{ openid: 'x'.repeat(65) }, 'openid'],
      [{ nickname: 'n'.repeat(65) }, 'nickname'],
      [{ subscribed: 'yes' }, 'subscribed'],
      [{ colour: 1 }, 'colour'],
    ] as const) {
      const a = await ctx.admin.request('POST', base, body);
      expect(a.status, JSON.stringify(body)).toBe(400);
      expect(a.json.error).toContain(field);
    }
    expect((await ctx.admin.request('POST', '/apps/wx0000000000000404/users', {})).status).toBe(404);
    expect((await ctx.admin.request('GET', `${base}/nobody`)).status).toBe(404);
    expect((await ctx.admin.request('PATCH', `${base}/nobody`, { nickname: 'x' })).status).toBe(404);
    expect((await ctx.admin.request('DELETE', `${base}/nobody`)).status).toBe(404);
  });

  it('a patch changes nickname and subscribed; subscribing again moves subscribe_time; delete removes the user', async () => {
    const start = (await ctx.admin.clock()).now;
    const openid = (await ctx.admin.request('POST', base, { openid: 'u1' })).json.openid as string;
    await ctx.admin.advance(60);
    expect((await ctx.admin.request('PATCH', `${base}/${openid}`, { subscribed: false })).json).toMatchObject({
      subscribed: false,
      subscribe_time: start,
    });
    await ctx.admin.advance(60);
    expect((await ctx.admin.request('PATCH', `${base}/${openid}`, { subscribed: true, nickname: 'Lin' })).json).toMatchObject({
      subscribed: true,
      nickname: 'Lin',
      subscribe_time: start + 120,
    });
    expect((await ctx.admin.request('PATCH', `${base}/${openid}`, { openid: 'u2' })).status).toBe(400);
    expect((await ctx.admin.request('GET', `${base}/${openid}`)).json).toMatchObject({ openid, nickname: 'Lin' });
    expect((await ctx.admin.request('DELETE', `${base}/${openid}`)).status).toBe(204);
    expect((await ctx.admin.request('GET', `${base}/${openid}`)).status).toBe(404);
  });

  it('the seed file makes users if absent; a reset and deleting the app remove them', async () => {
    const seed = {
      apps: [{ appid: APPS.service.appid, users: [{ openid: 'seeded_1', nickname: 'S' }, { nickname: 'generated' }] }],
    };
    expect((await ctx.admin.request('POST', '/seed', seed)).status).toBe(200);
    expect(
      (await ctx.admin.request('POST', '/seed', { apps: [{ appid: APPS.service.appid, users: [{ openid: 'seeded_1' }] }] }))
        .status,
    ).toBe(200);
    const users = (await ctx.admin.request('GET', base)).json.users as Record<string, unknown>[];
    expect(users.map((u) => u.nickname).sort()).toEqual(['S', 'generated']);
    const bad = await ctx.admin.request('POST', '/seed', { apps: [{ appid: APPS.service.appid, users: [{ openid: '' }] }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('apps[0].users[0].openid');
    expect((await ctx.admin.request('DELETE', `/apps/${APPS.service.appid}`)).status).toBe(204);
    await ctx.admin.seed(SEED);
    expect((await ctx.admin.request('GET', base)).json.users).toEqual([]);
    await ctx.admin.request('POST', base, {});
    await ctx.admin.reset();
    await ctx.admin.seed(SEED);
    expect((await ctx.admin.request('GET', base)).json.users).toEqual([]);
  });
});
