/**
 * Fills a store for bench:scale in a few statements, beside a running server: the template app's
 * row, accounts and token copied to `apps` new apps, and its journal entry copied `journalPerApp`
 * times for each, an hour apart. Columns are read from the schema, so the fill follows migrations.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

export interface Filler {
  /** The app copied, and the rid of its journal entry that is copied. */
  appid: string;
  rid: string;
  apps: number;
  journalPerApp: number;
}

interface Dialect {
  /** The table's columns. */
  columns(table: string): Promise<string[]>;
  run(sql: string): Promise<number>;
  /** 16 lower-case hex digits of an integer expression. */
  hex16(expr: string): string;
  hex8(expr: string): string;
  /** A FROM item giving `alias(i)` for i in 0..n-1. */
  series(alias: string, n: number): string;
  close(): Promise<void>;
}

function sqliteDialect(file: string): Dialect {
  const db = new Database(file, { timeout: 10_000 });
  return {
    columns: async (table) => (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name),
    run: async (sql) => db.prepare(sql).run().changes,
    hex16: (e) => `printf('%016x', ${e})`,
    hex8: (e) => `printf('%08x', ${e})`,
    series: (alias, n) =>
      `(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1}) SELECT i FROM s) ${alias}`,
    close: async () => {
      db.close();
    },
  };
}

async function pgDialect(url: string): Promise<Dialect> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return {
    columns: async (table) =>
      (
        await c.query(
          'SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position',
          [table],
        )
      ).rows.map((r: { column_name: string }) => r.column_name),
    run: async (sql) => (await c.query(sql)).rowCount ?? 0,
    hex16: (e) => `lpad(to_hex((${e})::bigint), 16, '0')`,
    hex8: (e) => `lpad(to_hex((${e})::bigint), 8, '0')`,
    series: (alias, n) => `(SELECT generate_series(0, ${n - 1}) AS i) ${alias}`,
    close: () => c.end(),
  };
}

/** Copies rows of `table` matching `where` once per row of `from`, with some columns computed. */
async function copy(d: Dialect, table: string, from: string, where: string, computed: Record<string, string>): Promise<number> {
  const cols = await d.columns(table);
  const exprs = cols.map((c) => computed[c] ?? `t.${c}`);
  return d.run(
    `INSERT INTO ${table} (${cols.join(', ')}) SELECT ${exprs.join(', ')} FROM ${from} CROSS JOIN ${table} t WHERE ${where}`,
  );
}

export async function fill(store: { sqlite: string } | { pg: string }, f: Filler): Promise<Record<string, number>> {
  const d = 'sqlite' in store ? sqliteDialect(store.sqlite) : await pgDialect(store.pg);
  try {
    // Filler apps are wx + 16 hex digits from 0x0f00000000000000 up: no bench app is among them.
    const appid = (i: string) => `'wx' || ${d.hex16(`${i} + 1080863910568919040`)}`;
    const same = `t.appid = '${f.appid}'`;
    const counts: Record<string, number> = {};
    counts.apps = await copy(d, 'apps', d.series('n', f.apps), same, { appid: appid('n.i') });
    counts.kf_accounts = await copy(d, 'kf_accounts', d.series('n', f.apps), same, { appid: appid('n.i') });
    counts.access_tokens = await copy(d, 'access_tokens', d.series('n', f.apps), same, {
      appid: appid('n.i'),
      token_hash: `'scale-' || n.i`,
      superseded_at: 'NULL',
    });
    counts.journal = await copy(
      d,
      'journal',
      `${d.series('n', f.apps)} CROSS JOIN ${d.series('k', f.journalPerApp)}`,
      `t.rid = '${f.rid}'`,
      {
        rid: `${d.hex8('n.i')} || '-' || ${d.hex8('k.i')} || '-ffffffff'`,
        appid: appid('n.i'),
        invoke_time: `t.invoke_time - (k.i + 1) * 3600000`,
      },
    );
    if ('pg' in store) await d.run('ANALYZE');
    return counts;
  } finally {
    await d.close();
  }
}
