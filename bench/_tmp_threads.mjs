import { start, load, ADMIN, pgDatabase } from '/work/main/dist/bench/lib.js';
import { addLoad } from '/work/main/dist/bench/workloads.js';
import { readFileSync, readdirSync } from 'node:fs';
const threads = (pid) =>
  Object.fromEntries(
    readdirSync(`/proc/${pid}/task`).map((t) => {
      const raw = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const name = /\((.*)\)/.exec(raw)[1];
      const f = raw.split(') ')[1].split(' ');
      return [`${t} ${name}`, Number(f[11]) + Number(f[12])];
    }),
  );
const pgmode = process.argv[2] === 'pg';
const database = pgmode ? await pgDatabase() : undefined;
const s = await start(
  '/work/main/dist/src/cli.js',
  ['serve', '--port', '0', ...(database ? ['--database-url', database.url] : ['--db', '/tmp/thr.db']), '--admin-token', ADMIN],
  [],
);
const next = (await addLoad(s.url, 1000)).fresh;
const a = threads(s.proc.pid);
const r = await load('add', s.url, s.proc.pid, next, 5);
const b = threads(s.proc.pid);
const n = r.reqs * 5;
console.log(Math.round(r.reqs), 'req/s');
for (const k of Object.keys(b)) {
  const d = ((b[k] - (a[k] ?? 0)) * 1e4) / n;
  if (d > 0.5) console.log(k, d.toFixed(0), 'µs/add');
}
s.proc.kill();
await new Promise((res) => setTimeout(res, 300));
await database?.drop();
