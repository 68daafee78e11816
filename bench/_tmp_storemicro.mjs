import { start, ADMIN, pgDatabase } from '/work/main/dist/bench/lib.js';
import { sendLoad, benchAppid, tokensFor } from '/work/main/dist/bench/workloads.js';
import { openPostgresStore } from '/work/main/dist/src/store/postgres.js';
import { MessagesService } from '/work/main/dist/src/domains/messages/service.js';
import { CallCount } from '/work/main/dist/src/store/store.js';
import { hashToken } from '/work/main/dist/src/domains/credentials/tokens.js';
import { Journal } from '/work/main/dist/src/pipeline/journal.js';
import { readFileSync } from 'node:fs';
const cpu = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 1e4;
};
const database = await pgDatabase();
const s = await start(
  '/work/main/dist/src/cli.js',
  ['serve', '--port', '0', '--database-url', database.url, '--admin-token', ADMIN],
  [],
);
await sendLoad(s.url, 3000);
const appid = benchAppid(0xf5e4d);
const [token] = await tokensFor(s.url, [appid]);
s.proc.kill();
await new Promise((r) => setTimeout(r, 500));
const store = await openPostgresStore(database.url);
const app = await store.getApp(appid);
const clock = { now: () => Date.now() };
const journal = new Journal(store, clock, () => {});
const svc = new MessagesService(store, clock);
const V = process.env.V ?? '';
let n = 0,
  done = 0;
const stop = Date.now() + 4000;
const c0 = cpu();
const t0 = Date.now();
await Promise.all(
  Array.from({ length: 50 }, async () => {
    while (Date.now() < stop) {
      const i = n++ % 3000;
      if (V.includes('c')) await store.findCredential(hashToken(token));
      await svc.send(
        app,
        { touser: `o_bench_${i}`, msgtype: 'text', text: { content: 'hi' } },
        `rid${n}`,
        new CallCount(appid, { counter: 'send', period: 1, limit: 1e9 }),
      );
      if (V.includes('j'))
        journal.record({
          rid: `r${n}`,
          appid,
          cgi_path: '/cgi-bin/message/custom/send',
          invoke_time: Date.now(),
          cost_ms: 1,
          request_url: 'access_token=abc',
          request: Buffer.from('{"touser":"x","msgtype":"text","text":{"content":"hi"}}'),
          response: Buffer.from('{"errcode":0,"errmsg":"ok"}'),
          client_ip: '127.0.0.1',
          errcode: 0,
          reason: null,
          fault_id: null,
        });
      done++;
    }
  }),
);
const secs = (Date.now() - t0) / 1000;
console.log(`V=${V}: ${(done / secs).toFixed(0)} sends/s, ${((cpu() - c0) / done).toFixed(0)} µs CPU/send`);
await journal.flush();
await store.close();
await database.drop();
