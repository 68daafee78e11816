import { changes, insertMany, row, rows, type Driver, type Program } from '../sql/program.js';
import { journalFromRow, journalQuery } from '../rows.js';
import type { CallCount, QuotaAdmission, Store } from '../store.js';

type QuotaArea = Pick<
  Store,
  'admitQuota' | 'countCall' | 'quotaUsed' | 'clearQuotas' | 'appendJournal' | 'getJournal' | 'listJournal' | 'pruneJournal'
>;

const JOURNAL_COLUMNS = [
  'rid', 'appid', 'cgi_path', 'invoke_time', 'cost_ms', 'request_url', 'request_body', 'response_body', 'client_ip', 'errcode',
] as const;

/**
 * A bounded counter: counts one on `counter` for `period` if fewer than `limit` were counted in
 * that period (a new period starts from zero; a limit of 0 admits nothing). One statement, so it is
 * exact under any concurrency on both backends. PostgreSQL's `wxkf_admit_quota` function does the
 * same for the one-round-trip add; the store contract suite checks both against `quota/rules.ts`.
 */
export function* admit(appid: string, q: QuotaAdmission): Program<boolean> {
  const counted = yield* row(
    `INSERT INTO quota_counters (appid, counter, period, used) SELECT ?, ?, ?, 1 WHERE ? > 0
      ON CONFLICT (appid, counter) DO UPDATE
      SET used = CASE WHEN quota_counters.period = excluded.period THEN quota_counters.used + 1 ELSE 1 END,
        period = excluded.period
      WHERE quota_counters.period <> excluded.period OR quota_counters.used < ?
      RETURNING used`,
    appid, q.counter, q.period, q.limit, q.limit,
  );
  return counted !== undefined;
}

/**
 * A transaction that counts the call first when given its CallCount (so the call is counted in
 * the write's own round trip), and settles the count once the transaction has committed.
 * Any area's write takes a call's count this one way.
 */
export async function withCount<T>(
  d: Driver,
  count: CallCount | undefined,
  refused: T,
  program: () => Program<T>,
): Promise<T> {
  if (!count) return d.transaction(program);
  let admitted = false;
  const out = await d.transaction(function* () {
    admitted = yield* admit(count.appid, count.admission);
    return admitted ? yield* program() : refused;
  });
  count.settle(admitted);
  return out;
}

/** Quota counters and the request journal. */
export function quotaArea(d: Driver): QuotaArea {
  return {
    // A transaction: on SQLite it is group-committed with the other writes of this turn.
    admitQuota: (appid, counter, period, limit) => d.transaction(() => admit(appid, { counter, period, limit })),
    countCall: async (count) => {
      const admitted = await d.transaction(() => admit(count.appid, count.admission));
      count.settle(admitted);
      return admitted;
    },
    quotaUsed: (appid, counter, period) => d.run(function* () {
      const r = yield* row('SELECT used, period FROM quota_counters WHERE appid = ? AND counter = ?', appid, counter);
      return r && Number(r.period) === period ? Number(r.used) : 0;
    }),
    clearQuotas: (appid, clearCounter, period, maxClears) => d.transaction(function* () {
      if (!(yield* admit(appid, { counter: clearCounter, period, limit: maxClears }))) return false;
      yield* changes("DELETE FROM quota_counters WHERE appid = ? AND counter NOT LIKE '#%'", appid);
      return true;
    }),

    appendJournal: (entries) =>
      d.transaction(() => insertMany('journal', JOURNAL_COLUMNS, entries.map((e) => JOURNAL_COLUMNS.map((c) => e[c])), true)),
    getJournal: (rid) => d.run(function* () {
      const r = yield* row('SELECT * FROM journal WHERE rid = ?', rid);
      return r ? journalFromRow(r) : undefined;
    }),
    listJournal: (filter) => d.run(function* () {
      const q = journalQuery(filter);
      return (yield* rows(q.sql, ...q.values)).map(journalFromRow);
    }),
    pruneJournal: async (beforeMs) => {
      await d.run(() => changes('DELETE FROM journal WHERE invoke_time < ?', beforeMs));
    },
  };
}
