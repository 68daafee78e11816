import type { Command } from 'commander';
import { CryptoRandom } from '../platform/random.js';
import { CliError, ok } from './admin-client.js';
import { action, bool, list, target, yesNo, type Options, type Out } from './command-kit.js';
import { fields, isoTime, table } from './format.js';

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
    windowProfile: 'window_profile',
    windowCounting: 'window_counting',
    label: 'label',
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
    .option('--window-profile <profile>', 'the interaction window: current (5 / 48 h) or legacy (20 / 48 h)')
    .option('--window-counting <counting>', "a grant's sends counted: accumulate or reset")
    .option('--label <label>', "a test worker's label: POST /admin/api/reset {label} removes only its apps")
    .option('--ip-whitelist <ips>', 'comma-separated IPs allowed to ask for tokens (empty: any)', list)
    .option('--daily-quota <path=calls>', 'a daily limit for one interface (repeatable)', (v: string, prev: string[] = []) => [
      ...prev,
      v,
    ]);
}

/** Commands on apps and what belongs to one: apps, tokens, kf accounts, simulated users. */
export function registerAppCommands(program: Command): void {
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
}
