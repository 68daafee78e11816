import { createHash } from 'node:crypto';
import { changes, insertMany, row, rows, type Driver, type Program, type ProgramOf } from '../sql/program.js';
import { journalFromRow, journalQuery } from '../rows.js';
import { postgresAdmit } from './admit-pg.js';
import { compareKeys } from '../batcher.js';
import { uses } from '../../platform/mechanisms.js';

const COUNT_FIRST = uses('quota-count-first');
import type { CallCount, JournalEntry, QuotaAdmission, Store } from '../store.js';

type QuotaArea = Pick<
  Store,
  'admitQuota' | 'countCall' | 'quotaUsed' | 'clearQuotas' | 'appendJournal' | 'getJournal' | 'listJournal' | 'pruneJournal'
>;

const JOURNAL_COLUMNS = [
  'rid',
  'appid',
  'cgi_path',
  'invoke_time',
  'cost_ms',
  'request_url',
  'request_body',
  'response_body',
  'client_ip',
  'errcode',
  'reason',
  'fault_id',
  'response_hash',
] as const;
const RESPONSE_BODY = JOURNAL_COLUMNS.indexOf('response_body');
const RESPONSE_HASH = JOURNAL_COLUMNS.indexOf('response_hash');
/** An entry with its shared body, if it has one. */
const JOURNAL_SELECT =
  "SELECT j.*, b.body AS shared_body FROM journal j LEFT JOIN journal_bodies b ON b.appid = COALESCE(j.appid, '') AND b.hash = j.response_hash";

/**
 * A bounded counter: counts one on `counter` for `period` if fewer than `limit` were counted in
 * that period (a new period starts from zero; a limit of 0 admits nothing). One statement, so it is
 * exact under any concurrency on both backends. PostgreSQL's `wxkf_admit_quota` function does the
 * same for the one-round-trip add; the store contract suite holds both to `quota/rules.ts`.
 */
const ADMIT = `INSERT INTO quota_counters (appid, counter, period, used) VALUES (?, ?, ?, 1)
  ON CONFLICT (appid, counter) DO UPDATE
  SET used = CASE WHEN quota_counters.period = excluded.period THEN quota_counters.used + 1 ELSE 1 END,
    period = excluded.period
  WHERE quota_counters.period <> excluded.period OR quota_counters.used < ?
  RETURNING used`;

/** Counts one (a program of its own, or the first step of another): no statement at all for a limit below 1. */
function* admit(appid: string, q: QuotaAdmission): Program<boolean> {
  return q.limit > 0 && (yield row(ADMIT, appid, q.counter, q.period, q.limit)) !== undefined;
}

/** The call's count, then the write: the count's outcome and what the write answered (`refused` past the limit). */
function* counted<A extends unknown[], T>(
  count: CallCount,
  refused: T,
  program: ProgramOf<A, T>,
  args: A,
): Program<{ admitted: boolean; out: T }> {
  const admitted = yield* admit(count.appid, count.admission);
  return { admitted, out: admitted ? yield* program(...args) : refused };
}

/**
 * A transaction that counts the call first when given its CallCount (so the call is counted in
 * the write's own round trip), and settles the count once the transaction has committed. Any
 * area's write takes a call's count this one way. `refused` is what it answers past the limit.
 */
export async function withCount<A extends unknown[], T>(
  d: Driver,
  count: CallCount | undefined,
  refused: T,
  program: ProgramOf<A, T>,
  ...args: A
): Promise<T> {
  if (!count) return d.transaction(program, ...args);
  if (d.kind === 'postgres' && COUNT_FIRST) {
    // Counted first, in the turn's batch of counts (admit-pg.ts): the counter's row, which every
    // call of the app's interface updates, is then locked for one statement instead of for the
    // whole write, which would serialize every write of the interface for the app.
    const admitted = await postgresAdmit(d)(count.appid, count.admission);
    count.settle(admitted);
    return admitted ? d.transaction(program, ...args) : refused;
  }
  const { admitted, out } = await d.transaction(counted<A, T>, count, refused, program, args);
  count.settle(admitted);
  return out;
}

function* clear(appid: string, clearCounter: string, period: number, maxClears: number): Program<boolean> {
  if (!(yield* admit(appid, { counter: clearCounter, period, limit: maxClears }))) return false;
  // Locked in counter order first, the order a turn's batch of counts takes them (admit-pg.ts).
  yield rows("SELECT counter FROM quota_counters WHERE appid = ? AND counter NOT LIKE '#%' ORDER BY counter FOR UPDATE", appid);
  yield changes("DELETE FROM quota_counters WHERE appid = ? AND counter NOT LIKE '#%'", appid);
  return true;
}

/** An answer this long or longer is kept once per app and content, and its entries name it (migration 011). */
const SHARED_BODY_CHARS = 1024;
/** Hashes of the long answers a node wrote lately: an answer sent to many calls is hashed once. */
const SHARED_HASHES_KEPT = 1000;

/** A long answer as journal_bodies keeps it. */
interface SharedBody {
  appid: string;
  hash: string;
  body: string;
  last_used: number;
}

/** Keeps the latest use, whichever order the writes come in (both dialects). */
const UPSERT_BODY = `INSERT INTO journal_bodies (appid, hash, body, last_used) VALUES (?, ?, ?, ?)
  ON CONFLICT (appid, hash) DO UPDATE SET last_used = CASE WHEN excluded.last_used > journal_bodies.last_used
  THEN excluded.last_used ELSE journal_bodies.last_used END`;

function* append(entries: readonly (readonly unknown[])[], bodies: readonly SharedBody[]): Program<void> {
  for (const b of bodies) yield changes(UPSERT_BODY, b.appid, b.hash, b.body, b.last_used);
  if (entries.length > 0) yield insertMany('journal', JOURNAL_COLUMNS, entries, true);
}

/** The journal's rows: a long answer goes to journal_bodies once, and each entry names it by hash. */
function journalRows(entries: readonly JournalEntry[], hashOf: (body: string) => string) {
  const bodies = new Map<string, SharedBody>();
  const rows = entries.map((e) => {
    const values: unknown[] = JOURNAL_COLUMNS.map((c) => (c === 'response_hash' ? null : e[c]));
    if (e.response_body.length < SHARED_BODY_CHARS) return values;
    const appid = e.appid ?? '';
    const hash = hashOf(e.response_body);
    const key = `${appid} ${hash}`;
    const known = bodies.get(key);
    if (!known) bodies.set(key, { appid, hash, body: e.response_body, last_used: e.invoke_time });
    else if (e.invoke_time > known.last_used) known.last_used = e.invoke_time;
    values[RESPONSE_BODY] = '';
    values[RESPONSE_HASH] = hash;
    return values;
  });
  // In key order: two batches (on two nodes) that share bodies lock them in the same order.
  const sorted = [...bodies.values()].sort((x, y) => compareKeys(`${x.appid} ${x.hash}`, `${y.appid} ${y.hash}`));
  return { rows, bodies: sorted };
}

/** Quota counters and the request journal. */
export function quotaArea(d: Driver): QuotaArea {
  // On SQLite group-committed with the other writes of this turn; on PostgreSQL the counts of a
  // turn are one statement.
  const admitOne =
    d.kind === 'postgres'
      ? postgresAdmit(d)
      : async (appid: string, q: QuotaAdmission) =>
          q.limit > 0 && (await d.writeRow(ADMIT, appid, q.counter, q.period, q.limit)) !== undefined;
  const hashes = new Map<string, string>();
  const hashOf = (body: string): string => {
    let hash = hashes.get(body);
    if (hash === undefined) {
      hash = createHash('sha256').update(body).digest('base64url');
      if (hashes.size >= SHARED_HASHES_KEPT) hashes.clear();
      hashes.set(body, hash);
    }
    return hash;
  };
  return {
    admitQuota: (appid, counter, period, limit) => admitOne(appid, { counter, period, limit }),
    countCall: async (count) => {
      const admitted = await admitOne(count.appid, count.admission);
      count.settle(admitted);
      return admitted;
    },
    quotaUsed: async (appid, counter, period) => {
      const r = await d.row('SELECT used, period FROM quota_counters WHERE appid = ? AND counter = ?', appid, counter);
      return r && Number(r.period) === period ? Number(r.used) : 0;
    },
    clearQuotas: (appid, clearCounter, period, maxClears) => d.transaction(clear, appid, clearCounter, period, maxClears),
    appendJournal: (entries) => {
      const { rows, bodies } = journalRows(entries, hashOf);
      return d.transaction(append, rows, bodies);
    },
    getJournal: async (rid) => {
      const r = await d.row(`${JOURNAL_SELECT} WHERE j.rid = ?`, rid);
      return r ? journalFromRow(r) : undefined;
    },
    listJournal: async (filter) => {
      const q = journalQuery(JOURNAL_SELECT, filter);
      return (await d.rows(q.sql, ...q.values)).map(journalFromRow);
    },
    pruneJournal: async (beforeMs) => {
      await d.changes('DELETE FROM journal WHERE invoke_time < ?', beforeMs);
      await d.changes('DELETE FROM journal_bodies WHERE last_used < ?', beforeMs);
    },
  };
}
