import { kfAccountFromRow } from '../rows.js';
import {
  CHARGES,
  GRANTS,
  USER,
  USER_COLUMNS,
  USER_COLUMNS_OF_U,
  USER_GRANTS,
  chargeFromRow,
  grantFromRow,
  jsonList,
  userFlowFromRow,
} from './flow-rows.js';
import { withCount } from './quota.js';
import { changes, lockedInsert, row, rows, type Driver, type Program, type Row } from '../sql/program.js';
import {
  ASSIGN_SEQ,
  type ChargeRecord,
  type FlowDecision,
  type FlowEffects,
  type FlowOutcome,
  type FlowState,
  type GrantRecord,
  type KfAccountRecord,
  type NewChatRecord,
  type NewDelivery,
  type NewOutboxEntry,
  type Store,
  type UserFlowRecord,
} from '../store.js';

type FlowArea = Pick<Store, 'userFlow' | 'getUserFlow' | 'listSessions' | 'listWaitCases' | 'countWaitCases'>;

/** What a user's transaction answers when the call's quota refused it (nothing was read or written). */
const NOT_ADMITTED: FlowOutcome<never> = { result: undefined as never, outbox_id: null, delivery_id: null, msg_id: null };

/** The first push MsgId is this plus 1 (17 digits, as real ones: past 2^53, so kept as a string). */
const MSG_ID_BASE = 10_000_000_000_000_000n;
/** Charges older than the longest validity (48 h) count for nothing. */
const CHARGE_KEEP_MS = 48 * 3600_000;

/** The user under its row lock (the first statement of a user transaction). */
const USER_LOCKED = `${USER} FOR UPDATE`;
const NEXT = `INSERT INTO app_counters (appid, name, value) VALUES (?, ?, 1)
  ON CONFLICT (appid, name) DO UPDATE SET value = app_counters.value + 1 RETURNING value`;

function* nextOf(appid: string, name: string): Program<number> {
  const r = (yield row(NEXT, appid, name)) as Row;
  return Number(r.value);
}

function* insertOutbox(appid: string, e: NewOutboxEntry): Program<number> {
  // An app's ids are handed out and committed in one order across nodes, so `since_id` pages its
  // outbox exactly (every read is of one app's outbox; other apps' sends do not wait).
  const r = (yield lockedInsert(
    `outbox:${appid}`,
    `INSERT INTO outbox (appid, openid, path, time, rid, errcode, msgtype, command, kf_account, body, grant_info, delivery_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    appid,
    e.openid,
    e.path,
    e.time,
    e.rid,
    e.errcode,
    e.msgtype,
    e.command,
    e.kf_account,
    JSON.stringify(e.body),
    e.grant === null ? null : JSON.stringify(e.grant),
    e.delivery_id,
  )) as Row;
  return Number(r.id);
}

export function* insertDelivery(appid: string, d: NewDelivery): Program<number> {
  const r = (yield lockedInsert(
    `deliveries:${appid}`,
    'INSERT INTO deliveries (appid, openid, kind, status, created_at, doc) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    appid,
    d.openid,
    d.kind,
    d.status,
    d.created_at,
    JSON.stringify(d.doc),
  )) as Row;
  return Number(r.id);
}

function* insertRecords(appid: string, records: readonly NewChatRecord[]): Program<void> {
  for (const c of records) {
    const msgid = yield* nextOf(appid, 'chat_record');
    yield changes(
      'INSERT INTO chat_records (appid, msgid, openid, opercode, text, time, worker) VALUES (?, ?, ?, ?, ?, ?, ?)',
      appid,
      msgid,
      c.openid,
      c.opercode,
      c.text,
      c.time,
      c.worker,
    );
  }
}

function* writeUser(user: UserFlowRecord, change: NonNullable<FlowEffects['user']>): Program<void> {
  const next = { ...user, ...change };
  const session = next.session && { ...next.session };
  if (session && session.seq === ASSIGN_SEQ) session.seq = yield* nextOf(user.appid, 'session');
  const waiting = next.waiting && { ...next.waiting };
  if (waiting && waiting.seq === ASSIGN_SEQ) waiting.seq = yield* nextOf(user.appid, 'wait');
  yield changes(
    `UPDATE app_users SET nickname = ?, subscribed = ?, subscribe_time = ?, typing_until = ?, last_exchange_at = ?, session_kf = ?,
      session_createtime = ?, session_seq = ?, forward_until = ?, wait_joined_at = ?, wait_seq = ?, wait_latest_time = ?,
      reserved_for = ? WHERE appid = ? AND openid = ?`,
    next.nickname,
    next.subscribed,
    next.subscribe_time,
    next.typing_until,
    next.last_exchange_at,
    session?.kf ?? null,
    session?.createtime ?? null,
    session?.seq ?? null,
    session?.forward_until ?? null,
    waiting?.joined_at ?? null,
    waiting?.seq ?? null,
    waiting?.latest_time ?? null,
    waiting?.reserved_for ?? null,
    user.appid,
    user.openid,
  );
}

function* writeGrants(user: UserFlowRecord, e: FlowEffects): Program<void> {
  const { appid, openid } = user;
  if (e.clearGrants) {
    yield changes('DELETE FROM user_grants WHERE appid = ? AND openid = ?', appid, openid);
    yield changes('DELETE FROM grant_charges WHERE appid = ? AND openid = ?', appid, openid);
  }
  for (const g of e.grants ?? []) {
    yield changes(
      `INSERT INTO user_grants (appid, openid, kind, action_at, used_since_action) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (appid, openid, kind) DO UPDATE SET action_at = excluded.action_at, used_since_action = excluded.used_since_action`,
      appid,
      openid,
      g.kind,
      g.action_at,
      g.used_since_action,
    );
  }
  if (e.charge) {
    yield changes(
      'DELETE FROM grant_charges WHERE appid = ? AND openid = ? AND at <= ?',
      appid,
      openid,
      e.charge.at - CHARGE_KEEP_MS,
    );
    yield changes(
      'INSERT INTO grant_charges (appid, openid, kind, at) VALUES (?, ?, ?, ?)',
      appid,
      openid,
      e.charge.kind,
      e.charge.at,
    );
    yield changes(
      'UPDATE user_grants SET used_since_action = used_since_action + 1 WHERE appid = ? AND openid = ? AND kind = ?',
      appid,
      openid,
      e.charge.kind,
    );
  }
}

/**
 * A user's transaction: reads the user under its row lock (with its grants, recent charges and the
 * kf accounts asked for), asks `decide`, and applies what it answers.
 */
function* flow<T>(
  appid: string,
  openid: string | null,
  prefixes: readonly string[],
  now: number,
  decide: (s: FlowState) => FlowDecision<T>,
): Program<FlowOutcome<T>> {
  const r = openid === null ? undefined : ((yield row(USER_LOCKED, appid, openid)) as Row | undefined);
  const user = r ? userFlowFromRow(r) : undefined;
  const g = r && ((yield row(USER_GRANTS, appid, openid, appid, openid, now - CHARGE_KEEP_MS)) as Row);
  const grants: GrantRecord[] = g
    ? jsonList(g.grants_json).map(([kind, action_at, used]) => grantFromRow({ kind, action_at, used_since_action: used }))
    : [];
  const charges: ChargeRecord[] = g
    ? jsonList(g.charges_json)
        .map(([kind, at]) => chargeFromRow({ kind, at }))
        .sort((a, b) => a.at - b.at)
    : [];
  const accounts = new Map<string, KfAccountRecord>();
  // The account serving the user is always read: a message it forwards names it.
  const wanted = user?.session ? [...prefixes, user.session.kf] : prefixes;
  if (wanted.length > 0) {
    const found = (yield rows(
      'SELECT * FROM kf_accounts WHERE appid = ? AND prefix IN (SELECT value FROM json_each(?))',
      appid,
      JSON.stringify(wanted),
    )) as Row[];
    for (const a of found) accounts.set(a.prefix as string, kfAccountFromRow(a));
  }
  const { result, effects: e } = decide({ user, grants, charges, accounts });
  const out: FlowOutcome<T> = { result, outbox_id: null, delivery_id: null, msg_id: null };
  if (user) {
    if (e.user) yield* writeUser(user, e.user);
    yield* writeGrants(user, e);
  }
  if (e.records?.length) yield* insertRecords(appid, e.records);
  if (e.delivery) {
    const delivery = { ...e.delivery, doc: { ...e.delivery.doc } };
    if (e.msgId) {
      out.msg_id = (MSG_ID_BASE + BigInt(yield* nextOf(appid, 'msg_id'))).toString();
      delivery.doc.msg_id = out.msg_id;
    }
    out.delivery_id = yield* insertDelivery(appid, delivery);
  }
  if (e.outbox) out.outbox_id = yield* insertOutbox(appid, e.outbox);
  return out;
}

/** The customer-service state of simulated users: window, typing, session, waiting case. */
export function flowArea(d: Driver): FlowArea {
  return {
    // With the call's count (check 8), the call is counted first in the same transaction.
    userFlow: (appid, openid, prefixes, now, decide, count) =>
      withCount(d, count, NOT_ADMITTED, flow, appid, openid, prefixes, now, decide),
    getUserFlow: async (appid, openid, now) => {
      const r = await d.row(USER, appid, openid);
      if (!r) return undefined;
      const grants = (await d.rows(GRANTS, appid, openid)).map(grantFromRow);
      const charges = (await d.rows(CHARGES, appid, openid, now - CHARGE_KEEP_MS)).map(chargeFromRow);
      return { user: userFlowFromRow(r), grants, charges, accounts: new Map() };
    },
    listSessions: async (appid, prefix) =>
      (
        await d.rows(
          `SELECT ${USER_COLUMNS_OF_U}, k.kf_account AS kf_account_added
            FROM app_users u JOIN kf_accounts k ON k.appid = u.appid AND k.prefix = u.session_kf
            WHERE u.appid = ? AND u.session_kf IS NOT NULL ${prefix === undefined ? '' : 'AND u.session_kf = ?'}
            ORDER BY u.session_createtime, u.session_seq`,
          ...(prefix === undefined ? [appid] : [appid, prefix]),
        )
      ).map((r) => {
        const u = userFlowFromRow(r);
        return { openid: u.openid, session: u.session!, kf_account: r.kf_account_added as string };
      }),
    listWaitCases: async (appid, limit) =>
      (
        await d.rows(
          `SELECT ${USER_COLUMNS} FROM app_users WHERE appid = ? AND wait_joined_at IS NOT NULL ORDER BY wait_joined_at, wait_seq LIMIT ?`,
          appid,
          limit,
        )
      ).map((r) => {
        const u = userFlowFromRow(r);
        return { openid: u.openid, waiting: u.waiting! };
      }),
    countWaitCases: async (appid) =>
      Number((await d.row('SELECT COUNT(*) AS n FROM app_users WHERE appid = ? AND wait_joined_at IS NOT NULL', appid))?.n ?? 0),
  };
}
