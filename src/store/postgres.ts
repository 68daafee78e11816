import { userInfo } from 'node:os';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './migrations/postgres.js';
import { KeyBatcher } from './batcher.js';
import { PostgresBase, params } from './postgres-base.js';
import {
  APP_COLUMNS, CREDENTIAL_SELECT, TOKEN_COLUMNS, appFromRow, appValues, credentialFromRow, isWaiting, kfAccountFromRow,
  stableFromRow, tokenFromRow, tokenValues, type Row,
} from './rows.js';
import type {
  AddKfResult, AppPatch, AppRecord, Credential, HeadImage, Invitation, InvitationAnswer, InviteState, KfAccountRecord,
  NewKfAccount, QuotaAdmission, StableState, StableWrite, Store, TokenRecord,
} from './store.js';

/** Any number of nodes may start at once: migrations run under this advisory lock. */
const MIGRATION_LOCK = 0x77786b66; // "wxkf"
const APP_COLS = APP_COLUMNS.join(', ');
const TOKEN_COLS = TOKEN_COLUMNS.join(', ');

// Times are BIGINT milliseconds: read them as numbers (they stay far below 2^53).
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** Pool size per node. */
  max?: number;
}

/**
 * Opens a pool, runs the migrations, and answers the store interface. Every rule that counts or
 * must be unique is decided in the database: a row lock on the app serializes its adds and its
 * token issues; the stable-token state moves by compare-and-set on a version column.
 * Timeouts bound every call, so an outage answers `-1` within seconds instead of hanging.
 */
export async function openPostgresStore(connectionString: string, opts: PostgresOptions = {}): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: withDefaultUser(connectionString),
    max: opts.max ?? 10,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 10_000,
    statement_timeout: 3000,
    query_timeout: 3500,
    types,
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return new PostgresStore(pool);
}

/** libpq's default role is the OS user; pg only reads $USER, which services often lack. */
export function withDefaultUser(connectionString: string): string {
  let u: URL;
  try {
    u = new URL(connectionString);
  } catch {
    return connectionString;
  }
  if (u.username !== '' || u.searchParams.has('user')) return connectionString;
  u.searchParams.set('user', process.env.PGUSER ?? process.env.USER ?? userInfo().username);
  return u.toString();
}

async function migrate(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
    const { rows } = await c.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
    for (let v = Number(rows[0]?.v ?? 0); v < POSTGRES_MIGRATIONS.length; v++) {
      await c.query(POSTGRES_MIGRATIONS[v] as string);
      await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
    }
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
}

class PostgresStore extends PostgresBase implements Store {
  readonly kind = 'postgres' as const;

  async close(): Promise<void> {
    await this.pool.end();
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.rows('SELECT value FROM meta WHERE key = $1', [key]))[0]?.value as string | undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      [key, value],
    );
  }

  async reset(): Promise<void> {
    await this.pool.query(
      `TRUNCATE component_auth_codes, component_tokens, component_authorizations, component_platforms, kf_headimgs,
        kf_accounts, access_tokens, quota_counters, journal, apps`,
    );
  }

  async createApp(app: AppRecord): Promise<boolean> {
    const r = await this.pool.query(
      // kf_version starts anywhere (see the SQLite store): a re-made app must not repeat old versions.
      `INSERT INTO apps (${APP_COLS}, kf_version) VALUES (${params(12)}, floor(random() * 1000000000000))
        ON CONFLICT (appid) DO NOTHING`,
      appValues(app, (b) => b),
    );
    return r.rowCount === 1;
  }

  async getApp(appid: string): Promise<AppRecord | undefined> {
    const row = (await this.rows(`SELECT ${APP_COLS} FROM apps WHERE appid = $1`, [appid]))[0];
    return row ? appFromRow(row) : undefined;
  }

  async listApps(): Promise<AppRecord[]> {
    return (await this.rows(`SELECT ${APP_COLS} FROM apps ORDER BY created_at, appid`)).map(appFromRow);
  }

  async updateApp(appid: string, patch: AppPatch, now: number): Promise<AppRecord | undefined> {
    return this.tx(async (c) => {
      const row = (await c.query(`SELECT ${APP_COLS} FROM apps WHERE appid = $1 FOR UPDATE`, [appid])).rows[0] as Row | undefined;
      if (!row) return undefined;
      const next: AppRecord = { ...appFromRow(row), ...patch, appid, updated_at: now };
      const v = appValues(next, (b) => b);
      await c.query(
        `UPDATE apps SET secret=$2, type=$3, certified=$4, alias=$5, original_id=$6, kf_enabled=$7, ip_whitelist=$8,
          secret_frozen=$9, updated_at=$10, daily_quotas=$11 WHERE appid=$1`,
        [appid, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], now, v[11]],
      );
      return next;
    });
  }

  async deleteApp(appid: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM apps WHERE appid = $1', [appid])).rowCount === 1;
  }

  async issueToken(token: TokenRecord): Promise<void> {
    await this.tx(async (c) => {
      // The app's row lock orders concurrent issues, so each one supersedes the one before it.
      const app = await c.query('SELECT 1 FROM apps WHERE appid = $1 FOR UPDATE', [token.appid]);
      if (app.rowCount !== 1) throw new Error(`no app ${token.appid}`);
      await c.query(
        `UPDATE access_tokens SET superseded_at = $1
          WHERE appid = $2 AND family = $3 AND component_appid IS NOT DISTINCT FROM $4
          AND superseded_at IS NULL AND revoked_at IS NULL`,
        [token.issued_at, token.appid, token.family, token.component_appid],
      );
      await c.query(`INSERT INTO access_tokens (${TOKEN_COLS}) VALUES (${params(TOKEN_COLUMNS.length)})`, tokenValues(token));
    });
  }

  /** Every call's first read: the lookups of one event-loop turn go to the database as one query. */
  private readonly credentials = new KeyBatcher<string, Credential>(async (hashes) => {
    const r = await this.prepared('wxkf_find_credentials', `${CREDENTIAL_SELECT} WHERE t.token_hash = ANY($1::text[])`, [hashes]);
    return new Map((r.rows as Row[]).map((row) => [row.t_token_hash as string, credentialFromRow(row)]));
  });

  async findCredential(tokenHash: string): Promise<Credential | undefined> {
    return this.credentials.get(tokenHash);
  }

  async revokeToken(tokenHash: string, now: number): Promise<boolean> {
    const r = await this.pool.query(
      'UPDATE access_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL',
      [now, tokenHash],
    );
    return r.rowCount === 1;
  }

  async getStableState(appid: string): Promise<StableState> {
    const row = (
      await this.rows(
        `SELECT a.stable_version, a.force_day, a.force_count, a.last_force_at, ${TOKEN_COLUMNS.map((c) => `t.${c}`).join(', ')}
          FROM apps a LEFT JOIN access_tokens t ON t.token_hash = a.stable_current WHERE a.appid = $1`,
        [appid],
      )
    )[0];
    return stableFromRow(row, row?.token_hash ? tokenFromRow(row) : undefined);
  }

  async writeStable(appid: string, w: StableWrite): Promise<boolean> {
    return this.tx(async (c) => {
      const moved = await c.query(
        `UPDATE apps SET stable_version = stable_version + 1, stable_current = $1, force_day = $2, force_count = $3,
          last_force_at = $4 WHERE appid = $5 AND stable_version = $6`,
        [w.token.token_hash, w.force_day, w.force_count, w.last_force_at, appid, w.expectedVersion],
      );
      if (moved.rowCount !== 1) return false;
      if (w.revokeOthersAt !== null) {
        await c.query(
          "UPDATE access_tokens SET revoked_at = $1 WHERE appid = $2 AND family = 'stable' AND revoked_at IS NULL",
          [w.revokeOthersAt, appid],
        );
      }
      await c.query(`INSERT INTO access_tokens (${TOKEN_COLS}) VALUES (${params(TOKEN_COLUMNS.length)})`, tokenValues(w.token));
      return true;
    });
  }

  async addKfAccount(appid: string, a: NewKfAccount, limit: number, quota?: QuotaAdmission): Promise<AddKfResult> {
    // One round trip: the function takes the app's row lock, which serializes adds to one app
    // across every node, then checks and writes (migration 2); the primary key backs it up. With a
    // quota admission, the call is counted first in the same statement (migration 6).
    const r = quota
      ? await this.prepared(
        'wxkf_admit_and_add_kf_account',
        'SELECT result, kf_id FROM wxkf_admit_and_add_kf_account($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [appid, quota.counter, quota.period, quota.limit, a.prefix, a.kf_account, a.nickname, a.now, limit],
      )
      : await this.prepared('wxkf_add_kf_account', 'SELECT result, kf_id FROM wxkf_add_kf_account($1, $2, $3, $4, $5, $6)', [
        appid, a.prefix, a.kf_account, a.nickname, a.now, limit,
      ]);
    const row = r.rows[0] as Row;
    if (row.result === 'added') return { result: 'added', kf_id: Number(row.kf_id) };
    if (row.result === 'quota') return { result: 'quota' };
    return { result: row.result === 'exists' ? 'exists' : 'limit' };
  }


  async listKfAccounts(appid: string): Promise<KfAccountRecord[]> {
    return (await this.rows('SELECT * FROM kf_accounts WHERE appid = $1 ORDER BY kf_id', [appid])).map(kfAccountFromRow);
  }

  async getKfAccount(appid: string, prefix: string): Promise<KfAccountRecord | undefined> {
    const row = (await this.rows('SELECT * FROM kf_accounts WHERE appid = $1 AND prefix = $2', [appid, prefix]))[0];
    return row ? kfAccountFromRow(row) : undefined;
  }

  /**
   * A change to an app's kf accounts: the app's row is locked first (by bumping its kf_version),
   * always in that order, so changes to one app queue up instead of deadlocking.
   */
  private kfChange<T>(appid: string, change: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.tx(async (c) => {
      await c.query('UPDATE apps SET kf_version = kf_version + 1 WHERE appid = $1', [appid]);
      return change(c);
    });
  }

  async updateKfNick(appid: string, prefix: string, nickname: string, now: number): Promise<boolean> {
    return this.kfChange(appid, async (c) => {
      const r = await c.query('UPDATE kf_accounts SET kf_nick = $3, updated_at = $4 WHERE appid = $1 AND prefix = $2', [
        appid, prefix, nickname, now,
      ]);
      return r.rowCount === 1;
    });
  }

  async deleteKfAccount(appid: string, prefix: string): Promise<boolean> {
    return this.kfChange(appid, async (c) => {
      const r = await c.query(
        `WITH gone AS (DELETE FROM kf_accounts WHERE appid = $1 AND prefix = $2 RETURNING appid, kf_id),
          img AS (DELETE FROM kf_headimgs h USING gone WHERE h.appid = gone.appid AND h.kf_id = gone.kf_id)
          SELECT 1 FROM gone`,
        [appid, prefix],
      );
      return r.rowCount === 1;
    });
  }

  async setKfHeadImage(appid: string, prefix: string, image: HeadImage, url: (kfId: number) => string): Promise<boolean> {
    return this.kfChange(appid, async (c) => {
      const row = (await c.query('SELECT kf_id FROM kf_accounts WHERE appid = $1 AND prefix = $2 FOR UPDATE', [appid, prefix]))
        .rows[0] as Row | undefined;
      if (!row) return false;
      const kfId = Number(row.kf_id);
      await c.query(
        `INSERT INTO kf_headimgs (appid, kf_id, content_type, bytes, updated_at) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (appid, kf_id) DO UPDATE SET content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes,
          updated_at = EXCLUDED.updated_at`,
        [appid, kfId, image.content_type, image.bytes, image.updated_at],
      );
      await c.query('UPDATE kf_accounts SET kf_headimgurl = $1, updated_at = $2 WHERE appid = $3 AND kf_id = $4', [
        url(kfId), image.updated_at, appid, kfId,
      ]);
      return true;
    });
  }

  async getKfHeadImage(appid: string, kfId: number): Promise<HeadImage | undefined> {
    const row = (
      await this.rows('SELECT content_type, bytes, updated_at FROM kf_headimgs WHERE appid = $1 AND kf_id = $2', [appid, kfId])
    )[0];
    if (!row) return undefined;
    return { content_type: row.content_type as string, bytes: row.bytes as Buffer, updated_at: Number(row.updated_at) };
  }

  async inviteWorker<E>(appid: string, prefix: string, inv: Invitation, decide: (s: InviteState) => E | null): Promise<E | null> {
    // The app's row lock: two invitations on one app are decided one after the other.
    return this.kfChange(appid, async (c) => {
      const q = async (sql: string, v: unknown[]) => (await c.query(sql, v)).rows as Row[];
      const [row] = await q('SELECT * FROM kf_accounts WHERE appid = $1 AND prefix = $2', [appid, prefix]);
      const state: InviteState = {
        account: row ? kfAccountFromRow(row) : undefined,
        workerBoundHere: (await q('SELECT 1 FROM kf_accounts WHERE appid = $1 AND kf_wx = $2 AND prefix <> $3', [appid, inv.invite_wx, prefix])).length > 0,
        otherInvitations: (
          await q('SELECT * FROM kf_accounts WHERE appid = $1 AND invite_wx = $2 AND prefix <> $3 AND kf_wx IS NULL', [appid, inv.invite_wx, prefix])
        ).map(kfAccountFromRow),
        workerBindings: Number((await q('SELECT COUNT(*) AS n FROM kf_accounts WHERE kf_wx = $1', [inv.invite_wx]))[0]?.n ?? 0),
      };
      const refusal = decide(state);
      if (refusal === null) {
        await c.query(
          `UPDATE kf_accounts SET invite_wx = $1, invite_expire_time = $2, invite_status = 'waiting', updated_at = $3
            WHERE appid = $4 AND prefix = $5`,
          [inv.invite_wx, inv.invite_expire_time, inv.now, appid, prefix],
        );
      }
      return refusal;
    });
  }

  async answerInvitation(appid: string, prefix: string, accept: boolean, nowSeconds: number, maxBindings: number): Promise<InvitationAnswer> {
    return this.kfChange(appid, async (c): Promise<InvitationAnswer> => {
      const [row] = (await c.query('SELECT * FROM kf_accounts WHERE appid = $1 AND prefix = $2 FOR UPDATE', [appid, prefix]))
        .rows as Row[];
      if (!row) return 'missing';
      const a = kfAccountFromRow(row);
      if (!isWaiting(a, nowSeconds)) return 'no_invitation';
      if (!accept) {
        await c.query("UPDATE kf_accounts SET invite_status = 'rejected' WHERE appid = $1 AND prefix = $2", [appid, prefix]);
        return 'rejected';
      }
      // One worker's bindings across every app are decided one after the other.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('wxkf-worker:' || $1))", [a.invite_wx]);
      const n = Number((await c.query('SELECT COUNT(*) AS n FROM kf_accounts WHERE kf_wx = $1', [a.invite_wx])).rows[0]?.n);
      if (n >= maxBindings) return 'worker_limit';
      await c.query(
        `UPDATE kf_accounts SET kf_wx = invite_wx, invite_wx = NULL, invite_expire_time = NULL, invite_status = NULL
          WHERE appid = $1 AND prefix = $2`,
        [appid, prefix],
      );
      return 'accepted';
    });
  }

  async setKfOnline(appid: string, prefix: string, status: number, acceptedCase: number): Promise<'ok' | 'missing' | 'unbound'> {
    return this.kfChange(appid, async (c) => {
      const r = await c.query(
        `UPDATE kf_accounts SET online_status = CASE WHEN kf_wx IS NULL THEN online_status ELSE $3 END,
          accepted_case = CASE WHEN kf_wx IS NULL THEN accepted_case ELSE $4 END
          WHERE appid = $1 AND prefix = $2 RETURNING kf_wx`,
        [appid, prefix, status, acceptedCase],
      );
      if (r.rowCount !== 1) return 'missing';
      return (r.rows[0] as Row).kf_wx ? 'ok' : 'unbound';
    });
  }
}
