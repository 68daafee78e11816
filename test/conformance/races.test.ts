import { beforeEach, describe, expect, it } from 'vitest';
import { APPS, SEED } from '../helpers/fixtures.js';
import { call } from '../helpers/http.js';
import { conformanceSuite } from '../helpers/suite.js';

let token: string;

const ctx = conformanceSuite({ seed: SEED });
beforeEach(async () => {
  token = await ctx.admin.token(APPS.service.appid);
});

const add = (kf_account: string) =>
  call(ctx.t.baseUrl, '/customservice/kfaccount/add', { query: { access_token: token }, body: { kf_account, nickname: 'N' } });

function tally(codes: unknown[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[String(c)] = (out[String(c)] ?? 0) + 1;
  return out;
}

describe('POST /customservice/kfaccount/add under concurrency', () => {
  it('300 simultaneous adds of distinct accounts: exactly 100 succeed, 200 get 65405, getkflist lists 100', async () => {
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => add(`r${i}@kf_alias1`)));
    expect(tally(answers.map((a) => a.json.errcode))).toEqual({ '0': 100, '65405': 200 });
    const list = await call(ctx.t.baseUrl, '/cgi-bin/customservice/getkflist', { query: { access_token: token } });
    const accounts = list.json.kf_list as { kf_id: string }[];
    expect(accounts).toHaveLength(100);
    // kf_ids are unique and consecutive from 1001: no id was taken by a refused add.
    expect(accounts.map((a) => a.kf_id)).toEqual(Array.from({ length: 100 }, (_, i) => String(1001 + i)));
  });

  it('50 simultaneous adds of one account in mixed letter case: exactly one succeeds, 49 get 65406', async () => {
    const forms = Array.from(
      { length: 50 },
      (_, i) =>
        [...'dup'].map((ch, j) => ((i >> j) & 1 ? ch.toUpperCase() : ch)).join('') + (i % 2 ? '@kf_alias1' : '@GH_0123456789AB'),
    );
    const answers = await Promise.all(forms.map(add));
    expect(tally(answers.map((a) => a.json.errcode))).toEqual({ '0': 1, '65406': 49 });
    expect(await ctx.admin.kfAccounts(APPS.service.appid)).toHaveLength(1);
  });

  it('concurrent del and update of one account: only 0 or 65401, and a consistent end state', async () => {
    await add('race@kf_alias1');
    const post = (path: string, body: unknown) =>
      call(ctx.t.baseUrl, path, { method: 'POST', query: { access_token: token }, body });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0
          ? post('/customservice/kfaccount/del', { kf_account: 'race@kf_alias1' })
          : post('/customservice/kfaccount/update', { kf_account: 'race@kf_alias1', nickname: `n${i}` }),
      ),
    );
    const codes = answers.map((a) => a.json.errcode);
    expect(codes.every((c) => c === 0 || c === 65401)).toBe(true);
    // Exactly one del removed it; the account is gone everywhere, and can be added again.
    const dels = answers.filter((_, i) => i % 4 === 0).map((a) => a.json.errcode);
    expect(dels.filter((c) => c === 0)).toHaveLength(1);
    expect(await ctx.admin.kfAccounts(APPS.service.appid)).toEqual([]);
    expect((await add('race@kf_alias1')).json.errcode).toBe(0);
  });
});
