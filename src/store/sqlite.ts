import Database from 'better-sqlite3';
import { LEGACY_SQLITE_VERSIONS, loadMigrations, pending } from './migrations.js';
import { driveSync, row, type Driver, type Program, type ProgramOf, type Row, type Step } from './sql/program.js';
import { sqlStore } from './sql-store.js';
import { uses } from '../platform/mechanisms.js';

const GROUP_COMMIT = uses('group-commit');
import type { Store } from './store.js';

/** Opens (creating and migrating) an SQLite store. WAL, so that several processes may share the file. */
export function openSqliteStore(file: string): Store {
  const db = new Database(file, { timeout: 5000 });
  retryWhileBusy(() => useWal(db));
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  retryWhileBusy(() => migrate(db));
  return sqlStore(new SqliteDriver(db));
}

/**
 * Switches a file to WAL (a no-op once it is: the mode is stored in the file). The switch of a new
 * file reads its header and then upgrades to a write lock, and SQLite answers an upgrade that meets
 * another connection's write lock with SQLITE_BUSY at once, without the busy handler (to avoid a
 * deadlock): two processes opening one new file together can meet there. When the switch cannot
 * be made, SQLite may also answer the old mode instead of an error; both are retried.
 */
function useWal(db: Database.Database): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode === 'wal' || mode === 'memory') return; // `:memory:` has no WAL
  throw Object.assign(new Error(`journal mode stayed ${String(mode)} instead of wal`), { code: 'SQLITE_BUSY' });
}

/** Runs `fn`, retrying every 50 ms for up to 10 s while SQLite answers SQLITE_BUSY (start-up only). */
function retryWhileBusy<T>(fn: () => T): T {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!String((err as { code?: string }).code).startsWith('SQLITE_BUSY') || attempt >= 200) throw err;
      Atomics.wait(pause, 0, 0, 50);
    }
  }
}

/** Applies the migration files not yet applied; a file made by 0.1.0 is first read by its user_version. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (!table) {
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
      const legacy = LEGACY_SQLITE_VERSIONS[db.pragma('user_version', { simple: true }) as number] ?? [];
      const record = db.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, 'legacy')");
      for (const v of legacy) record.run(v);
    }
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    const record = db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
    for (const m of pending(loadMigrations('sqlite'), applied)) {
      db.exec(m.sql);
      record.run(m.version, m.name);
    }
  }).immediate();
}

/** The tables a credential is read from (rows.ts, CREDENTIAL_SELECT): a write to one may change it. */
const CREDENTIAL_TABLES = /\b(apps|access_tokens|component_authorizations)\b/;

interface Pending {
  program: ProgramOf<unknown[], unknown>;
  args: unknown[];
  resolve: (value: never) => void;
  reject: (err: unknown) => void;
}

function* oneRow(sql: string, params: unknown[]): Program<Row | undefined> {
  return (yield row(sql, ...params)) as Row | undefined;
}

/** What SQLite cannot bind: booleans are 0/1 (the store reads both). Copies only when it must. */
function bindable(params: readonly unknown[]): unknown[] {
  for (const p of params) if (typeof p === 'boolean') return params.map((v) => (v === true ? 1 : v === false ? 0 : v));
  return params as unknown[];
}

/**
 * better-sqlite3 under the store: every statement prepared once per text; transactions are
 * synchronous and group-committed. SQLite's dialect: no `FOR UPDATE` (a write transaction holds
 * the whole file already) and no advisory locks, for the same reason.
 */
class SqliteDriver implements Driver {
  readonly kind = 'sqlite' as const;
  readonly batchesLookups = false;
  private readonly statements = new Map<string, Database.Statement>();
  /** Statement texts that write a table a credential is read from (decided once per text). */
  private readonly touchesCredentials = new Map<string, boolean>();
  /** Bumped by every such write on this connection; PRAGMA data_version tells other connections' commits. */
  private credentialWrites = 0;
  private dataVersion: Database.Statement | undefined;
  readonly credentialStamp = (): string => {
    this.dataVersion ??= this.db.prepare('PRAGMA data_version').pluck();
    return `${this.credentialWrites}:${String(this.dataVersion.get())}`;
  };
  private pending: Pending[] = [];
  /** Transactions waiting to commit alone (group commit turned off by a benchmark). */
  private readonly singles = new Set<Pending>();
  /** Runs a function in a transaction, or in a savepoint when one is open (made once: wrapping costs). */
  private readonly inTransaction: Database.Transaction<(run: () => unknown) => unknown>;
  private readonly exec = (step: Step): unknown => this.step(step);

  constructor(private readonly db: Database.Database) {
    this.inTransaction = db.transaction((run: () => unknown) => run());
  }

  private prepare(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql.replace(/\s+FOR UPDATE\b/g, ''));
      this.statements.set(sql, s);
      this.touchesCredentials.set(sql, !s.reader || /\bRETURNING\b/i.test(sql) ? CREDENTIAL_TABLES.test(sql) : false);
    }
    if (this.touchesCredentials.get(sql)) this.credentialWrites++;
    return s;
  }

  private readRows(sql: string, params: readonly unknown[]): Row[] {
    const s = this.prepare(sql);
    if (s.reader) return s.all(...bindable(params)) as Row[];
    s.run(...bindable(params));
    return [];
  }

  private readRow(sql: string, params: readonly unknown[]): Row | undefined {
    const s = this.prepare(sql);
    if (s.reader) return s.get(...bindable(params)) as Row | undefined;
    s.run(...bindable(params));
    return undefined;
  }

  private step(step: Step): unknown {
    switch (step.kind) {
      case 'rows':
        return this.readRows(step.sql, step.params);
      case 'row':
      case 'lockedInsert': // the write transaction holds the whole file already
        return this.readRow(step.sql, step.params);
      case 'changes':
        return this.prepare(step.sql).run(...bindable(step.params)).changes;
      case 'insertMany': {
        const conflict = step.ignoreConflicts ? ' ON CONFLICT DO NOTHING' : '';
        const s = this.prepare(
          `INSERT INTO ${step.table} (${step.columns.join(', ')}) VALUES (${step.columns.map(() => '?').join(', ')})${conflict}`,
        );
        for (const r of step.rows) s.run(...bindable(r));
        return undefined;
      }
      case 'lock':
        return undefined;
    }
  }

  async row(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return this.readRow(sql, params);
  }

  async rows(sql: string, ...params: unknown[]): Promise<Row[]> {
    return this.readRows(sql, params);
  }

  writeRow(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return this.transaction(oneRow, sql, params);
  }

  async changes(sql: string, ...params: unknown[]): Promise<number> {
    return this.prepare(sql).run(...bindable(params)).changes;
  }

  /**
   * Group commit: transactions asked for in the same turn of the event loop run one after another
   * inside one IMMEDIATE transaction, each in its own savepoint (a failing one rolls back alone),
   * so one commit serves many calls. Each still sees everything committed before it.
   */
  transaction<A extends unknown[], T>(program: ProgramOf<A, T>, ...args: A): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const p = { program: program as ProgramOf<unknown[], unknown>, args, resolve: resolve as (v: never) => void, reject };
      if (!GROUP_COMMIT) {
        this.singles.add(p);
        setImmediate(() => this.singles.delete(p) && this.flush([p]));
      } else if (this.pending.push(p) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(batch = this.pending): void {
    if (batch === this.pending) this.pending = [];
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      this.inTransaction.immediate(() => {
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, value: this.inTransaction(() => driveSync(p.program(...p.args), this.exec)) });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o?.ok) p.resolve(o.value as never);
      else p.reject(o?.err);
    });
  }

  refusedByServer(): boolean {
    return false; // SQLite has no server; nothing is batched into one statement here
  }

  async call(): Promise<never> {
    throw new Error('SQLite has no server-side functions');
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.flush();
    const singles = [...this.singles];
    this.singles.clear();
    for (const p of singles) this.flush([p]);
    if (this.db.open) this.db.close();
  }
}
