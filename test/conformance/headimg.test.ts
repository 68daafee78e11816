import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SEED } from '../helpers/fixtures.js';
import { call, expectOk, expectWxError } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

const hint = { hint: true };
const UPLOAD = '/customservice/kfaccount/uploadheadimg';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(1000, 3)]);
const tokens: Record<string, string> = {};

const ctx = conformanceSuite({ freeze: true, seed: SEED });
beforeEach(async () => {
  for (const [name, app] of Object.entries(APPS)) tokens[name] = await ctx.admin.token(app.appid);
  expectOk(
    await call(ctx.t.baseUrl, '/customservice/kfaccount/add', {
      query: { access_token: tokens.service },
      body: { kf_account: 'a@kf_alias1', nickname: 'A' },
    }),
  );
});

function form(field: string, bytes: Buffer, filename = 'avatar.bin'): FormData {
  const f = new FormData();
  f.append(field, new Blob([bytes]), filename);
  return f;
}
/** `kf_account: null` leaves it out of the query. */
const upload = (body: unknown, kf_account: string | null = 'a@kf_alias1', token = tokens.service) =>
  call(ctx.t.baseUrl, UPLOAD, { method: 'POST', query: { access_token: token, kf_account: kf_account ?? undefined }, body });
const headimgurl = async () => {
  const list = await call(ctx.t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: tokens.service } });
  return (list.json.kf_list as { kf_headimgurl: string }[])[0]?.kf_headimgurl as string;
};

describe('POST /customservice/kfaccount/uploadheadimg', () => {
  it('stores a PNG judged by its bytes (whatever its name) and serves it at kf_headimgurl with cache headers', async () => {
    expectOk(await upload(form('media', PNG, 'photo.jpg')));
    const url = await headimgurl();
    expect(url).toMatch(new RegExp(`^http://[^/]+/kf/headimg/${APPS.service.appid}/1001\\?v=\\d+$`));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toContain('max-age');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    const again = await fetch(url, { headers: { 'if-none-match': res.headers.get('etag') as string } });
    expect(again.status).toBe(304);
    expectOk(await upload(form('media', JPEG, 'photo.png')));
    const next = await headimgurl();
    const jpeg = await fetch(next);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await jpeg.arrayBuffer())).toEqual(JPEG);
  });

  it('rules in order: 65400, 65401 (also a missing or malformed kf_account), 41005, 40009, 40005', async () => {
    await ctx.admin.patchApp(APPS.service.appid, { kf_enabled: false });
    expectWxError(
      await upload(form('media', PNG), 'zz@kf_alias1'),
      65400,
      'please enable new custom service, or wait for a while if you have enabled',
      hint,
    );
    await ctx.admin.patchApp(APPS.service.appid, { kf_enabled: true });
    for (const kf of ['zz@kf_alias1', null, 'bad']) {
      expectWxError(await upload(form('other', PNG), kf), 65401, 'invalid custom service account', hint);
    }
    expectWxError(await upload(form('other', PNG)), 41005, 'media data missing', hint);
    expectWxError(await upload(undefined), 41005, 'media data missing', hint);
    expectWxError(await upload('{"media": 1}'), 41005, 'media data missing', hint);
    const tooBig = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    expectWxError(await upload(form('media', tooBig)), 40009, 'invalid image size', hint);
    expectWxError(await upload(form('media', Buffer.from('GIF89a not allowed'))), 40005, 'invalid file type', hint);
    expect(await headimgurl()).toBe('');
  });

  it('exactly 5 MB is accepted', async () => {
    const five = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(5 * 1024 * 1024 - 8)]);
    expectOk(await upload(form('media', five)));
  });

  it('Mini Programs get 48001; GET is 43002', async () => {
    expectWxError(await upload(form('media', PNG), 'm@gh_00000000000c', tokens.miniProgram), 48001, 'api unauthorized', hint);
    expectWxError(
      await call(ctx.t.baseUrl, UPLOAD, { query: { access_token: tokens.service } }),
      43002,
      'require POST method',
      hint,
    );
  });

  it("a deleted account's image is gone", async () => {
    expectOk(await upload(form('media', PNG)));
    const url = await headimgurl();
    expectOk(
      await call(ctx.t.baseUrl, '/customservice/kfaccount/del', {
        query: { access_token: tokens.service, kf_account: 'a@kf_alias1' },
      }),
    );
    expect((await fetch(url)).status).toBe(404);
  });
});
