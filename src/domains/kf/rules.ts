import { fail, type Check } from '../../wire/check.js';
import type { ErrName } from '../../wire/errcodes.js';
import type {
  AddRule,
  AddState,
  AnswerState,
  AppRecord,
  InvitationAnswer,
  InviteState,
  KfAccountRecord,
} from '../../store/store.js';

/** An app holds at most 100 kf accounts (addkfaccount.md, row 13). */
export const KF_ACCOUNT_LIMIT = 100;
const KF_ACCOUNT_MAX_LENGTH = 30;
const NICKNAME_MAX_CODE_POINTS = 16;
const PREFIX = /^[A-Za-z0-9_]{1,10}$/;

/**
 * The add's order (addkfaccount.md): an account that exists is 65406 even on a full app; only a
 * new account meets the limit (65405).
 */
export function decideAdd(s: AddState, limit: number): 'exists' | 'limit' | null {
  if (s.exists) return 'exists';
  if (s.count >= limit) return 'limit';
  return null;
}

/** The add's rule for the store, with a limit (the app's 100, or another in tests). */
export const addRule = (limit: number): AddRule => ({ limit, decide: (s) => decideAdd(s, limit) });
export const KF_ADD_RULE = addRule(KF_ACCOUNT_LIMIT);

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
  const bad = (why: string) => fail('KF_ACCOUNT_ILLEGAL', why);
  if (value === undefined) return bad('no kf_account');
  if (typeof value !== 'string') return bad(`kf_account is a ${value === null ? 'null' : typeof value}, not a string`);
  const length = [...value].length;
  if (length > KF_ACCOUNT_MAX_LENGTH) return bad(`kf_account has ${length} characters, at most ${KF_ACCOUNT_MAX_LENGTH}`);
  const at = value.indexOf('@');
  if (at < 0) return bad('kf_account has no @: it is PREFIX@SUFFIX');
  const prefix = value.slice(0, at);
  const suffix = value.slice(at + 1).toLowerCase();
  if (!PREFIX.test(prefix)) return bad(`PREFIX ${JSON.stringify(prefix)} must be 1-10 of A-Za-z0-9_`);
  // An app with neither a WeChat ID nor an original ID can add no account ("You must set a WeChat number").
  const suffixes = [app.alias, app.original_id].filter((s) => s !== '').map((s) => s.toLowerCase());
  if (suffixes.length === 0) return bad('the app has neither a WeChat ID (alias) nor an original ID to use as SUFFIX');
  if (!suffixes.includes(suffix)) return bad(`suffix must be ${suffixes.map((s) => `@${s}`).join(' or ')}, not @${suffix}`);
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
  const bad = (why: string) => fail('KF_NICKNAME_ILLEGAL', why);
  if (value === undefined) return bad('no nickname');
  if (typeof value !== 'string') return bad(`nickname is a ${value === null ? 'null' : typeof value}, not a string`);
  const length = [...value].length;
  if (length < 1) return bad('nickname is empty');
  if (length > NICKNAME_MAX_CODE_POINTS) return bad(`nickname has ${length} characters, at most ${NICKNAME_MAX_CODE_POINTS}`);
  if (ONLY_WHITE_SPACE.test(value)) return bad('nickname is only white space');
  const control = FORBIDDEN_CHARACTERS.exec(value);
  if (control)
    return bad(
      `nickname has a control or format character (U+${(control[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`,
    );
  if (forbiddenWords.length > 0) {
    const lower = value.toLowerCase();
    const word = forbiddenWords.find((w) => lower.includes(w));
    if (word !== undefined) return bad(`nickname has the forbidden word ${JSON.stringify(word)}`);
  }
  return { ok: true, value };
}

/** A WeChat ID (微信号): 6–20 of A-Za-z0-9_-, starting with a letter. */
export const WECHAT_ID = /^[A-Za-z][A-Za-z0-9_-]{5,19}$/;

export function isWechatId(value: unknown): value is string {
  return typeof value === 'string' && WECHAT_ID.test(value);
}

/** An invitation still waiting for the invitee's answer: unbound, not answered, not past its expiry. */
export function isWaiting(a: KfAccountRecord, nowSeconds: number): boolean {
  return !a.kf_wx && a.invite_status === 'waiting' && a.invite_expire_time !== null && nowSeconds < a.invite_expire_time;
}

/**
 * The invitee's answer (admin API): only a waiting invitation can be answered; accepting binds the
 * worker unless it is bound to `maxBindings` accounts already.
 */
export function decideAnswer(
  s: AnswerState,
  accept: boolean,
  nowSeconds: number,
  maxBindings: number = MAX_WORKER_BINDINGS,
): Exclude<InvitationAnswer, 'missing'> {
  if (!isWaiting(s.account, nowSeconds)) return 'no_invitation';
  if (!accept) return 'rejected';
  if (s.workerBindings >= maxBindings) return 'worker_limit';
  return 'accepted';
}

/** A worker (WeChat user) may be bound to at most 5 kf accounts, across all apps. */
export const MAX_WORKER_BINDINGS = 5;
/** An invitation waits 7 days for its answer (wxkf's decision; WeChat does not publish it). */
export const INVITATION_TTL_S = 7 * 86_400;

/**
 * inviteworker's rules after the account was found, in kf.md's order: 65401 (gone meanwhile),
 * 65412 bound, 65411 a waiting invitation on this account, 65407 the worker is bound to another
 * account of this app, 65408 the worker has a waiting invitation on another account of this app,
 * 65410 the worker is bound to 5 accounts already.
 */
export function invitationRefusal(s: InviteState, nowSeconds: number): { err: ErrName; why: string } | null {
  if (!s.account) return { err: 'KF_ACCOUNT_NOT_FOUND', why: 'the account was deleted meanwhile' };
  if (s.account.kf_wx) return { err: 'KF_ACCOUNT_BOUND', why: `the account is bound to ${s.account.kf_wx} already` };
  if (isWaiting(s.account, nowSeconds))
    return { err: 'KF_INVITATION_EXISTS', why: `the account has a waiting invitation to ${s.account.invite_wx}` };
  if (s.workerBoundHere) return { err: 'KF_WORKER_ALREADY', why: "the worker is bound to another of this app's accounts" };
  if (s.otherInvitations.some((a) => isWaiting(a, nowSeconds))) {
    return { err: 'KF_ALREADY_INVITED', why: "the worker has a waiting invitation on another of this app's accounts" };
  }
  if (s.workerBindings >= MAX_WORKER_BINDINGS)
    return { err: 'KF_WORKER_BOUND_TOO_MANY', why: `the worker is bound to ${MAX_WORKER_BINDINGS} accounts already` };
  return null;
}

/** uploadheadimg reads at most this much of `media`: over 5 MB is 40009. */
export const HEADIMG_MAX_BYTES = 5 * 1024 * 1024;

/** The image's kind from its first bytes (never its name): JPEG or PNG, else undefined (40005). */
export function sniffImage(bytes: Uint8Array): 'image/jpeg' | 'image/png' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

/** The permission sets (funcscope ids) an authorizer token needs one of, per interface (kf.md). */
export const KF_PERMISSION_SETS = {
  add: [1, 6, 19, 100, 101],
  update: [1, 6, 100, 101],
  del: [1, 6, 19, 100, 101],
  uploadheadimg: [1, 6, 100, 101],
  getkflist: [1, 6, 19, 100, 101],
  getonlinekflist: [1, 6, 19, 100, 101],
  inviteworker: [1, 6, 100, 101],
} as const;

export interface KfOnlineItem {
  kf_account: string;
  status: number;
  kf_id: string;
  accepted_case: number;
}

/** getonlinekflist lists bound accounts a worker has set online. */
export function kfOnlineItems(accounts: readonly KfAccountRecord[]): KfOnlineItem[] {
  return accounts
    .filter((a) => a.kf_wx && a.online_status !== 0)
    .map((a) => ({ kf_account: a.kf_account, status: a.online_status, kf_id: String(a.kf_id), accepted_case: a.accepted_case }));
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
    const expired = a.invite_status === 'waiting' && !isWaiting(a, Math.floor(nowMs / 1000));
    item.invite_status = expired ? 'expired' : a.invite_status;
  }
  return item;
}
