import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CryptoRandom } from '../platform/random.js';
import { CliError } from './admin-client.js';
import { loadOrFail, start } from './serve-command.js';

export interface ExecOptions {
  db?: string;
  databaseUrl?: string;
  seed?: string;
  adminToken?: string;
  port?: string;
  logLevel?: string;
}

/**
 * `wxkf exec -- <command>`: a server of its own (an in-memory store unless --db or --database-url
 * names one, a free port), the command run with WXKF_BASE_URL and WXKF_ADMIN_TOKEN (and the demo
 * app's WXKF_APPID and WXKF_SECRET when no seed is given), then the server stopped. Exits with
 * the command's code (128 + the signal's number when a signal ended it).
 */
export async function execCommand(command: string[], opts: ExecOptions): Promise<number> {
  if (command.length === 0) throw new CliError('exec: give the command to run after --, such as wxkf exec -- npm test', 2);
  // Without --admin-token, a token this server alone accepts: a store of the user's keeps its own.
  const adminToken = opts.adminToken ?? new CryptoRandom().bytes(24).toString('base64url');
  const config = loadOrFail(
    {
      db: opts.db ?? ':memory:',
      databaseUrl: opts.databaseUrl,
      seed: opts.seed,
      adminToken: opts.adminToken,
      port: opts.port ?? '0',
      logLevel: opts.logLevel ?? 'warn',
    },
    {},
  );
  const server = await start(config, { localAdminToken: opts.adminToken === undefined ? adminToken : undefined });
  const env: NodeJS.ProcessEnv = { ...process.env, WXKF_BASE_URL: server.url, WXKF_ADMIN_TOKEN: adminToken };
  if (server.report.demoApp) {
    env.WXKF_APPID = server.report.demoApp.appid;
    env.WXKF_SECRET = server.report.demoApp.secret;
  }
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(command[0] as string, command.slice(1), { stdio: 'inherit', env });
      const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
      // Ctrl-C reaches the command from the terminal already (one process group): pass SIGINT on
      // only if it is still running 2 s later (the signal was sent to wxkf alone).
      const onInt = () =>
        setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGINT'), 2000).unref();
      const onTerm = forward('SIGTERM');
      const onHup = forward('SIGHUP');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      process.on('SIGHUP', onHup);
      child.on('error', (err) => reject(new CliError(`exec: cannot run ${command[0]}: ${err.message}`, 127)));
      child.on('exit', (code, signal) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        process.off('SIGHUP', onHup);
        resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1));
      });
    });
  } finally {
    await server.close();
  }
}
