import { bool, kfAccountFromRow } from '../rows.js';
import { changes, lock, row, rows, type Driver, type Program, type Row } from '../sql/program.js';
import type { AddKfResult, AddRule, InviteState, NewKfAccount, Store } from '../store.js';
import { withCount } from './quota.js';
import { postgresAdd } from './kf-add-pg.js';
import { uses } from '../../platform/mechanisms.js';

const ADD_FUNCTION = uses('add-function');

type KfArea = Pick<
  Store,
  | 'addKfAccount'
  | 'listKfAccounts'
  | 'getKfAccount'
  | 'updateKfNick'
  | 'deleteKfAccount'
  | 'setKfHeadImage'
  | 'getKfHeadImage'
  | 'inviteWorker'
  | 'answerInvitation'
  | 'setKfOnline'
>;

const KF = 'SELECT * FROM kf_accounts WHERE appid = ? AND prefix = ?';
/** The add's state, read under the app's row lock (no row: no such app). */
const ADD_STATE = `SELECT EXISTS (SELECT 1 FROM kf_accounts k WHERE k.appid = a.appid AND k.prefix = ?) AS e,
  (SELECT COUNT(*) FROM kf_accounts k WHERE k.appid = a.appid) AS n FROM apps a WHERE a.appid = ? FOR UPDATE`;
const NEXT_KF_ID =
  'UPDATE apps SET next_kf_id = next_kf_id + 1, kf_version = kf_version + 1 WHERE appid = ? RETURNING next_kf_id - 1 AS kf_id';
const INSERT_KF =
  'INSERT INTO kf_accounts (appid, prefix, kf_account, kf_id, kf_nick, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
const BINDINGS = 'SELECT COUNT(*) AS n FROM kf_accounts WHERE kf_wx = ?';

function* bumpThen<T>(appid: string, change: () => Program<T>): Program<T> {
  yield changes('UPDATE apps SET kf_version = kf_version + 1 WHERE appid = ?', appid);
  return yield* change();
}

/** The same state read after the app's lock was taken by a statement of its own (PostgreSQL). */
const ADD_STATE_LOCKED = `SELECT EXISTS (SELECT 1 FROM kf_accounts k WHERE k.appid = ? AND k.prefix = ?) AS e,
  (SELECT COUNT(*) FROM kf_accounts k WHERE k.appid = ?) AS n`;

/**
 * The add under the app's lock, as `rule` decides (SQLite; PostgreSQL runs it as one function,
 * and runs this only when a benchmark turned that off). On PostgreSQL the lock is a statement of
 * its own: the subqueries of the statement that waits for it would read from before the wait.
 */
function* add(appid: string, a: NewKfAccount, rule: AddRule, lockFirst: boolean): Program<AddKfResult> {
  const locked = lockFirst ? ((yield row('SELECT appid FROM apps WHERE appid = ? FOR UPDATE', appid)) as Row | undefined) : true;
  const s = locked
    ? ((yield lockFirst ? row(ADD_STATE_LOCKED, appid, a.prefix, appid) : row(ADD_STATE, a.prefix, appid)) as Row | undefined)
    : undefined;
  if (!s) throw new Error(`no app ${appid}`);
  const refusal = rule.decide({ exists: bool(s.e), count: Number(s.n) });
  if (refusal) return { result: refusal };
  const kfId = Number(((yield row(NEXT_KF_ID, appid)) as Row).kf_id);
  yield changes(INSERT_KF, appid, a.prefix, a.kf_account, kfId, a.nickname, a.now, a.now);
  return { result: 'added', kf_id: kfId };
}

/** Kf accounts, their head images and invitations. */
export function kfArea(d: Driver): KfArea {
  /**
   * A change to an app's kf accounts: the app's row is locked first (by moving its kf_version, a
   * cache key read with every credential), always in that order, so changes to one app queue up
   * instead of deadlocking, and every change moves the version in its own transaction.
   */
  const kfChange = <T>(appid: string, change: () => Program<T>): Promise<T> => d.transaction(bumpThen, appid, change);

  const addOnPostgres = postgresAdd(d);

  return {
    addKfAccount: (appid, a, rule, count) =>
      d.kind === 'postgres' && ADD_FUNCTION
        ? addOnPostgres(appid, a, rule, count)
        : withCount(d, count, { result: 'quota' }, add, appid, a, rule, d.kind === 'postgres'),
    listKfAccounts: async (appid) =>
      (await d.rows('SELECT * FROM kf_accounts WHERE appid = ? ORDER BY kf_id', appid)).map(kfAccountFromRow),
    getKfAccount: async (appid, prefix) => {
      const r = await d.row(KF, appid, prefix);
      return r ? kfAccountFromRow(r) : undefined;
    },
    updateKfNick: (appid, prefix, nickname, now) =>
      kfChange(appid, function* () {
        const n = (yield changes(
          'UPDATE kf_accounts SET kf_nick = ?, updated_at = ? WHERE appid = ? AND prefix = ?',
          nickname,
          now,
          appid,
          prefix,
        )) as number;
        return n === 1;
      }),
    deleteKfAccount: (appid, prefix) =>
      kfChange(appid, function* () {
        const gone = (yield row('DELETE FROM kf_accounts WHERE appid = ? AND prefix = ? RETURNING kf_id', appid, prefix)) as
          Row | undefined;
        if (gone) {
          yield changes('DELETE FROM kf_headimgs WHERE appid = ? AND kf_id = ?', appid, gone.kf_id);
          // Its sessions end and reservations for it lapse (sessions.md), without a push.
          yield changes(
            `UPDATE app_users SET session_kf = NULL, session_createtime = NULL, session_seq = NULL, forward_until = NULL
              WHERE appid = ? AND session_kf = ?`,
            appid,
            prefix,
          );
          yield changes('UPDATE app_users SET reserved_for = NULL WHERE appid = ? AND reserved_for = ?', appid, prefix);
        }
        return gone !== undefined;
      }),
    setKfHeadImage: (appid, prefix, image, url) =>
      kfChange(appid, function* () {
        const r = (yield row('SELECT kf_id FROM kf_accounts WHERE appid = ? AND prefix = ? FOR UPDATE', appid, prefix)) as
          Row | undefined;
        if (!r) return false;
        const kfId = Number(r.kf_id);
        yield changes(
          `INSERT INTO kf_headimgs (appid, kf_id, content_type, bytes, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (appid, kf_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes,
            updated_at = excluded.updated_at`,
          appid,
          kfId,
          image.content_type,
          image.bytes,
          image.updated_at,
        );
        yield changes(
          'UPDATE kf_accounts SET kf_headimgurl = ?, updated_at = ? WHERE appid = ? AND kf_id = ?',
          url(kfId),
          image.updated_at,
          appid,
          kfId,
        );
        return true;
      }),
    getKfHeadImage: async (appid, kfId) => {
      const r = await d.row('SELECT content_type, bytes, updated_at FROM kf_headimgs WHERE appid = ? AND kf_id = ?', appid, kfId);
      return r
        ? { content_type: r.content_type as string, bytes: r.bytes as Buffer, updated_at: Number(r.updated_at) }
        : undefined;
    },
    inviteWorker: (appid, prefix, inv, decide) =>
      kfChange(appid, function* () {
        const account = (yield row(KF, appid, prefix)) as Row | undefined;
        const bound = (yield row(
          'SELECT 1 AS one FROM kf_accounts WHERE appid = ? AND kf_wx = ? AND prefix <> ?',
          appid,
          inv.invite_wx,
          prefix,
        )) as Row | undefined;
        const invited = (yield rows(
          'SELECT * FROM kf_accounts WHERE appid = ? AND invite_wx = ? AND prefix <> ? AND kf_wx IS NULL',
          appid,
          inv.invite_wx,
          prefix,
        )) as Row[];
        const bindings = (yield row(BINDINGS, inv.invite_wx)) as Row;
        const state: InviteState = {
          account: account ? kfAccountFromRow(account) : undefined,
          workerBoundHere: bound !== undefined,
          otherInvitations: invited.map(kfAccountFromRow),
          workerBindings: Number(bindings.n),
        };
        const refusal = decide(state);
        if (refusal === null) {
          yield changes(
            `UPDATE kf_accounts SET invite_wx = ?, invite_expire_time = ?, invite_status = 'waiting', updated_at = ?
              WHERE appid = ? AND prefix = ?`,
            inv.invite_wx,
            inv.invite_expire_time,
            inv.now,
            appid,
            prefix,
          );
        }
        return refusal;
      }),
    answerInvitation: (appid, prefix, decide) =>
      kfChange(appid, function* () {
        const r = (yield row(`${KF} FOR UPDATE`, appid, prefix)) as Row | undefined;
        if (!r) return 'missing' as const;
        const account = kfAccountFromRow(r);
        // One worker's bindings across every app are decided one after the other.
        if (account.invite_wx) yield lock(`wxkf-worker:${account.invite_wx}`);
        const bindings = (yield row(BINDINGS, account.invite_wx)) as Row;
        const answer = decide({ account, workerBindings: Number(bindings.n) });
        if (answer === 'rejected')
          yield changes("UPDATE kf_accounts SET invite_status = 'rejected' WHERE appid = ? AND prefix = ?", appid, prefix);
        if (answer === 'accepted') {
          yield changes(
            `UPDATE kf_accounts SET kf_wx = invite_wx, invite_wx = NULL, invite_expire_time = NULL, invite_status = NULL
              WHERE appid = ? AND prefix = ?`,
            appid,
            prefix,
          );
        }
        return answer;
      }),
    setKfOnline: (appid, prefix, status, acceptedCase) =>
      kfChange(appid, function* () {
        const r = (yield row(
          `UPDATE kf_accounts SET online_status = CASE WHEN kf_wx IS NULL THEN online_status ELSE ? END,
            accepted_case = CASE WHEN kf_wx IS NULL THEN accepted_case ELSE ? END
            WHERE appid = ? AND prefix = ? RETURNING kf_wx`,
          status,
          acceptedCase,
          appid,
          prefix,
        )) as Row | undefined;
        if (!r) return 'missing' as const;
        return r.kf_wx ? ('ok' as const) : ('unbound' as const);
      }),
  };
}
