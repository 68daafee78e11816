import type { Command } from 'commander';
import { loadConfig, type Config, type ConfigFlags } from '../platform/config.js';
import { startServer, type RunningServer, type StartOptions } from '../serve.js';
import { CliError } from './admin-client.js';
import { isoTime } from './format.js';

/** The one-liner that gets a token and adds a kf account; it says so, and stops, when the token call fails. */
export function curlPair(url: string, appid: string, secret: string, alias: string): string[] {
  const tokenUrl = `${url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}`;
  return [
    `  ANSWER=$(curl -sS "${tokenUrl}"); TOKEN=$(printf '%s' "$ANSWER" | sed -nE 's/.*"access_token":"([^"]+)".*/\\1/p'); [ -n "$TOKEN" ] || echo "token call failed: $ANSWER" >&2`,
    `  curl -sS -X POST "${url}/customservice/kfaccount/add?access_token=$TOKEN" -d '{"kf_account":"test1@${alias}","nickname":"客服1"}'`,
  ];
}

/** What the server holds and where everything is; the secrets only when this start made them. */
export function banner(server: RunningServer, config: Pick<Config, 'db' | 'databaseUrl'>, version: string): string {
  const { report, url } = server;
  const { stats, clock } = report;
  const lines = [`wxkf listening on ${url} (version ${version})`];
  const holds = `${stats.apps} app${stats.apps === 1 ? '' : 's'}, ${stats.kf_accounts} kf account${stats.kf_accounts === 1 ? '' : 's'}`;
  lines.push(`  store:     ${report.storeDescription} (${holds})`);
  if (clock.frozen || clock.offset !== 0) {
    const how = clock.frozen ? 'frozen' : 'running';
    lines.push(
      `  clock:     ${how} at ${isoTime(clock.now)}, ${clock.offset >= 0 ? '+' : ''}${clock.offset} s from real time (\`wxkf clock real\` returns it)`,
    );
  }
  lines.push(`  admin API: ${url}/admin/api/ (Authorization: Bearer <admin token>)`);
  lines.push(`  console:   ${url}/console/ (sign in with the admin token)`);
  const storeFlag = config.databaseUrl !== undefined ? '--database-url <url>' : `--db ${config.db}`;
  if (report.adminTokenGenerated) {
    lines.push('', `admin token (shown once, stored hashed): ${report.adminTokenGenerated}`);
  } else {
    const from =
      report.adminTokenSource === 'flag' ? 'given by --admin-token / WXKF_ADMIN_TOKEN' : 'stored hashed, not shown again';
    lines.push(`  admin token: ${from}; \`wxkf admin-token --rotate ${storeFlag}\` prints a new one`);
  }
  if (report.demoApp) {
    const { appid, secret, alias } = report.demoApp;
    lines.push(
      '',
      'demo app (certified Service Account, new customer service enabled):',
      `  appid:  ${appid}`,
      `  secret: ${secret}`,
      `  alias:  ${alias}`,
      '',
      'try it:',
      ...curlPair(url, appid, secret, alias),
    );
  } else if (stats.apps === 0) {
    lines.push('', 'no apps: `wxkf apps create` or POST /admin/api/apps makes one (a reset removes every app, the demo app too)');
  }
  for (const app of report.seed?.apps ?? []) {
    if (app.secret) lines.push(`seeded app ${app.appid}: secret ${app.secret}`);
  }
  return lines.join('\n');
}

/**
 * Stops on SIGTERM/SIGINT: stops accepting, finishes requests in flight, closes the store, says
 * so. With `exitWithParent`, also when the process that started it is gone (npm start killed).
 */
export function stopOnSignals(server: RunningServer, exitWithParent: boolean): void {
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`wxkf: ${why}, finishing requests in flight\n`);
    server.close().then(
      () => {
        process.stderr.write('wxkf: stopped\n');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`wxkf: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  if (exitWithParent) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop(`the process that started wxkf (${parent}) is gone`);
    }, 500).unref();
  }
}

export function serveOptions(cmd: Command): Command {
  return cmd
    .option('--host <host>', 'address to listen on (WXKF_HOST; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (WXKF_PORT; default 8080; 0 picks a free one)')
    .option('--db <file>', 'SQLite file, or :memory: (WXKF_DB; default ./wxkf.db)')
    .option('--database-url <url>', 'PostgreSQL instead of SQLite (WXKF_DATABASE_URL)')
    .option('--admin-token <token>', 'bearer token of the admin API (WXKF_ADMIN_TOKEN; generated at first start if absent)')
    .option('--seed <file>', 'seed file: apps, platforms and accounts to create if absent')
    .option('--forbidden-words <file>', 'one word a line, refused in kf nicknames')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (WXKF_LOG_LEVEL; default info)');
}

export function loadOrFail(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const loaded = loadConfig(flags, env);
  if (!loaded.ok) throw new CliError(loaded.problems.join('; '), 2);
  return loaded.config;
}

/** Starts a server, or a one-line reason (with the error's code) to exit on. */
export async function start(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  try {
    return await startServer(config, opts);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (process.env.WXKF_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    let message = (err as Error).message;
    if (code === 'EADDRINUSE') message += ': another process holds the port (--port picks another; nothing was created)';
    throw new CliError(`${message}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}
