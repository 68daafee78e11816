import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskBody, maskQuery, cutBody, JOURNAL_BODY_LIMIT } from '../../../src/pipeline/journal.js';
import { QuotaService } from '../../../src/domains/quota/service.js';
import {
  DEFAULT_DAILY_LIMIT,
  STABLE_TOKEN_PER_MINUTE,
  dailyLimit,
  dayPeriod,
  monthPeriod,
  quotaView,
} from '../../../src/domains/quota/rules.js';
import { FakeClock } from '../../../src/platform/clock.js';
import { TICKET_TTL_MS, ticketRefusal } from '../../../src/domains/component/rules.js';

const ticketStatus = (...a: Parameters<typeof ticketRefusal>) => ticketRefusal(...a)?.err ?? null;
import { openSqliteStore } from '../../../src/store/sqlite.js';
import { appRecord } from '../../helpers/records.js';

describe('quota windows', () => {
  it('the daily period turns at 16:00 UTC (00:00 China time)', () => {
    const midnight = Date.UTC(2026, 10, 25, 16);
    expect(dayPeriod(midnight - 1) + 1).toBe(dayPeriod(midnight));
  });
  it('property: two times share a daily period exactly when they fall in one China day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 3 * 86_400_000 }), (t, d) => {
        const china = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
        expect(dayPeriod(t) === dayPeriod(t + d)).toBe(china(t) === china(t + d));
      }),
    );
  });
  it('property: the month period turns on the first day of a China calendar month', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), (t) => {
        const china = new Date(t + 8 * 3600_000);
        expect(monthPeriod(t)).toBe(china.getUTCFullYear() * 12 + china.getUTCMonth());
      }),
    );
    expect(monthPeriod(Date.UTC(2026, 9, 31, 15, 59))).toBe(monthPeriod(Date.UTC(2026, 9, 1)));
    expect(monthPeriod(Date.UTC(2026, 9, 31, 16, 0))).toBe(monthPeriod(Date.UTC(2026, 9, 1)) + 1);
  });
  it('limits: override, then the documented defaults, then 100000', () => {
    expect(dailyLimit({ daily_quotas: {} }, '/cgi-bin/token')).toBe(2000);
    expect(dailyLimit({ daily_quotas: {} }, '/cgi-bin/stable_token')).toBe(500000);
    expect(dailyLimit({ daily_quotas: {} }, '/customservice/kfaccount/add')).toBe(DEFAULT_DAILY_LIMIT);
    expect(dailyLimit({ daily_quotas: { '/cgi-bin/token': 5 } }, '/cgi-bin/token')).toBe(5);
  });
  it('property: remain never goes negative', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (limit, used) => {
        const v = quotaView(limit, used);
        expect(v.remain).toBeGreaterThanOrEqual(0);
        expect(v.remain).toBe(Math.max(0, limit - used));
      }),
    );
  });
});

describe('stable_token minute limit (45011)', () => {
  it('admits 10000 calls a minute per app, then 45011 until the next minute', async () => {
    const store = openSqliteStore(':memory:');
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 5));
    const app = appRecord();
    await store.createApp(app, 0);
    const quota = new QuotaService(store, clock, new Map());
    const results = await Promise.all(
      Array.from({ length: STABLE_TOKEN_PER_MINUTE + 5 }, () =>
        quota.admitPerMinute(app, '/cgi-bin/stable_token', STABLE_TOKEN_PER_MINUTE).then(
          () => 0,
          (e: { errcode: number }) => e.errcode,
        ),
      ),
    );
    expect(results.filter((r) => r === 0)).toHaveLength(STABLE_TOKEN_PER_MINUTE);
    expect(results.filter((r) => r === 45011)).toHaveLength(5);
    clock.advance(55_000);
    await expect(quota.admitPerMinute(app, '/cgi-bin/stable_token', STABLE_TOKEN_PER_MINUTE)).resolves.toBeUndefined();
    await store.close();
  });
});

describe('journal masking', () => {
  it('cuts tokens and secrets to their first 8 characters, in JSON bodies and query strings', () => {
    expect(maskBody('{"access_token":"ABCDEFGHIJKLMN","expires_in":7200}')).toBe(
      '{"access_token":"ABCDEFGH…","expires_in":7200}',
    );
    expect(maskBody('{"appid":"wx1","secret":"0123456789abcdef"}')).toBe('{"appid":"wx1","secret":"01234567…"}');
    expect(maskQuery('access_token=ABCDEFGHIJK&kf_account=a@b')).toBe('access_token=ABCDEFGH…&kf_account=a@b');
    expect(maskQuery('appid=wx1&appsecret=0123456789')).toBe('appid=wx1&appsecret=01234567…');
    expect(maskQuery('kf_account=x')).toBe('kf_account=x');
  });
  it('keeps bodies up to 64 KiB', () => {
    expect(cutBody('x'.repeat(JOURNAL_BODY_LIMIT + 10))).toHaveLength(JOURNAL_BODY_LIMIT);
  });
});

describe('component verify tickets', () => {
  it('property: the current ticket is good until 12 h after its push, then 61005; any other ticket is 61006', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: 0, max: 2 * TICKET_TTL_MS }),
        fc.string(),
        (at, age, other) => {
          const p = { ticket: 'current', ticket_at: at };
          expect(ticketStatus(p, 'current', at + age)).toBe(age < TICKET_TTL_MS ? null : 'COMPONENT_TICKET_EXPIRED');
          if (other !== 'current') expect(ticketStatus(p, other, at + age)).toBe('COMPONENT_TICKET_INVALID');
        },
      ),
    );
    expect(ticketStatus({ ticket: null, ticket_at: null }, 'x', 0)).toBe('COMPONENT_TICKET_INVALID');
  });
});
