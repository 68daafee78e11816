import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import {
  CallCount,
  type AppPatch,
  type AppRecord,
  type NewKfAccount,
  type QuotaAdmission,
  type Store,
  type TokenRecord,
} from '../../src/store/store.js';
import { addRule, decideAnswer } from '../../src/domains/kf/rules.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/pg.js';

// One contract for every store: the `postgres` project runs this file again on PostgreSQL.
let store: Store;
let db: TestDatabase | undefined;

beforeEach(async () => {
  if (BACKEND === 'postgres') {
    db = await createTestDatabase();
    store = await openPostgresStore(db.url);
  } else {
    store = openSqliteStore(':memory:');
  }
});
afterEach(async () => {
  await store.close();
  await db?.drop();
  db = undefined;
});

const app = (appid: string, over: Partial<AppRecord> = {}): AppRecord => ({
  appid,
  secret: 's'.repeat(32),
  type: 'service',
  certified: true,
  alias: 'alias_1',
  original_id: 'gh_0123456789ab',
  kf_enabled: true,
  ip_whitelist: ['10.0.0.1'],
  secret_frozen: false,
  created_at: 1000,
  updated_at: 1000,
  daily_quotas: {},
  window_profile: 'current',
  window_counting: 'accumulate',
  label: null,
  ...over,
});
const token = (hash: string, appid: string, issued: number, over: Partial<TokenRecord> = {}): TokenRecord => ({
  token_hash: hash,
  appid,
  family: 'client_credential',
  issued_at: issued,
  expires_at: issued + 7_200_000,
  superseded_at: null,
  revoked_at: null,
  nonce: null,
  component_appid: null,
  ...over,
});
const acct = (prefix: string, now = 5) => ({ kf_account: `${prefix}@alias_1`, prefix: prefix.toLowerCase(), nickname: 'N', now });

// The store is given rules by the domain: these wrappers give it kf/rules.ts's with the limits a case names.
const create = (a: AppRecord) => store.createApp(a, 0);
const update = (appid: string, patch: AppPatch, now: number) => store.updateApp(appid, () => patch, now);
const add = (appid: string, a: NewKfAccount, limit: number, q?: QuotaAdmission) =>
  store.addKfAccount(appid, a, addRule(limit), q && new CallCount(appid, q));
const answer = (appid: string, prefix: string, accept: boolean, now: number, max: number) =>
  store.answerInvitation(appid, prefix, (s) => decideAnswer(s, accept, now, max));

describe(`Store contract (${BACKEND})`, () => {
  it('meta: set, overwrite, read; survives reset', async () => {
    expect(await store.getMeta('k')).toBeUndefined();
    await store.setMeta('k', 'a');
    await store.setMeta('k', 'b');
    await store.reset();
    expect(await store.getMeta('k')).toBe('b');
  });

  it('apps: create once, read back every field, update, delete', async () => {
    expect(await create(app('wx1'))).toBe(true);
    expect(await create(app('wx1', { secret: 'x' }))).toBe(false);
    expect(await store.getApp('wx1')).toEqual(app('wx1'));
    const updated = await update('wx1', { secret_frozen: true, ip_whitelist: [] }, 2000);
    expect(updated).toEqual(app('wx1', { secret_frozen: true, ip_whitelist: [], updated_at: 2000 }));
    expect(await store.getApp('wx1')).toEqual(updated);
    expect(await update('nope', {}, 1)).toBeUndefined();
    expect((await store.listApps()).map((a) => a.appid)).toEqual(['wx1']);
    expect(await store.deleteApp('wx1')).toBe(true);
    expect(await store.deleteApp('wx1')).toBe(false);
    expect(await store.getApp('wx1')).toBeUndefined();
  });

  it('tokens: an issue supersedes the live tokens of its family only, at its issue time, once', async () => {
    await create(app('wx1'));
    await store.issueToken(token('a', 'wx1', 100));
    await store.issueToken(token('s', 'wx1', 150, { family: 'stable' }));
    await store.issueToken(token('b', 'wx1', 200));
    await store.issueToken(token('c', 'wx1', 300));
    expect((await store.findCredential('a'))?.token.superseded_at).toBe(200);
    expect((await store.findCredential('b'))?.token.superseded_at).toBe(300);
    expect((await store.findCredential('c'))?.token.superseded_at).toBeNull();
    expect((await store.findCredential('s'))?.token.superseded_at).toBeNull();
    expect((await store.findCredential('c'))?.app).toEqual(app('wx1'));
    expect(await store.revokeToken('c', 400)).toBe(true);
    expect(await store.revokeToken('c', 500)).toBe(false);
    expect((await store.findCredential('c'))?.token.revoked_at).toBe(400);
    expect(await store.findCredential('zzz')).toBeUndefined();
  });

  it('credentials: lookups asked together each get their own token, app and permission sets', async () => {
    await create(app('wx1'));
    await create(app('wx2', { alias: 'other_alias' }));
    await store.issueToken(token('one', 'wx1', 100));
    await store.issueToken(token('two', 'wx2', 100));
    const found = await Promise.all(['one', 'two', 'one', 'nobody', 'two'].map((h) => store.findCredential(h)));
    expect(found.map((c) => c?.token.token_hash)).toEqual(['one', 'two', 'one', undefined, 'two']);
    expect(found.map((c) => c?.app.appid)).toEqual(['wx1', 'wx2', 'wx1', undefined, 'wx2']);
    expect(found[1]?.app.alias).toBe('other_alias');
    // A revocation committed before the lookup is asked for is always seen.
    await store.revokeToken('one', 200);
    const [again] = await Promise.all([store.findCredential('one'), store.findCredential('two')]);
    expect(again?.token.revoked_at).toBe(200);
  });

  it('tokens: concurrent issues on one app leave exactly one live token', async () => {
    await create(app('wx1'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.issueToken(token(`t${i}`, 'wx1', 100 + i))));
    const live = [];
    for (let i = 0; i < 20; i++) if ((await store.findCredential(`t${i}`))?.token.superseded_at === null) live.push(i);
    expect(live).toHaveLength(1);
  });

  it('stable state: compare-and-set moves the version once; a stale write is refused', async () => {
    await create(app('wx1'));
    const s0 = await store.getStableState('wx1');
    expect(s0).toMatchObject({ current: undefined, force_count: 0, last_force_at: null });
    const w = (hash: string, expectedVersion: number, revokeOthersAt: number | null) =>
      store.writeStable('wx1', {
        expectedVersion,
        token: token(hash, 'wx1', 10, { family: 'stable', nonce: 'ab' }),
        revokeOthersAt,
        force_day: 7,
        force_count: 1,
        last_force_at: 10,
      });
    const results = await Promise.all([w('x', s0.version, null), w('y', s0.version, null), w('z', s0.version, null)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const s1 = await store.getStableState('wx1');
    expect(s1.version).toBe(s0.version + 1);
    expect(s1).toMatchObject({ force_day: 7, force_count: 1, last_force_at: 10 });
    expect(s1.current?.nonce).toBe('ab');
    expect(await w('f', s1.version, 20)).toBe(true);
    expect((await store.findCredential(s1.current?.token_hash as string))?.token.revoked_at).toBe(20);
    expect((await store.findCredential('f'))?.token.revoked_at).toBeNull();
  });

  it('kf accounts: an add given a quota admission counts the call first, refused or not, and adds nothing past the quota', async () => {
    await create(app('wx1'));
    const q = { counter: '/customservice/kfaccount/add', period: 7, limit: 3 };
    expect(await add('wx1', acct('a'), 100, q)).toEqual({ result: 'added', kf_id: 1001 });
    expect(await add('wx1', acct('A'), 100, q)).toEqual({ result: 'exists' });
    expect(await store.admitQuota('wx1', q.counter, q.period, q.limit)).toBe(true);
    expect(await add('wx1', acct('b'), 100, q)).toEqual({ result: 'quota' });
    expect(await add('wx1', acct('a'), 100, q)).toEqual({ result: 'quota' });
    expect((await store.listKfAccounts('wx1')).map((k) => k.kf_account)).toEqual(['a@alias_1']);
    expect(await store.quotaUsed('wx1', q.counter, q.period)).toBe(3);
    expect(await add('wx1', acct('b'), 100, { ...q, period: 8 })).toEqual({ result: 'added', kf_id: 1002 });
    expect(await add('wx1', acct('c'), 100, { ...q, period: 8, limit: 0 })).toEqual({ result: 'quota' });
    expect(await add('wx1', acct('c'), 2, { ...q, period: 8 })).toEqual({ result: 'limit' });
    expect(await store.quotaUsed('wx1', q.counter, 8)).toBe(2);
  });

  it('kf accounts: 30 concurrent adds against a quota of 10 add exactly 10 and count exactly 10', async () => {
    await create(app('wx1'));
    const q = { counter: '/customservice/kfaccount/add', period: 1, limit: 10 };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => add('wx1', acct(`p${i}`), 100, q)));
    expect(results.filter((r) => r.result === 'added')).toHaveLength(10);
    expect(results.filter((r) => r.result === 'quota')).toHaveLength(20);
    expect(await store.listKfAccounts('wx1')).toHaveLength(10);
    expect(await store.quotaUsed('wx1', q.counter, 1)).toBe(10);
  });

  it('kf accounts: PREFIX unique, exists before limit, kf_id from 1001 and never reused', async () => {
    await create(app('wx1'));
    await create(app('wx2'));
    expect(await add('wx1', acct('A'), 3)).toEqual({ result: 'added', kf_id: 1001 });
    expect(await add('wx1', acct('a'), 3)).toEqual({ result: 'exists' });
    expect(await add('wx2', acct('a'), 3)).toEqual({ result: 'added', kf_id: 1001 });
    expect(await add('wx1', acct('b'), 3)).toEqual({ result: 'added', kf_id: 1002 });
    expect(await add('wx1', acct('c'), 3)).toEqual({ result: 'added', kf_id: 1003 });
    expect(await add('wx1', acct('b'), 3)).toEqual({ result: 'exists' });
    expect(await add('wx1', acct('d'), 3)).toEqual({ result: 'limit' });
    expect(await add('wx1', acct('d'), 4)).toEqual({ result: 'added', kf_id: 1004 });
    const list = await store.listKfAccounts('wx1');
    expect(list.map((a) => [a.kf_account, a.kf_id])).toEqual([
      ['A@alias_1', 1001],
      ['b@alias_1', 1002],
      ['c@alias_1', 1003],
      ['d@alias_1', 1004],
    ]);
    expect(list[0]).toEqual({
      appid: 'wx1',
      kf_account: 'A@alias_1',
      kf_id: 1001,
      kf_nick: 'N',
      kf_headimgurl: '',
      kf_wx: null,
      invite_wx: null,
      invite_expire_time: null,
      invite_status: null,
      online_status: 0,
      accepted_case: 0,
      created_at: 5,
      updated_at: 5,
    });
  });

  it('kf accounts: 300 concurrent adds give exactly the limit, with consecutive ids', async () => {
    await create(app('wx1'));
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => add('wx1', acct(`p${i}`), 100)));
    expect(results.filter((r) => r.result === 'added')).toHaveLength(100);
    expect(results.filter((r) => r.result === 'limit')).toHaveLength(200);
    const ids = (await store.listKfAccounts('wx1')).map((a) => a.kf_id);
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => 1001 + i));
  });

  it('kf accounts: 50 concurrent adds of one PREFIX give exactly one', async () => {
    await create(app('wx1'));
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => add('wx1', acct(i % 2 ? 'DUP' : 'dup'), 100)));
    expect(results.filter((r) => r.result === 'added')).toHaveLength(1);
    expect(results.filter((r) => r.result === 'exists')).toHaveLength(49);
  });

  it('deleting an app removes its tokens and accounts; reset removes everything but meta', async () => {
    await create(app('wx1'));
    await store.issueToken(token('a', 'wx1', 1));
    await add('wx1', acct('a'), 100);
    await store.deleteApp('wx1');
    expect(await store.findCredential('a')).toBeUndefined();
    expect(await store.listKfAccounts('wx1')).toEqual([]);
    await create(app('wx2'));
    await store.createComponentPlatform({ component_appid: 'wxc', component_appsecret: 's', created_at: 1 });
    await store.reset();
    expect(await store.listApps()).toEqual([]);
    expect(await store.getComponentPlatform('wxc')).toBeUndefined();
  });

  it('component platforms and authorizations: create once, replace the permission sets', async () => {
    expect(await store.createComponentPlatform({ component_appid: 'wxc', component_appsecret: 's', created_at: 1 })).toBe(true);
    expect(await store.createComponentPlatform({ component_appid: 'wxc', component_appsecret: 't', created_at: 2 })).toBe(false);
    expect(await store.getComponentPlatform('wxc')).toEqual({
      component_appid: 'wxc',
      component_appsecret: 's',
      created_at: 1,
      ticket: null,
      ticket_at: null,
    });
    expect(await store.setComponentTicket('wxc', 'tk', 5)).toBe(true);
    expect(await store.setComponentTicket('nope', 'tk', 5)).toBe(false);
    expect(await store.getComponentPlatform('wxc')).toMatchObject({ ticket: 'tk', ticket_at: 5 });
    await store.putAuthorization({
      component_appid: 'wxc',
      authorizer_appid: 'wx1',
      funcscope_category_ids: [1, 6],
      created_at: 3,
    });
    await store.putAuthorization({
      component_appid: 'wxc',
      authorizer_appid: 'wx1',
      funcscope_category_ids: [19],
      created_at: 4,
    });
    expect(await store.listAuthorizations('wxc')).toEqual([
      { component_appid: 'wxc', authorizer_appid: 'wx1', funcscope_category_ids: [19], created_at: 3 },
    ]);
  });

  it('ping answers while the store is open', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('kf accounts: update, head image, delete (with its image), and online state', async () => {
    await create(app('wx1'));
    await add('wx1', acct('a'), 100);
    expect(await store.updateKfNick('wx1', 'a', 'New', 9)).toBe(true);
    expect(await store.updateKfNick('wx1', 'zz', 'New', 9)).toBe(false);
    const image = { content_type: 'image/png', bytes: Buffer.from([1, 2, 3]), updated_at: 10 };
    expect(await store.setKfHeadImage('wx1', 'a', image, (id) => `http://x/${id}`)).toBe(true);
    expect(await store.getKfHeadImage('wx1', 1001)).toEqual(image);
    expect(await store.getKfAccount('wx1', 'a')).toMatchObject({ kf_nick: 'New', kf_headimgurl: 'http://x/1001' });
    expect(await store.setKfOnline('wx1', 'a', 1, 2)).toBe('unbound');
    expect(await store.deleteKfAccount('wx1', 'a')).toBe(true);
    expect(await store.deleteKfAccount('wx1', 'a')).toBe(false);
    expect(await store.getKfHeadImage('wx1', 1001)).toBeUndefined();
    expect(await store.setKfOnline('wx1', 'a', 1, 2)).toBe('missing');
  });

  it('invitations: decided under the lock, answered once, bound to at most maxBindings accounts', async () => {
    await create(app('wx1'));
    await add('wx1', acct('a'), 100);
    await add('wx1', acct('b'), 100);
    const inv = { invite_wx: 'worker_1', invite_expire_time: 1000, now: 1 };
    const seen: unknown[] = [];
    expect(await store.inviteWorker('wx1', 'a', inv, (s) => (seen.push(s), null))).toBeNull();
    expect(seen[0]).toMatchObject({ workerBoundHere: false, otherInvitations: [], workerBindings: 0 });
    expect(await store.inviteWorker('wx1', 'b', inv, (s) => (s.otherInvitations.length > 0 ? 'taken' : null))).toBe('taken');
    expect(await answer('wx1', 'b', true, 5, 5)).toBe('no_invitation');
    expect(await answer('wx1', 'a', true, 1000, 5)).toBe('no_invitation');
    expect(await answer('wx1', 'a', true, 5, 0)).toBe('worker_limit');
    expect(await answer('wx1', 'a', true, 5, 5)).toBe('accepted');
    expect(await store.getKfAccount('wx1', 'a')).toMatchObject({ kf_wx: 'worker_1', invite_wx: null, invite_status: null });
    expect(await store.setKfOnline('wx1', 'a', 1, 3)).toBe('ok');
    expect(await store.getKfAccount('wx1', 'a')).toMatchObject({ online_status: 1, accepted_case: 3 });
    await store.inviteWorker('wx1', 'b', { ...inv, invite_wx: 'worker_2' }, (s) => {
      expect(s.workerBindings).toBe(0);
      return null;
    });
    expect(await answer('wx1', 'b', false, 5, 5)).toBe('rejected');
    expect(await store.getKfAccount('wx1', 'b')).toMatchObject({ invite_status: 'rejected', kf_wx: null });
  });

  it('deleting an app ends the authorizations it gave: an app made again under its appid starts without them', async () => {
    await create(app('wx1'));
    await store.createComponentPlatform({ component_appid: 'wxc', component_appsecret: 's', created_at: 1 });
    await store.putAuthorization({ component_appid: 'wxc', authorizer_appid: 'wx1', funcscope_category_ids: [1], created_at: 1 });
    expect(await store.deleteApp('wx1')).toBe(true);
    await create(app('wx1'));
    expect(await store.getAuthorization('wxc', 'wx1')).toBeUndefined();
    expect(await store.listAuthorizations('wxc')).toEqual([]);
  });

  it('authorizer tokens: the credential carries the granted sets, and none once the authorization is gone', async () => {
    await create(app('wx1'));
    await store.createComponentPlatform({ component_appid: 'wxc', component_appsecret: 's', created_at: 1 });
    await store.putAuthorization({
      component_appid: 'wxc',
      authorizer_appid: 'wx1',
      funcscope_category_ids: [1, 19],
      created_at: 1,
    });
    await store.issueToken(token('p', 'wx1', 1, { family: 'authorizer', component_appid: 'wxc' }));
    await store.issueToken(token('q', 'wx1', 2));
    expect(await store.findCredential('p')).toMatchObject({
      funcscope: [1, 19],
      token: { component_appid: 'wxc', superseded_at: null },
    });
    expect((await store.findCredential('q'))?.funcscope).toBeNull();
    expect(await store.deleteAuthorization('wxc', 'wx1')).toBe(true);
    expect((await store.findCredential('p'))?.funcscope).toBeNull();
  });

  it("component tokens supersede the platform's previous one; codes are used once; refresh tokens are kept hashed", async () => {
    await create(app('wx1'));
    await store.createComponentPlatform({ component_appid: 'wxc', component_appsecret: 's', created_at: 1 });
    await store.issueComponentToken({
      token_hash: 'c1',
      component_appid: 'wxc',
      issued_at: 10,
      expires_at: 7210,
      superseded_at: null,
    });
    await store.issueComponentToken({
      token_hash: 'c2',
      component_appid: 'wxc',
      issued_at: 20,
      expires_at: 7220,
      superseded_at: null,
    });
    expect(await store.findComponentToken('c1')).toMatchObject({ superseded_at: 20 });
    expect(await store.findComponentToken('c2')).toMatchObject({ superseded_at: null, expires_at: 7220 });
    await store.createAuthCode('h', 'wxc', 'wx1', 100);
    expect(await store.consumeAuthCode('h', 'other', 50)).toBeUndefined();
    expect(await store.consumeAuthCode('h', 'wxc', 50)).toBe('wx1');
    expect(await store.consumeAuthCode('h', 'wxc', 50)).toBeUndefined();
    await store.createAuthCode('late', 'wxc', 'wx1', 100);
    expect(await store.consumeAuthCode('late', 'wxc', 100)).toBe('expired');
    expect(await store.setRefreshToken('wxc', 'wx1', 'r')).toBe(false);
    await store.putAuthorization({ component_appid: 'wxc', authorizer_appid: 'wx1', funcscope_category_ids: [1], created_at: 1 });
    expect(await store.setRefreshToken('wxc', 'wx1', 'r')).toBe(true);
    expect(await store.getAuthorization('wxc', 'wx1')).toMatchObject({ funcscope_category_ids: [1], refresh_token_hash: 'r' });
  });
});
