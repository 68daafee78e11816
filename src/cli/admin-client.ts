import { buildApp, type WxkfApp } from '../app.js';
import { DeploymentClock, SystemClock } from '../platform/clock.js';
import { CryptoRandom } from '../platform/random.js';
import { describeStore, openStore } from '../serve.js';
import type { Store } from '../store/store.js';

/** A one-line failure the CLI prints as `wxkf: <message>` and exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

export interface TargetOptions {
  url?: string;
  adminToken?: string;
  db?: string;
  databaseUrl?: string;
}

export interface AdminAnswer {
  status: number;
  json: Record<string, unknown>;
}

/**
 * The admin API, reached over HTTP (a running server: `--url`/WXKF_BASE_URL with the admin token)
 * or in this process on a store (`--db`/`--database-url`): one set of routes either way, so a
 * command behaves the same on both.
 */
export interface AdminClient {
  readonly target: string;
  request(method: string, path: string, body?: unknown): Promise<AdminAnswer>;
  close(): Promise<void>;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The client for the options given: a store when one is named, else a server. */
export async function adminClient(opts: TargetOptions, env: NodeJS.ProcessEnv = process.env): Promise<AdminClient> {
  // Only the flags pick a store: WXKF_DATABASE_URL is wxkf serve's, and must not turn a command
  // away from the server --url or WXKF_BASE_URL names.
  if (opts.db !== undefined || opts.databaseUrl !== undefined)
    return storeClient({ db: opts.db ?? './wxkf.db', databaseUrl: opts.databaseUrl });
  const url = (opts.url ?? (env.WXKF_BASE_URL || DEFAULT_URL)).replace(/\/$/, '');
  const token = opts.adminToken ?? (env.WXKF_ADMIN_TOKEN || undefined);
  if (token === undefined) {
    throw new CliError(
      `${url} needs the admin token: --admin-token or WXKF_ADMIN_TOKEN (or name a store with --db / --database-url)`,
      2,
    );
  }
  return httpClient(url, token);
}

function httpClient(url: string, token: string): AdminClient {
  return {
    target: url,
    async request(method, path, body) {
      let res: Response;
      try {
        res = await fetch(`${url}/admin/api${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        const c = (err as { cause?: { code?: string; message?: string } }).cause;
        const cause = c?.code ?? c?.message ?? (err as Error).message;
        throw new CliError(
          `cannot reach ${url} (${cause}): is \`wxkf serve\` running there? --url or WXKF_BASE_URL names another server`,
        );
      }
      const text = await res.text();
      return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
    },
    async close() {},
  };
}

/** An in-process node on the store, with an admin token of its own that never leaves this process. */
async function storeClient(config: { db: string; databaseUrl: string | undefined }): Promise<AdminClient> {
  let store: Store;
  try {
    store = await openStore(config);
  } catch (err) {
    throw new CliError(`cannot open the store (${describeStore(config)}): ${(err as Error).message}`);
  }
  const random = new CryptoRandom();
  const token = random.bytes(24).toString('base64url');
  let wxkf: WxkfApp;
  try {
    wxkf = await buildApp({
      store,
      clock: new DeploymentClock(new SystemClock()),
      random,
      adminToken: { plain: token },
      adminTokenFromStore: false,
      logger: false,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    target: describeStore(config),
    async request(method, path, body) {
      const res = await wxkf.fastify.inject({
        method: method as 'GET',
        url: `/admin/api${path}`,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, json: res.body === '' ? {} : (JSON.parse(res.body) as Record<string, unknown>) };
    },
    async close() {
      await wxkf.fastify.close();
      await store.close();
    },
  };
}

/** The answer's JSON, or a CliError with the admin API's own message. */
export async function ok(client: AdminClient, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const a = await client.request(method, path, body);
  if (a.status === 401) throw new CliError(`${client.target} refused the admin token (--admin-token or WXKF_ADMIN_TOKEN)`);
  if (a.status >= 400) throw new CliError(String(a.json.error ?? `HTTP ${a.status}`));
  return a.json;
}
