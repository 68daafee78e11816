import { TurnBatcher, compareKeys } from '../batcher.js';
import type { Driver } from '../sql/program.js';
import type { QuotaAdmission } from '../store.js';
import { uses } from '../../platform/mechanisms.js';

const BATCH_COUNTS = uses('quota-batch');

/** One count (migration 006's function: the same bounded counter as quota.ts's ADMIT). */
const ADMIT = 'SELECT wxkf_admit_quota(?, ?, ?, ?) AS admitted';
/**
 * The counts of one event-loop turn in one statement, in the order given (by counter, so two
 * batches lock the counters they share in the same order), each answer with its place.
 */
const ADMIT_MANY = `SELECT i.n, wxkf_admit_quota(i.appid, i.counter, i.period, i.lim) AS admitted
  FROM ROWS FROM (json_to_recordset(?::json) AS (appid TEXT, counter TEXT, period BIGINT, lim INTEGER))
  WITH ORDINALITY AS i(appid, counter, period, lim, n) ORDER BY i.n`;

interface Count {
  appid: string;
  q: QuotaAdmission;
}

const key = (c: Count) => `${c.appid} ${c.q.counter}`;

/**
 * Check 8 on PostgreSQL: the counts asked for in one event-loop turn (every daily-counted call
 * makes one) go to the database as one statement, as the SQLite driver commits one turn's writes
 * together. A statement the server refuses is retried count by count; a lost connection is not
 * (it may have committed).
 */
export function postgresAdmit(d: Driver): (appid: string, q: QuotaAdmission) => Promise<boolean> {
  let admit = admitters.get(d);
  if (!admit) admitters.set(d, (admit = admitter(d)));
  return admit;
}

/** One batcher per driver, whichever area counts. */
const admitters = new WeakMap<Driver, (appid: string, q: QuotaAdmission) => Promise<boolean>>();

function admitter(d: Driver): (appid: string, q: QuotaAdmission) => Promise<boolean> {
  const one = async ({ appid, q }: Count) => (await d.call(ADMIT, appid, q.counter, q.period, q.limit))[0]?.admitted === true;
  const batch = new TurnBatcher<Count, boolean>(async (counts) => {
    if (counts.length === 1) return Promise.allSettled([one(counts[0] as Count)]);
    const order = counts.map((_, i) => i).sort((x, y) => compareKeys(key(counts[x] as Count), key(counts[y] as Count)));
    const items = order.map((i) => {
      const { appid, q } = counts[i] as Count;
      return { appid, counter: q.counter, period: q.period, lim: q.limit };
    });
    let answered;
    try {
      answered = await d.call(ADMIT_MANY, JSON.stringify(items));
    } catch (err) {
      if (!d.refusedByServer(err)) throw err;
      return Promise.allSettled(counts.map(one));
    }
    const out: PromiseSettledResult<boolean>[] = counts.map(() => ({
      status: 'rejected',
      reason: new Error('no answer for a count'),
    }));
    for (const r of answered) out[order[Number(r.n) - 1] as number] = { status: 'fulfilled', value: r.admitted === true };
    return out;
  });
  return (appid, q) => (q.limit <= 0 ? Promise.resolve(false) : BATCH_COUNTS ? batch.run({ appid, q }) : one({ appid, q }));
}
