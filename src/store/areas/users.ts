import { userFromRow } from '../rows.js';
import { changes, row, type Driver, type Program, type Row } from '../sql/program.js';
import type { SimulatedUserRecord, Store, UserPatch } from '../store.js';

type UsersArea = Pick<Store, 'createUser' | 'getUser' | 'listUsers' | 'updateUser' | 'deleteUser'>;

const COLUMNS = ['appid', 'openid', 'nickname', 'subscribed', 'subscribe_time', 'created_at', 'updated_at'] as const;
const COLS = COLUMNS.join(', ');
const USER = `SELECT ${COLS} FROM app_users WHERE appid = ? AND openid = ?`;

function* update(
  appid: string,
  openid: string,
  change: (current: SimulatedUserRecord) => UserPatch,
  now: number,
): Program<SimulatedUserRecord | undefined> {
  const r = (yield row(`${USER} FOR UPDATE`, appid, openid)) as Row | undefined;
  if (!r) return undefined;
  const current = userFromRow(r);
  const next: SimulatedUserRecord = { ...current, ...change(current), appid, openid, updated_at: now };
  yield changes(
    'UPDATE app_users SET nickname = ?, subscribed = ?, subscribe_time = ?, updated_at = ? WHERE appid = ? AND openid = ?',
    next.nickname,
    next.subscribed,
    next.subscribe_time,
    now,
    appid,
    openid,
  );
  return next;
}

/** Simulated users of an app. */
export function usersArea(d: Driver): UsersArea {
  return {
    createUser: async (u) =>
      (await d.changes(
        `INSERT INTO app_users (${COLS}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (appid, openid) DO NOTHING`,
        ...COLUMNS.map((c) => u[c]),
      )) === 1,
    getUser: async (appid, openid) => {
      const r = await d.row(USER, appid, openid);
      return r ? userFromRow(r) : undefined;
    },
    listUsers: async (appid) =>
      (await d.rows(`SELECT ${COLS} FROM app_users WHERE appid = ? ORDER BY created_at, openid`, appid)).map(userFromRow),
    updateUser: (appid, openid, change, now) => d.transaction(update, appid, openid, change, now),
    deleteUser: async (appid, openid) =>
      (await d.changes('DELETE FROM app_users WHERE appid = ? AND openid = ?', appid, openid)) === 1,
  };
}
