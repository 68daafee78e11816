import { start, load, ADMIN, pgDatabase } from '/work/main/dist/bench/lib.js';
import { addLoad } from '/work/main/dist/bench/workloads.js';
import { spawn } from 'node:child_process';
const database = await pgDatabase();
const s = await start(
  '/work/main/dist/src/cli.js',
  ['serve', '--port', '0', '--database-url', database.url, '--admin-token', ADMIN],
  ['--perf-basic-prof'],
);
const next = (await addLoad(s.url, 1000)).fresh;
const perf = spawn('perf', ['record', '-F', '2000', '-g', '-t', String(s.proc.pid), '-o', '/tmp/perf.data', '--', 'sleep', '4'], {
  stdio: 'inherit',
});
const r = await load('add', s.url, s.proc.pid, next, 5);
await new Promise((res) => perf.on('exit', res));
console.log(Math.round(r.reqs), 'req/s');
s.proc.kill();
await new Promise((res) => setTimeout(res, 300));
await database.drop();
