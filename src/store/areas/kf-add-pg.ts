import { TurnBatcher, compareKeys } from '../batcher.js';
import type { Driver, Row } from '../sql/program.js';
import type { AddKfResult, AddRule, CallCount, NewKfAccount } from '../store.js';
import { uses } from '../../platform/mechanisms.js';

const BATCH_ADDS = uses('add-batch');

/**
 * PostgreSQL's add, one call of a server-side function (migrations 002 and 006): it takes the
 * app's row lock, counts the call when given an admission, and decides with `rule.limit` in the
 * order `rule.decide` has (test/store/rules-in-store.test.ts compares the two on the same states).
 */
const ADD = 'SELECT result, kf_id FROM wxkf_add_kf_account(?, ?, ?, ?, ?, ?)';
const ADMIT_AND_ADD = 'SELECT result, kf_id FROM wxkf_admit_and_add_kf_account(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/**
 * The counted adds of one event-loop turn in one statement: the same function once per add, in
 * the order given (which is by app, so two batches lock the apps they share in the same order
 * and never deadlock), each answer with its place.
 */
const ADMIT_AND_ADD_MANY = `SELECT i.n, r.result, r.kf_id FROM ROWS FROM (json_to_recordset(?::json) AS (appid TEXT,
  counter TEXT, period BIGINT, quota INTEGER, prefix TEXT, kf_account TEXT, nick TEXT, now BIGINT, lim INTEGER))
  WITH ORDINALITY AS i(appid, counter, period, quota, prefix, kf_account, nick, now, lim, n)
  CROSS JOIN LATERAL wxkf_admit_and_add_kf_account(i.appid, i.counter, i.period, i.quota, i.prefix, i.kf_account,
  i.nick, i.now, i.lim) r ORDER BY i.n`;

interface CountedAdd {
  appid: string;
  a: NewKfAccount;
  rule: AddRule;
  count: CallCount;
}

const args = ({ appid, a, rule, count }: CountedAdd) => [
  appid,
  count.admission.counter,
  count.admission.period,
  count.admission.limit,
  a.prefix,
  a.kf_account,
  a.nickname,
  a.now,
  rule.limit,
];

function answer(r: Row | undefined, count?: CallCount): AddKfResult {
  if (count) count.settle(r?.result !== 'quota');
  if (r?.result === 'added') return { result: 'added', kf_id: Number(r.kf_id) };
  return { result: r?.result as 'exists' | 'limit' | 'quota' };
}

/**
 * The add on PostgreSQL. Counted adds (every add of the API) asked for in one event-loop turn go
 * to the database together, one round trip for all of them, as the SQLite driver commits the
 * writes of one turn together. Each add is still decided under its app's lock in its own
 * function call; only a failure of the whole statement (an outage, a timeout) fails them all, and
 * then each is tried again alone, so one bad add never answers for the others.
 */
export function postgresAdd(d: Driver) {
  const one = async (add: CountedAdd): Promise<Row | undefined> => (await d.call(ADMIT_AND_ADD, ...args(add)))[0];
  const batch = new TurnBatcher<CountedAdd, Row | undefined>(async (adds) => {
    if (adds.length === 1) return Promise.allSettled([one(adds[0] as CountedAdd)]);
    const order = adds.map((_, i) => i).sort((x, y) => compare(adds[x] as CountedAdd, adds[y] as CountedAdd));
    const items = order.map((i) => {
      const [appid, counter, period, quota, prefix, kf_account, nick, now, lim] = args(adds[i] as CountedAdd);
      return { appid, counter, period, quota, prefix, kf_account, nick, now, lim };
    });
    let answered: Row[];
    try {
      answered = await d.call(ADMIT_AND_ADD_MANY, JSON.stringify(items));
    } catch (err) {
      // The server refused the statement: nothing of it was committed, so each add is tried
      // alone. Anything else (a lost connection) may have committed: no retry.
      if (!d.refusedByServer(err)) throw err;
      return Promise.allSettled(adds.map(one));
    }
    const out: PromiseSettledResult<Row | undefined>[] = adds.map(() => ({
      status: 'rejected',
      reason: new Error('no answer for an add'),
    }));
    for (const r of answered) out[order[Number(r.n) - 1] as number] = { status: 'fulfilled', value: r };
    return out;
  });

  return async (appid: string, a: NewKfAccount, rule: AddRule, count?: CallCount): Promise<AddKfResult> => {
    if (!count) {
      const [r] = await d.call(ADD, appid, a.prefix, a.kf_account, a.nickname, a.now, rule.limit);
      return answer(r);
    }
    const add = { appid, a, rule, count };
    return answer(BATCH_ADDS ? await batch.run(add) : await one(add), count);
  };
}

/** By app, then in the order asked (sort is stable). */
const compare = (x: CountedAdd, y: CountedAdd): number => compareKeys(x.appid, y.appid);
