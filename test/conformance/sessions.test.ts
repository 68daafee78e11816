import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SEED } from '../helpers/fixtures.js';
import { Flow, text } from '../helpers/flow.js';
import { expectOk, expectWxError } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

/** sessions.md over HTTP: kfsession/*, the wait queue, chat records and the worker's admin routes. */
const ctx = conformanceSuite({ freeze: true, seed: SEED });
const flow = new Flow(ctx);
const svc = APPS.service.appid;
const U = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
const hint = { hint: true };
let token: string;

beforeEach(async () => {
  token = await ctx.admin.token(svc);
  await flow.user(svc, U);
});

const create = (kf_account: unknown, openid: unknown = U, t = token) =>
  flow.wechat('/customservice/kfsession/create', t, { kf_account, openid });
const close = (kf_account: unknown, openid: unknown = U) =>
  flow.wechat('/customservice/kfsession/close', token, { kf_account, openid });
const getsession = (openid = U) => flow.wechat('/customservice/kfsession/getsession', token, undefined, { openid });

describe('kfsession/create and close', () => {
  it('create: rules 1–8 in order; an existing session with the same account is ok; getsession shows it', async () => {
    const disabled = await ctx.admin.token(APPS.disabled.appid);
    expectWxError(
      await create('a@kf_alias1', U, disabled),
      65400,
      'please enable new custom service, or wait for a while if you have enabled',
      hint,
    );
    expectWxError(await create('bad'), 65401, 'invalid custom service account', hint);
    expectWxError(await create('alice@kf_alias1', 'nobody'), 65401, 'invalid custom service account', hint);
    await flow.wechat('/customservice/kfaccount/add', token, { kf_account: 'bob@kf_alias1', nickname: 'Bob' });
    expectWxError(await create('bob@kf_alias1', 'nobody'), 65402, 'the custom service account need to bind a wechat user', hint);
    await flow.worker(svc, token, 'alice@kf_alias1', { online: false });
    expectWxError(await create('alice@kf_alias1', 'nobody'), 40003, 'invalid openid', hint);
    expectWxError(await create('alice@kf_alias1'), 65415, 'the worker is not online', hint);
    await ctx.admin.request('PUT', `/apps/${svc}/kf_accounts/alice@kf_alias1/online`, { status: 1, accepted_case: 0 });
    expect((await getsession()).json).toEqual({ createtime: 0, kf_account: '' });
    expectOk(await create('ALICE@kf_alias1'));
    const now = (await ctx.admin.clock()).now;
    expect((await getsession()).json).toEqual({ createtime: now, kf_account: 'alice@kf_alias1' });
    await ctx.admin.advance(5);
    expectOk(await create('alice@kf_alias1'));
    expect((await getsession()).json.createtime).toBe(now);
    await flow.worker(svc, token, 'carol@kf_alias1');
    expectWxError(await create('carol@kf_alias1'), 65414, 'another worker is serving the customer', hint);
    const list = await flow.wechat('/customservice/kfsession/getsessionlist', token, undefined, {
      kf_account: 'alice@kf_alias1',
    });
    expect(list.json).toEqual({ sessionlist: [{ createtime: now, openid: U }] });
  });

  it('close: 65413 without a session, 65414 with another account, then ok; a Mini Program is 48001', async () => {
    await flow.worker(svc, token, 'alice@kf_alias1');
    await flow.worker(svc, token, 'carol@kf_alias1');
    expectWxError(await close('alice@kf_alias1'), 65413, 'no effective session for the customer', hint);
    expectOk(await create('alice@kf_alias1'));
    expectWxError(await close('carol@kf_alias1'), 65414, 'another worker is serving the customer', hint);
    await ctx.admin.request('PUT', `/apps/${svc}/kf_accounts/alice@kf_alias1/online`, { status: 0, accepted_case: 0 });
    expectOk(await close('alice@kf_alias1'));
    expect((await getsession()).json).toEqual({ createtime: 0, kf_account: '' });
    const mp = await ctx.admin.token(APPS.miniProgram.appid);
    expect((await create('a@gh_00000000000c', U, mp)).json.errcode).toBe(48001);
  });

  it('a race of 20 creates for one user, each with its own account, gives exactly one 0', async () => {
    const accounts = Array.from({ length: 20 }, (_, i) => `w${i}@kf_alias1`);
    for (const a of accounts) await flow.worker(svc, token, a, { wx: `wxworker_${a.split('@')[0]}` });
    const answers = await Promise.all(accounts.map((a) => create(a)));
    const codes = answers.map((a) => a.json.errcode);
    expect(codes.filter((c) => c === 0).length).toBe(1);
    expect(codes.filter((c) => c === 65414).length).toBe(19);
  });

  it('deleting the account ends its sessions; deleting the user removes its session', async () => {
    await flow.worker(svc, token, 'alice@kf_alias1');
    expectOk(await create('alice@kf_alias1'));
    await flow.wechat('/customservice/kfaccount/del', token, undefined, { kf_account: 'alice@kf_alias1' });
    expect((await getsession()).json).toEqual({ createtime: 0, kf_account: '' });
  });
});

describe('waiting cases, forwarding and chat records', () => {
  it('getwaitcase lists the queue; a worker accepts; messages in a session are not pushed but recorded (2003); sends as kf are 2002', async () => {
    for (const u of ['w1', 'w2']) await flow.user(svc, u);
    const hook = { url: 'http://127.0.0.1:9/none', token: 'tok3n', verify: false, attempts: 1, timeout_ms: 100 };
    await ctx.admin.request('PUT', `/apps/${svc}/webhook`, hook);
    expect((await flow.wechat('/customservice/kfsession/getwaitcase', token)).json).toEqual({ count: 0, waitcaselist: [] });
    await flow.worker(svc, token, 'alice@kf_alias1');
    const accept = await ctx.admin.request('POST', `/apps/${svc}/sessions`, { kf_account: 'alice@kf_alias1', openid: U });
    expect(accept.status, accept.text).toBe(201);
    const start = (await ctx.admin.clock()).now;
    expect(accept.json).toEqual({ openid: U, kf_account: 'alice@kf_alias1', createtime: start, forward_until: start + 1800 });
    const said = await flow.say(svc, U, { type: 'text', content: 'I need help' });
    expect(said.status).toBe('not_pushed');
    await flow.say(svc, U, { type: 'image' });
    expectOk(await flow.send(token, { ...text(U, 'On it'), customservice: { kf_account: 'alice@kf_alias1' } }));
    const records = await flow.wechat('/customservice/msgrecord/getmsglist', token, {
      starttime: start - 10,
      endtime: start + 10,
      msgid: 1,
      number: 10,
    });
    expect(records.json).toEqual({
      recordlist: [
        { openid: U, opercode: 2003, text: 'I need help', time: start, worker: 'alice@kf_alias1' },
        { openid: U, opercode: 2003, text: '[image]', time: start, worker: 'alice@kf_alias1' },
        { openid: U, opercode: 2002, text: 'On it', time: start, worker: 'alice@kf_alias1' },
      ],
      number: 3,
      msgid: 4,
    });
    // WxJava's paging loop: ask again with the answered msgid until a page is empty.
    expect(
      (
        await flow.wechat('/customservice/msgrecord/getmsglist', token, {
          starttime: start - 10,
          endtime: start + 10,
          msgid: 4,
          number: 10,
        })
      ).json,
    ).toEqual({
      recordlist: [],
      number: 0,
      msgid: 0,
    });
    await ctx.admin.advance(1800);
    expect((await flow.say(svc, U, { type: 'text', content: 'still there?' })).status).not.toBe('not_pushed');
    await flow.worker(svc, token, 'bob@kf_alias1');
    const sw = await ctx.admin.request('POST', `/apps/${svc}/sessions/${U}/switch`, { kf_account: 'bob@kf_alias1' });
    expect(sw.json).toMatchObject({ kf_account: 'bob@kf_alias1' });
    expect((await ctx.admin.request('POST', `/apps/${svc}/sessions/${U}/switch`, { kf_account: 'bob@kf_alias1' })).status).toBe(
      409,
    );
    const events = await ctx.admin.request('GET', `/apps/${svc}/deliveries?kind=event&wait=5&min=2`);
    expect((events.json.deliveries as { event: string; trigger: string }[]).map((d) => [d.event, d.trigger])).toEqual([
      ['kf_create_session', 'admin:accept'],
      ['kf_switch_session', 'admin:switch'],
    ]);
    // A worker's close needs a session and nothing else: not even new customer service on.
    await ctx.admin.patchApp(svc, { kf_enabled: false });
    expect((await ctx.admin.request('POST', `/apps/${svc}/sessions/${U}/close`)).status).toBe(204);
    await ctx.admin.patchApp(svc, { kf_enabled: true });
    const again = await ctx.admin.request('POST', `/apps/${svc}/sessions/${U}/close`);
    expect(again.json).toMatchObject({ errcode: 65413 });
    expect(again.status).toBe(409);
  });

  it('getmsglist: rules in order (65400, 65416 for ms times and bad fields, 65417 over 24 h)', async () => {
    const list = (body: unknown, t = token) => flow.wechat('/customservice/msgrecord/getmsglist', t, body);
    const disabled = await ctx.admin.token(APPS.disabled.appid);
    expectWxError(
      await list({}, disabled),
      65400,
      'please enable new custom service, or wait for a while if you have enabled',
      hint,
    );
    const bad = 'param invalid, please check';
    expectWxError(await list({ starttime: 1764604800000, endtime: 1764604800001, msgid: 1, number: 1 }), 65416, bad, hint);
    expectWxError(await list({ starttime: 2, endtime: 1, msgid: 1, number: 1 }), 65416, bad, hint);
    expectWxError(
      await list({ starttime: 0, endtime: 86401, msgid: 1, number: 1 }),
      65417,
      'query time range out of limit',
      hint,
    );
    expectWxError(await list({ starttime: 0, endtime: 86400, msgid: 0, number: 1 }), 65416, bad, hint);
    expectWxError(await list({ starttime: 0, endtime: 86400, msgid: 1, number: 10001 }), 65416, bad, hint);
    expectWxError(await list({ starttime: '0', endtime: 86400, msgid: 1, number: 1 }), 65416, bad, hint);
    expect((await list({ starttime: 0, endtime: 86400, msgid: 1, number: 10000 })).json).toEqual({
      recordlist: [],
      number: 0,
      msgid: 0,
    });
  });
});

describe('the session state machine', () => {
  it('random sequences of say, transfer, create, switch, close, send and account deletion never leave a session with a deleted account', async () => {
    await flow.worker(svc, token, 'a@kf_alias1');
    await flow.worker(svc, token, 'b@kf_alias1');
    const users = ['u1', 'u2'];
    for (const u of users) await flow.user(svc, u);
    const op = fc.oneof(
      fc.record({ kind: fc.constant('say'), u: fc.constantFrom(...users) }),
      fc.record({ kind: fc.constant('create'), u: fc.constantFrom(...users), kf: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ kind: fc.constant('close'), u: fc.constantFrom(...users), kf: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('switch'), u: fc.constantFrom(...users), kf: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('send'), u: fc.constantFrom(...users), kf: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('delete'), kf: fc.constantFrom('a', 'b') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        for (const o of ops) {
          if (o.kind === 'say') await flow.say(svc, o.u, { type: 'text', content: 'x' });
          if (o.kind === 'create') await create(`${o.kf}@kf_alias1`, o.u);
          if (o.kind === 'close') await close(`${o.kf}@kf_alias1`, o.u);
          if (o.kind === 'switch')
            await ctx.admin.request('POST', `/apps/${svc}/sessions/${o.u}/switch`, { kf_account: `${o.kf}@kf_alias1` });
          if (o.kind === 'send') await flow.send(token, { ...text(o.u), customservice: { kf_account: `${o.kf}@kf_alias1` } });
          if (o.kind === 'delete')
            await flow.wechat('/customservice/kfaccount/del', token, undefined, { kf_account: `${o.kf}@kf_alias1` });
          const accounts = new Set((await ctx.admin.kfAccounts(svc)).map((a) => a.kf_account));
          const s = (await ctx.admin.request('GET', `/apps/${svc}/sessions`)).json as {
            sessions: { openid: string; kf_account: string }[];
          };
          expect(new Set(s.sessions.map((x) => x.openid)).size).toBe(s.sessions.length);
          for (const x of s.sessions) expect(accounts.has(x.kf_account)).toBe(true);
          for (const u of users) {
            const g = (await getsession(u)).json as { kf_account: string };
            expect(g.kf_account === '' || accounts.has(g.kf_account)).toBe(true);
          }
        }
      }),
      { numRuns: 8 },
    );
  });
});
