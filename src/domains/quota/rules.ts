import type { AppRecord } from '../../store/store.js';
import { chinaDay, chinaMonth } from '../../platform/china-time.js';

/** Daily limits per interface: WeChat publishes only some (credentials.md); the rest is wxkf's decision. */
export const DEFAULT_DAILY_LIMITS: Readonly<Record<string, number>> = {
  '/cgi-bin/token': 2000,
  '/cgi-bin/stable_token': 500_000,
};
export const DEFAULT_DAILY_LIMIT = 100_000;
/** stable_token also allows 10000 calls a minute per app (45011). */
export const STABLE_TOKEN_PER_MINUTE = 10_000;
/** clear_quota and clear_quota/v2 share 10 clears a calendar month (China time). */
export const CLEARS_PER_MONTH = 10;
/** Counters whose names start with `#` survive a clear. */
export const CLEAR_COUNTER = '#clears';
export const minuteCounter = (cgiPath: string) => `#minute:${cgiPath}`;

export function dailyLimit(app: Pick<AppRecord, 'daily_quotas'>, cgiPath: string): number {
  return app.daily_quotas[cgiPath] ?? DEFAULT_DAILY_LIMITS[cgiPath] ?? DEFAULT_DAILY_LIMIT;
}

/** Daily counters reset at 00:00 China time: the period is the China day. */
export const dayPeriod = (ms: number): number => chinaDay(ms);
export const minutePeriod = (ms: number): number => Math.floor(ms / 60_000);

/** The China calendar month: clears reset on its first day. */
export const monthPeriod = (ms: number): number => chinaMonth(ms);

/** A bounded counter's stored state: the period it counts and the calls counted in it. */
export interface CounterState {
  period: number;
  used: number;
}

/**
 * Check 8 as a pure rule: whether one more call is admitted on a counter (`stored` undefined when
 * it never counted), and the state after. The store's counting statement (and PostgreSQL's
 * `wxkf_admit_quota`) must answer exactly this: the store contract suite holds them to it.
 */
export function admitCall(
  stored: CounterState | undefined,
  q: { period: number; limit: number },
): { admitted: boolean; next: CounterState | undefined } {
  const used = stored && stored.period === q.period ? stored.used : 0;
  if (used >= q.limit) return { admitted: false, next: stored };
  return { admitted: true, next: { period: q.period, used: used + 1 } };
}

export interface QuotaView {
  daily_limit: number;
  used: number;
  remain: number;
}

export function quotaView(limit: number, used: number): QuotaView {
  return { daily_limit: limit, used, remain: Math.max(0, limit - used) };
}
