import type { Command } from 'commander';
import { CliError, ok } from './admin-client.js';
import { action, target, type Options, type Out } from './command-kit.js';
import { fields, isoTime, table } from './format.js';

const app = (appid: string) => `/apps/${encodeURIComponent(appid)}`;
/** `say` fields that are numbers (a location's coordinates and scale); every other is a string. */
const NUMBER_FIELDS = new Set(['x', 'y', 'scale']);

function query(pairs: Record<string, string | undefined>): string {
  const q = Object.entries(pairs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v as string)}`);
  return q.length === 0 ? '' : `?${q.join('&')}`;
}

const deliveryLine = (d: Out): (string | number)[] => [
  d.id as number,
  isoTime(Number(d.create_time)),
  (d.openid as string | null) ?? '-',
  (d.event as string | null) ?? (d.msg_type as string | null) ?? (d.kind as string),
  d.trigger as string,
  d.status as string,
  (d.reply as { problem?: string } | null)?.problem ?? '',
];

/** The customer-service flow from a terminal: a user's actions, the outbox, deliveries, windows. */
export function registerFlowCommands(program: Command): void {
  target(
    program
      .command('say')
      .argument('<appid>')
      .argument('<openid>')
      .argument(
        '<type>',
        'text, image, voice, video, shortvideo, location, link, msgmenu_click, subscribe, unsubscribe, scan, click, view, scancode_push, scancode_waitmsg',
      )
      .argument('[fields...]', 'the type\'s fields as key=value (content="hi there", x=23.1, key=MENU_1)')
      .option('--no-wait', 'answer once the action took effect, without waiting for the delivery')
      .description("a simulated user acts: the push is delivered to the app's webhook and the reply judged"),
  ).action(
    action(async (c, appid: string, openid: string, type: string, pairs: string[], opts: Options & { wait?: boolean }) => {
      const body: Out = { type };
      for (const pair of pairs) {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new CliError(`say: a field is key=value, not "${pair}"`, 2);
        const key = pair.slice(0, eq);
        const value = pair.slice(eq + 1);
        body[key] = NUMBER_FIELDS.has(key) ? Number(value) : value;
      }
      if (opts.wait === false) body.wait = false;
      const d = await ok(c, 'POST', `${app(appid)}/users/${encodeURIComponent(openid)}/say`, body);
      if (d.delivery_id !== undefined) return { json: d, human: `delivery ${String(d.delivery_id)} queued` };
      const human = fields({
        id: d.id,
        status: d.status,
        kind: d.kind,
        msg_id: d.msg_id,
        problem: (d.reply as Out | null)?.problem ?? null,
        user_notice: d.user_notice,
      });
      return { json: d, human };
    }),
  );

  const outbox = program
    .command('outbox')
    .description('what apps sent (custom/send, typing) and users received (passive replies)');
  target(
    outbox
      .command('list')
      .argument('<appid>')
      .option('--openid <openid>')
      .option('--errcode <n>')
      .option('--path <path>', 'e.g. /cgi-bin/message/custom/send or passive_reply')
      .option('--since-id <id>')
      .option('--wait <seconds>', 'wait up to this many seconds (at most 30) for an entry')
      .description('outbox entries, oldest first'),
  ).action(
    action(async (c, appid: string, o: Options & Record<string, string | undefined>) => {
      const q = query({ openid: o.openid, errcode: o.errcode, path: o.path, since_id: o.sinceId, wait: o.wait });
      const out = await ok(c, 'GET', `${app(appid)}/outbox${q}`);
      const entries = out.entries as Out[];
      const human =
        entries.length === 0
          ? 'no entries'
          : table(
              ['ID', 'TIME', 'OPENID', 'PATH', 'ERRCODE', 'TYPE', 'KF ACCOUNT'],
              entries.map((e) => [
                e.id as number,
                isoTime(Number(e.time)),
                (e.openid as string | null) ?? '-',
                e.path as string,
                e.errcode as number,
                ((e.msgtype ?? e.command) as string | null) ?? '-',
                (e.kf_account as string | null) ?? '-',
              ]),
            );
      return { json: out, human };
    }),
  );
  target(outbox.command('clear').argument('<appid>').description("empty the app's outbox")).action(
    action(async (c, appid: string) => {
      await ok(c, 'DELETE', `${app(appid)}/outbox`);
      return { json: { cleared: appid }, human: `outbox of ${appid} cleared` };
    }),
  );

  const deliveries = program.command('deliveries').description("pushes to the app's webhook, kf events and URL checks");
  target(
    deliveries
      .command('list')
      .argument('<appid>')
      .option('--openid <openid>')
      .option('--status <status>')
      .option('--kind <kind>', 'message, event or verify')
      .option('--since-id <id>')
      .option('--wait <seconds>')
      .description('deliveries, oldest first'),
  ).action(
    action(async (c, appid: string, o: Options & Record<string, string | undefined>) => {
      const q = query({ openid: o.openid, status: o.status, kind: o.kind, since_id: o.sinceId, wait: o.wait });
      const out = await ok(c, 'GET', `${app(appid)}/deliveries${q}`);
      const list = out.deliveries as Out[];
      const human =
        list.length === 0
          ? 'no deliveries'
          : table(['ID', 'TIME', 'OPENID', 'WHAT', 'TRIGGER', 'STATUS', 'PROBLEM'], list.map(deliveryLine));
      return { json: out, human };
    }),
  );
  target(
    deliveries
      .command('show')
      .argument('<appid>')
      .argument('<id>')
      .description('one delivery with its request, attempts and reply'),
  ).action(
    action(async (c, appid: string, id: string) => {
      const d = await ok(c, 'GET', `${app(appid)}/deliveries/${encodeURIComponent(id)}`);
      return { json: d, human: JSON.stringify(d, null, 2) };
    }),
  );

  target(
    program
      .command('window')
      .argument('<appid>')
      .argument('<openid>')
      .description('may the app send to this user now? (live grants, typing)'),
  ).action(
    action(async (c, appid: string, openid: string) => {
      const w = await ok(c, 'GET', `${app(appid)}/users/${encodeURIComponent(openid)}/window`);
      const grants = (w.grants as Out[]).map(
        (g) => `${String(g.kind)} ${String(g.used)}/${String(g.allowance)} until ${isoTime(Number(g.expires_at))}`,
      );
      return {
        json: w,
        human: fields({
          open: w.open,
          remaining: w.remaining,
          profile: w.profile,
          counting: w.counting,
          grants: grants.join('; ') || 'none',
        }),
      };
    }),
  );
}

/** `wxkf faults list|add|rm`: injected faults (operator.md). */
export function registerFaultCommands(program: Command): void {
  const faults = program.command('faults').description('injected faults: an interface answers an errcode and/or waits');
  const rows = (list: Out[]) =>
    list.length === 0
      ? 'no faults (add one: wxkf faults add PATH --errcode N)'
      : table(
          ['ID', 'PATH', 'APPID', 'ERRCODE', 'COUNT', 'RATIO', 'DELAY MS', 'FIRED', 'REMAINING'],
          list.map((f) => [
            f.id as number,
            f.path as string,
            (f.appid as string | null) ?? '*',
            (f.errcode as number | null) ?? '-',
            (f.count as number | null) ?? '-',
            (f.ratio as number | null) ?? '-',
            (f.delay_ms as number | null) ?? '-',
            f.fired as number,
            (f.remaining as number | null) ?? '-',
          ]),
        );
  target(faults.command('list').description('every fault, with how often it fired')).action(
    action(async (c) => {
      const list = (await ok(c, 'GET', '/faults')).faults as Out[];
      return { json: list, human: rows(list) };
    }),
  );
  target(
    faults
      .command('add')
      .argument('<path>', 'a WeChat-side path; every path of its interface is matched')
      .option('--appid <appid>', 'only calls of this app (after its token resolved)')
      .option('--errcode <n>', 'answer this errcode', Number)
      .option('--errmsg <text>', "the errmsg (default: the errcode table's; required for a code it lacks)")
      .option('--count <n>', 'only the next N matching calls, across all nodes', Number)
      .option('--ratio <r>', 'each matching call with this probability, in (0, 1]', Number)
      .option('--delay-ms <ms>', 'wait at least this long first', Number)
      .description('a new fault'),
  ).action(
    action(async (c, path: string, o: Options & Record<string, unknown>) => {
      const body: Out = { path };
      for (const [flag, field] of [
        ['appid', 'appid'],
        ['errcode', 'errcode'],
        ['errmsg', 'errmsg'],
        ['count', 'count'],
        ['ratio', 'ratio'],
        ['delayMs', 'delay_ms'],
      ] as const) {
        if (o[flag] !== undefined) body[field] = o[flag];
      }
      const f = await ok(c, 'POST', '/faults', body);
      return { json: f, human: rows([f]) };
    }),
  );
  target(faults.command('rm').argument('<id>').description('remove a fault (it stops at once)')).action(
    action(async (c, id: string) => {
      await ok(c, 'DELETE', `/faults/${encodeURIComponent(id)}`);
      return { json: { removed: Number(id) }, human: `removed fault ${id}` };
    }),
  );
}
