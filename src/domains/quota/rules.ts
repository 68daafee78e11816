import type { AppRecord } from '../../store/store.js';
import { chinaDay } from '../credentials/rules.js';

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

const CHINA_OFFSET_MS = 8 * 3600_000;

export function dailyLimit(app: Pick<AppRecord, 'daily_quotas'>, cgiPath: string): number {
  return app.daily_quotas[cgiPath] ?? DEFAULT_DAILY_LIMITS[cgiPath] ?? DEFAULT_DAILY_LIMIT;
}

/** Daily counters reset at 00:00 China time: the period is the China day. */
export const dayPeriod = (ms: number): number => chinaDay(ms);
export const minutePeriod = (ms: number): number => Math.floor(ms / 60_000);

/** The China calendar month as year × 12 + month (0-based): clears reset on its first day. */
export function monthPeriod(ms: number): number {
  const d = new Date(ms + CHINA_OFFSET_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

export interface QuotaView {
  daily_limit: number;
  used: number;
  remain: number;
}

export function quotaView(limit: number, used: number): QuotaView {
  return { daily_limit: limit, used, remain: Math.max(0, limit - used) };
}
