/**
 * A store operation is written once, in SQL both dialects read (`?` placeholders). One statement
 * on its own goes straight to the driver (`d.row`, `d.rows`, `d.changes`). Several statements that
 * must commit together are a program: a generator that yields statements (`row(…)`, `rows(…)`,
 * `changes(…)`, `insertMany(…)`, `lock(…)`) and receives their results. A driver runs it: the
 * SQLite driver synchronously (inside one better-sqlite3 transaction, so a group commit can hold
 * many), the PostgreSQL driver with one `await` per statement on one connection. Each driver
 * turns the few dialect differences into its own form (see the drivers).
 */
export type Row = Record<string, unknown>;

export type Step =
  /** One statement; answers its rows (an empty list for one that returns none). */
  | { kind: 'rows'; sql: string; params: readonly unknown[] }
  /** One statement; answers its first row, or undefined (SQLite stops stepping after it). */
  | { kind: 'row'; sql: string; params: readonly unknown[] }
  /**
   * `INSERT … VALUES (…) RETURNING …` that first takes `lock` (as a `lock` step does) in the same
   * statement: one round trip on PostgreSQL, where the lock is then held for the insert and the
   * commit only. Answers the first row.
   */
  | { kind: 'lockedInsert'; lock: string; sql: string; params: readonly unknown[] }
  /** One statement; answers the number of rows it changed. */
  | { kind: 'changes'; sql: string; params: readonly unknown[] }
  /** Many rows into one table in one go (one multi-row INSERT on PostgreSQL). Answers nothing. */
  | {
      kind: 'insertMany';
      table: string;
      columns: readonly string[];
      rows: readonly (readonly unknown[])[];
      ignoreConflicts: boolean;
    }
  /**
   * Serializes every transaction that takes the same key until it ends (a PostgreSQL advisory
   * lock); a no-op on SQLite, whose write transactions are serialized already. Answers nothing.
   */
  | { kind: 'lock'; key: string };

/**
 * A program. Its yields answer what the step says (`Row[]`, `Row | undefined`, a count): read
 * them with the step's own type, e.g. `const r = (yield row(SQL, id)) as Row | undefined`.
 * (Steps are plain objects and results are cast rather than typed through `yield*`
 * delegation: a delegating generator per statement cost more than the statement itself.)
 */
export type Program<T> = Generator<Step, T, unknown>;

/**
 * How a transaction names its program: a generator function and its arguments. On hot paths it is
 * a named function of the module, not a `function* () {}` written inline: V8 makes a new
 * generator function (with its own prototype object) for every inline one it evaluates, which
 * costs more than the statements it runs.
 */
export type ProgramOf<A extends unknown[], T> = (...args: A) => Program<T>;

export const rows = (sql: string, ...params: unknown[]): Step => ({ kind: 'rows', sql, params });
export const row = (sql: string, ...params: unknown[]): Step => ({ kind: 'row', sql, params });
export const changes = (sql: string, ...params: unknown[]): Step => ({ kind: 'changes', sql, params });
export const insertMany = (
  table: string,
  columns: readonly string[],
  values: readonly (readonly unknown[])[],
  ignoreConflicts = false,
): Step => ({ kind: 'insertMany', table, columns, rows: values, ignoreConflicts });
export const lock = (key: string): Step => ({ kind: 'lock', key });
export const lockedInsert = (key: string, sql: string, ...params: unknown[]): Step => ({
  kind: 'lockedInsert',
  lock: key,
  sql,
  params,
});

/**
 * What a driver offers the store: one statement, a program in one transaction, and the little
 * the store must know of it. Nothing else of a driver is visible above it.
 */
export interface Driver {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Point lookups asked for in one event-loop turn are worth loading together (one round trip
   * instead of many): true on PostgreSQL, false on SQLite, where a lookup costs microseconds.
   */
  readonly batchesLookups: boolean;
  /**
   * A stamp that changes whenever what a credential is read from (apps, tokens, authorizations)
   * may have changed, by this connection or any other; reading it costs far less than the read
   * itself. SQLite only (PRAGMA data_version and the writes of this connection); undefined on
   * PostgreSQL, where another node's change could not be seen without a round trip.
   */
  readonly credentialStamp?: () => string;
  /**
   * Whether the database refused a statement (a PostgreSQL error with an SQLSTATE, not a lost
   * connection): nothing of it was committed, so its parts may be tried again one by one.
   */
  refusedByServer(err: unknown): boolean;
  /** One statement, committed on its own: its first row. */
  row(sql: string, ...params: unknown[]): Promise<Row | undefined>;
  /** One statement, committed on its own: its rows. */
  rows(sql: string, ...params: unknown[]): Promise<Row[]>;
  /** One statement, committed on its own: the number of rows it changed. */
  changes(sql: string, ...params: unknown[]): Promise<number>;
  /**
   * One statement that writes, answering its first row: on SQLite group-committed with the other
   * writes of this event-loop turn; on PostgreSQL one round trip, committed on its own.
   */
  writeRow(sql: string, ...params: unknown[]): Promise<Row | undefined>;
  /**
   * Runs a program in one write transaction: all of it or nothing. On SQLite the transactions of
   * one event-loop turn share one commit (each in its own savepoint, so a failing one rolls back alone).
   */
  transaction<A extends unknown[], T>(program: ProgramOf<A, T>, ...args: A): Promise<T>;
  /**
   * Calls a server-side function (PostgreSQL only), one round trip. Areas use it only where a test
   * proves the function decides as the TS rule does.
   */
  call(sql: string, ...params: unknown[]): Promise<Row[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Drives a program with a synchronous statement runner (SQLite). */
export function driveSync<T>(program: Program<T>, exec: (step: Step) => unknown): T {
  let next = program.next();
  while (!next.done) next = program.next(exec(next.value));
  return next.value;
}

/** Drives a program with an asynchronous statement runner (PostgreSQL). */
export async function driveAsync<T>(program: Program<T>, exec: (step: Step) => Promise<unknown>): Promise<T> {
  let next = program.next();
  while (!next.done) next = program.next(await exec(next.value));
  return next.value;
}
