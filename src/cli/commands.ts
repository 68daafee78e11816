import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CryptoRandom } from '../platform/random.js';
import { openStore, rotateAdminToken } from '../serve.js';
import { CliError, adminClient, ok, type AdminClient, type TargetOptions } from './admin-client.js';
import { fields, isoTime, parseDuration, parseTime, table } from './format.js';

type Options = TargetOptions & { json?: boolean };
type Out = Record<string, unknown>;

/** The options every command that talks to wxkf takes: where it is, and how to print. */
function target(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'a running server (WXKF_BASE_URL; default http://127.0.0.1:8080)')
    .option('--admin-token <token>', "the server's admin token (WXKF_ADMIN_TOKEN)")
    .option('--db <file>', 'act on this SQLite file directly instead of a server')
    .option('--database-url <url>', 'act on this PostgreSQL database directly instead of a server (WXKF_DATABASE_URL)')
    .option('--json', 'print JSON for scripts instead of tables');
}

/** Runs `work` against the target the options name and prints what it returns: JSON, or its human form. */
type Work = (client: AdminClient, ...args: never[]) => Promise<{ json: unknown; human: string }>;
function action(work: Work) {
  return async (...args: unknown[]) => {
    // commander passes the arguments, then the options, then the command; options given before
    // the command's name (wxkf --url … apps list) count too.
    const opts = (args[args.length - 1] as Command).optsWithGlobals<Options>();
    const client = await adminClient(opts);
    try {
      const out = await (work as (client: AdminClient, ...rest: unknown[]) => ReturnType<Work>)(
        client,
        ...args.slice(0, -2),
        opts,
      );
      process.stdout.write(`${opts.json ? JSON.stringify(out.json, null, 2) : out.human}\n`);
    } finally {
      await client.close();
    }
  };
}

const yesNo = (v: unknown) => (v ? 'yes' : 'no');

function appRows(apps: Out[]) {
  return table(
    ['APPID', 'TYPE', 'CERTIFIED', 'ALIAS', 'ORIGINAL ID', 'KF ENABLED', 'CREATED'],
    apps.map((a) => [
      a.appid as string,
      a.type as string,
      yesNo(a.certified),
      a.alias as string,
      a.original_id as string,
      yesNo(a.kf_enabled),
      isoTime(Number(a.created_at)),
    ]),
  );
}

function appFields(a: Out): string {
  return fields({
    ...a,
    created_at: isoTime(Number(a.created_at)),
    updated_at: isoTime(Number(a.updated_at)),
  });
}

const bool = (name: string) => (v: string) => {
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  throw new CliError(`${name}: give true or false, not "${v}"`, 2);
};
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** App fields from `apps create` / `apps update` flags, in the admin API's names. */
function appFieldsFrom(o: Record<string, unknown>): Out {
  const out: Out = {};
  const map: Record<string, string> = {
    secret: 'secret',
    type: 'type',
    alias: 'alias',
    originalId: 'original_id',
    certified: 'certified',
    kfEnabled: 'kf_enabled',
    secretFrozen: 'secret_frozen',
    ipWhitelist: 'ip_whitelist',
  };
  for (const [flag, field] of Object.entries(map)) if (o[flag] !== undefined) out[field] = o[flag];
  if (Array.isArray(o.dailyQuota) && o.dailyQuota.length > 0) {
    out.daily_quotas = Object.fromEntries(
      (o.dailyQuota as string[]).map((q) => {
        const m = /^(\/\S+)=(\d+)$/.exec(q);
        if (!m) throw new CliError(`--daily-quota: give PATH=CALLS, such as /customservice/kfaccount/add=10, not "${q}"`, 2);
        return [m[1], Number(m[2])];
      }),
    );
  }
  return out;
}

function appFlags(cmd: Command, creating: boolean): Command {
  return cmd
    .option('--secret <hex>', creating ? '32 hex characters (generated when absent)' : 'a new secret: 32 hex characters')
    .option('--type <type>', 'mini_program, minigame, subscription or service')
    .option('--alias <wechat-id>', "the app's WeChat ID (the kf_account suffix)")
    .option('--original-id <gh_id>', '"gh_" + 12 hex')
    .option('--certified <bool>', 'certified (微信认证): true or false', bool('--certified'))
    .option('--kf-enabled <bool>', 'new customer service enabled: true or false', bool('--kf-enabled'))
    .option('--secret-frozen <bool>', 'secret frozen (40243): true or false', bool('--secret-frozen'))
    .option('--ip-whitelist <ips>', 'comma-separated IPs allowed to ask for tokens (empty: any)', list)
    .option('--daily-quota <path=calls>', 'a daily limit for one interface (repeatable)', (v: string, prev: string[] = []) => [
      ...prev,
      v,
    ]);
}

function clockHuman(c: Out): string {
  const offset = Number(c.offset);
  const state = c.frozen ? 'frozen' : offset === 0 ? 'real time' : 'running, offset from real time';
  return fields({ now: `${isoTime(Number(c.now))} (${c.now})`, state, offset: `${offset >= 0 ? '+' : ''}${offset} s` });
}

function journalRows(entries: Out[]): string {
  if (entries.length === 0) return 'no requests match';
  return table(
    ['TIME', 'RID', 'PATH', 'APPID', 'ERRCODE', 'REASON'],
    entries.map((e) => [
      isoTime(Number(e.invoke_time)),
      e.rid as string,
      e.path as string,
      (e.appid as string) ?? '',
      String(e.errcode),
      (e.reason as string) ?? '',
    ]),
  );
}

/** The commands that act on apps, tokens, accounts, seeds, the clock and the journal. */
export function registerCommands(program: Command): void {
  const apps = program.command('apps').description('list, show, create, update, delete apps and rotate their secrets');
  target(apps.command('list').description('every app')).action(
    action(async (c) => {
      const all = (await ok(c, 'GET', '/apps')).apps as Out[];
      return { json: all, human: all.length === 0 ? 'no apps (create one: wxkf apps create)' : appRows(all) };
    }),
  );
  target(apps.command('show').argument('<appid>').description('one app with every field')).action(
    action(async (c, appid: string) => {
      const app = await ok(c, 'GET', `/apps/${encodeURIComponent(appid)}`);
      return { json: app, human: appFields(app) };
    }),
  );
  target(
    appFlags(
      apps.command('create').argument('[appid]', '"wx" + 16 lower-case hex (generated when absent)').description('a new app'),
      true,
    ),
  ).action(
    action(async (c, appid: string | undefined, opts: Options) => {
      const id = appid ?? `wx${new CryptoRandom().bytes(8).toString('hex')}`;
      const app = await ok(c, 'POST', '/apps', { appid: id, ...appFieldsFrom(opts as Record<string, unknown>) });
      return { json: app, human: appFields(app) };
    }),
  );
  target(appFlags(apps.command('update').argument('<appid>').description("change an app's fields"), false)).action(
    action(async (c, appid: string, opts: Options) => {
      const change = appFieldsFrom(opts as Record<string, unknown>);
      if (Object.keys(change).length === 0) throw new CliError('apps update: give at least one field to change (see --help)', 2);
      const app = await ok(c, 'PATCH', `/apps/${encodeURIComponent(appid)}`, change);
      return { json: app, human: appFields(app) };
    }),
  );
  target(apps.command('rotate-secret').argument('<appid>').description('a new secret (the old one stops at once)')).action(
    action(async (c, appid: string) => {
      const out = await ok(c, 'POST', `/apps/${encodeURIComponent(appid)}/secret`);
      return { json: out, human: `secret: ${String(out.secret)}` };
    }),
  );
  target(apps.command('delete').argument('<appid>').description('the app with its tokens and accounts')).action(
    action(async (c, appid: string) => {
      await ok(c, 'DELETE', `/apps/${encodeURIComponent(appid)}`);
      return { json: { deleted: appid }, human: `deleted ${appid}` };
    }),
  );

  target(
    program.command('token').argument('<appid>').description('issue an access_token for an app (as /cgi-bin/token would)'),
  ).action(
    action(async (c, appid: string) => {
      const out = await ok(c, 'POST', '/tokens', { appid });
      // The token alone on stdout, so that TOKEN=$(wxkf token APPID) works.
      return { json: out, human: String(out.access_token) };
    }),
  );

  const kf = program.command('kf').description("an app's kf accounts");
  target(kf.command('list').argument('<appid>').description('the accounts with their invitation and online state')).action(
    action(async (c, appid: string) => {
      const accounts = (await ok(c, 'GET', `/apps/${encodeURIComponent(appid)}/kf_accounts`)).kf_accounts as Out[];
      const human =
        accounts.length === 0
          ? `${appid} has no kf accounts`
          : table(
              ['KF_ACCOUNT', 'KF_ID', 'NICKNAME', 'WORKER', 'INVITATION', 'ONLINE'],
              accounts.map((a) => [
                a.kf_account as string,
                String(a.kf_id),
                a.kf_nick as string,
                (a.kf_wx as string) ?? '',
                a.invite_wx ? `${String(a.invite_status)} (${String(a.invite_wx)})` : '',
                a.online_status ? 'yes' : 'no',
              ]),
            );
      return { json: accounts, human };
    }),
  );

  const users = program.command('users').description("an app's simulated users (the people a customer-service test serves)");
  const userRows = (list: Out[]) =>
    list.length === 0
      ? 'no users (make one: wxkf users create APPID)'
      : table(
          ['OPENID', 'NICKNAME', 'SUBSCRIBED', 'SUBSCRIBE TIME'],
          list.map((u) => [u.openid as string, u.nickname as string, yesNo(u.subscribed), isoTime(Number(u.subscribe_time))]),
        );
  const userAnswer = (user: Out) => ({
    json: user,
    human: fields({
      ...user,
      subscribe_time: isoTime(Number(user.subscribe_time)),
      created_at: isoTime(Number(user.created_at)),
    }),
  });
  const userPath = (appid: string, openid?: string) =>
    `/apps/${encodeURIComponent(appid)}/users${openid === undefined ? '' : `/${encodeURIComponent(openid)}`}`;
  target(users.command('list').argument('<appid>').description("the app's users")).action(
    action(async (c, appid: string) => {
      const list = (await ok(c, 'GET', userPath(appid))).users as Out[];
      return { json: list, human: userRows(list) };
    }),
  );
  target(
    users
      .command('create')
      .argument('<appid>')
      .description('a new user (pushes nothing, opens no window)')
      .option('--openid <openid>', '1-64 of A-Za-z0-9_- (generated when absent: o + 27 characters)')
      .option('--nickname <name>', 'shown in the console and logs only')
      .option('--unsubscribed', 'made as not subscribed'),
  ).action(
    action(async (c, appid: string, opts: Options & { openid?: string; nickname?: string; unsubscribed?: boolean }) => {
      const body: Out = {};
      if (opts.openid !== undefined) body.openid = opts.openid;
      if (opts.nickname !== undefined) body.nickname = opts.nickname;
      if (opts.unsubscribed) body.subscribed = false;
      const user = await ok(c, 'POST', userPath(appid), body);
      return userAnswer(user);
    }),
  );
  target(
    users
      .command('update')
      .argument('<appid>')
      .argument('<openid>')
      .description('change a user silently (no push)')
      .option('--nickname <name>')
      .option('--subscribed <bool>', 'true or false', bool('--subscribed')),
  ).action(
    action(async (c, appid: string, openid: string, opts: Options & { nickname?: string; subscribed?: boolean }) => {
      const body: Out = {};
      if (opts.nickname !== undefined) body.nickname = opts.nickname;
      if (opts.subscribed !== undefined) body.subscribed = opts.subscribed;
      if (Object.keys(body).length === 0) throw new CliError('users update: give --nickname or --subscribed', 2);
      const user = await ok(c, 'PATCH', userPath(appid, openid), body);
      return userAnswer(user);
    }),
  );
  target(users.command('delete').argument('<appid>').argument('<openid>').description('remove a user')).action(
    action(async (c, appid: string, openid: string) => {
      await ok(c, 'DELETE', userPath(appid, openid));
      return { json: { deleted: openid }, human: `deleted ${openid}` };
    }),
  );

  target(program.command('seed').argument('<file>').description('apply a seed file (what exists is left as it is)')).action(
    action(async (c, file: string) => {
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new CliError(`seed ${file}: ${(err as Error).message}`);
      }
      const out = await ok(c, 'POST', '/seed', doc);
      const lines = [
        ...((out.apps as Out[]) ?? []).map(
          (a) => `app ${String(a.appid)}: ${a.created ? 'created' : 'exists'}${a.secret ? `, secret ${String(a.secret)}` : ''}`,
        ),
        ...((out.component_platforms as Out[]) ?? []).map(
          (p) =>
            `platform ${String(p.component_appid)}: ${p.created ? 'created' : 'exists'}${p.component_appsecret ? `, secret ${String(p.component_appsecret)}` : ''}`,
        ),
        `kf accounts added: ${String(out.kf_accounts_added)}`,
      ];
      return { json: out, human: lines.join('\n') };
    }),
  );

  target(
    program
      .command('reset')
      .description(
        'remove every app, token, account, platform, quota and journal entry; the clock returns to real time; the admin token stays',
      ),
  ).action(
    action(async (c) => {
      await ok(c, 'POST', '/reset');
      return {
        json: { reset: true },
        human: 'reset: the store is empty and the clock is real time again (the admin token stays)',
      };
    }),
  );

  const clock = target(program.command('clock').description('show or move the deployment clock'));
  clock
    .argument('[action]', 'show (default), advance DURATION, set TIME, freeze, real')
    .argument('[value]', 'advance: 90s, 2h, 7d, -1h; set: Unix seconds or an ISO time')
    .action(
      action(async (c, what: string | undefined, value: string | undefined) => {
        let change: Out | undefined;
        switch (what ?? 'show') {
          case 'show':
            break;
          case 'advance': {
            const seconds = value === undefined ? undefined : parseDuration(value);
            if (seconds === undefined) throw new CliError('clock advance: give a duration such as 90s, 2h, 7d or -1h', 2);
            change = { advance: seconds };
            break;
          }
          case 'set': {
            const at = value === undefined ? undefined : parseTime(value);
            if (at === undefined)
              throw new CliError('clock set: give Unix seconds or an ISO time such as 2026-12-24T08:00:00Z', 2);
            change = { set: at };
            break;
          }
          case 'freeze':
            change = { freeze: true };
            break;
          case 'real':
            change = { real: true };
            break;
          default:
            throw new CliError(`clock: unknown action "${what}" (show, advance, set, freeze, real)`, 2);
        }
        const out = change ? await ok(c, 'POST', '/clock', change) : await ok(c, 'GET', '/clock');
        return { json: out, human: clockHuman(out) };
      }),
    );

  target(program.command('journal').description('requests the WeChat side answered, newest first; with a RID, that request'))
    .argument('[rid]')
    .option('--appid <appid>')
    .option('--path <cgi-path>', 'the interface, such as /customservice/kfaccount/add')
    .option('--errcode <n>')
    .option('--since <when>', 'a duration ago (10m, 2h) or Unix seconds or an ISO time')
    .option('--limit <n>', 'at most this many (default 50)')
    .action(
      action(async (c, rid: string | undefined, opts: Options & Record<string, string | undefined>) => {
        if (rid !== undefined) {
          const entry = await ok(c, 'GET', `/journal/${encodeURIComponent(rid)}`);
          return {
            json: entry,
            human: fields({ ...entry, invoke_time: `${isoTime(Number(entry.invoke_time))} (${entry.invoke_time})` }),
          };
        }
        const q = new URLSearchParams();
        if (opts.appid) q.set('appid', opts.appid);
        if (opts.path) q.set('path', opts.path);
        if (opts.errcode) q.set('errcode', opts.errcode);
        if (opts.since) {
          const ago = parseDuration(opts.since);
          const now = Number((await ok(c, 'GET', '/clock')).now);
          const since = ago !== undefined && /[smhdw]$/.test(opts.since) ? now - ago : parseTime(opts.since);
          if (since === undefined) throw new CliError('--since: give a duration ago (10m, 2h), Unix seconds or an ISO time', 2);
          q.set('since', String(Math.floor(since)));
        }
        q.set('limit', opts.limit ?? '50');
        const entries = (await ok(c, 'GET', `/journal?${q.toString()}`)).entries as Out[];
        return { json: entries, human: journalRows(entries) };
      }),
    );

  program
    .command('admin-token')
    .description('print a new admin token for a store (running servers on it take it up within a second)')
    .option('--rotate', 'make a new admin token (the old one stops working)')
    .option('--db <file>', 'the SQLite file (WXKF_DB; default ./wxkf.db)')
    .option('--database-url <url>', 'the PostgreSQL database (WXKF_DATABASE_URL)')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ rotate?: boolean; db?: string; databaseUrl?: string; json?: boolean }>();
      if (!opts.rotate) {
        throw new CliError(
          'admin-token: the store keeps only the hash, so the token cannot be shown again; --rotate makes a new one',
          2,
        );
      }
      const databaseUrl = opts.databaseUrl ?? (opts.db === undefined ? process.env.WXKF_DATABASE_URL || undefined : undefined);
      const store = await openStore({ db: opts.db ?? (process.env.WXKF_DB || './wxkf.db'), databaseUrl });
      try {
        const token = await rotateAdminToken(store);
        process.stdout.write(opts.json ? `${JSON.stringify({ admin_token: token })}\n` : `${token}\n`);
      } finally {
        await store.close();
      }
    });
}
