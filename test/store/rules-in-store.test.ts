import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRule, decideAdd } from '../../src/domains/kf/rules.js';
import { admitCall, type CounterState } from '../../src/domains/quota/rules.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { CallCount, type Store } from '../../src/store/store.js';
import { appRecord } from '../helpers/records.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/pg.js';

/**
 * The store decides nothing of its own: it applies kf/rules.ts and quota/rules.ts. Where it runs a
 * rule as SQL (the counting statement; PostgreSQL's one-round-trip add function, which is given
 * the rule's limit), these properties hold it to the TS rule on the same states.
 */
let store: Store;
let db: TestDatabase | undefined;
let n = 0;

beforeAll(async () => {
  if (BACKEND === 'postgres') {
    db = await createTestDatabase();
    store = await openPostgresStore(db.url);
  } else {
    store = openSqliteStore(':memory:');
  }
});
afterAll(async () => {
  await store.close();
  await db?.drop();
});

async function freshApp(): Promise<string> {
  const appid = `wxrule${++n}`;
  await store.createApp(appRecord({ appid, alias: 'alias_1', created_at: 1, updated_at: 1 }), 0);
  return appid;
}

const acct = (prefix: string) => ({ kf_account: `${prefix}@alias_1`, prefix, nickname: 'N', now: 1 });

describe(`rules the store applies (${BACKEND})`, () => {
  it('the add decides as decideAdd and counts as admitCall, on any state', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          accounts: fc.integer({ min: 0, max: 6 }),
          same: fc.boolean(),
          limit: fc.integer({ min: 0, max: 7 }),
          counted: fc.option(fc.record({ period: fc.integer({ min: 1, max: 3 }), used: fc.integer({ min: 0, max: 3 }) }), {
            nil: undefined,
          }),
          admission: fc.option(fc.record({ period: fc.integer({ min: 1, max: 3 }), limit: fc.integer({ min: 0, max: 4 }) }), {
            nil: undefined,
          }),
        }),
        async ({ accounts, same, limit, counted, admission }) => {
          const appid = await freshApp();
          for (let i = 0; i < accounts; i++) await store.addKfAccount(appid, acct(`p${i}`), addRule(100));
          let stored: CounterState | undefined;
          if (counted) {
            for (let i = 0; i < counted.used; i++) await store.admitQuota(appid, 'c', counted.period, 100);
            stored = counted.used > 0 ? { period: counted.period, used: counted.used } : undefined;
          }
          const exists = same && accounts > 0;
          const count = admission && new CallCount(appid, { counter: 'c', ...admission });
          const got = await store.addKfAccount(appid, acct(exists ? 'p0' : 'new'), addRule(limit), count);

          const quota = admission ? admitCall(stored, admission) : undefined;
          const refusal = decideAdd({ exists, count: accounts }, limit);
          const expected = quota && !quota.admitted ? 'quota' : (refusal ?? 'added');
          expect(got.result).toBe(expected);
          if (count) expect(count.admitted).toBe(quota?.admitted);
          const after = quota ? quota.next : stored;
          if (admission)
            expect(await store.quotaUsed(appid, 'c', admission.period)).toBe(after?.period === admission.period ? after.used : 0);
          expect(await store.listKfAccounts(appid)).toHaveLength(accounts + (expected === 'added' ? 1 : 0));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a bounded counter admits as admitCall over any sequence of periods and limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ period: fc.integer({ min: 1, max: 3 }), limit: fc.integer({ min: 0, max: 3 }) }), { maxLength: 12 }),
        async (calls) => {
          const appid = await freshApp();
          let model: CounterState | undefined;
          for (const q of calls) {
            const expected = admitCall(model, q);
            model = expected.next;
            expect(await store.admitQuota(appid, 'c', q.period, q.limit)).toBe(expected.admitted);
          }
          for (const period of [1, 2, 3]) {
            expect(await store.quotaUsed(appid, 'c', period)).toBe(model?.period === period ? model.used : 0);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
