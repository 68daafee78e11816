import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.js';
import { spawnServe, type ServeProcess } from '../helpers/process.js';

/** Every CLI command, against a running server (--url) and directly on a store (--db), human and --json. */
const ADMIN = 'cli-test-admin-token';
const APPID = 'wx00000000000c11aa';
let dir: string;
let server: ServeProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxkf-cli-'));
  server = await spawnServe(['--db', join(dir, 'served.db'), '--admin-token', ADMIN]);
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const targets = {
  server: () => ['--url', server.url, '--admin-token', ADMIN],
  store: () => ['--db', join(dir, 'direct.db')],
};

const ok = (r: CliRun) => {
  expect(r.stderr, r.stdout).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
};
const json = (r: CliRun) => JSON.parse(ok(r)) as unknown;

describe('wxkf --version', () => {
  it('prints the package version', async () => {
    expect(ok(await runCli(['--version'])).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

for (const [name, target] of Object.entries(targets)) {
  describe(`commands against a ${name}`, () => {
    const cli = (...args: string[]) => runCli([...args, ...target()]);

    it('reset, apps create/list/show/update/rotate-secret/delete', async () => {
      expect(ok(await cli('reset'))).toMatch(/reset: the store is empty/);
      expect(ok(await cli('apps', 'list'))).toMatch(/no apps/);
      const created = json(await cli('apps', 'create', APPID, '--alias', 'cli_alias', '--type', 'service', '--json')) as Record<
        string,
        unknown
      >;
      expect(created).toMatchObject({ appid: APPID, alias: 'cli_alias', type: 'service', certified: true });
      expect(ok(await cli('apps', 'list'))).toMatch(new RegExp(`^APPID +TYPE +CERTIFIED.*\\n${APPID} +service +yes +cli_alias`));
      expect((json(await cli('apps', 'list', '--json')) as unknown[]).length).toBe(1);
      expect(ok(await cli('apps', 'show', APPID))).toMatch(/alias: +cli_alias/);
      const updated = json(
        await cli('apps', 'update', APPID, '--certified', 'false', '--daily-quota', '/cgi-bin/token=5', '--json'),
      );
      expect(updated).toMatchObject({ certified: false, daily_quotas: { '/cgi-bin/token': 5 } });
      const rotated = ok(await cli('apps', 'rotate-secret', APPID));
      expect(rotated).toMatch(/^secret: [0-9a-f]{32}\n$/);
      expect(rotated).not.toContain(String(created.secret));
      expect(ok(await cli('apps', 'delete', APPID))).toBe(`deleted ${APPID}\n`);
      expect(ok(await cli('apps', 'list'))).toMatch(/no apps/);
    });

    it('seed, token, kf list', async () => {
      await cli('reset');
      const seed = join(dir, `${name}-seed.json`);
      writeFileSync(
        seed,
        JSON.stringify({
          apps: [{ appid: APPID, alias: 'cli_alias', kf_accounts: [{ kf_account: 'amy@cli_alias', nickname: 'Amy' }] }],
        }),
      );
      expect(ok(await cli('seed', seed))).toMatch(
        new RegExp(`app ${APPID}: created, secret [0-9a-f]{32}\\nkf accounts added: 1`),
      );
      expect(json(await cli('seed', seed, '--json'))).toMatchObject({
        apps: [{ appid: APPID, created: false }],
        kf_accounts_added: 0,
      });
      expect(ok(await cli('token', APPID))).toMatch(/^[A-Za-z0-9_-]{128,}\n$/);
      expect(json(await cli('token', APPID, '--json'))).toMatchObject({ access_token: expect.any(String), expires_in: 7200 });
      expect(ok(await cli('kf', 'list', APPID))).toMatch(/KF_ACCOUNT +KF_ID +NICKNAME.*\namy@cli_alias +1001 +Amy/);
      expect(json(await cli('kf', 'list', APPID, '--json'))).toEqual([
        expect.objectContaining({ kf_account: 'amy@cli_alias', kf_id: 1001 }),
      ]);
    });

    it('users create, list, update, delete', async () => {
      await cli('reset');
      await cli('apps', 'create', APPID);
      expect(ok(await cli('users', 'list', APPID))).toMatch(/no users/);
      const made = json(await cli('users', 'create', APPID, '--openid', 'o_cli_user', '--nickname', 'Lin', '--json'));
      expect(made).toMatchObject({ openid: 'o_cli_user', nickname: 'Lin', subscribed: true });
      expect(ok(await cli('users', 'create', APPID, '--unsubscribed'))).toMatch(
        /openid: +o[A-Za-z0-9_-]{27}\nnickname: *\nsubscribed: +false/,
      );
      expect(ok(await cli('users', 'list', APPID))).toMatch(/OPENID +NICKNAME +SUBSCRIBED.*\no_cli_user +Lin +yes/);
      expect(json(await cli('users', 'update', APPID, 'o_cli_user', '--subscribed', 'false', '--json'))).toMatchObject({
        subscribed: false,
      });
      expect(ok(await cli('users', 'delete', APPID, 'o_cli_user'))).toBe('deleted o_cli_user\n');
      expect((json(await cli('users', 'list', APPID, '--json')) as unknown[]).length).toBe(1);
    });

    it('say, window, outbox and deliveries', async () => {
      await cli('reset');
      await cli('apps', 'create', APPID, '--original-id', 'gh_0123456789ab');
      await cli('users', 'create', APPID, '--openid', 'o_flow');
      const said = json(await cli('say', APPID, 'o_flow', 'text', 'content=hello there', '--json'));
      expect(said).toMatchObject({ status: 'no_webhook', kind: 'message', msg_type: 'text' });
      expect(ok(await cli('say', APPID, 'o_flow', 'location', 'x=23.1', 'y=113.2', 'label=Here'))).toMatch(/status: +no_webhook/);
      expect(ok(await cli('window', APPID, 'o_flow'))).toMatch(/open: +true\nremaining: +5/);
      expect(ok(await cli('outbox', 'list', APPID))).toBe('no entries\n');
      expect(ok(await cli('deliveries', 'list', APPID))).toMatch(
        /ID +TIME +OPENID +WHAT +TRIGGER +STATUS.*\n1 .*o_flow +text +say +no_webhook/,
      );
      expect(ok(await cli('outbox', 'clear', APPID))).toMatch(/cleared/);
      const bad = await cli('say', APPID, 'o_flow', 'text', 'oops');
      expect(bad.code).toBe(2);
      const refused = await cli('say', APPID, 'o_flow', 'text');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/content/);
    });

    it('faults list, add, rm', async () => {
      await cli('reset');
      await cli('apps', 'create', APPID);
      expect(ok(await cli('faults', 'list'))).toMatch(/no faults/);
      const f = json(await cli('faults', 'add', '/customservice/getkflist', '--errcode', '-1', '--count', '2', '--json')) as {
        id: number;
      };
      expect(f).toMatchObject({ path: '/customservice/getkflist', errcode: -1, errmsg: 'system error', remaining: 2 });
      expect(ok(await cli('faults', 'list'))).toMatch(/ID +PATH +APPID +ERRCODE.*\n\d+ +\/customservice\/getkflist +\* +-1 +2/);
      const bad = await cli('faults', 'add', '/cgi-bin/token', '--errcode', '43019');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/errmsg/);
      expect(ok(await cli('faults', 'rm', String(f.id)))).toBe(`removed fault ${f.id}\n`);
    });

    it('clock show, advance, set, freeze, real', async () => {
      expect(ok(await cli('clock'))).toMatch(/state: +real time/);
      const before = (json(await cli('clock', 'show', '--json')) as { now: number }).now;
      const later = json(await cli('clock', 'advance', '2h', '--json')) as { now: number; offset: number };
      expect(later.now - before).toBeGreaterThanOrEqual(7200);
      expect(later.offset).toBe(7200);
      expect(json(await cli('clock', 'set', '2027-01-01T00:00:00Z', '--json'))).toMatchObject({ now: 1798761600 });
      expect(ok(await cli('clock', 'freeze'))).toMatch(/state: +frozen/);
      expect(json(await cli('clock', 'set', '1798848000', '--json'))).toMatchObject({ now: 1798848000, frozen: true });
      expect(ok(await cli('clock', 'real'))).toMatch(/state: +real time/);
      const bad = await cli('clock', 'advance', 'soon');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^wxkf: clock advance: give a duration/);
    });

    it('journal and journal RID, with the reason of a refusal', async () => {
      const journal = (await cli('journal', '--json')) as CliRun;
      expect(Array.isArray(json(journal))).toBe(true);
      if (name === 'server') {
        const refused = await fetch(
          `${server.url}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${'0'.repeat(32)}`,
        );
        const rid = /rid: (\S+)/.exec(((await refused.json()) as { errmsg: string }).errmsg)?.[1] as string;
        expect(ok(await cli('journal', '--appid', APPID, '--errcode', '40125'))).toMatch(
          new RegExp(`${rid} +/cgi-bin/token +${APPID} +40125 +secret is not`),
        );
        expect(ok(await cli('journal', rid))).toMatch(/reason: +secret is not/);
        expect(json(await cli('journal', rid, '--json'))).toMatchObject({ rid, errcode: 40125, appid: APPID });
        expect(ok(await cli('journal', '--since', '10m', '--path', '/cgi-bin/token'))).toContain(rid);
      }
    });

    it('errors are one line with an exit code', async () => {
      const missing = await cli('apps', 'show', 'wx0000000000000404');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('wxkf: appid: no app wx0000000000000404\n');
      const badFlag = await cli('apps', 'update', APPID, '--certified', 'maybe');
      expect(badFlag.code).toBe(2);
      const unknown = await cli('apps', 'list', '--colour');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/unknown option '--colour'/);
    });
  });
}

describe('where the CLI finds a server', () => {
  it('without an admin token it says how to give one; a wrong one is refused; nothing listening is named', async () => {
    const none = await runCli(['apps', 'list', '--url', server.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs the admin token: --admin-token or WXKF_ADMIN_TOKEN/);
    const wrong = await runCli(['apps', 'list', '--url', server.url, '--admin-token', 'wrong-token']);
    expect(wrong.stderr).toMatch(/refused the admin token/);
    expect(ok(await runCli(['apps', 'list'], { WXKF_BASE_URL: server.url, WXKF_ADMIN_TOKEN: ADMIN }))).toBeTruthy();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    // WXKF_DATABASE_URL is wxkf serve's: it never turns a command away from the server it names.
    expect(
      ok(
        await runCli(['apps', 'list', '--url', server.url, '--admin-token', ADMIN], {
          WXKF_DATABASE_URL: 'postgres://u:pw@127.0.0.1:1/x',
        }),
      ),
    ).toBeTruthy();
    const password = await runCli(['apps', 'list', '--database-url', 'postgres://u:s3cretpw@127.0.0.1:1/x']);
    expect(password.code).toBe(1);
    expect(password.stderr).toMatch(/cannot open the store \(PostgreSQL postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x\)/);
    expect(password.stderr).not.toContain('s3cretpw');
    const down = await runCli(['apps', 'list', '--url', `http://127.0.0.1:${port}`, '--admin-token', ADMIN]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  });
});

describe('wxkf exec', () => {
  it('runs a command against a server of its own, with the demo app in its environment, and exits with its code', async () => {
    const script = [
      'set -e',
      'test -n "$WXKF_APPID"',
      'curl -sS "$WXKF_BASE_URL/cgi-bin/token?grant_type=client_credential&appid=$WXKF_APPID&secret=$WXKF_SECRET" | grep -q access_token',
      'curl -sS -H "Authorization: Bearer $WXKF_ADMIN_TOKEN" "$WXKF_BASE_URL/admin/api/apps" | grep -q "$WXKF_APPID"',
      'exit 7',
    ].join('\n');
    const r = await runCli(['exec', '--', 'bash', '-c', script]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(7);
    expect((await runCli(['exec', '--', 'true'])).code).toBe(0);
  });

  it('applies a seed (no demo app then), and a command it cannot run is 127', async () => {
    const seed = join(dir, 'exec-seed.json');
    writeFileSync(seed, JSON.stringify({ apps: [{ appid: APPID }] }));
    const r = await runCli([
      'exec',
      '--seed',
      seed,
      '--',
      'bash',
      '-c',
      `test -z "$WXKF_APPID" && curl -sS -H "Authorization: Bearer $WXKF_ADMIN_TOKEN" "$WXKF_BASE_URL/admin/api/apps/${APPID}"`,
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ appid: APPID });
    expect((await runCli(['exec', '--', 'bash', '-c', 'kill -SEGV $$'])).code).toBe(139);
    const missing = await runCli(['exec', '--', 'no-such-command-wxkf']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/exec: cannot run no-such-command-wxkf/);
  });
});
