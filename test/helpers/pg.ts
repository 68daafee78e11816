import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { withDefaultUser } from '../../src/store/postgres.js';

/**
 * PostgreSQL for tests: WXKF_TEST_DATABASE_URL (as .ci/run exports it), else the machine's cluster on
 * its Unix socket. Each caller gets a database of its own, so runs and files never see each other.
 */
export const PG_BASE_URL = withDefaultUser(
  process.env.WXKF_TEST_DATABASE_URL ?? 'postgresql:///postgres?host=/var/run/postgresql',
);

export type Backend = 'sqlite' | 'postgres';
export const BACKEND: Backend = process.env.WXKF_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

export function withDatabase(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `wxkf_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is unreachable at ${PG_BASE_URL} (start it with scripts/start-postgres.sh): ${(err as Error).message}`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(PG_BASE_URL, name),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_BASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
