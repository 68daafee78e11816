import { KeyBatcher } from '../batcher.js';
import { changes, row, type Driver, type Program, type Row } from '../sql/program.js';
import {
  APP_COLUMNS,
  CREDENTIAL_SELECT,
  TOKEN_COLUMNS,
  appColumns,
  appFromRow,
  credentialFromRow,
  stableFromRow,
  tokenFromRow,
  tokenValues,
} from '../rows.js';
import type { AppRecord, Credential, Store } from '../store.js';
import { uses } from '../../platform/mechanisms.js';

const APP_COLS = APP_COLUMNS.join(', ');
const INSERT_APP = `INSERT INTO apps (${APP_COLS}, kf_version) VALUES (${APP_COLUMNS.map(() => '?').join(', ')}, ?)
  ON CONFLICT (appid) DO NOTHING`;
const APP = `SELECT ${APP_COLS} FROM apps WHERE appid = ?`;
/** The columns an update writes: all but the key and the creation time. */
const UPDATABLE = APP_COLUMNS.filter((c) => c !== 'appid' && c !== 'created_at');
const UPDATE_APP = `UPDATE apps SET ${UPDATABLE.map((c) => `${c} = ?`).join(', ')} WHERE appid = ?`;
const FIND_CREDENTIAL = `${CREDENTIAL_SELECT} WHERE t.token_hash = ?`;
/** Keys one credential query looks up at most (a longer batch is several queries). */
const KEYS_PER_LOOKUP = 50;
/**
 * One statement text per number of keys: a list of parameters is looked up in the primary key,
 * where a JSON list (one text for any number) is planned as a set of 100 rows hash-joined
 * against a scan of every token.
 */
const FIND_CREDENTIALS = Array.from(
  { length: KEYS_PER_LOOKUP + 1 },
  (_, n) => `${CREDENTIAL_SELECT} WHERE t.token_hash IN (${Array.from({ length: n }, () => '?').join(', ')})`,
);
const INSERT_TOKEN = `INSERT INTO access_tokens (${TOKEN_COLUMNS.join(', ')}) VALUES (${TOKEN_COLUMNS.map(() => '?').join(', ')})`;
const STABLE_STATE = `SELECT a.stable_version, a.force_day, a.force_count, a.last_force_at, ${TOKEN_COLUMNS.map((c) => `t.${c}`).join(', ')}
  FROM apps a LEFT JOIN access_tokens t ON t.token_hash = a.stable_current WHERE a.appid = ?`;
/** Credentials a node keeps (SQLite): past this many, the cache starts again. */
const CREDENTIAL_CACHE_SIZE = 10_000;
const CACHE_CREDENTIALS = uses('credential-cache');
const BATCH_CREDENTIALS = uses('credential-batch');

/** Every table but meta, children first. */
const TABLES = [
  'component_auth_codes',
  'component_tokens',
  'component_authorizations',
  'component_platforms',
  'kf_headimgs',
  'kf_accounts',
  'deliveries',
  'webhooks',
  'chat_records',
  'outbox',
  'grant_charges',
  'user_grants',
  'app_counters',
  'app_users',
  'access_tokens',
  'quota_counters',
  'journal',
  'journal_bodies',
  'faults',
  'apps',
];

/**
 * A label's apps with what hangs on them (cascades), their authorizations and journal entries,
 * and the faults scoped to them. Platforms, path-wide faults and the clock are shared: they stay.
 */
function* removeLabel(label: string): Program<number> {
  const apps = `SELECT appid FROM apps WHERE label = ?`;
  yield changes(`DELETE FROM component_authorizations WHERE authorizer_appid IN (${apps})`, label);
  yield changes(`DELETE FROM journal WHERE appid IN (${apps})`, label);
  yield changes(`DELETE FROM journal_bodies WHERE appid IN (${apps})`, label);
  yield changes(`DELETE FROM faults WHERE appid IN (${apps})`, label);
  return (yield changes('DELETE FROM apps WHERE label = ?', label)) as number;
}

/** An app with what hangs on it; the authorizations it gave platforms end too (they name it, not reference it). */
function* removeApp(appid: string): Program<boolean> {
  yield changes('DELETE FROM component_authorizations WHERE authorizer_appid = ?', appid);
  return ((yield changes('DELETE FROM apps WHERE appid = ?', appid)) as number) === 1;
}

type AppsArea = Pick<
  Store,
  | 'getMeta'
  | 'setMetaIfAbsent'
  | 'setMeta'
  | 'reset'
  | 'resetLabel'
  | 'stats'
  | 'createApp'
  | 'getApp'
  | 'listApps'
  | 'updateApp'
  | 'deleteApp'
  | 'issueToken'
  | 'findCredential'
  | 'revokeToken'
  | 'listLiveTokens'
  | 'getStableState'
  | 'writeStable'
>;

/** Meta, apps and their tokens. */
export function appsArea(d: Driver): AppsArea {
  // Every call's first read: on PostgreSQL the lookups of one event-loop turn are one query.
  const credentials = new KeyBatcher<string, Credential>(async (hashes) => {
    const found = new Map<string, Credential>();
    for (let i = 0; i < hashes.length; i += KEYS_PER_LOOKUP) {
      const keys = hashes.slice(i, i + KEYS_PER_LOOKUP);
      for (const r of await d.rows(FIND_CREDENTIALS[keys.length] as string, ...keys))
        found.set(r.t_token_hash as string, credentialFromRow(r));
    }
    return found;
  });

  // On SQLite a credential read stays valid while the driver's stamp stands: no write to apps,
  // tokens or authorizations here, and no commit by another process (PRAGMA data_version).
  const cached = new Map<string, { stamp: string; credential: Credential }>();

  return {
    getMeta: async (key) => (await d.row('SELECT value FROM meta WHERE key = ?', key))?.value as string | undefined,
    setMeta: async (key, value) => {
      await d.changes(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        key,
        value,
      );
    },
    setMetaIfAbsent: async (key, value) =>
      (await d.changes('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', key, value)) === 1,
    stats: async () => {
      const r = await d.row('SELECT (SELECT COUNT(*) FROM apps) AS apps, (SELECT COUNT(*) FROM kf_accounts) AS kf');
      return { apps: Number(r?.apps), kf_accounts: Number(r?.kf) };
    },
    reset: () =>
      d.transaction(function* () {
        for (const table of TABLES) yield changes(`DELETE FROM ${table}`);
      }),

    resetLabel: (label) => d.transaction(removeLabel, label),

    createApp: async (app, kfVersion) => {
      const cols = appColumns(app);
      return (await d.changes(INSERT_APP, ...APP_COLUMNS.map((c) => cols[c]), kfVersion)) === 1;
    },
    getApp: async (appid) => {
      const r = await d.row(APP, appid);
      return r ? appFromRow(r) : undefined;
    },
    listApps: async () => (await d.rows(`SELECT ${APP_COLS} FROM apps ORDER BY created_at, appid`)).map(appFromRow),
    updateApp: (appid, change, now) =>
      d.transaction(function* () {
        const r = (yield row(`${APP} FOR UPDATE`, appid)) as Row | undefined;
        if (!r) return undefined;
        const current = appFromRow(r);
        const next: AppRecord = { ...current, ...change(current), appid, created_at: current.created_at, updated_at: now };
        const cols = appColumns(next);
        yield changes(UPDATE_APP, ...UPDATABLE.map((c) => cols[c]), appid);
        return next;
      }),
    deleteApp: (appid) => d.transaction(removeApp, appid),

    issueToken: (token) =>
      d.transaction(function* () {
        // The app's row lock orders concurrent issues, so each one supersedes the one before it.
        if (!(yield row('SELECT appid FROM apps WHERE appid = ? FOR UPDATE', token.appid)))
          throw new Error(`no app ${token.appid}`);
        yield changes(
          `UPDATE access_tokens SET superseded_at = ? WHERE appid = ? AND family = ? AND component_appid IS NOT DISTINCT FROM ?
            AND superseded_at IS NULL AND revoked_at IS NULL`,
          token.issued_at,
          token.appid,
          token.family,
          token.component_appid,
        );
        yield changes(INSERT_TOKEN, ...tokenValues(token));
      }),
    findCredential: async (hash) => {
      if (d.batchesLookups && BATCH_CREDENTIALS) return credentials.get(hash);
      const stamp = CACHE_CREDENTIALS ? d.credentialStamp?.() : undefined;
      if (stamp !== undefined) {
        const hit = cached.get(hash);
        if (hit && hit.stamp === stamp) return hit.credential;
      }
      const r = await d.row(FIND_CREDENTIAL, hash);
      const credential = r ? credentialFromRow(r) : undefined;
      if (stamp !== undefined && credential) {
        if (cached.size >= CREDENTIAL_CACHE_SIZE) cached.clear();
        cached.set(hash, { stamp, credential });
      }
      return credential;
    },
    listLiveTokens: async (appid, now) =>
      (
        await d.rows(
          `SELECT ${TOKEN_COLUMNS.join(', ')} FROM access_tokens WHERE appid = ? AND superseded_at IS NULL AND revoked_at IS NULL
            AND expires_at > ? ORDER BY issued_at DESC`,
          appid,
          now,
        )
      ).map((r) => tokenFromRow(r)),
    revokeToken: async (hash, now) =>
      (await d.changes('UPDATE access_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL', now, hash)) === 1,
    getStableState: async (appid) => {
      const r = await d.row(STABLE_STATE, appid);
      return stableFromRow(r, r?.token_hash ? tokenFromRow(r) : undefined);
    },
    writeStable: (appid, w) =>
      d.transaction(function* () {
        const moved = (yield changes(
          `UPDATE apps SET stable_version = stable_version + 1, stable_current = ?, force_day = ?, force_count = ?,
            last_force_at = ? WHERE appid = ? AND stable_version = ?`,
          w.token.token_hash,
          w.force_day,
          w.force_count,
          w.last_force_at,
          appid,
          w.expectedVersion,
        )) as number;
        if (moved !== 1) return false;
        if (w.revokeOthersAt !== null) {
          yield changes(
            "UPDATE access_tokens SET revoked_at = ? WHERE appid = ? AND family = 'stable' AND revoked_at IS NULL",
            w.revokeOthersAt,
            appid,
          );
        }
        yield changes(INSERT_TOKEN, ...tokenValues(w.token));
        return true;
      }),
  };
}
