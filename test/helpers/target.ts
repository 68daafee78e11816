import { loadConfig } from '../../src/platform/config.js';
import { startServer, type RunningServer } from '../../src/serve.js';

/**
 * The deployment a conformance file talks to: WXKF_BASE_URL (with WXKF_ADMIN_TOKEN) when set,
 * else a server of its own on an in-memory store and a free port, spoken to over real HTTP only.
 */
export interface Target {
  baseUrl: string;
  adminToken: string;
  close(): Promise<void>;
}

export const TEST_ADMIN_TOKEN = 'conformance-admin-token';

export async function startTarget(): Promise<Target> {
  const external = process.env.WXKF_BASE_URL;
  if (external) {
    const adminToken = process.env.WXKF_ADMIN_TOKEN;
    if (!adminToken) throw new Error('WXKF_BASE_URL needs WXKF_ADMIN_TOKEN (the deployment\'s admin token)');
    return { baseUrl: external.replace(/\/$/, ''), adminToken, close: async () => {} };
  }
  const loaded = loadConfig({ db: ':memory:', port: '0', adminToken: TEST_ADMIN_TOKEN, logLevel: 'silent' }, {});
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  // A seed stands in for the demo app, so the store starts empty.
  const server: RunningServer = await startServer({ ...loaded.config, seedFile: undefined }, { logger: false });
  await server.wxkf.admin.reset();
  return { baseUrl: server.url, adminToken: TEST_ADMIN_TOKEN, close: () => server.close() };
}
