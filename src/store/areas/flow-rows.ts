import { numOrNull, userFromRow } from '../rows.js';
import type { Row } from '../sql/program.js';
import type { ChargeRecord, GrantRecord, UserFlowRecord } from '../store.js';

/** The rows of a simulated user's state (the flow area's reads). */
export const USER_COLUMNS = `appid, openid, nickname, subscribed, subscribe_time, created_at, updated_at, typing_until,
  last_exchange_at, session_kf, session_createtime, session_seq, forward_until, wait_joined_at, wait_seq,
  wait_latest_time, reserved_for`;
export const USER = `SELECT ${USER_COLUMNS} FROM app_users WHERE appid = ? AND openid = ?`;
/** The same columns of `app_users u` (a read that joins it). */
export const USER_COLUMNS_OF_U = USER_COLUMNS.split(',')
  .map((c) => `u.${c.trim()}`)
  .join(', ');
export const GRANTS = 'SELECT kind, action_at, used_since_action FROM user_grants WHERE appid = ? AND openid = ?';
/**
 * A user's grants and its charges since a time, in one statement, as JSON lists
 * (`json_group_array`/`json_array`; PostgreSQL's driver reads them as `json_agg`/`json_build_array`,
 * which answer null for no rows). Read after the user's row is locked, in a statement of its own:
 * on PostgreSQL a statement that waits for a row lock sees the locked row as it is then, but its
 * subqueries keep the snapshot taken before the wait (the two-node test caught 12 of 12 sends
 * passing a window of 5 when they were one statement).
 */
export const USER_GRANTS = `SELECT
  (SELECT json_group_array(json_array(g.kind, g.action_at, g.used_since_action)) FROM user_grants g
    WHERE g.appid = ? AND g.openid = ?) AS grants_json,
  (SELECT json_group_array(json_array(c.kind, c.at)) FROM grant_charges c
    WHERE c.appid = ? AND c.openid = ? AND c.at > ?) AS charges_json`;
/** A JSON list column: text on SQLite, parsed already on PostgreSQL, null there for no rows. */
export const jsonList = (v: unknown): unknown[][] =>
  v === null || v === undefined ? [] : ((typeof v === 'string' ? JSON.parse(v) : v) as unknown[][]);
export const CHARGES = 'SELECT kind, at FROM grant_charges WHERE appid = ? AND openid = ? AND at > ? ORDER BY at';
export const grantFromRow = (g: Row): GrantRecord => ({
  kind: g.kind as GrantRecord['kind'],
  action_at: Number(g.action_at),
  used_since_action: Number(g.used_since_action),
});
export const chargeFromRow = (c: Row): ChargeRecord => ({ kind: c.kind as ChargeRecord['kind'], at: Number(c.at) });
export function userFlowFromRow(r: Row): UserFlowRecord {
  return {
    ...userFromRow(r),
    typing_until: numOrNull(r.typing_until),
    last_exchange_at: numOrNull(r.last_exchange_at),
    session:
      r.session_kf === null || r.session_kf === undefined
        ? null
        : {
            kf: r.session_kf as string,
            createtime: Number(r.session_createtime),
            seq: Number(r.session_seq),
            forward_until: Number(r.forward_until),
          },
    waiting:
      r.wait_joined_at === null || r.wait_joined_at === undefined
        ? null
        : {
            joined_at: Number(r.wait_joined_at),
            seq: Number(r.wait_seq),
            latest_time: Number(r.wait_latest_time),
            reserved_for: (r.reserved_for as string | null) ?? null,
          },
  };
}
