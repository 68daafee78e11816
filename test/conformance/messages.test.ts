import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SEED } from '../helpers/fixtures.js';
import { Flow, text } from '../helpers/flow.js';
import { expectOk, expectWxError } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

/** messages.md: custom/send (rules in order, msgtypes), the window, typing and the outbox, over HTTP. */
const ctx = conformanceSuite({ freeze: true, seed: SEED });
const flow = new Flow(ctx);
const svc = APPS.service.appid;
const U = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
let token: string;

beforeEach(async () => {
  token = await ctx.admin.token(svc);
  await flow.user(svc, U);
});

const rid = { hint: false };

describe('POST /cgi-bin/message/custom/send', () => {
  it('a text to a user who just spoke is ok (no msgid), and lands in the outbox with the grant charged', async () => {
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    const a = await flow.send(token, text(U));
    expectOk(a);
    const [entry] = await flow.outbox(svc);
    expect(entry).toMatchObject({
      appid: svc,
      openid: U,
      path: '/cgi-bin/message/custom/send',
      errcode: 0,
      msgtype: 'text',
      command: null,
      kf_account: null,
      body: text(U),
      grant: { kind: 'message', used: 1, allowance: 5 },
      time: (await ctx.admin.clock()).now,
    });
    expect(entry?.rid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  });

  it('rule 1: touser missing, not a string, unknown or another app’s user is 40003 (recorded in the outbox)', async () => {
    await flow.user(APPS.subscription.appid, 'other_app_user');
    for (const touser of [undefined, 42, 'nobody', 'other_app_user']) {
      expectWxError(await flow.send(token, text(touser)), 40003, 'invalid openid', rid);
    }
    const entries = await flow.outbox(svc, '?errcode=40003');
    expect(entries.map((e) => e.openid)).toEqual([null, null, 'nobody', 'other_app_user']);
  });

  it('the rules keep their order: pairs that break two rules answer the earlier one', async () => {
    const pairs: [unknown, number, string][] = [
      [{ touser: 'nobody', msgtype: 'bogus' }, 40003, 'invalid openid'],
      [{ touser: U, msgtype: 'bogus', text: { content: '' } }, 40008, 'invalid message type'],
      [{ touser: U, msgtype: 'text', text: { content: '' }, customservice: { kf_account: 'x' } }, 44004, 'empty content'],
      [{ touser: U, msgtype: 'text', text: { content: 'x'.repeat(2049) }, customservice: 1 }, 45002, 'content size out of limit'],
      [{ touser: U, msgtype: 'news', news: { articles: [{}, {}] }, customservice: 1 }, 45008, 'article size out of limit'],
      [{ touser: U, msgtype: 'image', image: {}, customservice: 1 }, 40097, 'invalid args'],
      [{ ...text(U), customservice: { kf_account: 'nope@kf_alias1' } }, 65401, 'invalid custom service account'],
      [{ ...text(U), customservice: { kf_account: 'bad' } }, 65404, 'illegal custom service account'],
      [{ ...text(U), customservice: [] }, 65404, 'illegal custom service account'],
      // No grant yet: the window rule comes last.
      [text(U), 45015, 'response out of time limit or subscription is canceled'],
    ];
    for (const [body, errcode, msg] of pairs) expectWxError(await flow.send(token, body), errcode, msg, rid);
    const disabled = await ctx.admin.token(APPS.disabled.appid);
    await flow.user(APPS.disabled.appid, U);
    expectWxError(
      await flow.send(disabled, { ...text(U), customservice: { kf_account: 'bad' } }),
      65400,
      'please enable new custom service, or wait for a while if you have enabled',
      rid,
    );
  });

  it('45002 counts UTF-8 bytes: 2048 bytes pass, 2049 do not', async () => {
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    expectOk(await flow.send(token, text(U, '汉'.repeat(682) + 'ab')));
    expectWxError(await flow.send(token, text(U, '汉'.repeat(683))), 45002, 'content size out of limit', rid);
  });

  it('every msgtype of the table is accepted for an Official Account; link and the rest are sorted by app kind', async () => {
    await ctx.admin.patchApp(svc, { window_profile: 'legacy' });
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    const bodies: Record<string, unknown> = {
      text: { content: 'x' },
      image: { media_id: 'm' },
      voice: { media_id: 'm' },
      video: { media_id: 'm' },
      music: { musicurl: 'http://a', thumb_media_id: 't' },
      news: { articles: [{ title: 't', url: 'http://a', picurl: null }] },
      mpnews: { media_id: 'm' },
      mpnewsarticle: { article_id: 'a' },
      msgmenu: { list: [{ id: '101', content: 'Yes' }] },
      wxcard: { card_id: 'c' },
      miniprogrampage: { title: 't', appid: 'wx1', pagepath: 'p', thumb_media_id: 't' },
    };
    for (const [msgtype, obj] of Object.entries(bodies)) expectOk(await flow.send(token, { touser: U, msgtype, [msgtype]: obj }));
    expectWxError(
      await flow.send(token, { touser: U, msgtype: 'link', link: { title: 't', url: 'u' } }),
      40008,
      'invalid message type',
      rid,
    );
    // Each required field refused when missing (40097).
    for (const [msgtype, obj] of Object.entries(bodies)) {
      if (msgtype === 'text') continue;
      for (const field of Object.keys(obj as object)) {
        const without = { ...(obj as Record<string, unknown>) };
        delete without[field];
        const a = await flow.send(token, { touser: U, msgtype, [msgtype]: without });
        expectWxError(a, 40097, 'invalid args', rid);
      }
    }
    // A Mini Program: text, image, link, miniprogrampage (appid optional); voice is 40008.
    const mp = APPS.miniProgram.appid;
    const mpToken = await ctx.admin.token(mp);
    await flow.user(mp, U);
    await flow.say(mp, U, { type: 'text', content: 'hi' });
    expectOk(await flow.send(mpToken, { touser: U, msgtype: 'link', link: { title: 't', url: 'u', description: null } }));
    expectOk(
      await flow.send(mpToken, {
        touser: U,
        msgtype: 'miniprogrampage',
        miniprogrampage: { title: 't', pagepath: 'p', thumb_media_id: 't' },
      }),
    );
    expectWxError(
      await flow.send(mpToken, { touser: U, msgtype: 'voice', voice: { media_id: 'm' } }),
      40008,
      'invalid message type',
      rid,
    );
  });

  it('as a kf account: 65401 unknown, 65402 unbound; a bound account sends (need not be online) and makes a 2002 record', async () => {
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    const send = (kf: string) => flow.send(token, { ...text(U), customservice: { kf_account: kf } });
    expectWxError(await send('alice@kf_alias1'), 65401, 'invalid custom service account', rid);
    await flow.wechat('/customservice/kfaccount/add', token, { kf_account: 'bob@kf_alias1', nickname: 'Bob' });
    expectWxError(await send('bob@kf_alias1'), 65402, 'the custom service account need to bind a wechat user', rid);
    await flow.worker(svc, token, 'alice@kf_alias1', { online: false });
    expectOk(await send('ALICE@KF_ALIAS1'));
    const [entry] = await flow.outbox(svc, '?errcode=0');
    expect(entry?.kf_account).toBe('alice@kf_alias1');
  });

  it('calls stopped by a common check are not in the outbox; wrong method is 43002', async () => {
    await flow.send('bad-token', text(U));
    const get = await flow.wechat('/cgi-bin/message/custom/send', token);
    expect(get.json.errcode).toBe(43002);
    expect(await flow.outbox(svc)).toEqual([]);
  });

  it('check 8: past the daily quota a send is 45009, counted once, and not in the outbox', async () => {
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    await ctx.admin.request('PUT', `/apps/${svc}/quotas`, { cgi_path: '/cgi-bin/message/custom/send', daily_limit: 2 });
    expectOk(await flow.send(token, text(U)));
    expectWxError(await flow.send(token, text('nobody')), 40003, 'invalid openid', rid);
    expectWxError(await flow.send(token, text(U)), 45009, 'reach max api daily quota limit', rid);
    expectWxError(await flow.send(token, { touser: U }), 45009, 'reach max api daily quota limit', rid);
    expect((await flow.outbox(svc)).map((e) => e.errcode)).toEqual([0, 40003]);
    const q = await flow.wechat('/cgi-bin/openapi/quota/get', token, { cgi_path: '/cgi-bin/message/custom/send' });
    expect(q.json.quota).toEqual({ daily_limit: 2, used: 2, remain: 0 });
    // Both typing paths share one counter.
    await ctx.admin.request('PUT', `/apps/${svc}/quotas`, { cgi_path: '/cgi-bin/message/custom/typing', daily_limit: 0 });
    expectWxError(
      await flow.wechat('/cgi-bin/message/custom/typing', token, { touser: U, command: 'Typing' }),
      45009,
      'reach max api daily quota limit',
      rid,
    );
  });

  it('who may call: an uncertified service account is 48001', async () => {
    const t = await ctx.admin.token(APPS.uncertifiedService.appid);
    expect((await flow.send(t, text(U))).json.errcode).toBe(48001);
  });
});

describe('the interaction window', () => {
  it('current + accumulate: the worked example of messages.md, by moving the clock', async () => {
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    await ctx.admin.advance(10);
    for (let i = 0; i < 5; i++) expectOk(await flow.send(token, text(U)));
    expectWxError(await flow.send(token, text(U)), 45047, 'out of response count limit', rid);
    await ctx.admin.advance(3600 - 10);
    await flow.say(svc, U, { type: 'text', content: 'again' });
    expectWxError(await flow.send(token, text(U)), 45047, 'out of response count limit', rid);
    await ctx.admin.advance(48 * 3600 + 11 - 3600);
    token = await ctx.admin.token(svc);
    expectOk(await flow.send(token, text(U)));
    const w = await flow.window(svc, U);
    expect(w).toMatchObject({ open: true, remaining: 4, profile: 'current', counting: 'accumulate' });
    await ctx.admin.advance(3600);
    expectWxError(await flow.send(token, text(U)), 45015, 'response out of time limit or subscription is canceled', rid);
  });

  it('reset counting: a new message starts the count again', async () => {
    await ctx.admin.patchApp(svc, { window_counting: 'reset' });
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    for (let i = 0; i < 5; i++) expectOk(await flow.send(token, text(U)));
    expectWxError(await flow.send(token, text(U)), 45047, 'out of response count limit', rid);
    await flow.say(svc, U, { type: 'text', content: 'again' });
    expectOk(await flow.send(token, text(U)));
  });

  it('legacy profile: 20 sends; a click opens 3 for 60 s under current; the grant that ends first is charged', async () => {
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    await flow.say(svc, U, { type: 'click', key: 'MENU' });
    expectOk(await flow.send(token, text(U)));
    expect((await flow.outbox(svc))[0]?.grant).toEqual({ kind: 'click', used: 1, allowance: 3 });
    const w = await flow.window(svc, U);
    expect(w.grants).toEqual([
      expect.objectContaining({ kind: 'message', allowance: 5, used: 0, remaining: 5 }),
      expect.objectContaining({ kind: 'click', allowance: 3, used: 1, remaining: 2 }),
    ]);
    await ctx.admin.advance(60);
    expect(((await flow.window(svc, U)).grants as unknown[]).length).toBe(1);
    // Under legacy both grants last 48 h with 20 sends each: the click's 1 send is still counted.
    await ctx.admin.patchApp(svc, { window_profile: 'legacy' });
    expect(await flow.window(svc, U)).toMatchObject({ remaining: 39 });
    for (let i = 0; i < 39; i++) expectOk(await flow.send(token, text(U)));
    expectWxError(await flow.send(token, text(U)), 45047, 'out of response count limit', rid);
  });

  it('an unsubscribed user: 45015, and the window closed; VIEW opens nothing', async () => {
    await flow.say(svc, U, { type: 'view', url: 'https://example.com' });
    expectWxError(await flow.send(token, text(U)), 45015, 'response out of time limit or subscription is canceled', rid);
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    await ctx.admin.request('PATCH', `/apps/${svc}/users/${U}`, { subscribed: false });
    expect(await flow.window(svc, U)).toMatchObject({ open: false, subscribed: false, grants: [], remaining: 0 });
    expectWxError(await flow.send(token, text(U)), 45015, 'response out of time limit or subscription is canceled', rid);
  });
});

describe('POST /cgi-bin/message/custom/typing', () => {
  const typing = (command: unknown, path = '/cgi-bin/message/custom/typing', t = token) =>
    flow.wechat(path, t, { touser: U, command });

  it('the rules in order, the 30 s exchange, the 15 s state, a send ends it', async () => {
    expectWxError(await typing('Typing', '/cgi-bin/message/custom/business/typing'), 40200, 'invalid account type', rid);
    expectWxError(
      await flow.wechat('/cgi-bin/message/custom/typing', token, { touser: 'x', command: 'nope' }),
      40003,
      'invalid openid',
      rid,
    );
    expectWxError(await typing('typing'), 45072, 'invalid command', rid);
    expectOk(await typing('CancelTyping'));
    expectWxError(await typing('Typing'), 45015, 'response out of time limit or subscription is canceled', rid);
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    await ctx.admin.advance(31);
    expectWxError(
      await typing('Typing'),
      45080,
      'need sending message to user  orrecving message from user in the last 30 seconds before typing',
      rid,
    );
    expectOk(await flow.send(token, text(U)));
    await ctx.admin.advance(30);
    // An exchange exactly 30 s ago still allows typing.
    expectOk(await typing('Typing'));
    expect((await flow.window(svc, U)).typing_until).toBe((await ctx.admin.clock()).now + 15);
    expectOk(await flow.send(token, text(U)));
    expect((await flow.window(svc, U)).typing_until).toBeNull();
    expectOk(await typing('Typing'));
    await ctx.admin.advance(14);
    expectWxError(await typing('Typing'), 45081, 'you are already typing', rid);
    await ctx.admin.advance(1);
    expectOk(await typing('Typing'));
    const typings = await flow.outbox(svc, '?path=/cgi-bin/message/custom/typing');
    expect(typings.map((e) => [e.command, e.errcode])).toContainEqual(['Typing', 45081]);
  });

  it('a Mini Program types on …/business/typing and gets 40200 on …/custom/typing', async () => {
    const mp = APPS.miniProgram.appid;
    const t = await ctx.admin.token(mp);
    await flow.user(mp, U);
    await flow.say(mp, U, { type: 'text', content: 'hi' });
    expectWxError(await typing('Typing', '/cgi-bin/message/custom/typing', t), 40200, 'invalid account type', rid);
    expectOk(await typing('Typing', '/cgi-bin/message/custom/business/typing', t));
  });
});

describe('the outbox (admin)', () => {
  it('filters, since_id paging, last_id, DELETE; wait answers once min entries exist', async () => {
    await flow.say(svc, U, { type: 'text', content: 'hi' });
    for (let i = 0; i < 3; i++) await flow.send(token, text(U, `m${i}`));
    const all = await ctx.admin.request('GET', `/apps/${svc}/outbox`);
    const ids = (all.json.entries as { id: number }[]).map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(all.json.last_id).toBe(ids.at(-1));
    const after = await ctx.admin.request('GET', `/apps/${svc}/outbox?since_id=${ids[0]}`);
    expect((after.json.entries as unknown[]).length).toBe(2);
    const none = await ctx.admin.request('GET', `/apps/${svc}/outbox?since_id=${ids.at(-1)}`);
    expect(none.json).toEqual({ entries: [], last_id: ids.at(-1) });
    const waiting = ctx.admin.request('GET', `/apps/${svc}/outbox?since_id=${ids.at(-1)}&wait=10`);
    await new Promise((r) => setTimeout(r, 200));
    await flow.send(token, text(U, 'late'));
    expect(((await waiting).json.entries as { body: unknown }[])[0]?.body).toEqual(text(U, 'late'));
    expect((await ctx.admin.request('GET', `/apps/${svc}/outbox?wait=31`)).status).toBe(400);
    expect((await ctx.admin.request('GET', `/apps/${svc}/outbox?limit=0`)).status).toBe(400);
    expect((await ctx.admin.request('GET', `/apps/${svc}/deliveries?limit=10001`)).status).toBe(400);
    expect((await ctx.admin.request('GET', `/apps/${svc}/outbox?limit=1`)).json.entries).toHaveLength(1);
    expect((await ctx.admin.request('DELETE', `/apps/${svc}/outbox`)).status).toBe(204);
    expect(await flow.outbox(svc)).toEqual([]);
    // Entries are kept 7 days by the deployment clock.
    await flow.send(token, text(U, 'old'));
    await ctx.admin.advance(7 * 86400 + 1);
    expect(await flow.outbox(svc)).toEqual([]);
  });
});
