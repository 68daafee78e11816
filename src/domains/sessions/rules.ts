import {
  ASSIGN_SEQ,
  type AppRecord,
  type FlowDecision,
  type FlowEffects,
  type FlowState,
  type KfAccountRecord,
  type UserFlowRecord,
} from '../../store/store.js';
import { fail, ok, type Check, type Refusal } from '../../wire/check.js';
import { parseKfAccount } from '../kf/rules.js';
import { sessionEvent, type Trigger } from '../push/rules.js';

/** After a session starts (or a transfer reply), the user's messages are forwarded to it for 30 minutes. */
export const FORWARD_MS = 30 * 60_000;

/** The session interfaces' permission sets (sessions.md). */
export const SESSION_PERMISSION_SETS = [1, 6, 100, 101] as const;
export const MSGRECORD_PERMISSION_SETS = [1, 6, 19, 100, 101] as const;

/** What a session change is asked with. */
export interface SessionCall {
  app: AppRecord;
  now: number;
  kf_account: unknown;
  openid: unknown;
  /** Whether the app has a webhook (a push is pending) and pushes the events of API calls. */
  hasWebhook: boolean;
  pushes: boolean;
  trigger: Trigger;
}

export type SessionResult = { refusal: Refusal | null; changed: boolean };

const result = (refusal: Refusal | null, effects: FlowEffects = {}, changed = false): FlowDecision<SessionResult> => ({
  result: { refusal, changed },
  effects,
});

/** The PREFIX a call names, if well-formed (the store reads that account). */
export function prefixOf(app: AppRecord, kfAccount: unknown): string | undefined {
  const p = parseKfAccount(kfAccount, app);
  return p.ok ? p.value : undefined;
}

/** Rules 1–4 of create and close: 65400, 65401 (malformed or not on the app), 65402, 40003. */
function accountAndUser(c: SessionCall, s: FlowState): Check<{ account: KfAccountRecord; prefix: string; user: UserFlowRecord }> {
  if (!c.app.kf_enabled) return fail('KF_NOT_ENABLED', `${c.app.appid} has not enabled new customer service`);
  const parsed = parseKfAccount(c.kf_account, c.app);
  if (!parsed.ok) return fail('KF_ACCOUNT_NOT_FOUND', parsed.why);
  const account = s.accounts.get(parsed.value);
  if (!account) return fail('KF_ACCOUNT_NOT_FOUND', `the app has no account ${String(c.kf_account)}`);
  if (account.kf_wx === null) return fail('KF_ACCOUNT_NOT_BOUND', `${account.kf_account} is not bound to a worker`);
  if (typeof c.openid !== 'string')
    return fail('INVALID_OPENID', c.openid === undefined ? 'no openid' : 'openid is not a string');
  if (!s.user) return fail('INVALID_OPENID', `${c.openid} is not a simulated user of this app`);
  return ok({ account, prefix: parsed.value, user: s.user });
}

/** A session with `prefix` starting now (a waiting case ends). */
const startSession = (prefix: string, now: number) => ({
  session: { kf: prefix, createtime: now, seq: ASSIGN_SEQ, forward_until: now + FORWARD_MS },
  waiting: null,
});

/** kfsession/create (and an admin accept): rules 1–8 of sessions.md. */
export function decideCreate(c: SessionCall, s: FlowState): FlowDecision<SessionResult> {
  const found = accountAndUser(c, s);
  if (!found.ok) return result(found);
  const { account, prefix, user } = found.value;
  if (account.online_status !== 1) return result(fail('KF_WORKER_OFFLINE', `${account.kf_account} is not online`));
  if (user.session && user.session.kf !== prefix) {
    return result(fail('KF_ANOTHER_WORKER', `${user.openid} is in a session with another account`));
  }
  if (user.session) return result(null);
  return result(
    null,
    {
      user: startSession(prefix, c.now),
      delivery: c.pushes
        ? sessionEvent(user.openid, c.now, c.hasWebhook, c.trigger, 'kf_create_session', { KfAccount: account.kf_account })
        : undefined,
    },
    true,
  );
}

/** kfsession/close (and an admin close): rules 1–7; closing needs no online worker. */
export function decideClose(c: SessionCall, s: FlowState): FlowDecision<SessionResult> {
  const found = accountAndUser(c, s);
  if (!found.ok) return result(found);
  const { account, prefix, user } = found.value;
  if (!user.session)
    return result(fail('KF_NO_SESSION', `${user.openid} has no session${user.waiting ? ' (only a waiting case)' : ''}`));
  if (user.session.kf !== prefix) return result(fail('KF_ANOTHER_WORKER', `${user.openid} is in a session with another account`));
  return result(
    null,
    {
      user: { session: null },
      delivery: c.pushes
        ? sessionEvent(user.openid, c.now, c.hasWebhook, c.trigger, 'kf_close_session', { KfAccount: account.kf_account })
        : undefined,
    },
    true,
  );
}

/** A worker closes the session (admin): it needs a session, nothing else (sessions.md). */
export function decideAdminClose(c: SessionCall, s: FlowState): FlowDecision<SessionResult> {
  const user = s.user;
  if (!user?.session) return result(fail('KF_NO_SESSION', `${String(c.openid)} has no session`));
  const account = s.accounts.get(user.session.kf)?.kf_account ?? user.session.kf;
  return result(
    null,
    {
      user: { session: null },
      delivery: sessionEvent(user.openid, c.now, c.hasWebhook, c.trigger, 'kf_close_session', { KfAccount: account }),
    },
    true,
  );
}

/** What an admin switch refuses: an errcode, or the same account (409 without one). */
export type SwitchResult = { refusal: Refusal | 'same_account' | 'no_user' | null };

/** A worker transfers the session to another account: it must exist, be bound and online, and differ. */
export function decideSwitch(c: SessionCall, s: FlowState): FlowDecision<SwitchResult> {
  const none = (refusal: SwitchResult['refusal']): FlowDecision<SwitchResult> => ({ result: { refusal }, effects: {} });
  const user = s.user;
  if (!user) return none('no_user');
  if (!user.session) return none(fail('KF_NO_SESSION', `${user.openid} has no session`));
  const prefix = prefixOf(c.app, c.kf_account);
  const target = prefix === undefined ? undefined : s.accounts.get(prefix);
  if (!target || prefix === undefined)
    return none(fail('KF_ACCOUNT_NOT_FOUND', `the app has no account ${String(c.kf_account)}`));
  if (target.kf_wx === null) return none(fail('KF_ACCOUNT_NOT_BOUND', `${target.kf_account} is not bound to a worker`));
  if (target.online_status !== 1) return none(fail('KF_WORKER_OFFLINE', `${target.kf_account} is not online`));
  if (prefix === user.session.kf) return none('same_account');
  const from = s.accounts.get(user.session.kf)?.kf_account ?? user.session.kf;
  return {
    result: { refusal: null },
    effects: {
      user: startSession(prefix, c.now),
      delivery: sessionEvent(user.openid, c.now, c.hasWebhook, c.trigger, 'kf_switch_session', {
        FromKfAccount: from,
        ToKfAccount: target.kf_account,
      }),
    },
  };
}

/** A `transfer_customer_service` reply to a user message (sessions.md, Transfer). */
export interface TransferCall {
  now: number;
  /** When the transferred message was said (ms). */
  messageTime: number;
  /** `TransInfo/KfAccount` as given, or undefined. */
  transInfo: string | undefined;
  /** Its PREFIX when well-formed. */
  prefix: string | undefined;
  hasWebhook: boolean;
}

/** The transfer's effects on the user's state, and the delivery log's notes. */
export function decideTransfer(c: TransferCall, s: FlowState): FlowDecision<{ notes: string[] }> {
  const user = s.user;
  if (!user) return { result: { notes: ['user_deleted'] }, effects: {} };
  if (user.session)
    return { result: { notes: [] }, effects: { user: { session: { ...user.session, forward_until: c.now + FORWARD_MS } } } };
  const k = c.prefix === undefined ? undefined : s.accounts.get(c.prefix);
  const usable = k !== undefined && k.kf_wx !== null;
  // The note is the "none" row's: a waiting user keeps its place, whatever TransInfo named.
  const notes = c.transInfo !== undefined && !usable && !user.waiting ? ['transinfo_kf_unusable'] : [];
  if (usable && k.online_status === 1) {
    return {
      result: { notes },
      effects: {
        user: startSession(c.prefix as string, c.now),
        delivery: sessionEvent(user.openid, c.now, c.hasWebhook, 'transfer', 'kf_create_session', { KfAccount: k.kf_account }),
      },
    };
  }
  const reserved = usable ? (c.prefix as string) : null;
  if (user.waiting) {
    return { result: { notes }, effects: usable ? { user: { waiting: { ...user.waiting, reserved_for: reserved } } } : {} };
  }
  return {
    result: { notes },
    effects: { user: { waiting: { joined_at: c.now, seq: ASSIGN_SEQ, latest_time: c.messageTime, reserved_for: reserved } } },
  };
}
