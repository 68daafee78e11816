import { chinaDay } from '../../platform/china-time.js';
import { fail, given, ok, type Check } from '../../wire/check.js';
import type { ErrName } from '../../wire/errcodes.js';
import type { AppRecord, Credential, StableState, TokenRecord } from '../../store/store.js';

/** Every access token lives 7200 s (credentials.md). */
export const TOKEN_TTL_MS = 7200_000;
/** A superseded token keeps working 5 minutes, so callers can roll over without failures. */
export const SUPERSEDE_GRACE_MS = 300_000;
/** stable_token hands out a new token only in the current one's last 300 s. */
export const STABLE_RENEW_WINDOW_MS = 300_000;
export const FORCE_REFRESH_PER_DAY = 20;
export const FORCE_REFRESH_MIN_GAP_MS = 30_000;

type TokenTimes = Pick<TokenRecord, 'superseded_at' | 'expires_at'> & { revoked_at?: number | null };
export type Refusal = { err: ErrName; why: string };

const seconds = (ms: number) => `${Math.floor(ms / 1000)} s`;

/** Checks 4 and 5 of wire.md, with the reason: supersession (and revocation) wins over expiry. */
export function tokenRefusal(token: TokenTimes | undefined, now: number): Refusal | null {
  if (!token) return { err: 'INVALID_CREDENTIAL', why: 'unknown access_token' };
  if (token.revoked_at != null && now >= token.revoked_at) return { err: 'INVALID_CREDENTIAL', why: 'the token was revoked' };
  if (token.superseded_at !== null && now >= token.superseded_at + SUPERSEDE_GRACE_MS) {
    return {
      err: 'INVALID_CREDENTIAL',
      why: `a newer token was issued ${seconds(now - token.superseded_at)} ago (the old one works 300 s)`,
    };
  }
  if (now >= token.expires_at)
    return { err: 'ACCESS_TOKEN_EXPIRED', why: `the token expired ${seconds(now - token.expires_at)} ago` };
  return null;
}

/** Checks 4 and 5 of wire.md: supersession (and revocation) wins over expiry. */
export function tokenStatus(token: TokenTimes | undefined, now: number): ErrName | null {
  return tokenRefusal(token, now)?.err ?? null;
}

/**
 * Checks 4 and 5 for a credential: an authorizer token whose platform no longer holds an
 * authorization of the app answers 40001 at once (component.md).
 */
export function credentialRefusal(c: Credential | undefined, now: number): Refusal | null {
  if (c && c.token.family === 'authorizer' && c.funcscope === null) {
    return {
      err: 'INVALID_CREDENTIAL',
      why: `platform ${c.token.component_appid} no longer holds ${c.app.appid}'s authorization`,
    };
  }
  return tokenRefusal(c?.token, now);
}

/** Check 7: an authorizer token needs one of the endpoint's permission sets; an app's own token always passes. */
export function permitsComponent(c: Credential, sets: readonly number[]): boolean {
  if (c.token.family !== 'authorizer') return true;
  return (c.funcscope ?? []).some((id) => sets.includes(id));
}

export interface TokenRequest {
  grant_type: unknown;
  appid: unknown;
  secret: unknown;
}

/** Checks 1–3 of the token endpoints, before the app is looked up. */
export function checkTokenRequest(req: TokenRequest): Check<{ appid: string; secret: string }> {
  if (req.grant_type !== 'client_credential') return fail('INVALID_GRANT_TYPE', 'grant_type must be client_credential');
  if (!given(req.appid)) return fail('APPID_MISSING', 'no appid');
  if (!given(req.secret)) return fail('APPSECRET_MISSING', 'no secret');
  return ok({ appid: req.appid, secret: req.secret });
}

/** Strips the IPv4-mapped IPv6 prefix Node reports for IPv4 callers on a dual-stack socket. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

export function ipAllowed(app: Pick<AppRecord, 'ip_whitelist'>, ip: string): boolean {
  return app.ip_whitelist.length === 0 || app.ip_whitelist.includes(plainIp(ip));
}

export type StableDecision =
  | { action: 'reuse'; token: TokenRecord }
  | {
      action: 'issue';
      revokeOthers: boolean;
      force_day: number;
      force_count: number;
      last_force_at: number | null;
    };

/**
 * What /cgi-bin/stable_token does for one call. `reusable` is false when the current token cannot
 * be handed out again (its secret was rotated since, see service). A forced refresh past the daily
 * limit, or within 30 s of the last one that took effect, returns the current token unchanged
 * (WeChat: "otherwise it does not refresh"), or a new one when the current one is in its last 300 s.
 */
export function decideStable(state: StableState, now: number, forceRefresh: boolean, reusable: boolean): StableDecision {
  const cur = state.current;
  const live = cur !== undefined && reusable && tokenStatus(cur, now) === null;
  const day = chinaDay(now);
  const usedToday = state.force_day === day ? state.force_count : 0;
  if (forceRefresh) {
    const tooSoon = state.last_force_at !== null && now - state.last_force_at < FORCE_REFRESH_MIN_GAP_MS;
    if (usedToday < FORCE_REFRESH_PER_DAY && !tooSoon) {
      return { action: 'issue', revokeOthers: true, force_day: day, force_count: usedToday + 1, last_force_at: now };
    }
  }
  // Normal mode (and a forced call that may not refresh): keep the current token while it has
  // more than 300 s left, so `expires_in` is never below 300.
  if (live && cur.expires_at - now > STABLE_RENEW_WINDOW_MS) return { action: 'reuse', token: cur };
  return { action: 'issue', revokeOthers: false, force_day: day, force_count: usedToday, last_force_at: state.last_force_at };
}

/** Seconds a token has left, as `expires_in` reports them. */
export function expiresIn(token: Pick<TokenRecord, 'expires_at'>, now: number): number {
  return Math.max(0, Math.floor((token.expires_at - now) / 1000));
}
