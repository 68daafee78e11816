import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPS, SEED } from '../helpers/fixtures.js';
import { Flow, text } from '../helpers/flow.js';
import { conformanceSuite } from '../helpers/suite.js';
import { WebhookServer } from '../helpers/webhook-server.js';
import { decrypt, encryptedReply, sign } from '../helpers/wechat-crypto.js';

/** push.md over HTTP: a real webhook server on loopback, in each mode. */
const ctx = conformanceSuite({ freeze: true, seed: SEED });
const flow = new Flow(ctx);
const svc = APPS.service.appid;
const GH = 'gh_0123456789ab';
const U = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
const TOKEN = 'tok3n';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
let server: WebhookServer;

beforeEach(async () => {
  server = await new WebhookServer().start();
  await flow.user(svc, U);
});
afterEach(() => server.stop());

const hook = (fields: Record<string, unknown> = {}) =>
  ctx.admin.request('PUT', `/apps/${svc}/webhook`, { url: server.url, token: TOKEN, ...fields });
const passive = (content: string) =>
  `<xml><ToUserName><![CDATA[${U}]]></ToUserName><FromUserName><![CDATA[${GH}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content></xml>`;

describe('webhook config and URL verification', () => {
  it('PUT verifies the URL (GET with signature, echostr, timestamp, nonce) and stores the config with its defaults', async () => {
    server.reply = WebhookServer.echoing((_r, res) => void res.end('success'));
    const a = await hook();
    expect(a.status, a.text).toBe(200);
    expect(a.json).toEqual({
      url: server.url,
      token: TOKEN,
      encoding_aes_key: null,
      mode: 'plain',
      timeout_ms: 5000,
      attempts: 3,
      api_session_events: true,
    });
    const [check] = server.received;
    expect([...check!.url.searchParams.keys()]).toEqual(['signature', 'echostr', 'timestamp', 'nonce']);
    const q = check!.url.searchParams;
    expect(q.get('signature')).toBe(sign(TOKEN, q.get('timestamp')!, q.get('nonce')!));
    expect(q.get('echostr')).toMatch(/^\d{19}$/);
    expect(q.get('nonce')).toMatch(/^\d{9,10}$/);
    expect((await ctx.admin.request('GET', `/apps/${svc}/webhook`)).json).toMatchObject({ url: server.url });
  });

  it('a server that does not echo is 422 with the delivery, and the old config stays; verify:false stores at once', async () => {
    server.reply = (_r, res) => void res.end('nope');
    const a = await hook();
    expect(a.status).toBe(422);
    expect(a.json.delivery).toMatchObject({ kind: 'verify', status: 'verify_failed', trigger: 'webhook_put' });
    expect((await ctx.admin.request('GET', `/apps/${svc}/webhook`)).status).toBe(404);
    expect((await hook({ verify: false, attempts: 1 })).status).toBe(200);
    const v = await ctx.admin.request('POST', `/apps/${svc}/webhook/verify`);
    expect(v.json).toMatchObject({ status: 'verify_failed', trigger: 'admin:verify' });
  });

  it('bad fields are 400 naming them; safe mode needs encoding_aes_key; an app without original_id is 409', async () => {
    for (const [body, field] of [
      [{ url: 'ftp://x', token: TOKEN }, 'url'],
      [{ url: server.url, token: 'ab' }, 'token'],
      [{ url: server.url, token: TOKEN, mode: 'safe' }, 'encoding_aes_key'],
      [{ url: server.url, token: TOKEN, timeout_ms: 50 }, 'timeout_ms'],
      [{ url: server.url, token: TOKEN, attempts: 5 }, 'attempts'],
    ] as const) {
      const a = await ctx.admin.request('PUT', `/apps/${svc}/webhook`, body);
      expect(a.status, JSON.stringify(body)).toBe(400);
      expect(a.json.error).toContain(field);
    }
    const none = await ctx.admin.request('PUT', `/apps/${APPS.noWechatId.appid}/webhook`, {
      url: server.url,
      token: TOKEN,
      verify: false,
    });
    expect(none.status).toBe(409);
  });
});

describe('pushes in plain mode', () => {
  it('a text push: the exact XML, signature and openid in the query; a passive reply reaches the outbox', async () => {
    await hook({ verify: false });
    server.reply = (_r, res) => void res.end(passive('Thanks!'));
    const now = (await ctx.admin.clock()).now;
    const d = await flow.say(svc, U, { type: 'text', content: 'hi' });
    expect(d).toMatchObject({
      kind: 'message',
      trigger: 'say',
      status: 'replied',
      msg_type: 'text',
      msg_id: '10000000000000001',
      openid: U,
    });
    const [push] = server.received;
    expect(push!.body).toBe(
      `<xml><ToUserName><![CDATA[${GH}]]></ToUserName><FromUserName><![CDATA[${U}]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>10000000000000001</MsgId></xml>`,
    );
    const q = push!.url.searchParams;
    expect(q.get('openid')).toBe(U);
    expect(q.get('signature')).toBe(sign(TOKEN, q.get('timestamp')!, q.get('nonce')!));
    const [entry] = await flow.outbox(svc, '?path=passive_reply');
    expect(entry).toMatchObject({
      path: 'passive_reply',
      errcode: 0,
      msgtype: 'text',
      grant: null,
      delivery_id: d.id,
      openid: U,
    });
    // A passive reply is an exchange: typing is allowed, and it used no grant.
    expect(await flow.window(svc, U)).toMatchObject({ remaining: 5, last_exchange_at: now });
  });

  it('events: subscribe with a scene, CLICK; MsgIds increase per app; deliveries are listed with filters', async () => {
    await hook({ verify: false });
    await ctx.admin.request('PATCH', `/apps/${svc}/users/${U}`, { subscribed: false });
    await flow.say(svc, U, { type: 'subscribe', scene: 42 });
    expect(server.received[0]!.body).toContain(
      '<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_42]]></EventKey><Ticket><![CDATA[',
    );
    const again = await ctx.admin.request('POST', `/apps/${svc}/users/${U}/say`, { type: 'subscribe' });
    expect(again.status).toBe(409);
    await flow.say(svc, U, { type: 'click', key: 'K' });
    await flow.say(svc, U, { type: 'text', content: 'a' });
    const d2 = await flow.say(svc, U, { type: 'text', content: 'b' });
    expect(d2.msg_id).toBe('10000000000000002');
    const list = await ctx.admin.request('GET', `/apps/${svc}/deliveries?kind=event`);
    expect((list.json.deliveries as { event: string }[]).map((x) => x.event)).toEqual(['subscribe', 'CLICK']);
    expect((await ctx.admin.request('POST', `/apps/${svc}/users/${U}/say`, { type: 'text' })).status).toBe(400);
    expect((await ctx.admin.request('POST', `/apps/${svc}/users/${U}/say`, { type: 'nope' })).status).toBe(400);
    expect((await ctx.admin.request('POST', `/apps/${svc}/users/nobody/say`, { type: 'text', content: 'x' })).status).toBe(404);
  });

  it('no webhook: no_webhook, and the action still opens the window; wait:false answers 202', async () => {
    const d = await flow.say(svc, U, { type: 'text', content: 'hi' });
    expect(d.status).toBe('no_webhook');
    expect((await flow.window(svc, U)).open).toBe(true);
    const a = await ctx.admin.request('POST', `/apps/${svc}/users/${U}/say`, { type: 'text', content: 'x', wait: false });
    expect(a.status).toBe(202);
    expect(a.json.delivery_id).toEqual(expect.any(Number));
  });

  it('a slow server is timed out and tried `attempts` times; a server that is down fails; the user sees the notice', async () => {
    await hook({ verify: false, timeout_ms: 100, attempts: 2 });
    server.reply = () => undefined; // never answers
    const slow = await flow.say(svc, U, { type: 'text', content: 'hi' });
    expect(slow).toMatchObject({ status: 'failed', user_notice: '该公众号暂时无法提供服务，请稍后再试' });
    expect((slow.attempts as { outcome: string }[]).map((a) => a.outcome)).toEqual(['timeout', 'timeout']);
    expect(server.received.length).toBe(2);
    expect(server.received[0]!.body).toBe(server.received[1]!.body);
    await server.stop();
    const down = await flow.say(svc, U, { type: 'text', content: 'again' });
    expect((down.attempts as { outcome: string }[]).map((a) => a.outcome)).toEqual(['connection_error', 'connection_error']);
    server = await new WebhookServer().start();
  });

  it('a delivery survives neither the deletion of its app nor a reset: it stops and leaves nothing', async () => {
    await hook({ verify: false, timeout_ms: 3000, attempts: 4 });
    server.reply = () => undefined;
    const a = await ctx.admin.request('POST', `/apps/${svc}/users/${U}/say`, { type: 'text', content: 'hi', wait: false });
    expect(a.status).toBe(202);
    for (let i = 0; i < 50 && server.received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await ctx.admin.request('DELETE', `/apps/${svc}`)).status).toBe(204);
    await ctx.admin.seed(SEED);
    await new Promise((r) => setTimeout(r, 100));
    const seen = server.received.length;
    expect((await ctx.admin.request('GET', `/apps/${svc}/deliveries`)).json.deliveries).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    // No further attempt was made for the deleted app's delivery.
    expect(server.received.length).toBe(seen);
  });

  it('a pending delivery shows its attempts so far', async () => {
    await hook({ verify: false, timeout_ms: 400, attempts: 2 });
    server.reply = () => undefined;
    const a = await ctx.admin.request('POST', `/apps/${svc}/users/${U}/say`, { type: 'text', content: 'hi', wait: false });
    const id = a.json.delivery_id as number;
    let d = (await ctx.admin.request('GET', `/apps/${svc}/deliveries/${id}`)).json;
    for (let i = 0; i < 50 && (d.attempts as unknown[]).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      d = (await ctx.admin.request('GET', `/apps/${svc}/deliveries/${id}`)).json;
    }
    expect(d).toMatchObject({ status: 'pending', attempts: [{ outcome: 'timeout' }] });
    expect((d.request as { url: string }).url).toContain('openid=');
    const settled = await ctx.admin.request('GET', `/apps/${svc}/deliveries?wait=5&min=1`);
    expect((settled.json.deliveries as { status: string }[])[0]?.status).toBe('failed');
  });

  it('a JSON reply is invalid (not_xml), and a transfer reply puts the user in the wait queue', async () => {
    await hook({ verify: false });
    server.reply = (_r, res) => void res.end('{"ok":true}');
    expect(await flow.say(svc, U, { type: 'text', content: 'hi' })).toMatchObject({
      status: 'invalid_reply',
      reply: { problem: 'not_xml' },
    });
    server.reply = (_r, res) =>
      void res.end(
        `<xml><ToUserName>${U}</ToUserName><FromUserName>${GH}</FromUserName><CreateTime>1</CreateTime><MsgType>transfer_customer_service</MsgType></xml>`,
      );
    expect((await flow.say(svc, U, { type: 'text', content: 'help' })).status).toBe('transferred');
    const s = await ctx.admin.request('GET', `/apps/${svc}/sessions`);
    expect(s.json).toMatchObject({ sessions: [], waitcases: [{ openid: U, reserved_for: null }] });
  });
});

describe('safe and compatible modes', () => {
  it('safe: the body is ToUserName + Encrypt, msg_signature verifies, the plaintext is the message XML; an encrypted reply is acted on', async () => {
    await hook({ verify: false, mode: 'safe', encoding_aes_key: KEY });
    server.reply = (_r, res) => void res.end(encryptedReply(TOKEN, KEY, svc, passive('secret reply')));
    const d = await flow.say(svc, U, { type: 'text', content: 'hi' });
    expect(d.status).toBe('replied');
    const push = server.received[0]!;
    const encrypted = /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(push.body)![1]!;
    expect(push.body).toBe(`<xml><ToUserName><![CDATA[${GH}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`);
    const q = push.url.searchParams;
    expect(q.get('encrypt_type')).toBe('aes');
    expect(q.get('msg_signature')).toBe(sign(TOKEN, q.get('timestamp')!, q.get('nonce')!, encrypted));
    const plain = decrypt(KEY, encrypted);
    expect(plain.appid).toBe(svc);
    expect(plain.random).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(plain.message).toContain('<Content><![CDATA[hi]]></Content>');
    expect((await flow.outbox(svc, '?path=passive_reply'))[0]?.body).toMatchObject({ Content: 'secret reply' });
  });

  it('safe: a reply for another appid, or a plain one, is refused and logged', async () => {
    await hook({ verify: false, mode: 'safe', encoding_aes_key: KEY });
    server.reply = (_r, res) => void res.end(encryptedReply(TOKEN, KEY, 'wx00000000000000ff', passive('x')));
    expect(await flow.say(svc, U, { type: 'text', content: 'hi' })).toMatchObject({
      status: 'invalid_reply',
      reply: { problem: 'wrong_appid' },
    });
    server.reply = (_r, res) => void res.end(passive('x'));
    expect(await flow.say(svc, U, { type: 'text', content: 'hi' })).toMatchObject({ reply: { problem: 'plain_in_safe_mode' } });
    expect(await flow.outbox(svc, '?path=passive_reply')).toEqual([]);
  });

  it('compatible: the message XML with Encrypt as its last child; a plain reply is accepted', async () => {
    await hook({ verify: false, mode: 'compatible', encoding_aes_key: KEY });
    server.reply = (_r, res) => void res.end(passive('plain ok'));
    expect((await flow.say(svc, U, { type: 'text', content: 'hi' })).status).toBe('replied');
    const body = server.received[0]!.body;
    expect(body).toMatch(/<MsgId>\d{17}<\/MsgId><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]><\/Encrypt><\/xml>$/);
    const encrypted = /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(body)![1]!;
    expect(decrypt(KEY, encrypted).message).toBe(body.replace(/<Encrypt>.*<\/Encrypt>/, ''));
  });
});

describe('a user’s pushes keep the order of the actions', () => {
  it('ten actions without waiting arrive in order', async () => {
    await hook({ verify: false });
    server.reply = async (_r, res) => {
      await new Promise((r) => setTimeout(r, 5));
      res.end('success');
    };
    for (let i = 0; i < 10; i++)
      await ctx.admin.request('POST', `/apps/${svc}/users/${U}/say`, { type: 'text', content: `m${i}`, wait: false });
    const all = await ctx.admin.request('GET', `/apps/${svc}/deliveries?wait=10&min=10`);
    expect((all.json.deliveries as unknown[]).length).toBe(10);
    expect(server.received.map((r) => /Content><!\[CDATA\[(m\d)/.exec(r.body)?.[1])).toEqual(
      [...Array(10).keys()].map((i) => `m${i}`),
    );
    expect(text(U).touser).toBe(U);
  });
});

describe('the seed file sets up a customer-service test', () => {
  it('users, webhook (stored without verification) and the window fields; applying it twice changes nothing', async () => {
    const doc = {
      apps: [
        {
          appid: 'wx00000000000005ee',
          alias: 'seed_flow',
          original_id: 'gh_0000000005ee',
          window_profile: 'legacy',
          window_counting: 'reset',
          users: [{ openid: 'seeded_user', nickname: '<img src=x onerror=alert(1)>' }],
          webhook: { url: server.url, token: TOKEN, mode: 'safe', encoding_aes_key: KEY, attempts: 1 },
        },
      ],
    };
    doc.apps[0]!.users.push({ nickname: 'no openid' } as never);
    await ctx.admin.seed(doc);
    await ctx.admin.seed(doc);
    expect(server.received).toEqual([]);
    const app = (await ctx.admin.request('GET', '/apps/wx00000000000005ee')).json;
    expect(app).toMatchObject({ window_profile: 'legacy', window_counting: 'reset' });
    expect((await ctx.admin.request('GET', '/apps/wx00000000000005ee/users')).json.users).toHaveLength(2);
    expect((await ctx.admin.request('GET', '/apps/wx00000000000005ee/webhook')).json).toMatchObject({
      mode: 'safe',
      attempts: 1,
      timeout_ms: 5000,
    });
    const bad = await ctx.admin.request('POST', '/seed', {
      apps: [{ appid: 'wx00000000000005ef', webhook: { url: server.url, token: 'x' } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('webhook.token');
    const badMode = await ctx.admin.request('POST', '/seed', { apps: [{ appid: 'wx00000000000005ef', window_profile: 'old' }] });
    expect(badMode.json.error).toContain('window_profile');
  });
});
