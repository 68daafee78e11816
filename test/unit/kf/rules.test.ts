import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNickname, kfListItem, mayManageKf, mayManageWorkers, parseKfAccount } from '../../../src/domains/kf/rules.js';
import type { KfAccountRecord } from '../../../src/store/store.js';
import { kfAccountRecord } from '../../helpers/records.js';

const app = { alias: 'kf_alias1', original_id: 'gh_0123456789ab' };
const PREFIX_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
const prefixArb = fc.string({ unit: fc.constantFrom(...PREFIX_CHARS), minLength: 1, maxLength: 10 });

describe('parseKfAccount', () => {
  it.each([
    ['a@kf_alias1', 'a'],
    ['Test_1@KF_ALIAS1', 'test_1'],
    ['abcdefghij@gh_0123456789ab', 'abcdefghij'],
    ['U7@GH_0123456789AB', 'u7'],
  ])('%s is legal with PREFIX %s', (value, prefix) => {
    expect(parseKfAccount(value, app)).toEqual({ ok: true, value: prefix });
  });

  it.each([
    [5],
    [null],
    [undefined],
    [''],
    ['a'],
    ['@kf_alias1'],
    ['abcdefghijk@kf_alias1'],
    ['a-b@kf_alias1'],
    ['a@kf_alias2'],
    ['a@kf_alias1@x'],
    ['é@kf_alias1'],
    ['a@gh_0123456789ac'],
  ])('%j is illegal', (value) => {
    expect(parseKfAccount(value, app)).toMatchObject({ ok: false, err: 'KF_ACCOUNT_ILLEGAL', why: expect.any(String) });
  });

  it('an app with neither WeChat ID nor original ID accepts nothing', () => {
    expect(parseKfAccount('a@', { alias: '', original_id: '' }).ok).toBe(false);
  });

  it('property: any legal PREFIX with either suffix in any case is legal and names the same account', () => {
    fc.assert(
      fc.property(prefixArb, fc.boolean(), fc.boolean(), (prefix, useAlias, upper) => {
        const suffix = useAlias ? app.alias : app.original_id;
        const r = parseKfAccount(`${prefix}@${upper ? suffix.toUpperCase() : suffix}`, app);
        expect(r).toEqual({ ok: true, value: prefix.toLowerCase() });
      }),
    );
  });

  it('property: a PREFIX with any character outside A-Za-z0-9_ is illegal', () => {
    fc.assert(
      fc.property(
        prefixArb,
        fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !PREFIX_CHARS.includes(c) && c !== '@'),
        (prefix, bad) => {
          expect(parseKfAccount(`${prefix.slice(0, 9)}${bad}@kf_alias1`, app).ok).toBe(false);
        },
      ),
    );
  });

  it('property: over 30 characters is always illegal, whatever the suffix', () => {
    const long = { alias: 'a234567890123456789b', original_id: '' };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...PREFIX_CHARS), minLength: 10, maxLength: 10 }), (prefix) => {
        expect(parseKfAccount(`${prefix}@${long.alias}`, long).ok).toBe(false);
        expect(parseKfAccount(`${prefix.slice(1)}@${long.alias}`, long).ok).toBe(true);
      }),
    );
  });
});

describe('checkNickname', () => {
  it.each([['客服1'], ['A'], ['x'.repeat(16)], ['😀'.repeat(16)], [' padded '], ['a\u3000b']])('%j is legal', (nick) => {
    expect(checkNickname(nick, [])).toEqual({ ok: true, value: nick });
  });

  it.each([
    [''],
    ['x'.repeat(17)],
    [' '],
    ['\u3000'],
    ['\u00a0\u2003'],
    ['a\nb'],
    ['a\u0000'],
    ['\u200d'],
    ['a\u2066b'],
    ['\ud83d'],
    [5],
    [null],
  ])('%j is illegal', (nick) => {
    expect(checkNickname(nick, [])).toMatchObject({ ok: false, err: 'KF_NICKNAME_ILLEGAL', why: expect.any(String) });
  });

  it('refuses forbidden words as case-insensitive substrings', () => {
    expect(checkNickname('Big SPAM shop', ['spam']).ok).toBe(false);
    expect(checkNickname('spa m', ['spam']).ok).toBe(true);
  });

  it('property: the length limit counts code points, not UTF-16 units', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '客', '😀', '𠀀'), { minLength: 1, maxLength: 24 }), (chars) => {
        expect(checkNickname(chars.join(''), []).ok).toBe(chars.length <= 16);
      }),
    );
  });

  it('property: a nickname made only of white space is always illegal', () => {
    const ws = fc.constantFrom(' ', '\u3000', '\u00a0', '\u2002', '\u2028', '\u205f');
    fc.assert(
      fc.property(fc.array(ws, { minLength: 1, maxLength: 16 }), (chars) => {
        expect(checkNickname(chars.join(''), []).ok).toBe(false);
      }),
    );
  });

  it('property: one control or format character anywhere makes it illegal', () => {
    const bad = fc.constantFrom('\u0001', '\u001f', '\u007f', '\u0085', '\u00ad', '\u200b', '\u200e', '\ufeff', '\ud800');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '客'), maxLength: 7 }),
        bad,
        fc.string({ unit: fc.constantFrom('x', '服'), maxLength: 7 }),
        (a, c, b) => {
          expect(checkNickname(`${a}${c}${b}`, []).ok).toBe(false);
        },
      ),
    );
  });
});

describe('who may manage kf accounts', () => {
  it.each([
    ['mini_program', false, true],
    ['minigame', false, true],
    ['subscription', false, false],
    ['subscription', true, true],
    ['service', false, false],
    ['service', true, true],
  ] as const)('%s certified=%s: %s', (type, certified, allowed) => {
    expect(mayManageKf({ type, certified })).toBe(allowed);
  });

  it('head images and invitations: certified subscription and service accounts only', () => {
    expect(mayManageWorkers({ type: 'mini_program', certified: true })).toBe(false);
    expect(mayManageWorkers({ type: 'service', certified: true })).toBe(true);
    expect(mayManageWorkers({ type: 'service', certified: false })).toBe(false);
  });
});

describe('kfListItem', () => {
  const base: KfAccountRecord = kfAccountRecord();
  it('kf_id is a string; no kf_wx or invite fields when neither exists', () => {
    expect(kfListItem(base, 0)).toEqual({ kf_account: 'a@x', kf_headimgurl: '', kf_id: '1001', kf_nick: 'A' });
  });
  it('a waiting invitation reads expired once past its expiry; a bound account shows kf_wx only', () => {
    const invited = { ...base, invite_wx: 'worker1', invite_expire_time: 1000, invite_status: 'waiting' };
    expect(kfListItem(invited, 999_999)).toMatchObject({ invite_status: 'waiting', invite_expire_time: 1000 });
    expect(kfListItem(invited, 1_000_000)).toMatchObject({ invite_status: 'expired' });
    expect(kfListItem({ ...invited, kf_wx: 'worker1' }, 0)).toEqual({ ...kfListItem(base, 0), kf_wx: 'worker1' });
  });
});
