#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig, type ConfigFlags } from './platform/config.js';
import { startServer, type RunningServer } from './serve.js';

function banner(server: RunningServer): string {
  const { report, url } = server;
  const lines = [`wxkf listening on ${url} (store: ${server.store.kind})`];
  if (report.adminTokenGenerated) {
    lines.push(`admin token (shown once, stored hashed): ${report.adminTokenGenerated}`);
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
      `  TOKEN=$(curl -s "${url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}" | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
      `  curl -s -X POST "${url}/customservice/kfaccount/add?access_token=$TOKEN" -d '{"kf_account":"test1@${alias}","nickname":"客服1"}'`,
      '',
      'the web console is not part of this version yet; the admin API is at /admin/api/',
    );
  }
  for (const app of report.seed?.apps ?? []) {
    if (app.secret) lines.push(`seeded app ${app.appid}: secret ${app.secret}`);
  }
  return lines.join('\n');
}

const program = new Command()
  .name('wxkf')
  .description("An open implementation of WeChat's customer-service-account (kf) API");

program
  .command('serve')
  .description('run the server (SQLite file ./wxkf.db by default)')
  .option('--host <host>', 'address to listen on (WXKF_HOST; default 127.0.0.1)')
  .option('--port <port>', 'port to listen on (WXKF_PORT; default 8080; 0 picks a free one)')
  .option('--db <file>', 'SQLite file, or :memory: (WXKF_DB; default ./wxkf.db)')
  .option('--database-url <url>', 'PostgreSQL instead of SQLite (WXKF_DATABASE_URL)')
  .option('--admin-token <token>', 'bearer token of the admin API (WXKF_ADMIN_TOKEN; generated at first start if absent)')
  .option('--seed <file>', 'seed file: apps, platforms and accounts to create if absent')
  .option('--forbidden-words <file>', 'one word a line, refused in kf nicknames')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (WXKF_LOG_LEVEL; default info)')
  .action(async (flags: ConfigFlags) => {
    const loaded = loadConfig(flags, process.env);
    if (!loaded.ok) {
      process.stderr.write(`wxkf: ${loaded.problems.join('; ')}\n`);
      process.exit(2);
    }
    let server: RunningServer;
    try {
      server = await startServer(loaded.config);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      process.stderr.write(`wxkf: ${(err as Error).message}${typeof code === 'string' ? ` (${code})` : ''}\n`);
      if (process.env.WXKF_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    }
    process.stdout.write(`${banner(server)}\n`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`wxkf: ${signal}, finishing requests in flight\n`);
      server.close().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`wxkf: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

await program.parseAsync(process.argv);
