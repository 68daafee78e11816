import { KeyBatcher } from '../batcher.js';
import { changes, rows, row, type Driver } from '../sql/program.js';
import {
  APP_COLUMNS, CREDENTIAL_SELECT, TOKEN_COLUMNS, appColumns, appFromRow, credentialFromRow, stableFromRow, tokenFromRow,
  tokenValues, type Row,
} from '../rows.js';
import type { AppRecord, Credential, Store, TokenRecord } from '../store.js';

const APP_COLS = APP_COLUMNS.join(', ');
const TOKEN_COLS = TOKEN_COLUMNS.join(', ');
const INSERT_TOKEN = `INSERT INTO access_tokens (${TOKEN_COLS}) VALUES (${TOKEN_COLUMNS.map(() => '?').join(', ')})`;
/** Every table but meta, children first. */
const TABLES = [
  'component_auth_codes', 'component_tokens', 'component_authorizations', 'component_platforms', 'kf_headimgs',
  'kf_accounts', 'access_tokens', 'quota_counters', 'journal', 'apps',
];

type AppsArea = Pick<
  Store,
  | 'getMeta' | 'setMeta' | 'reset' | 'createApp' | 'getApp' | 'listApps' | 'updateApp' | 'deleteApp' | 'issueToken'
  | 'findCredential' | 'revokeToken' | 'getStableState' | 'writeStable'
>;

/** Meta, apps and their tokens. */
export function appsArea(d: Driver): AppsArea {
  function* lockApp(appid: string) {
    return yield* row('SELECT appid FROM apps WHERE appid = ? FOR UPDATE', appid);
  }
  const findOne = (hash: string) =>
    d.run(function* () {
      const r = yield* row(`${CREDENTIAL_SELECT} WHERE t.token_hash = ?`, hash);
      return r ? credentialFromRow(r) : undefined;
    });
  // Every call's first read: on PostgreSQL the lookups of one event-loop turn are one query.
  const credentials = new KeyBatcher<string, Credential>((hashes) =>
    d.run(function* () {
      const found = yield* rows(`${CREDENTIAL_SELECT} WHERE t.token_hash IN (SELECT value FROM json_each(?))`, JSON.stringify(hashes));
      return new Map(found.map((r) => [r.t_token_hash as string, credentialFromRow(r)]));
    }),
  );

  return {
    getMeta: (key) => d.run(function* () {
      return (yield* row('SELECT value FROM meta WHERE key = ?', key))?.value as string | undefined;
    }),
    setMeta: async (key, value) => {
      await d.run(() => changes('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value));
    },
    reset: () => d.transaction(function* () {
      for (const table of TABLES) yield* changes(`DELETE FROM ${table}`);
    }),

    createApp: (app, kfVersion) => d.run(function* () {
      const cols = appColumns(app);
      const sql = `INSERT INTO apps (${APP_COLS}, kf_version) VALUES (${APP_COLUMNS.map(() => '?').join(', ')}, ?)
        ON CONFLICT (appid) DO NOTHING`;
      return (yield* changes(sql, ...APP_COLUMNS.map((c) => cols[c]), kfVersion)) === 1;
    }),
    getApp: (appid) => d.run(function* () {
      const r = yield* row(`SELECT ${APP_COLS} FROM apps WHERE appid = ?`, appid);
      return r ? appFromRow(r) : undefined;
    }),
    listApps: () => d.run(function* () {
      return (yield* rows(`SELECT ${APP_COLS} FROM apps ORDER BY created_at, appid`)).map(appFromRow);
    }),
    updateApp: (appid, change, now) => d.transaction(function* () {
      const r = yield* row(`SELECT ${APP_COLS} FROM apps WHERE appid = ? FOR UPDATE`, appid);
      if (!r) return undefined;
      const current = appFromRow(r);
      const next: AppRecord = { ...current, ...change(current), appid, created_at: current.created_at, updated_at: now };
      const cols = appColumns(next);
      const set = APP_COLUMNS.filter((c) => c !== 'appid' && c !== 'created_at');
      yield* changes(`UPDATE apps SET ${set.map((c) => `${c} = ?`).join(', ')} WHERE appid = ?`, ...set.map((c) => cols[c]), appid);
      return next;
    }),
    deleteApp: (appid) => d.run(function* () {
      return (yield* changes('DELETE FROM apps WHERE appid = ?', appid)) === 1;
    }),

    issueToken: (token) => d.transaction(function* () {
      // The app's row lock orders concurrent issues, so each one supersedes the one before it.
      if (!(yield* lockApp(token.appid))) throw new Error(`no app ${token.appid}`);
      yield* changes(
        `UPDATE access_tokens SET superseded_at = ? WHERE appid = ? AND family = ? AND component_appid IS NOT DISTINCT FROM ?
          AND superseded_at IS NULL AND revoked_at IS NULL`,
        token.issued_at, token.appid, token.family, token.component_appid,
      );
      yield* changes(INSERT_TOKEN, ...tokenValues(token));
    }),
    findCredential: (hash) => (d.batchesLookups ? credentials.get(hash) : findOne(hash)),
    revokeToken: (hash, now) => d.run(function* () {
      return (yield* changes('UPDATE access_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL', now, hash)) === 1;
    }),
    getStableState: (appid) => d.run(function* () {
      const r: Row | undefined = yield* row(
        `SELECT a.stable_version, a.force_day, a.force_count, a.last_force_at, ${TOKEN_COLUMNS.map((c) => `t.${c}`).join(', ')}
          FROM apps a LEFT JOIN access_tokens t ON t.token_hash = a.stable_current WHERE a.appid = ?`,
        appid,
      );
      return stableFromRow(r, r?.token_hash ? tokenFromRow(r) : undefined);
    }),
    writeStable: (appid, w) => d.transaction(function* () {
      const moved = yield* changes(
        `UPDATE apps SET stable_version = stable_version + 1, stable_current = ?, force_day = ?, force_count = ?,
          last_force_at = ? WHERE appid = ? AND stable_version = ?`,
        w.token.token_hash, w.force_day, w.force_count, w.last_force_at, appid, w.expectedVersion,
      );
      if (moved !== 1) return false;
      if (w.revokeOthersAt !== null) {
        yield* changes(
          "UPDATE access_tokens SET revoked_at = ? WHERE appid = ? AND family = 'stable' AND revoked_at IS NULL",
          w.revokeOthersAt, appid,
        );
      }
      yield* changes(INSERT_TOKEN, ...tokenValues(w.token as TokenRecord));
      return true;
    }),
  };
}
