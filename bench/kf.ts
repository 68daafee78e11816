/**
 * npm run bench:kf: getkflist on an app with 100 accounts, and uploadheadimg of a 100 KB PNG,
 * 50 connections each, against a bare fastify route in the same run. Reports req/s, the ratio to
 * the bare route, MB/s for uploads and the server's peak RSS. Figures, never assertions.
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { admin, load, rss, start, serveWxkf } from './lib.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function run(url: string, opts: Partial<autocannon.Options>) {
  const r = await autocannon({ url, connections: 50, duration: DURATION_S, ...opts });
  return { reqs: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const dir = mkdtempSync(join(tmpdir(), 'wxkf-bench-kf-'));
const bare = await start(here('./bare.js'), []);
const wxkf = await serveWxkf(['--db', join(dir, 'kf.db')]);
try {
  const appid = 'wx00000000be000001';
  const kf_accounts = Array.from({ length: 100 }, (_, i) => ({ kf_account: `k${i}@bench_alias`, nickname: `客服${i}` }));
  // No daily limit in the way: the runs measure the path, not 45009.
  const daily_quotas = {
    '/cgi-bin/customservice/getkflist': 2_147_483_647,
    '/customservice/kfaccount/uploadheadimg': 2_147_483_647,
  };
  await admin(wxkf.url, '/seed', { apps: [{ appid, alias: 'bench_alias', kf_accounts, daily_quotas }] });
  const token = (await admin(wxkf.url, '/tokens', { appid })).access_token as string;

  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100 * 1024 - 8, 0x42)]);
  const boundary = 'wxkfbenchboundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const upload = await run(`${wxkf.url}/customservice/kfaccount/uploadheadimg?access_token=${token}&kf_account=k1@bench_alias`, {
    method: 'POST',
    body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  // Uploads first: the peak RSS (VmHWM) only grows, so each row's peak is its own phase's.
  const rssAfterUpload = rss(wxkf.proc.pid as number).peak;
  // The list rows go through the same load generator as the other benchmarks (a request object
  // per call, the errcode read from each answer), the bare route's as wxkf's.
  const listOf = async (server: typeof bare, path: string) => {
    const r = await load('getkflist', server.url, server.proc.pid as number, () => ({ method: 'GET', path }));
    const refused = Object.entries(r.errcodes).reduce((sum, [code, n]) => sum + (code === '0' ? 0 : n), 0);
    return { reqs: r.reqs, p99: r.p99, non2xx: refused, errors: 0 };
  };
  const bareList = await listOf(bare, '/cgi-bin/customservice/getkflist');
  const list = await listOf(wxkf, `/cgi-bin/customservice/getkflist?access_token=${token}`);
  const rssAfterList = rss(wxkf.proc.pid as number).peak;
  const check = await fetch(`${wxkf.url}/cgi-bin/customservice/getkflist?access_token=${token}`);
  const uploaded = ((await check.json()) as { kf_list: { kf_headimgurl: string }[] }).kf_list[1]?.kf_headimgurl !== '';

  console.log(`\nSQLite, 50 connections, ${DURATION_S} s each, node ${process.version}\n`);
  console.log('| run | req/s | ratio to bare | p99 ms | peak RSS MB |');
  console.log('|---|---|---|---|---|');
  console.log(`| bare route | ${bareList.reqs.toFixed(0)} | 1.00 | ${bareList.p99} | |`);
  console.log(
    `| getkflist, 100 accounts | ${list.reqs.toFixed(0)} | ${(list.reqs / bareList.reqs).toFixed(2)} | ${list.p99} | ${rssAfterList.toFixed(0)} |`,
  );
  const mbps = (upload.reqs * png.length) / 1024 / 1024;
  console.log(
    `| uploadheadimg, 100 KB PNG | ${upload.reqs.toFixed(0)} (${mbps.toFixed(1)} MB/s) | ${(upload.reqs / bareList.reqs).toFixed(2)} | ${upload.p99} | ${rssAfterUpload.toFixed(0)} |`,
  );
  console.log(
    `\nerrors: getkflist ${list.non2xx + list.errors}, upload ${upload.non2xx + upload.errors}; upload stored: ${uploaded}`,
  );
  console.log(
    'goals: getkflist >= 0.5 of the bare route; RSS <= 150 MB with 50 uploads at once (the upload row; the getkflist row is the peak after both)',
  );
} finally {
  bare.proc.kill();
  wxkf.proc.kill();
  rmSync(dir, { recursive: true, force: true });
}
