import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openStore, rotateAdminToken } from '../serve.js';
import { CliError, ok } from './admin-client.js';
import { action, target, type Options, type Out } from './command-kit.js';
import { fields, isoTime, parseDuration, parseTime, table } from './format.js';

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

/** Commands on the deployment as a whole: seed, reset, clock, journal, admin token. */
export function registerDeploymentCommands(program: Command): void {
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
