import { userInfo } from 'node:os';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './migrations/postgres.js';
import {
  APP_COLUMNS, CREDENTIAL_SELECT, TOKEN_COLUMNS, appFromRow, appValues, authorizationFromRow, credentialFromRow,
  kfAccountFromRow, stableFromRow, tokenFromRow, tokenValues, type Row,
} from './rows.js';
import type {
  AddKfResult, AppPatch, AppRecord, AuthorizationRecord, ComponentPlatformRecord, KfAccountRecord,
  NewKfAccount, StableState, StableWrite, Store, TokenRecord,
} from './store.js';

/** Any number of nodes may start at once: migrations run under this advisory lock. */
const MIGRATION_LOCK = 0x77786b66; // "wxkf"
const APP_COLS = APP_COLUMNS.join(', ');
const TOKEN_COLS = TOKEN_COLUMNS.join(', ');
const params = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

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

class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}

  private async rows(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, values)).rows as Row[];
  }

  /** One transaction on one connection; rolled back on any error, and the connection dropped if it broke. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      c.release(broken);
    }
  }

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
    await this.pool.query('TRUNCATE component_authorizations, component_platforms, kf_accounts, access_tokens, apps');
  }

  async createApp(app: AppRecord): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO apps (${APP_COLS}) VALUES (${params(11)}) ON CONFLICT (appid) DO NOTHING`,
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
          secret_frozen=$9, updated_at=$10 WHERE appid=$1`,
        [appid, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], now],
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
          WHERE appid = $2 AND family = $3 AND superseded_at IS NULL AND revoked_at IS NULL`,
        [token.issued_at, token.appid, token.family],
      );
      await c.query(`INSERT INTO access_tokens (${TOKEN_COLS}) VALUES (${params(8)})`, tokenValues(token));
    });
  }

  async findCredential(tokenHash: string): Promise<{ token: TokenRecord; app: AppRecord } | undefined> {
    const row = (await this.rows(`${CREDENTIAL_SELECT} WHERE t.token_hash = $1`, [tokenHash]))[0];
    return row ? credentialFromRow(row) : undefined;
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
      await c.query(`INSERT INTO access_tokens (${TOKEN_COLS}) VALUES (${params(8)})`, tokenValues(w.token));
      return true;
    });
  }

  async addKfAccount(appid: string, a: NewKfAccount, limit: number): Promise<AddKfResult> {
    // One round trip: the function takes the app's row lock, which serializes adds to one app
    // across every node, then checks and writes (migration 2); the primary key backs it up.
    const row = (
      await this.rows('SELECT result, kf_id FROM wxkf_add_kf_account($1, $2, $3, $4, $5, $6)', [
        appid, a.prefix, a.kf_account, a.nickname, a.now, limit,
      ])
    )[0] as Row;
    if (row.result === 'added') return { result: 'added', kf_id: Number(row.kf_id) };
    return { result: row.result === 'exists' ? 'exists' : 'limit' };
  }

  async listKfAccounts(appid: string): Promise<KfAccountRecord[]> {
    return (await this.rows('SELECT * FROM kf_accounts WHERE appid = $1 ORDER BY kf_id', [appid])).map(kfAccountFromRow);
  }

  async createComponentPlatform(p: ComponentPlatformRecord): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO component_platforms (component_appid, component_appsecret, created_at) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING`,
      [p.component_appid, p.component_appsecret, p.created_at],
    );
    return r.rowCount === 1;
  }

  async getComponentPlatform(componentAppid: string): Promise<ComponentPlatformRecord | undefined> {
    const row = (await this.rows('SELECT * FROM component_platforms WHERE component_appid = $1', [componentAppid]))[0];
    return row
      ? { component_appid: row.component_appid as string, component_appsecret: row.component_appsecret as string, created_at: Number(row.created_at) }
      : undefined;
  }

  async putAuthorization(a: AuthorizationRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO component_authorizations (component_appid, authorizer_appid, funcscope_category_ids, created_at)
        VALUES ($1, $2, $3, $4) ON CONFLICT (component_appid, authorizer_appid)
        DO UPDATE SET funcscope_category_ids = EXCLUDED.funcscope_category_ids`,
      [a.component_appid, a.authorizer_appid, JSON.stringify(a.funcscope_category_ids), a.created_at],
    );
  }

  async listAuthorizations(componentAppid: string): Promise<AuthorizationRecord[]> {
    const rows = await this.rows(
      'SELECT * FROM component_authorizations WHERE component_appid = $1 ORDER BY authorizer_appid',
      [componentAppid],
    );
    return rows.map(authorizationFromRow);
  }
}
