import { loadConfig } from '../../src/platform/config.js';
import { startServer, type RunningServer } from '../../src/serve.js';
import { BACKEND, createTestDatabase } from './pg.js';

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
    if (!adminToken) throw new Error("WXKF_BASE_URL needs WXKF_ADMIN_TOKEN (the deployment's admin token)");
    return { baseUrl: external.replace(/\/$/, ''), adminToken, close: async () => {} };
  }
  const db = BACKEND === 'postgres' ? await createTestDatabase() : undefined;
  const flags = { db: ':memory:', port: '0', adminToken: TEST_ADMIN_TOKEN, logLevel: 'silent', databaseUrl: db?.url };
  const loaded = loadConfig(flags, {});
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const server: RunningServer = await startServer(loaded.config, { logger: false });
  // Tests seed what they need; the demo app of a first start goes.
  await server.wxkf.admin.reset();
  return {
    baseUrl: server.url,
    adminToken: TEST_ADMIN_TOKEN,
    close: async () => {
      await server.close();
      await db?.drop();
    },
  };
}
