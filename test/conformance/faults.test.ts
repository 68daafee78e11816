import { createRequire } from 'node:module';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SECRET, SEED } from '../helpers/fixtures.js';
import { Flow, text } from '../helpers/flow.js';
import { call, expectOk, expectWxError } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

/** operator.md: faults, exactly; label-scoped reset; /metrics; the OpenAPI document; the journal stream. */
const ctx = conformanceSuite({ freeze: true, seed: SEED });
const flow = new Flow(ctx);
const svc = APPS.service.appid;
let token: string;

beforeEach(async () => {
  token = await ctx.admin.token(svc);
});

const fault = (body: Record<string, unknown>) => ctx.admin.request('POST', '/faults', body);
const getkflist = (t = token, method = 'GET') =>
  call(ctx.t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: t }, method });

describe('faults', () => {
  it('count: the next N calls answer the errcode (table text, hint on the kf family), then calls go on; fired and remaining are listed', async () => {
    const made = await fault({ path: '/customservice/getkflist', errcode: -1, count: 2 });
    expect(made.status, made.text).toBe(201);
    expect(made.json).toEqual({
      id: expect.any(Number),
      path: '/customservice/getkflist',
      appid: null,
      errcode: -1,
      errmsg: 'system error',
      count: 2,
      ratio: null,
      delay_ms: null,
      fired: 0,
      remaining: 2,
    });
    // Both paths of the interface are one interface.
    expectWxError(await getkflist(), -1, 'system error', { hint: true });
    expectWxError(await call(ctx.t.baseUrl, '/customservice/getkflist', { query: { access_token: token } }), -1, 'system error', {
      hint: true,
    });
    expect((await getkflist()).json).toEqual({ kf_list: [] });
    const listed = (await ctx.admin.request('GET', '/faults')).json.faults as Record<string, unknown>[];
    expect(listed).toEqual([expect.objectContaining({ fired: 2, remaining: 0 })]);
  });

  it('a path-wide fault is check 1 (before the method and the token); an app-scoped one only touches that app once its token resolves', async () => {
    await fault({ path: '/customservice/kfaccount/add', errcode: 45009 });
    const wrongMethod = await call(ctx.t.baseUrl, '/customservice/kfaccount/add', { method: 'GET' });
    expectWxError(wrongMethod, 45009, 'reach max api daily quota limit', { hint: true });
    const other = await ctx.admin.token(APPS.subscription.appid);
    await fault({ path: '/cgi-bin/customservice/getkflist', appid: svc, errcode: 43019, errmsg: 'recipient in blacklist' });
    expectWxError(await getkflist(), 43019, 'recipient in blacklist', { hint: true });
    expect((await getkflist(other)).json).toEqual({ kf_list: [] });
    expect((await getkflist('not-a-token')).json.errcode).toBe(40001);
  });

  it('the journal entry of a call a fault touched carries fault_id and says so; deleting a fault stops it at once', async () => {
    const id = (await fault({ path: '/cgi-bin/customservice/getkflist', errcode: 40001 })).json.id as number;
    const answered = await getkflist();
    expect(answered.json.errcode).toBe(40001);
    const rid = /rid: (\S+)$/.exec(String(answered.json.errmsg))?.[1];
    const entry = (await ctx.admin.request('GET', `/journal/${rid}`)).json;
    expect(entry).toMatchObject({ fault_id: id, errcode: 40001, reason: `answered by injected fault ${id}` });
    expect((await ctx.admin.request('DELETE', `/faults/${id}`)).status).toBe(204);
    expect((await getkflist()).json).toEqual({ kf_list: [] });
    expect((await ctx.admin.request('DELETE', `/faults/${id}`)).status).toBe(404);
  });

  it('a delay waits at least delay_ms, then the call goes on; a delayed send is in the outbox, a faulted one is not', async () => {
    await flow.user(svc, 'u1');
    await flow.say(svc, 'u1', { type: 'text', content: 'hi' });
    await fault({ path: '/cgi-bin/message/custom/send', delay_ms: 150, count: 1 });
    const started = performance.now();
    expectOk(await flow.send(token, text('u1')));
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    await fault({ path: '/cgi-bin/message/custom/send', errcode: 45015, count: 1 });
    expect((await flow.send(token, text('u1'))).json.errcode).toBe(45015);
    expect((await flow.outbox(svc)).map((e) => e.errcode)).toEqual([0]);
  });

  it('a ratio fault fires within statistical bounds over 1000 calls', async () => {
    await fault({ path: '/cgi-bin/customservice/getkflist', errcode: -1, ratio: 0.3 });
    let fired = 0;
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => getkflist()));
      fired += batch.filter((a) => a.json.errcode === -1).length;
    }
    // 1000 × 0.3 = 300, σ ≈ 14.5: ± 75 is over 5σ.
    expect(fired).toBeGreaterThan(225);
    expect(fired).toBeLessThan(375);
    const [f] = (await ctx.admin.request('GET', '/faults')).json.faults as { fired: number }[];
    expect(f?.fired).toBe(fired);
  });

  it('an SDK retries 40001 once and gets its answer (wechat-api getCustomServiceList)', async () => {
    const require = createRequire(import.meta.url);
    const API = require('wechat-api') as new (
      a: string,
      s: string,
    ) => {
      endpoint: string;
      getLatestToken(cb: (err: Error | null, data: unknown) => void): void;
      getCustomServiceList(cb: (err: Error | null, data: unknown) => void): void;
    };
    const api = new API(svc, SECRET);
    api.endpoint = ctx.t.baseUrl;
    // wechat-api retries a 40001 once when it holds a cached token: get one first.
    await new Promise((resolve, reject) => api.getLatestToken((err, d) => (err ? reject(err) : resolve(d))));
    await fault({ path: '/cgi-bin/customservice/getkflist', errcode: 40001, count: 1 });
    const data = await new Promise((resolve, reject) => api.getCustomServiceList((err, d) => (err ? reject(err) : resolve(d))));
    expect(data).toEqual({ kf_list: [] });
  });

  it('both typing paths are one interface: a fault given one path fires on the other', async () => {
    await fault({ path: '/cgi-bin/message/custom/typing', errcode: -1 });
    const mp = await ctx.admin.token(APPS.miniProgram.appid);
    const a = await call(ctx.t.baseUrl, '/cgi-bin/message/custom/business/typing', {
      query: { access_token: mp },
      body: { touser: 'x', command: 'Typing' },
    });
    expect(a.json.errcode).toBe(-1);
  });

  it('bad faults are 400 naming the field; an unknown app is 404', async () => {
    for (const [body, field] of [
      [{ path: '/nope', errcode: -1 }, 'path'],
      [{ path: '/cgi-bin/token' }, 'errcode'],
      [{ path: '/cgi-bin/token', errcode: 43019 }, 'errmsg'],
      [{ path: '/cgi-bin/token', errcode: -1, count: 1, ratio: 0.5 }, 'ratio'],
      [{ path: '/cgi-bin/token', errcode: -1, ratio: 0 }, 'ratio'],
      [{ path: '/cgi-bin/token', errcode: 'x' }, 'errcode'],
    ] as const) {
      const a = await fault(body);
      expect(a.status, JSON.stringify(body)).toBe(400);
      expect(a.json.error).toContain(field);
    }
    expect((await fault({ path: '/cgi-bin/token', errcode: -1, appid: 'wx0000000000000404' })).status).toBe(404);
  });
});

describe('label-scoped reset', () => {
  it("removes only that label's apps with their tokens, users and journal; another label, the clock and path-wide faults stay", async () => {
    const a = { appid: 'wx000000000000a001', alias: 'label_a', label: 'worker-1', users: [{ openid: 'ua' }] };
    const b = { appid: 'wx000000000000b001', alias: 'label_b', label: 'worker-2', users: [{ openid: 'ub' }] };
    await ctx.admin.seed({ apps: [a, b] });
    const tokenA = await ctx.admin.token(a.appid);
    const tokenB = await ctx.admin.token(b.appid);
    await getkflist(tokenA);
    await getkflist(tokenB);
    await fault({ path: '/cgi-bin/token', delay_ms: 1 });
    await ctx.admin.advance(100);
    const clock = (await ctx.admin.clock()).now;
    expect((await ctx.admin.request('POST', '/reset', { label: 'worker-1' })).status).toBe(204);
    expect((await ctx.admin.request('GET', `/apps/${a.appid}`)).status).toBe(404);
    expect((await getkflist(tokenA)).json.errcode).toBe(40001);
    expect((await getkflist(tokenB)).json).toEqual({ kf_list: [] });
    expect((await ctx.admin.request('GET', `/apps/${b.appid}/users`)).json.users).toHaveLength(1);
    expect((await ctx.admin.clock()).now).toBe(clock);
    expect((await ctx.admin.request('GET', '/faults')).json.faults).toHaveLength(1);
    const journal = (await ctx.admin.request('GET', '/journal?path=/cgi-bin/customservice/getkflist')).json.entries as {
      appid: string;
    }[];
    expect(journal.map((e) => e.appid)).not.toContain(a.appid);
    expect(journal.map((e) => e.appid)).toContain(b.appid);
    expect((await ctx.admin.request('POST', '/reset', { label: 'bad label!' })).status).toBe(400);
  });
});

describe('observability', () => {
  it('/metrics is Prometheus text that counts the calls made, with no token in it', async () => {
    await getkflist();
    await getkflist('bad-token');
    const m = await fetch(`${ctx.t.baseUrl}/metrics`);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await m.text();
    for (const line of body.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/);
    }
    const count = (errcode: number) =>
      Number(
        new RegExp(`wxkf_requests_total\\{interface="/cgi-bin/customservice/getkflist",errcode="${errcode}"\\} (\\d+)`).exec(
          body,
        )?.[1] ?? 0,
      );
    expect(count(0)).toBeGreaterThanOrEqual(1);
    expect(count(40001)).toBeGreaterThanOrEqual(1);
    for (const name of [
      'wxkf_request_duration_seconds_bucket',
      'wxkf_faults_fired_total',
      'wxkf_journal_backlog',
      'wxkf_store_errors_total',
      'process_cpu_user_seconds_total',
    ]) {
      expect(body).toContain(name);
    }
    expect(body).not.toContain(token.slice(0, 16));
  });

  it('the OpenAPI document is valid OpenAPI 3 and lists the admin routes', async () => {
    const doc = (await ctx.admin.request('GET', '/openapi.json')).json;
    const result = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    for (const [method, path] of [
      ['post', '/admin/api/apps'],
      ['patch', '/admin/api/apps/{appid}'],
      ['put', '/admin/api/apps/{appid}/quotas'],
      ['post', '/admin/api/tokens'],
      ['post', '/admin/api/apps/{appid}/users/{openid}/say'],
      ['get', '/admin/api/apps/{appid}/outbox'],
      ['put', '/admin/api/apps/{appid}/webhook'],
      ['post', '/admin/api/apps/{appid}/sessions/{openid}/switch'],
      ['post', '/admin/api/faults'],
      ['delete', '/admin/api/faults/{id}'],
      ['get', '/admin/api/journal/{rid}'],
      ['post', '/admin/api/clock'],
      ['post', '/admin/api/reset'],
    ]) {
      expect(paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    }
    const post = paths['/admin/api/faults']?.post as {
      requestBody: { content: Record<string, { schema: { properties: object } }> };
    };
    expect(Object.keys(post.requestBody.content['application/json']!.schema.properties)).toContain('delay_ms');
  });

  it('the journal stream sends each new call as an event', async () => {
    const controller = new AbortController();
    const res = await fetch(`${ctx.t.baseUrl}/admin/api/journal/stream`, {
      headers: { authorization: `Bearer ${ctx.t.adminToken}` },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const answered = await getkflist('stream-test-token');
    const rid = /rid: (\S+)$/.exec(String(answered.json.errmsg))?.[1] as string;
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes(rid)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    controller.abort();
    const event = seen.split('\n\n').find((e) => e.includes(rid)) as string;
    expect(JSON.parse(/data: (.*)/.exec(event)![1]!)).toMatchObject({
      rid,
      errcode: 40001,
      path: '/cgi-bin/customservice/getkflist',
    });
    const unauthorized = await fetch(`${ctx.t.baseUrl}/admin/api/journal/stream`);
    expect(unauthorized.status).toBe(401);
  });
});
