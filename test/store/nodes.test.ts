import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../helpers/admin.js';
import { APPS, SECRET, SEED } from '../helpers/fixtures.js';
import { parseErrmsg, parseRid } from '../../src/wire/index.js';
import { call, expectOk } from '../helpers/http.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { spawnServe, type ServeProcess } from '../helpers/process.js';

// Separate `wxkf serve` processes on one store: one SQLite file, or (postgres project) one database.
const ADMIN = 'file-test-admin-token';
let dir: string;
let database: TestDatabase | undefined;
let running: ServeProcess[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxkf-'));
  database = BACKEND === 'postgres' ? await createTestDatabase() : undefined;
});
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  running = [];
  rmSync(dir, { recursive: true, force: true });
  await database?.drop();
});

/** The flags that put a node on this test's store. */
const storeArgs = (file: string) => (database ? ['--database-url', database.url] : ['--db', join(dir, file)]);

async function serve(args: string[]): Promise<ServeProcess> {
  const p = await spawnServe(args);
  running.push(p);
  return p;
}

const admin = (url: string) => new AdminClient({ baseUrl: url, adminToken: ADMIN, close: async () => {} });
const add = (url: string, token: string, kf_account: string) =>
  call(url, '/customservice/kfaccount/add', { query: { access_token: token }, body: { kf_account, nickname: 'N' } });

describe(`wxkf serve nodes on one ${BACKEND} store`, () => {
  it('first start without a seed makes the demo app and prints its secret, the admin token and a curl pair', async () => {
    const p = await serve(storeArgs('demo.db'));
    const out = p.output();
    const appid = /appid:\s+(wx[0-9a-f]{16})/.exec(out)?.[1];
    const secret = /secret:\s+([0-9a-f]{32})/.exec(out)?.[1];
    const adminToken = /admin token \(shown once, stored hashed\): (\S+)/.exec(out)?.[1];
    expect(appid && secret && adminToken).toBeTruthy();
    expect(out).toContain('/customservice/kfaccount/add?access_token=');
    const token = await call(p.url, '/cgi-bin/token', { query: { grant_type: 'client_credential', appid, secret } });
    expectOk(await add(p.url, token.json.access_token as string, 'test1@wxkf_demo'));
    expect(await p.stop()).toBe(0);
    // A second start finds the store initialised: no new demo app, no new admin token.
    const again = await serve(storeArgs('demo.db'));
    expect(again.output()).not.toContain('demo app');
    expect(again.output()).not.toContain('admin token (shown once');
    expect(again.output()).toContain('wxkf admin-token --rotate');
    const apps = await call(again.url, '/admin/api/apps', { headers: { authorization: `Bearer ${adminToken}` } });
    expect((apps.json.apps as unknown[]).length).toBe(1);
  });

  it('after a restart, accounts, tokens and the journal are still there (SIGTERM stops cleanly and flushes)', async () => {
    const first = await serve([...storeArgs('restart.db'), '--admin-token', ADMIN]);
    await admin(first.url).seed(SEED);
    const tok = await call(first.url, '/cgi-bin/token', {
      query: { grant_type: 'client_credential', appid: APPS.service.appid, secret: SECRET },
    });
    const token = tok.json.access_token as string;
    const stable = await call(first.url, '/cgi-bin/stable_token', {
      body: { grant_type: 'client_credential', appid: APPS.service.appid, secret: SECRET },
    });
    expectOk(await add(first.url, token, 'keep@kf_alias1'));
    // A request journaled just before the stop: a clean shutdown writes it out.
    const refused = await add(first.url, token, 'bad');
    const rid = /rid: (\S+)$/.exec(String(refused.json.errmsg))?.[1];
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await serve([...storeArgs('restart.db'), '--admin-token', ADMIN]);
    const list = await call(second.url, '/cgi-bin/customservice/getkflist', { query: { access_token: token } });
    expect(list.json.kf_list).toEqual([{ kf_account: 'keep@kf_alias1', kf_headimgurl: '', kf_id: '1001', kf_nick: 'N' }]);
    const stableAgain = await call(second.url, '/cgi-bin/stable_token', {
      body: { grant_type: 'client_credential', appid: APPS.service.appid, secret: SECRET },
    });
    expect(stableAgain.json.access_token).toBe(stable.json.access_token);
    expectOk(await add(second.url, stableAgain.json.access_token as string, 'next@kf_alias1'));
    expect((await admin(second.url).kfAccounts(APPS.service.appid)).map((a) => a.kf_id)).toEqual([1001, 1002]);
    const found = await call(second.url, '/cgi-bin/openapi/rid/get', { query: { access_token: token }, body: { rid } });
    expect(found.json.errcode).toBe(0);
  });

  it('three nodes keep the rules: 300 adds round-robin give exactly 100, 60 adds of one account exactly one', async () => {
    const nodes = await Promise.all([0, 1, 2].map(() => serve([...storeArgs('shared.db'), '--admin-token', ADMIN])));
    await admin(nodes[0]!.url).seed(SEED);
    const token = await admin(nodes[0]!.url).token(APPS.service.appid);
    const at = (i: number) => nodes[i % 3]!.url;
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => add(at(i), token, `p${i}@kf_alias1`)));
    const codes = answers.map((r) => r.json.errcode);
    expect(codes.filter((c) => c === 0)).toHaveLength(100);
    expect(codes.filter((c) => c === 65405)).toHaveLength(200);
    const ids = (await admin(at(2)).kfAccounts(APPS.service.appid)).map((a) => a.kf_id);
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => 1001 + i));

    const subToken = await admin(at(1)).token(APPS.subscription.appid);
    const dup = await Promise.all(
      Array.from({ length: 60 }, (_, i) => add(at(i), subToken, i % 3 ? 'ONE@sub_alias2' : 'one@gh_00000000000b')),
    );
    const dupCodes = dup.map((r) => r.json.errcode);
    expect(dupCodes.filter((c) => c === 0)).toHaveLength(1);
    expect(dupCodes.filter((c) => c === 65406)).toHaveLength(59);
  });

  it('three nodes share tokens and one clock: a token from node 1 works everywhere until superseded on node 2 and 5 minutes pass on node 3', async () => {
    const nodes = await Promise.all([0, 1, 2].map(() => serve([...storeArgs('clock.db'), '--admin-token', ADMIN])));
    const [n1, n2, n3] = nodes.map((n) => n.url) as [string, string, string];
    await admin(n1).seed(SEED);
    const start = await admin(n3).freeze();
    // A clock change reaches every node within 1 s; reading it back on each makes that now.
    for (const url of [n1, n2, n3]) expect((await admin(url).clock()).now).toBe(start);
    const issue = (url: string) =>
      call(url, '/cgi-bin/token', { query: { grant_type: 'client_credential', appid: APPS.service.appid, secret: SECRET } });
    const list = (url: string, tok: string) => call(url, '/cgi-bin/customservice/getkflist', { query: { access_token: tok } });
    const first = (await issue(n1)).json.access_token as string;
    for (const url of [n1, n2, n3]) expect((await list(url, first)).json).toHaveProperty('kf_list');
    await issue(n2);
    await admin(n3).advance(299);
    for (const url of [n1, n2, n3]) {
      expect((await admin(url).clock()).now).toBe(start + 299);
      expect((await list(url, first)).json).toHaveProperty('kf_list');
    }
    await admin(n3).advance(1);
    for (const url of [n1, n2, n3]) {
      expect((await admin(url).clock()).now).toBe(start + 300);
      expect((await list(url, first)).json.errcode).toBe(40001);
    }
  });

  it('a clock moved on one node reaches the others without being asked (rid time on a WeChat answer)', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => serve([...storeArgs('poll.db'), '--admin-token', ADMIN])));
    const frozen = await admin(a!.url).freeze();
    await admin(a!.url).advance(86_400);
    const ridSeconds = async () => {
      const r = await call(b!.url, '/no/such/path');
      return parseRid(parseErrmsg(String(r.json.errmsg)).rid ?? '')?.unixSeconds;
    };
    let seen: number | undefined;
    for (let i = 0; i < 100 && seen !== frozen + 86_400; i++) {
      seen = await ridSeconds();
      if (seen !== frozen + 86_400) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe(frozen + 86_400);
  });

  it('two nodes: a remaining quota of 10 admits exactly 10 of 50 calls; rid/get on one node finds a request made on the other', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => serve([...storeArgs('quota.db'), '--admin-token', ADMIN])));
    await admin(a!.url).seed(SEED);
    const quota = await admin(a!.url).request('PUT', `/apps/${APPS.service.appid}/quotas`, {
      cgi_path: '/customservice/kfaccount/add',
      daily_limit: 10,
    });
    expect(quota.status).toBe(200);
    const token = await admin(a!.url).token(APPS.service.appid);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => add(i % 2 ? a!.url : b!.url, token, `q${i}@kf_alias1`)),
    );
    const codes = answers.map((r) => r.json.errcode);
    expect(codes.filter((c) => c === 0)).toHaveLength(10);
    expect(codes.filter((c) => c === 45009)).toHaveLength(40);

    const refused = answers.find((r) => r.json.errcode === 45009)!;
    const rid = /rid: (\S+)$/.exec(String(refused.json.errmsg))?.[1];
    const lookup = (url: string) => call(url, '/cgi-bin/openapi/rid/get', { query: { access_token: token }, body: { rid } });
    // The journal is written in batches (every 200 ms): each node finds the request within a few.
    const poll = async (url: string) => {
      let found = await lookup(url);
      for (let i = 0; i < 50 && found.json.errcode !== 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        found = await lookup(url);
      }
      return found;
    };
    for (const url of [a!.url, b!.url]) {
      const found = await poll(url);
      expect(found.json.errcode, JSON.stringify(found.json)).toBe(0);
      expect(JSON.parse((found.json.request as { response_body: string }).response_body)).toEqual(refused.json);
    }
  });

  it('two nodes keep the customer-service rules: 5 of 12 sends pass, one increasing outbox id sequence, one session of 20 creates', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => serve([...storeArgs('flow.db'), '--admin-token', ADMIN])));
    const nodes = [a!.url, b!.url];
    const svc = APPS.service.appid;
    await admin(a!.url).seed(SEED);
    const token = await admin(a!.url).token(svc);
    const U = 'o_nodes_user';
    await admin(a!.url).request('POST', `/apps/${svc}/users`, { openid: U });
    await admin(b!.url).request('POST', `/apps/${svc}/users/${U}/say`, { type: 'text', content: 'hi' });
    const send = (url: string, i: number) =>
      call(url, '/cgi-bin/message/custom/send', {
        query: { access_token: token },
        body: { touser: U, msgtype: 'text', text: { content: `m${i}` } },
      });
    const sends = await Promise.all(Array.from({ length: 12 }, (_, i) => send(nodes[i % 2]!, i)));
    const codes = sends.map((r) => r.json.errcode);
    expect(codes.filter((c) => c === 0)).toHaveLength(5);
    expect(codes.filter((c) => c === 45047)).toHaveLength(7);
    const outbox = (await admin(b!.url).request('GET', `/apps/${svc}/outbox`)).json.entries as {
      id: number;
      grant: { used: number } | null;
    }[];
    expect(outbox).toHaveLength(12);
    const ids = outbox.map((e) => e.id);
    expect(new Set(ids).size).toBe(12);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(outbox.flatMap((e) => (e.grant ? [e.grant.used] : [])).sort()).toEqual([1, 2, 3, 4, 5]);

    // 20 accounts, bound and online; 20 creates for one user, alternating nodes: exactly one session.
    const post = (url: string, path: string, body: unknown) => call(url, path, { query: { access_token: token }, body });
    const accounts = Array.from({ length: 20 }, (_, i) => `n${i}@kf_alias1`);
    for (const kf of accounts) {
      await post(a!.url, '/customservice/kfaccount/add', { kf_account: kf, nickname: 'N' });
      await post(a!.url, '/customservice/kfaccount/inviteworker', { kf_account: kf, invite_wx: `wxnode_${kf.split('@')[0]}` });
      await admin(a!.url).request('POST', `/apps/${svc}/kf_accounts/${kf}/invitation/accept`);
      await admin(a!.url).request('PUT', `/apps/${svc}/kf_accounts/${kf}/online`, { status: 1, accepted_case: 0 });
    }
    const creates = await Promise.all(
      accounts.map((kf, i) => post(nodes[i % 2]!, '/customservice/kfsession/create', { kf_account: kf, openid: U })),
    );
    expect(creates.map((r) => r.json.errcode).filter((c) => c === 0)).toHaveLength(1);
    const sessions = (await admin(b!.url).request('GET', `/apps/${svc}/sessions`)).json.sessions as unknown[];
    expect(sessions).toHaveLength(1);
  });

  it('two nodes: a fault with count 10 answers exactly 10 of 50 calls across both; one deleted on a node fires on neither', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => serve([...storeArgs('faults.db'), '--admin-token', ADMIN])));
    await admin(a!.url).seed(SEED);
    const token = await admin(a!.url).token(APPS.service.appid);
    const made = await admin(b!.url).request('POST', '/faults', {
      path: '/cgi-bin/customservice/getkflist',
      errcode: -1,
      count: 10,
    });
    expect(made.status).toBe(201);
    // Node a learns of the fault from the store within its poll (500 ms).
    await new Promise((r) => setTimeout(r, 700));
    const list = (url: string) => call(url, '/cgi-bin/customservice/getkflist', { query: { access_token: token } });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => list(i % 2 ? a!.url : b!.url)));
    expect(answers.filter((r) => r.json.errcode === -1)).toHaveLength(10);
    const every = await admin(a!.url).request('POST', '/faults', { path: '/cgi-bin/customservice/getkflist', errcode: 45009 });
    await new Promise((r) => setTimeout(r, 700));
    expect((await list(b!.url)).json.errcode).toBe(45009);
    await admin(a!.url).request('DELETE', `/faults/${every.json.id as number}`);
    expect((await list(b!.url)).json).toEqual({ kf_list: [] });
  });
});
