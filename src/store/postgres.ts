import { userInfo } from 'node:os';
import pg from 'pg';
import { loadMigrations, pending } from './migrations.js';
import { driveAsync, type Driver, type ProgramOf, type Row, type Step } from './sql/program.js';
import { sqlStore } from './sql-store.js';
import { uses } from '../platform/mechanisms.js';
import type { Store } from './store.js';

/** Any number of nodes may start at once: migrations run under this advisory lock. */
const MIGRATION_LOCK = 0x77786b66; // "wxkf"
/** Statement texts prepared by name; a text past this many (a rare filter combination) runs unprepared. */
const MAX_PREPARED = uses('prepared-statements') ? 500 : 0;

// Times are BIGINT milliseconds: read them as numbers (they stay far below 2^53).
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
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
  return sqlStore(new PostgresDriver(pool));
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
    // 0.1.0 made this table without `name`; its version numbers are the files' numbers.
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
    await c.query('ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS name TEXT');
    const { rows } = await c.query('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r: { version: number }) => Number(r.version)));
    for (const m of pending(loadMigrations('postgres'), applied)) {
      await c.query(m.sql);
      await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
}

/**
 * The store's SQL in PostgreSQL's dialect: a JSON list parameter is read by
 * `json_array_elements_text` (SQLite's `json_each`; both name the element `value`), SQLite's
 * `json_group_array`/`json_array` are `json_agg`/`json_build_array`, and `?` placeholders become
 * `$n` (the store's SQL has no `?` inside literals).
 */
export function toPostgres(sql: string): string {
  let n = 0;
  return sql
    .replace(/json_each\(\?\)/g, 'json_array_elements_text(?::json)')
    .replace(/\bjson_group_array\(/g, 'json_agg(')
    .replace(/\bjson_array\(/g, 'json_build_array(')
    .replace(/\?/g, () => `$${++n}`);
}

/**
 * `INSERT INTO t (…) VALUES (…) RETURNING …` as one statement that takes an advisory lock first:
 * the row is selected from the materialized lock, so the lock is held before the row (and any
 * default, such as the next id of a sequence) is made. The key is the first parameter.
 */
export function lockedInsertSql(sql: string): string {
  const m = /^(\s*INSERT INTO [\s\S]*?\))\s*VALUES\s*\(([\s\S]*)\)(\s*RETURNING [\s\S]*)$/i.exec(sql);
  if (!m) throw new Error(`not an INSERT … VALUES (…) RETURNING …: ${sql}`);
  return `WITH wxkf_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext(?))) ${m[1]} SELECT ${m[2]} FROM wxkf_lock${m[3]}`;
}

/**
 * pg under the store: a pool, transactions on one connection, and every fixed statement text
 * prepared once per connection under a name (PostgreSQL then parses and plans it once).
 */
class PostgresDriver implements Driver {
  readonly kind = 'postgres' as const;
  readonly batchesLookups = true;
  private readonly names = new Map<string, { name: string | undefined; text: string }>();
  /** Each locked insert's one-statement form, by its text. */
  private readonly locked = new Map<string, string>();

  constructor(private readonly pool: pg.Pool) {}

  private query(c: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[]): Promise<pg.QueryResult> {
    let q = this.names.get(sql);
    if (!q) {
      // A `SELECT *` (or `t.*`) is not prepared by name: a migration that adds a column would make a
      // running node's cached plan answer "cached plan must not change result type".
      const named = this.names.size < MAX_PREPARED && !/\bSELECT (\w+\.)?\*/i.test(sql);
      q = { name: named ? `wxkf_${this.names.size}` : undefined, text: toPostgres(sql) };
      this.names.set(sql, q);
    }
    return c.query({ ...(q.name ? { name: q.name } : {}), text: q.text, values: params as unknown[] });
  }

  private async step(c: pg.Pool | pg.PoolClient, step: Step): Promise<unknown> {
    switch (step.kind) {
      case 'rows':
        return (await this.query(c, step.sql, step.params)).rows as Row[];
      case 'row':
        return (await this.query(c, step.sql, step.params)).rows[0] as Row | undefined;
      case 'lockedInsert': {
        let sql = this.locked.get(step.sql);
        if (sql === undefined) this.locked.set(step.sql, (sql = lockedInsertSql(step.sql)));
        return (await this.query(c, sql, [step.lock, ...step.params])).rows[0] as Row | undefined;
      }
      case 'changes':
        return (await this.query(c, step.sql, step.params)).rowCount ?? 0;
      case 'insertMany': {
        const width = step.columns.length;
        const conflict = step.ignoreConflicts ? ' ON CONFLICT DO NOTHING' : '';
        // A statement takes at most 65535 parameters: a long batch (a journal kept through an
        // outage) goes as several inserts. One text per row count: not worth a prepared name each.
        const perInsert = Math.floor(65_535 / width);
        for (let from = 0; from < step.rows.length; from += perInsert) {
          const chunk = step.rows.slice(from, from + perInsert);
          const tuples = chunk.map((_, i) => `(${step.columns.map((_c, j) => `$${i * width + j + 1}`).join(', ')})`);
          await c.query(
            `INSERT INTO ${step.table} (${step.columns.join(', ')}) VALUES ${tuples.join(', ')}${conflict}`,
            chunk.flat(),
          );
        }
        return undefined;
      }
      case 'lock':
        await this.query(c, 'SELECT pg_advisory_xact_lock(hashtext(?))', [step.key]);
        return undefined;
    }
  }

  async row(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return (await this.query(this.pool, sql, params)).rows[0] as Row | undefined;
  }

  async rows(sql: string, ...params: unknown[]): Promise<Row[]> {
    return (await this.query(this.pool, sql, params)).rows as Row[];
  }

  writeRow(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return this.row(sql, ...params);
  }

  async changes(sql: string, ...params: unknown[]): Promise<number> {
    return (await this.query(this.pool, sql, params)).rowCount ?? 0;
  }

  /** One transaction on one connection; rolled back on any error, and the connection dropped if it broke. */
  async transaction<A extends unknown[], T>(program: ProgramOf<A, T>, ...args: A): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const out = await driveAsync(program(...args), (step) => this.step(c, step));
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      c.release(broken);
    }
  }

  refusedByServer(err: unknown): boolean {
    // Class 08 is a connection exception: the statement may have committed before it broke.
    return err instanceof pg.DatabaseError && !String(err.code).startsWith('08');
  }

  async call(sql: string, ...params: unknown[]): Promise<Row[]> {
    return (await this.query(this.pool, sql, params)).rows as Row[];
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
