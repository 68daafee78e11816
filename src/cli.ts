#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliError } from './cli/admin-client.js';
import { registerCommands } from './cli/commands.js';
import { execCommand, type ExecOptions } from './cli/exec.js';
import { banner, loadOrFail, serveOptions, start, stopOnSignals } from './cli/serve-command.js';
import type { ConfigFlags } from './platform/config.js';
import { VERSION } from './version.js';

const program = new Command()
  .name('wxkf')
  .description("An open implementation of WeChat's customer-service (kf) API, for development and testing")
  .version(VERSION, '-v, --version')
  .option('--url <url>', 'a running server, for the commands that talk to one (WXKF_BASE_URL; default http://127.0.0.1:8080)')
  .option('--admin-token <token>', "the server's admin token (WXKF_ADMIN_TOKEN)")
  .option('--json', 'print JSON for scripts instead of tables')
  // Options before a command's name are wxkf's own; after it, the command's.
  .enablePositionalOptions()
  .showHelpAfterError()
  .exitOverride();

serveOptions(program.command('serve').description('run the server (SQLite file ./wxkf.db by default)'))
  .option('--exit-with-parent', 'stop when the process that started wxkf is gone (npm start uses it)')
  .action(async (_flags: unknown, cmd: Command) => {
    // Options before `serve` (wxkf --admin-token X serve) count too.
    const flags = cmd.optsWithGlobals<ConfigFlags & { exitWithParent?: boolean }>();
    const config = loadOrFail(flags);
    const server = await start(config);
    // Started through npm (npm start, npx wxkf, an npm script): a shell may stand between npm and
    // this process and not pass signals on, so the server also stops when its parent is gone.
    // Before the banner: whoever reads the address may signal at once.
    stopOnSignals(server, flags.exitWithParent === true || process.env.npm_execpath !== undefined);
    process.stdout.write(`${banner(server, config, VERSION)}\n`);
  });

program
  .command('exec')
  .description(
    'run a command against a server of its own (in memory), with WXKF_BASE_URL and WXKF_ADMIN_TOKEN set; exit with its code',
  )
  .argument('<command...>', 'the command and its arguments, after --')
  .option('--db <file>', 'SQLite file instead of memory')
  .option('--database-url <url>', 'PostgreSQL instead of memory')
  .option('--seed <file>', 'seed file to apply first (no demo app then)')
  .option('--admin-token <token>', 'the admin token to use (generated when absent)')
  .option('--port <port>', 'port (default: a free one)')
  .option('--log-level <level>', 'the server log level (default warn)')
  .action(async (command: string[], _opts: unknown, cmd: Command) => {
    process.exitCode = await execCommand(command, cmd.optsWithGlobals<ExecOptions>());
  });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // commander has printed the usage error; 2 is a usage error, as for wxkf's own (help and --version exit 0).
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  const code = err instanceof CliError ? err.code : 1;
  process.stderr.write(`wxkf: ${(err as Error).message}\n`);
  if (process.env.WXKF_DEBUG && !(err instanceof CliError)) process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(code);
}
