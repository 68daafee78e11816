import pg from 'pg';
import { authorizationFromRow, journalFromRow, journalQuery, type Row } from './rows.js';
import type { AuthorizationRecord, ComponentPlatformRecord, ComponentTokenRecord, JournalEntry, JournalFilter } from './store.js';

export const params = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

/**
 * The PostgreSQL store's lower half: the pool, transactions, and what counts and journals calls
 * and keeps third-party platforms (postgres.ts builds the rest on it).
 */
export class PostgresBase {
  constructor(protected readonly pool: pg.Pool) {}

  protected async rows(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, values)).rows as Row[];
  }

  /**
   * A statement of the hot path, prepared once per connection under its name: PostgreSQL then
   * parses and plans it once instead of on every call. Only for fixed texts (one text per name).
   */
  protected async prepared(name: string, sql: string, values: unknown[]): Promise<pg.QueryResult> {
    return this.pool.query({ name, text: sql, values });
  }

  /** One transaction on one connection; rolled back on any error, and the connection dropped if it broke. */
  protected async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
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
    if (!row) return undefined;
    return {
      component_appid: row.component_appid as string,
      component_appsecret: row.component_appsecret as string,
      created_at: Number(row.created_at),
      ticket: (row.ticket as string | null) ?? null,
      ticket_at: row.ticket_at === null ? null : Number(row.ticket_at),
    };
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

  async deleteAuthorization(componentAppid: string, authorizerAppid: string): Promise<boolean> {
    const r = await this.pool.query(
      'DELETE FROM component_authorizations WHERE component_appid = $1 AND authorizer_appid = $2',
      [componentAppid, authorizerAppid],
    );
    return r.rowCount === 1;
  }

  async admitQuota(appid: string, counter: string, period: number, limit: number): Promise<boolean> {
    const r = await this.prepared('wxkf_admit_quota', 'SELECT wxkf_admit_quota($1, $2, $3, $4) AS admitted', [appid, counter, period, limit]);
    return (r.rows[0] as Row).admitted === true;
  }

  async quotaUsed(appid: string, counter: string, period: number): Promise<number> {
    const row = (await this.rows('SELECT used, period FROM quota_counters WHERE appid = $1 AND counter = $2', [appid, counter]))[0];
    return row && Number(row.period) === period ? Number(row.used) : 0;
  }

  async clearQuotas(appid: string, clearCounter: string, period: number, maxClears: number): Promise<boolean> {
    return this.tx(async (c) => {
      const r = await c.query('SELECT wxkf_admit_quota($1, $2, $3, $4) AS admitted', [appid, clearCounter, period, maxClears]);
      if ((r.rows[0] as Row).admitted !== true) return false;
      await c.query("DELETE FROM quota_counters WHERE appid = $1 AND counter NOT LIKE '#%'", [appid]);
      return true;
    });
  }

  async appendJournal(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const cols = ['rid', 'appid', 'cgi_path', 'invoke_time', 'cost_ms', 'request_url', 'request_body', 'response_body', 'client_ip', 'errcode'] as const;
    const values: unknown[] = [];
    const rows = entries.map((e, i) => {
      for (const col of cols) values.push(e[col]);
      return `(${params(cols.length, i * cols.length + 1)})`;
    });
    await this.pool.query(`INSERT INTO journal (${cols.join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT (rid) DO NOTHING`, values);
  }

  async getJournal(rid: string): Promise<JournalEntry | undefined> {
    const row = (await this.rows('SELECT * FROM journal WHERE rid = $1', [rid]))[0];
    return row ? journalFromRow(row) : undefined;
  }

  async listJournal(filter: JournalFilter): Promise<JournalEntry[]> {
    const q = journalQuery(filter, (i) => `$${i}`);
    return (await this.rows(q.sql, q.values)).map(journalFromRow);
  }

  async pruneJournal(beforeMs: number): Promise<void> {
    await this.pool.query('DELETE FROM journal WHERE invoke_time < $1', [beforeMs]);
  }

  async setComponentTicket(componentAppid: string, ticket: string, at: number): Promise<boolean> {
    const r = await this.pool.query('UPDATE component_platforms SET ticket = $1, ticket_at = $2 WHERE component_appid = $3', [
      ticket, at, componentAppid,
    ]);
    return r.rowCount === 1;
  }

  async issueComponentToken(t: ComponentTokenRecord): Promise<void> {
    await this.tx(async (c) => {
      // The platform's row lock orders concurrent issues (as the app's does for app tokens).
      await c.query('SELECT 1 FROM component_platforms WHERE component_appid = $1 FOR UPDATE', [t.component_appid]);
      await c.query('UPDATE component_tokens SET superseded_at = $1 WHERE component_appid = $2 AND superseded_at IS NULL', [
        t.issued_at, t.component_appid,
      ]);
      await c.query(
        'INSERT INTO component_tokens (token_hash, component_appid, issued_at, expires_at, superseded_at) VALUES ($1, $2, $3, $4, $5)',
        [t.token_hash, t.component_appid, t.issued_at, t.expires_at, t.superseded_at],
      );
    });
  }

  async findComponentToken(tokenHash: string): Promise<ComponentTokenRecord | undefined> {
    const row = (await this.rows('SELECT * FROM component_tokens WHERE token_hash = $1', [tokenHash]))[0];
    if (!row) return undefined;
    return {
      token_hash: row.token_hash as string,
      component_appid: row.component_appid as string,
      issued_at: Number(row.issued_at),
      expires_at: Number(row.expires_at),
      superseded_at: row.superseded_at === null ? null : Number(row.superseded_at),
    };
  }

  async createAuthCode(codeHash: string, componentAppid: string, authorizerAppid: string, expiresAt: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO component_auth_codes (code_hash, component_appid, authorizer_appid, expires_at) VALUES ($1, $2, $3, $4)',
      [codeHash, componentAppid, authorizerAppid, expiresAt],
    );
  }

  async consumeAuthCode(codeHash: string, componentAppid: string, now: number): Promise<string | 'expired' | undefined> {
    const row = (
      await this.rows(
        `UPDATE component_auth_codes SET used_at = $1 WHERE code_hash = $2 AND component_appid = $3 AND used_at IS NULL
          RETURNING authorizer_appid, expires_at`,
        [now, codeHash, componentAppid],
      )
    )[0];
    if (!row) return undefined;
    return now >= Number(row.expires_at) ? 'expired' : (row.authorizer_appid as string);
  }

  async setRefreshToken(componentAppid: string, authorizerAppid: string, hash: string): Promise<boolean> {
    const r = await this.pool.query(
      'UPDATE component_authorizations SET refresh_token_hash = $1 WHERE component_appid = $2 AND authorizer_appid = $3',
      [hash, componentAppid, authorizerAppid],
    );
    return r.rowCount === 1;
  }

  async getAuthorization(componentAppid: string, authorizerAppid: string) {
    const row = (
      await this.rows('SELECT * FROM component_authorizations WHERE component_appid = $1 AND authorizer_appid = $2', [
        componentAppid, authorizerAppid,
      ])
    )[0];
    return row ? { ...authorizationFromRow(row), refresh_token_hash: (row.refresh_token_hash as string | null) ?? null } : undefined;
  }
}
