import { describe, expect, it } from 'vitest';
import { isCount, validateAppInput, validateAppPatch, validateSeed } from '../../../src/domains/admin/validate.js';

describe('validateSeed', () => {
  it('accepts the documented example', () => {
    const r = validateSeed({
      apps: [
        {
          appid: 'wx1234567890abcdef',
          secret: '0123456789abcdef0123456789abcdef',
          type: 'service',
          certified: true,
          alias: 'wxkf_demo',
          original_id: 'gh_0123456789ab',
          kf_enabled: true,
          ip_whitelist: [],
          kf_accounts: [{ kf_account: 'alice@wxkf_demo', nickname: 'Alice' }],
        },
      ],
      component_platforms: [
        {
          component_appid: 'wxabcdef1234567890',
          component_appsecret: '0123456789abcdef0123456789abcdef',
          authorizations: [{ authorizer_appid: 'wx1234567890abcdef', funcscope_category_ids: [1, 6] }],
        },
      ],
    });
    expect(r.ok).toBe(true);
  });
  it('names unknown keys at every level', () => {
    const r = validateSeed({
      app: [],
      apps: [{ appid: 'wx1234567890abcdef', colour: 1, kf_accounts: [{ kf_account: 'a@b', nickname: 'n', pw: 1 }] }],
      component_platforms: [
        {
          component_appid: 'wxabcdef1234567890',
          authorizations: [{ authorizer_appid: 'wx1234567890abcdef', funcscope_category_ids: [1], x: 1 }],
        },
      ],
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual(
        expect.arrayContaining([
          'app: unknown key',
          'apps[0].colour: unknown key',
          'apps[0].kf_accounts[0].pw: unknown key',
          'component_platforms[0].authorizations[0].x: unknown key',
        ]),
      );
    }
  });
  it('names wrong values', () => {
    const r = validateSeed({
      apps: [{ appid: 'wx1', type: 'bank', certified: 'yes', ip_whitelist: ['not-an-ip'], original_id: 'gh_x' }],
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors.map((e) => e.split(':')[0])).toEqual([
        'apps[0].appid',
        'apps[0].type',
        'apps[0].original_id',
        'apps[0].certified',
        'apps[0].ip_whitelist',
      ]);
  });
  it('a seed that is not an object is an error', () => {
    expect(validateSeed([]).ok).toBe(false);
  });
});

describe('validateAppInput and validateAppPatch', () => {
  it('an app needs only its appid', () => {
    expect(validateAppInput({ appid: 'wx00000000000000aa' })).toEqual({
      ok: true,
      value: { appid: 'wx00000000000000aa', kf_accounts: [] },
    });
  });
  it('a patch may change any field but appid, and may empty the alias', () => {
    expect(validateAppPatch({ alias: '', secret_frozen: true })).toEqual({ ok: true, value: { alias: '', secret_frozen: true } });
    expect(validateAppPatch({ appid: 'wx00000000000000aa' }).ok).toBe(false);
  });
});

describe('daily limits', () => {
  it('are whole numbers of calls from 0 to 2^31 - 1 (a PostgreSQL INTEGER), in a seed as in an app', () => {
    const quotas = (v: unknown) =>
      validateAppInput({ appid: 'wx1234567890abcdef', daily_quotas: { '/customservice/kfaccount/add': v } }).ok;
    expect([0, 1, 2_147_483_647].map(quotas)).toEqual([true, true, true]);
    expect([-1, 1.5, 2_147_483_648, 3e9, '5', null].map(quotas)).toEqual([false, false, false, false, false, false]);
    expect(isCount(2_147_483_647) && !isCount(2_147_483_648)).toBe(true);
  });
});
