/**
 * What the benchmarks load a server with, each set up through the admin API on a fresh server:
 * adds of new accounts spread over many apps, duplicate adds, getkflist of 100 accounts, and
 * custom/send to users whose window is open. Each answers the next request to make.
 */
import { admin, type Call } from './lib.js';

/** Calls a day no run gets near: the runs measure the path, not 45009. */
const NO_LIMIT = 2_147_483_647;

export const benchAppid = (i: number) => `wx${(0xbe000000 + i).toString(16).padStart(16, '0')}`;

/** One access token for each app, 100 requests at a time. */
export async function tokensFor(url: string, appids: readonly string[]): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < appids.length; i += 100) {
    const batch = appids.slice(i, i + 100).map((appid) => admin(url, '/tokens', { appid }));
    for (const a of await Promise.all(batch)) tokens.push(a.access_token as string);
  }
  return tokens;
}

export interface AddLoad {
  /** A new account each call, over all the apps in turn (app i % apps, PREFIX from the round). */
  fresh: () => Call;
  /** `b0@bench_alias` again, over all the apps in turn: 65406 once the fresh run has added it. */
  duplicate: () => Call;
}

/** `apps` new apps (from `first` on) with room for accounts and no daily limit on the add. */
export async function addLoad(url: string, apps: number, first = 0): Promise<AddLoad> {
  const appids = Array.from({ length: apps }, (_, i) => benchAppid(first + i));
  const daily_quotas = { '/customservice/kfaccount/add': NO_LIMIT };
  for (let i = 0; i < apps; i += 1000) {
    const batch = appids.slice(i, i + 1000).map((appid) => ({ appid, alias: 'bench_alias', daily_quotas }));
    await admin(url, '/seed', { apps: batch });
  }
  const tokens = await tokensFor(url, appids);
  const path = (i: number) => `/customservice/kfaccount/add?access_token=${tokens[i % apps]}`;
  let n = 0;
  let d = 0;
  return {
    fresh: () => {
      const i = n++;
      return { path: path(i), body: JSON.stringify({ kf_account: `b${Math.floor(i / apps)}@bench_alias`, nickname: '客服' }) };
    },
    duplicate: () => ({ path: path(d++), body: JSON.stringify({ kf_account: 'b0@bench_alias', nickname: 'bench' }) }),
  };
}

/** getkflist of one new app (number `which`) with `accounts` accounts. */
export async function kflistLoad(url: string, accounts: number, which = 0xf0000): Promise<() => Call> {
  const appid = benchAppid(which);
  const kf_accounts = Array.from({ length: accounts }, (_, i) => ({ kf_account: `k${i}@bench_alias`, nickname: `客服${i}` }));
  const daily_quotas = { '/cgi-bin/customservice/getkflist': NO_LIMIT };
  await admin(url, '/seed', { apps: [{ appid, alias: 'bench_alias', kf_accounts, daily_quotas }] });
  const [token] = await tokensFor(url, [appid]);
  const call: Call = { method: 'GET', path: `/cgi-bin/customservice/getkflist?access_token=${token}` };
  return () => call;
}

/** custom/send of a text to `users` users over `apps` apps, each user having written first (the legacy window: 20 sends each). */
export async function sendLoad(url: string, users: number, apps = 1): Promise<() => Call> {
  const perApp = Math.ceil(users / apps);
  const paths: string[] = [];
  for (let a = 0; a < apps; a++) {
    const appid = benchAppid(0xf5e4d + a);
    const openids = Array.from({ length: perApp }, (_, i) => `o_bench_${i}`);
    const daily_quotas = { '/cgi-bin/message/custom/send': NO_LIMIT };
    const seeded = {
      appid,
      alias: 'bench_alias',
      window_profile: 'legacy',
      daily_quotas,
      users: openids.map((openid) => ({ openid })),
    };
    await admin(url, '/seed', { apps: [seeded] });
    for (let i = 0; i < openids.length; i += 100) {
      const batch = openids.slice(i, i + 100);
      await Promise.all(batch.map((o) => admin(url, `/apps/${appid}/users/${o}/say`, { type: 'text', content: 'hi' })));
    }
    const [token] = await tokensFor(url, [appid]);
    paths.push(`/cgi-bin/message/custom/send?access_token=${token}`);
  }
  let n = 0;
  return () => {
    const i = n++;
    const body = {
      touser: `o_bench_${Math.floor(i / apps) % perApp}`,
      msgtype: 'text',
      text: { content: 'Hello from the bench' },
    };
    return { path: paths[i % apps] as string, body: JSON.stringify(body) };
  };
}
