import type { Command } from 'commander';
import { CliError, adminClient, type AdminClient, type TargetOptions } from './admin-client.js';

/** What every command that talks to wxkf shares: where it acts, and how it prints. */
export type Options = TargetOptions & { json?: boolean };
export type Out = Record<string, unknown>;

/** The options every command that talks to wxkf takes: where it is, and how to print. */
export function target(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'a running server (WXKF_BASE_URL; default http://127.0.0.1:8080)')
    .option('--admin-token <token>', "the server's admin token (WXKF_ADMIN_TOKEN)")
    .option('--db <file>', 'act on this SQLite file directly instead of a server')
    .option('--database-url <url>', 'act on this PostgreSQL database directly instead of a server (WXKF_DATABASE_URL)')
    .option('--json', 'print JSON for scripts instead of tables');
}

/** Runs `work` against the target the options name and prints what it returns: JSON, or its human form. */
type Work = (client: AdminClient, ...args: never[]) => Promise<{ json: unknown; human: string }>;
export function action(work: Work) {
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

export const yesNo = (v: unknown) => (v ? 'yes' : 'no');

export const bool = (name: string) => (v: string) => {
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  throw new CliError(`${name}: give true or false, not "${v}"`, 2);
};
export const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
