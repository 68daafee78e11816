import { describe, expect, it } from 'vitest';
import { lockedInsertSql, toPostgres } from '../../../src/store/postgres.js';

describe("the store's SQL in PostgreSQL's dialect", () => {
  it('numbers placeholders and reads JSON lists and aggregates in PostgreSQL’s functions', () => {
    expect(toPostgres('SELECT x FROM t WHERE a = ? AND b IN (SELECT value FROM json_each(?)) AND c > ?')).toBe(
      'SELECT x FROM t WHERE a = $1 AND b IN (SELECT value FROM json_array_elements_text($2::json)) AND c > $3',
    );
    expect(toPostgres('SELECT (SELECT json_group_array(json_array(k, v)) FROM g WHERE g.a = ?) AS l')).toBe(
      'SELECT (SELECT json_agg(json_build_array(k, v)) FROM g WHERE g.a = $1) AS l',
    );
  });

  it('a locked insert takes its lock in the same statement, before the row (and its id) is made; the key is the first parameter', () => {
    const sql = lockedInsertSql('INSERT INTO outbox (appid, body) VALUES (?, ?) RETURNING id');
    expect(sql).toBe(
      'WITH wxkf_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext(?))) INSERT INTO outbox (appid, body) SELECT ?, ? FROM wxkf_lock RETURNING id',
    );
    expect(toPostgres(sql)).toContain('hashtext($1))) INSERT INTO outbox (appid, body) SELECT $2, $3 FROM wxkf_lock');
    expect(() => lockedInsertSql('UPDATE outbox SET body = ? RETURNING id')).toThrow(/not an INSERT/);
  });
});
