import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FORCE_REFRESH_PER_DAY,
  SUPERSEDE_GRACE_MS,
  TOKEN_TTL_MS,
  checkTokenRequest,
  decideStable,
  expiresIn,
  ipAllowed,
  tokenStatus,
} from '../../../src/domains/credentials/rules.js';
import { chinaDay } from '../../../src/platform/china-time.js';
import { deriveStableToken, newAccessToken, secretsEqual } from '../../../src/domains/credentials/tokens.js';
import { SeededRandom } from '../../../src/platform/random.js';
import type { StableState, TokenRecord } from '../../../src/store/store.js';

const T0 = 1_800_000_000_000;
const token = (over: Partial<TokenRecord> = {}): TokenRecord => ({
  token_hash: 'h',
  appid: 'wx1',
  family: 'client_credential',
  issued_at: T0,
  expires_at: T0 + TOKEN_TTL_MS,
  superseded_at: null,
  revoked_at: null,
  nonce: null,
  component_appid: null,
  ...over,
});

describe('tokenStatus', () => {
  it.each([
    ['unknown', undefined, T0, 'INVALID_CREDENTIAL'],
    ['fresh', token(), T0, null],
    ['last millisecond', token(), T0 + TOKEN_TTL_MS - 1, null],
    ['expired', token(), T0 + TOKEN_TTL_MS, 'ACCESS_TOKEN_EXPIRED'],
    ['revoked', token({ revoked_at: T0 + 5 }), T0 + 5, 'INVALID_CREDENTIAL'],
    ['superseded, in grace', token({ superseded_at: T0 }), T0 + SUPERSEDE_GRACE_MS - 1, null],
    ['superseded, past grace', token({ superseded_at: T0 }), T0 + SUPERSEDE_GRACE_MS, 'INVALID_CREDENTIAL'],
    ['superseded and expired: 40001 wins', token({ superseded_at: T0 + 1000 }), T0 + TOKEN_TTL_MS + 1, 'INVALID_CREDENTIAL'],
  ] as const)('%s', (_name, tok, now, expected) => {
    expect(tokenStatus(tok, now)).toBe(expected);
  });

  it('property: a token issued at t is valid until t + ttl - 1 and expired from t + ttl', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: TOKEN_TTL_MS - 1 }), (t, age) => {
        const tok = token({ issued_at: t, expires_at: t + TOKEN_TTL_MS });
        expect(tokenStatus(tok, t + age)).toBeNull();
        expect(tokenStatus(tok, t + TOKEN_TTL_MS + age)).toBe('ACCESS_TOKEN_EXPIRED');
      }),
    );
  });
});

describe('checkTokenRequest', () => {
  it.each([
    [{ grant_type: 'x', appid: 'a', secret: 's' }, 'INVALID_GRANT_TYPE'],
    [{ grant_type: undefined, appid: undefined, secret: undefined }, 'INVALID_GRANT_TYPE'],
    [{ grant_type: 'client_credential', appid: '', secret: 's' }, 'APPID_MISSING'],
    [{ grant_type: 'client_credential', appid: 5, secret: 's' }, 'APPID_MISSING'],
    [{ grant_type: 'client_credential', appid: 'a', secret: '' }, 'APPSECRET_MISSING'],
  ])('%j → %s', (req, err) => {
    expect(checkTokenRequest(req)).toMatchObject({ ok: false, err, why: expect.any(String) });
  });
  it('passes a complete request', () => {
    expect(checkTokenRequest({ grant_type: 'client_credential', appid: 'a', secret: 's' })).toEqual({
      ok: true,
      value: { appid: 'a', secret: 's' },
    });
  });
});

describe('ipAllowed', () => {
  it('an empty whitelist lets anyone in; IPv4-mapped addresses count as IPv4', () => {
    expect(ipAllowed({ ip_whitelist: [] }, '10.0.0.1')).toBe(true);
    expect(ipAllowed({ ip_whitelist: ['10.0.0.1'] }, '::ffff:10.0.0.1')).toBe(true);
    expect(ipAllowed({ ip_whitelist: ['10.0.0.1'] }, '10.0.0.2')).toBe(false);
  });
});

describe('chinaDay', () => {
  it('turns at 16:00 UTC (midnight in China)', () => {
    const midnight = Date.UTC(2026, 10, 25, 16, 0, 0);
    expect(chinaDay(midnight - 1)).toBe(chinaDay(midnight) - 1);
    expect(chinaDay(midnight + 86_400_000 - 1)).toBe(chinaDay(midnight));
  });
});

describe('decideStable', () => {
  const empty: StableState = { version: 0, current: undefined, force_day: 0, force_count: 0, last_force_at: null };
  const withCurrent = (over: Partial<StableState> = {}): StableState => ({
    ...empty,
    version: 3,
    current: token({ family: 'stable' }),
    ...over,
  });

  it('issues when there is no current token', () => {
    expect(decideStable(empty, T0, false, false)).toMatchObject({ action: 'issue', revokeOthers: false });
  });
  it('reuses while more than 300 s are left, issues in the last 300 s without revoking', () => {
    expect(decideStable(withCurrent(), T0 + TOKEN_TTL_MS - 300_001, false, true).action).toBe('reuse');
    expect(decideStable(withCurrent(), T0 + TOKEN_TTL_MS - 300_000, false, true)).toMatchObject({
      action: 'issue',
      revokeOthers: false,
    });
  });
  it('issues when the current token cannot be handed out again (secret rotated) or was revoked', () => {
    expect(decideStable(withCurrent(), T0, false, false).action).toBe('issue');
    expect(decideStable(withCurrent({ current: token({ revoked_at: T0 }) }), T0, false, true).action).toBe('issue');
  });
  it('a forced refresh revokes the others and counts', () => {
    const d = decideStable(withCurrent(), T0, true, true);
    expect(d).toMatchObject({ action: 'issue', revokeOthers: true, force_count: 1, last_force_at: T0, force_day: chinaDay(T0) });
  });
  it('a forced refresh within 30 s of the last, or past 20 a day, reuses the current token', () => {
    const day = chinaDay(T0);
    expect(decideStable(withCurrent({ force_day: day, force_count: 1, last_force_at: T0 - 29_999 }), T0, true, true).action).toBe(
      'reuse',
    );
    expect(decideStable(withCurrent({ force_day: day, force_count: 1, last_force_at: T0 - 30_000 }), T0, true, true).action).toBe(
      'issue',
    );
    const full = withCurrent({ force_day: day, force_count: FORCE_REFRESH_PER_DAY, last_force_at: T0 - 3600_000 });
    expect(decideStable(full, T0, true, true).action).toBe('reuse');
    expect(decideStable({ ...full, force_day: day - 1 }, T0, true, true)).toMatchObject({ action: 'issue', force_count: 1 });
  });
  it('property: whatever the state, a reused token has more than 300 s left', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: TOKEN_TTL_MS * 2 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 25 }),
        (age, force, count) => {
          const s = withCurrent({ force_day: chinaDay(T0 + age), force_count: count, last_force_at: T0 + age - 1000 });
          const d = decideStable(s, T0 + age, force, true);
          if (d.action === 'reuse') expect(expiresIn(d.token, T0 + age)).toBeGreaterThanOrEqual(300);
        },
      ),
    );
  });
});

describe('token material', () => {
  it('access tokens are 128 characters of A-Za-z0-9_-', () => {
    expect(newAccessToken(new SeededRandom('x'))).toMatch(/^[A-Za-z0-9_-]{128}$/);
  });
  it('a stable token is derived from the secret and nonce: same inputs, same token; another secret, another token', () => {
    const nonce = 'ab'.repeat(32);
    expect(deriveStableToken('s1', nonce)).toBe(deriveStableToken('s1', nonce));
    expect(deriveStableToken('s1', nonce)).not.toBe(deriveStableToken('s2', nonce));
    expect(deriveStableToken('s1', nonce)).toMatch(/^[A-Za-z0-9_-]{128}$/);
  });
  it('secretsEqual compares whole values of any length', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'a')).toBe(false);
  });
});
