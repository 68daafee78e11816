import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Migrations are files, `migrations/<sqlite|postgres>/NNN_name.sql`: the same numbers and names on
 * both backends (a test holds them equal), applied in number order, each once, recorded in the
 * table `schema_migrations`. Never edit a shipped file: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(kind: 'sqlite' | 'postgres'): Migration[] {
  const dir = fileURLToPath(new URL(`./migrations/${kind}/`, import.meta.url));
  return readdirSync(dir)
    .map((file) => ({ file, m: FILE.exec(file) }))
    .filter((f): f is { file: string; m: RegExpExecArray } => f.m !== null)
    .map(({ file, m }) => ({ version: Number(m[1]), name: m[2] as string, sql: readFileSync(dir + file, 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/** The migrations not in `applied`, in order. */
export function pending(all: readonly Migration[], applied: ReadonlySet<number>): Migration[] {
  return all.filter((m) => !applied.has(m.version));
}

/**
 * SQLite files made before migrations were files counted them in `user_version`, in another
 * order (the kf family came before kf_version there): what each old version had applied.
 */
export const LEGACY_SQLITE_VERSIONS: Readonly<Record<number, readonly number[]>> = {
  1: [1],
  2: [1, 3],
  3: [1, 3, 2],
  4: [1, 3, 2, 4],
  5: [1, 3, 2, 4, 5],
};
