import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseErrmsg, parseRid } from '../../src/wire/index.js';
import { APPS, SEED } from '../helpers/fixtures.js';
import { call, expectOk, expectWxError } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

const ADD = '/customservice/kfaccount/add';
const hint = { hint: true };

let token: string;

const ctx = conformanceSuite({ seed: SEED });
beforeEach(async () => {
  token = await ctx.admin.token(APPS.service.appid);
});

const raw = (body: string | Uint8Array | undefined, headers: Record<string, string> = {}, query = { access_token: token }) =>
  call(ctx.t.baseUrl, ADD, { method: 'POST', query, body, headers });

describe('JSON bodies whatever the Content-Type', () => {
  const cases: [string, Record<string, string>][] = [
    ['application/json', { 'content-type': 'application/json' }],
    ['application/json; charset=utf-8', { 'content-type': 'application/json; charset=utf-8' }],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['application/x-www-form-urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['application/octet-stream', { 'content-type': 'application/octet-stream' }],
    ['an unparseable type', { 'content-type': 'nonsense' }],
  ];
  it.each(cases)('%s', async (_name, headers) => {
    expectOk(await raw(JSON.stringify({ kf_account: 'a@kf_alias1', nickname: '客服' }), headers));
  });

  it('no Content-Type at all', async () => {
    const body = new TextEncoder().encode(JSON.stringify({ kf_account: 'b@kf_alias1', nickname: 'B' }));
    expectOk(await raw(body));
  });

  it('with a UTF-8 byte-order mark', async () => {
    expectOk(
      await raw(`\ufeff${JSON.stringify({ kf_account: 'c@kf_alias1', nickname: 'C' })}`, { 'content-type': 'text/plain' }),
    );
  });

  it('a body that is not UTF-8 is 47001, and nothing is stored', async () => {
    const enc = new TextEncoder();
    const body = Uint8Array.from([...enc.encode('{"kf_account":"u8@kf_alias1","nickname":"'), 0xff, 0xfe, ...enc.encode('"}')]);
    expectWxError(await raw(body, { 'content-type': 'application/json' }), 47001, 'data format error', hint);
    const list = await call(ctx.t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: token } });
    expect(list.text).not.toContain('u8@kf_alias1');
  });

  it('answers non-ASCII as it is, never as \\u escapes', async () => {
    await raw(JSON.stringify({ kf_account: 'd@kf_alias1', nickname: '客服' }), { 'content-type': 'application/json' });
    const a = await call(ctx.t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: token } });
    expect(a.text).toContain('"kf_nick":"客服"');
    expect(a.text).not.toContain('\\u');
  });
});

describe('the 1 MiB limit', () => {
  const big = (size: number) => `{"kf_account":"e@kf_alias1","nickname":"E","pad":"${'x'.repeat(size)}"}`;

  it('a 2 MiB body answers 47001 and closes the connection', async () => {
    const a = await raw(big(2 * 1024 * 1024), { 'content-type': 'application/json' });
    expectWxError(a, 47001, 'data format error', hint);
    expect(a.headers.get('connection')).toBe('close');
  });

  it('a 2 MiB body still gets checks 1–8 first: no token is 41001, a GET is 43002', async () => {
    expectWxError(await raw(big(2 * 1024 * 1024), {}, { access_token: '' }), 41001, 'access_token missing', hint);
    expectWxError(
      await call(ctx.t.baseUrl, ADD, { method: 'PUT', body: big(2 * 1024 * 1024) }),
      43002,
      'require POST method',
      hint,
    );
  });

  it('a body just under 1 MiB is read', async () => {
    expectOk(await raw(big(1024 * 1024 - 100), { 'content-type': 'application/json' }));
  });
});

describe('envelope', () => {
  it('an unknown path is 40066 with a hint, on any method', async () => {
    for (const [method, path] of [
      ['GET', '/cgi-bin/nope'],
      ['POST', '/customservice/kfaccount/ad'],
      ['GET', '/'],
    ] as const) {
      expectWxError(await call(ctx.t.baseUrl, path, { method, query: { access_token: token } }), 40066, 'invalid url', hint);
    }
    expectWxError(await call(ctx.t.baseUrl, `${ADD}/`, { method: 'POST', body: {} }), 40066, 'invalid url', hint);
  });

  it("a rid's first group is the deployment clock's Unix seconds, the rest random", async () => {
    const frozen = await ctx.admin.freeze();
    await ctx.admin.advance(12345);
    const a = await raw('');
    const rid = parseErrmsg(String(a.json.errmsg)).rid as string;
    expect(parseRid(rid)?.unixSeconds).toBe(frozen + 12345);
    const b = await raw('');
    expect(parseErrmsg(String(b.json.errmsg)).rid).not.toBe(rid);
    await ctx.admin.clock({ real: true });
  });

  it("wrong JSON types are the field's own error: kf_account 5 is 65404, nickname null is 65403", async () => {
    expectWxError(await raw(JSON.stringify({ kf_account: 5, nickname: 'A' })), 65404, 'illegal custom service account', hint);
    expectWxError(await raw(JSON.stringify({ kf_account: 'a@kf_alias1', nickname: null })), 65403, 'illegal nickname', hint);
  });

  it('never answers other than HTTP 200 with an errcode, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 64 })), async (body) => {
        const a = await raw(body, { 'content-type': 'application/json' });
        expect(a.status).toBe(200);
        expect(typeof a.json.errcode).toBe('number');
      }),
      { numRuns: 60 },
    );
  });
});
