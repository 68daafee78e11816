import type Database from 'better-sqlite3';
import { APP_COLUMNS, CREDENTIAL_SELECT, TOKEN_COLUMNS } from './rows.js';

/** What the store uses of a prepared statement (named here so the statement table's type can be). */
export interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

const APP_COLS = APP_COLUMNS.join(', ');
const TOKEN_COLS = TOKEN_COLUMNS.join(', ');


/** Every statement of the SQLite store, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  const prep = (sql: string): Statement => db.prepare(sql);
  return {
  getMeta: prep('SELECT value FROM meta WHERE key = ?'),
  setMeta: prep('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
  // kf_version starts anywhere: an app deleted and made again must not repeat the versions of
  // its former self, which other nodes may still hold in their list caches.
  insertApp: prep(
    `INSERT INTO apps (${APP_COLS}, kf_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?, abs(random() % 1000000000000))
      ON CONFLICT(appid) DO NOTHING`,
  ),
  getApp: prep(`SELECT ${APP_COLS} FROM apps WHERE appid = ?`),
  listApps: prep(`SELECT ${APP_COLS} FROM apps ORDER BY created_at, appid`),
  deleteApp: prep('DELETE FROM apps WHERE appid = ?'),
  supersede: prep(
    `UPDATE access_tokens SET superseded_at = ? WHERE appid = ? AND family = ? AND component_appid IS ?
      AND superseded_at IS NULL AND revoked_at IS NULL`,
  ),
  insertToken: prep(`INSERT INTO access_tokens (${TOKEN_COLS}) VALUES (${TOKEN_COLUMNS.map(() => "?").join(",")})`),
  findCredential: prep(`${CREDENTIAL_SELECT} WHERE t.token_hash = ?`),
  revoke: prep('UPDATE access_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL'),
  stableState: prep(
    'SELECT stable_version, stable_current, force_day, force_count, last_force_at FROM apps WHERE appid = ?',
  ),
  getToken: prep(`SELECT ${TOKEN_COLS} FROM access_tokens WHERE token_hash = ?`),
  casStable: prep(
    `UPDATE apps SET stable_version = stable_version + 1, stable_current = ?, force_day = ?, force_count = ?,
      last_force_at = ? WHERE appid = ? AND stable_version = ?`,
  ),
  revokeStable: prep(
    "UPDATE access_tokens SET revoked_at = ? WHERE appid = ? AND family = 'stable' AND revoked_at IS NULL",
  ),
  kfExistsAndCount: prep(
    `SELECT EXISTS (SELECT 1 FROM kf_accounts WHERE appid = @appid AND prefix = @prefix) AS e,
      (SELECT COUNT(*) FROM kf_accounts WHERE appid = @appid) AS n`,
  ),
  nextKfId: prep(
    'UPDATE apps SET next_kf_id = next_kf_id + 1, kf_version = kf_version + 1 WHERE appid = ? RETURNING next_kf_id - 1 AS kf_id',
  ),
  bumpKf: prep('UPDATE apps SET kf_version = kf_version + 1 WHERE appid = ?'),
  insertKf: prep(
    `INSERT INTO kf_accounts (appid, prefix, kf_account, kf_id, kf_nick, created_at, updated_at)
      VALUES (?,?,?,?,?,?,?)`,
  ),
  listKf: prep('SELECT * FROM kf_accounts WHERE appid = ? ORDER BY kf_id'),
  getKf: prep('SELECT * FROM kf_accounts WHERE appid = ? AND prefix = ?'),
  updateNick: prep('UPDATE kf_accounts SET kf_nick = ?, updated_at = ? WHERE appid = ? AND prefix = ?'),
  deleteKf: prep('DELETE FROM kf_accounts WHERE appid = ? AND prefix = ? RETURNING kf_id'),
  deleteImg: prep('DELETE FROM kf_headimgs WHERE appid = ? AND kf_id = ?'),
  putImg: prep(
    `INSERT INTO kf_headimgs (appid, kf_id, content_type, bytes, updated_at) VALUES (?,?,?,?,?)
      ON CONFLICT(appid, kf_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes,
      updated_at = excluded.updated_at`,
  ),
  setImgUrl: prep('UPDATE kf_accounts SET kf_headimgurl = ?, updated_at = ? WHERE appid = ? AND kf_id = ?'),
  getImg: prep('SELECT content_type, bytes, updated_at FROM kf_headimgs WHERE appid = ? AND kf_id = ?'),
  boundHere: prep('SELECT 1 FROM kf_accounts WHERE appid = ? AND kf_wx = ? AND prefix <> ?'),
  invitedHere: prep(
    'SELECT * FROM kf_accounts WHERE appid = ? AND invite_wx = ? AND prefix <> ? AND kf_wx IS NULL',
  ),
  bindings: prep('SELECT COUNT(*) AS n FROM kf_accounts WHERE kf_wx = ?'),
  invite: prep(
    `UPDATE kf_accounts SET invite_wx = ?, invite_expire_time = ?, invite_status = 'waiting', updated_at = ?
      WHERE appid = ? AND prefix = ?`,
  ),
  bind: prep(
    `UPDATE kf_accounts SET kf_wx = invite_wx, invite_wx = NULL, invite_expire_time = NULL, invite_status = NULL
      WHERE appid = ? AND prefix = ?`,
  ),
  reject: prep("UPDATE kf_accounts SET invite_status = 'rejected' WHERE appid = ? AND prefix = ?"),
  online: prep('UPDATE kf_accounts SET online_status = ?, accepted_case = ? WHERE appid = ? AND prefix = ?'),
  insertPlatform: prep(
    'INSERT INTO component_platforms (component_appid, component_appsecret, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING',
  ),
  getPlatform: prep('SELECT * FROM component_platforms WHERE component_appid = ?'),
  putAuth: prep(
    `INSERT INTO component_authorizations (component_appid, authorizer_appid, funcscope_category_ids, created_at)
      VALUES (?,?,?,?) ON CONFLICT(component_appid, authorizer_appid)
      DO UPDATE SET funcscope_category_ids = excluded.funcscope_category_ids`,
  ),
  admitQuota: prep(`INSERT INTO quota_counters (appid, counter, period, used) VALUES (@appid, @counter, @period, 1)
      ON CONFLICT (appid, counter) DO UPDATE
      SET used = CASE WHEN quota_counters.period = excluded.period THEN quota_counters.used + 1 ELSE 1 END,
        period = excluded.period
      WHERE quota_counters.period <> excluded.period OR quota_counters.used < @limit
      RETURNING used`),
  quotaUsed: prep('SELECT used, period FROM quota_counters WHERE appid = ? AND counter = ?'),
  clearCounters: prep("DELETE FROM quota_counters WHERE appid = ? AND counter NOT LIKE '#%'"),
  putJournal: prep(
    `INSERT OR IGNORE INTO journal (rid, appid, cgi_path, invoke_time, cost_ms, request_url, request_body, response_body,
      client_ip, errcode) VALUES (@rid, @appid, @cgi_path, @invoke_time, @cost_ms, @request_url, @request_body,
      @response_body, @client_ip, @errcode)`,
  ),
  getJournal: prep('SELECT * FROM journal WHERE rid = ?'),
  pruneJournal: prep('DELETE FROM journal WHERE invoke_time < ?'),
  setTicket: prep('UPDATE component_platforms SET ticket = ?, ticket_at = ? WHERE component_appid = ?'),
  supersedeComponent: prep(
    'UPDATE component_tokens SET superseded_at = ? WHERE component_appid = ? AND superseded_at IS NULL',
  ),
  insertComponentToken: prep(
    'INSERT INTO component_tokens (token_hash, component_appid, issued_at, expires_at, superseded_at) VALUES (?,?,?,?,?)',
  ),
  getComponentToken: prep('SELECT * FROM component_tokens WHERE token_hash = ?'),
  insertCode: prep(
    'INSERT INTO component_auth_codes (code_hash, component_appid, authorizer_appid, expires_at) VALUES (?,?,?,?)',
  ),
  useCode: prep(
    `UPDATE component_auth_codes SET used_at = ? WHERE code_hash = ? AND component_appid = ? AND used_at IS NULL
      RETURNING authorizer_appid, expires_at`,
  ),
  setRefresh: prep(
    'UPDATE component_authorizations SET refresh_token_hash = ? WHERE component_appid = ? AND authorizer_appid = ?',
  ),
  getAuth: prep('SELECT * FROM component_authorizations WHERE component_appid = ? AND authorizer_appid = ?'),
  deleteAuth: prep('DELETE FROM component_authorizations WHERE component_appid = ? AND authorizer_appid = ?'),
  listAuth: prep('SELECT * FROM component_authorizations WHERE component_appid = ? ORDER BY authorizer_appid'),
};
}

export type Statements = ReturnType<typeof prepareStatements>;
