/**
 * The hot path's mechanisms: each makes a common call cheaper, and each must earn its place
 * (`npm run bench:mechanisms` measures every one on and off, in alternating runs). A benchmark
 * turns some off with `WXKF_BENCH_OFF=name,name`; nothing else should: off is slower, never
 * different in what a call answers.
 */
export const MECHANISMS = {
  'credential-cache': 'SQLite: a node keeps the credentials it read while no connection has written what they come from',
  'credential-batch': 'PostgreSQL: the credential lookups of one event-loop turn are one query',
  'group-commit': 'SQLite: the write transactions of one event-loop turn commit together',
  'prepared-statements': 'PostgreSQL: each fixed statement is parsed and planned once per connection',
  'add-batch': 'PostgreSQL: the adds of one event-loop turn are one statement (one round trip)',
  'quota-batch': 'PostgreSQL: the daily counts of one event-loop turn are one statement (one round trip)',
  'quota-count-first':
    "PostgreSQL: a write that counts its call (custom/send, typing) counts it in the turn's batch first, not under its own lock",
  'add-function': 'PostgreSQL: an add (with its quota count) is one call of a server-side function',
  'quota-in-write': "custom/send, typing and add count their quota inside their own write's transaction",
  'random-pool': 'randomness (rids, hints) is drawn from the kernel in 4 KiB blocks',
  'stack-trace-limit': 'a WxError (an expected refusal) captures no stack trace',
  'journal-batch': 'the journal is written in batches of up to 500 entries, every 200 ms',
  'journal-text-cache': 'an answer sent to many calls is decoded and masked once for the journal',
  'kflist-cache': "getkflist's answer is kept encoded per app until the app's accounts change",
} as const;

export type Mechanism = keyof typeof MECHANISMS;

function parseOff(text: string | undefined): ReadonlySet<string> {
  const names = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) if (!(n in MECHANISMS)) throw new Error(`WXKF_BENCH_OFF: no mechanism ${n}`);
  return new Set(names);
}

const off = parseOff(process.env.WXKF_BENCH_OFF);

/** Whether a mechanism is on (it is, unless a benchmark turned it off). */
export function uses(mechanism: Mechanism): boolean {
  return !off.has(mechanism);
}
