/**
 * A store operation is written once, as a generator that yields SQL statements and receives their
 * results. A driver runs it: the SQLite driver synchronously (inside one better-sqlite3
 * transaction, so a group commit can hold many), the PostgreSQL driver with one `await` per
 * statement on one connection. The SQL is written once, with `?` placeholders; each driver turns
 * the few dialect differences into its own form (see `Dialect` below and the drivers).
 */
export type Row = Record<string, unknown>;

export type Step =
  /** One statement; answers its rows (an empty list for one that returns none). */
  | { kind: 'rows'; sql: string; params: readonly unknown[] }
  /** One statement; answers the number of rows it changed. */
  | { kind: 'changes'; sql: string; params: readonly unknown[] }
  /** Many rows into one table in one go (one multi-row INSERT on PostgreSQL). */
  | { kind: 'insertMany'; table: string; columns: readonly string[]; rows: readonly (readonly unknown[])[]; ignoreConflicts: boolean }
  /**
   * Serializes every transaction that takes the same key until it ends (a PostgreSQL advisory
   * lock); a no-op on SQLite, whose write transactions are serialized already.
   */
  | { kind: 'lock'; key: string };

export type Program<T> = Generator<Step, T, unknown>;

export function* rows(sql: string, ...params: unknown[]): Program<Row[]> {
  return (yield { kind: 'rows', sql, params }) as Row[];
}

export function* row(sql: string, ...params: unknown[]): Program<Row | undefined> {
  return (yield* rows(sql, ...params))[0];
}

export function* changes(sql: string, ...params: unknown[]): Program<number> {
  return (yield { kind: 'changes', sql, params }) as number;
}

export function* insertMany(
  table: string,
  columns: readonly string[],
  values: readonly (readonly unknown[])[],
  ignoreConflicts = false,
): Program<void> {
  if (values.length > 0) yield { kind: 'insertMany', table, columns, rows: values, ignoreConflicts };
}

export function* lock(key: string): Program<void> {
  yield { kind: 'lock', key };
}

/**
 * What a driver offers the store: how to run a program, and the little the store must know of it.
 * Nothing else of a driver is visible above it.
 */
export interface Driver {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Point lookups asked for in one event-loop turn are worth loading together (one round trip
   * instead of many): true on PostgreSQL, false on SQLite, where a lookup costs microseconds.
   */
  readonly batchesLookups: boolean;
  /** Runs a program statement by statement, each committed on its own (reads, single writes). */
  run<T>(program: () => Program<T>): Promise<T>;
  /**
   * Runs a program in one write transaction: all of it or nothing. On SQLite the writes of one
   * event-loop turn share one commit (each in its own savepoint, so a failing one rolls back alone).
   */
  transaction<T>(program: () => Program<T>): Promise<T>;
  /**
   * Calls a server-side function (PostgreSQL only), one round trip; its SQL text is the driver's
   * to prepare. Areas use it only where a test proves the function decides as the TS rule does.
   */
  call(sql: string, params: readonly unknown[]): Promise<Row[]>;
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
