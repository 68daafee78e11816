import type { ErrName } from '../../wire/errcodes.js';
import type { AppRecord, KfAccountRecord } from '../../store/store.js';

/** An app holds at most 100 kf accounts (addkfaccount.md, row 13). */
export const KF_ACCOUNT_LIMIT = 100;
const KF_ACCOUNT_MAX_LENGTH = 30;
const NICKNAME_MAX_CODE_POINTS = 16;
const PREFIX = /^[A-Za-z0-9_]{1,10}$/;

export type Check<T> = { ok: true; value: T } | { ok: false; err: ErrName };

/**
 * Who may manage kf accounts: Mini Programs and MiniGames always; subscription and service
 * accounts only once certified (微信认证), as the interface's permission table says.
 */
export function mayManageKf(app: Pick<AppRecord, 'type' | 'certified'>): boolean {
  if (app.type === 'mini_program' || app.type === 'minigame') return true;
  return app.certified;
}

/** uploadheadimg and inviteworker: certified subscription and service accounts only. */
export function mayManageWorkers(app: Pick<AppRecord, 'type' | 'certified'>): boolean {
  return (app.type === 'subscription' || app.type === 'service') && app.certified;
}

/**
 * `PREFIX@SUFFIX`: PREFIX 1–10 of A-Za-z0-9_, SUFFIX the app's WeChat ID or original ID
 * (case-insensitive), 30 characters in all. Returns PREFIX in lower case: the account's identity,
 * so that `u7@alias` and `u7@gh_…` name the same account.
 */
export function parseKfAccount(value: unknown, app: Pick<AppRecord, 'alias' | 'original_id'>): Check<string> {
  const bad: Check<string> = { ok: false, err: 'KF_ACCOUNT_ILLEGAL' };
  if (typeof value !== 'string' || [...value].length > KF_ACCOUNT_MAX_LENGTH) return bad;
  const at = value.indexOf('@');
  if (at < 0) return bad;
  const prefix = value.slice(0, at);
  const suffix = value.slice(at + 1).toLowerCase();
  if (!PREFIX.test(prefix)) return bad;
  // An app with neither a WeChat ID nor an original ID can add no account ("You must set a WeChat number").
  const suffixes = [app.alias, app.original_id].filter((s) => s !== '').map((s) => s.toLowerCase());
  if (!suffixes.includes(suffix)) return bad;
  return { ok: true, value: prefix.toLowerCase() };
}

const ONLY_WHITE_SPACE = /^\p{White_Space}*$/u;
// Cc (control), Cf (format, e.g. U+200B, U+FEFF) and lone surrogates (Cs: a paired one is one code point).
const FORBIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Cs}]/u;

/**
 * 1–16 code points (`客服1` is 3), not only white space, no control or format characters, no lone
 * surrogates, and none of the forbidden words (lower-cased; case-insensitive substring match).
 */
export function checkNickname(value: unknown, forbiddenWords: readonly string[]): Check<string> {
  const bad: Check<string> = { ok: false, err: 'KF_NICKNAME_ILLEGAL' };
  if (typeof value !== 'string') return bad;
  const length = [...value].length;
  if (length < 1 || length > NICKNAME_MAX_CODE_POINTS) return bad;
  if (ONLY_WHITE_SPACE.test(value) || FORBIDDEN_CHARACTERS.test(value)) return bad;
  if (forbiddenWords.length > 0) {
    const lower = value.toLowerCase();
    if (forbiddenWords.some((w) => lower.includes(w))) return bad;
  }
  return { ok: true, value };
}

export interface KfListItem {
  kf_account: string;
  kf_headimgurl: string;
  kf_id: string;
  kf_nick: string;
  kf_wx?: string;
  invite_wx?: string;
  invite_expire_time?: number;
  invite_status?: string;
}

/**
 * One getkflist entry: `kf_id` as a string, `kf_wx` only when bound, `invite_*` only while an
 * invitation exists on an unbound account (status `expired` once past its expiry).
 */
export function kfListItem(a: KfAccountRecord, nowMs: number): KfListItem {
  const item: KfListItem = {
    kf_account: a.kf_account,
    kf_headimgurl: a.kf_headimgurl,
    kf_id: String(a.kf_id),
    kf_nick: a.kf_nick,
  };
  if (a.kf_wx) item.kf_wx = a.kf_wx;
  else if (a.invite_wx && a.invite_expire_time !== null && a.invite_status) {
    item.invite_wx = a.invite_wx;
    item.invite_expire_time = a.invite_expire_time;
    const expired = a.invite_status === 'waiting' && nowMs >= a.invite_expire_time * 1000;
    item.invite_status = expired ? 'expired' : a.invite_status;
  }
  return item;
}
