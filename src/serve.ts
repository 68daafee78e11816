import { readFileSync } from 'node:fs';
import { buildApp, type WxkfApp } from './app.js';
import { DeploymentClock, SystemClock, type Clock } from './platform/clock.js';
import { parseForbiddenWords, type Config } from './platform/config.js';
import { CryptoRandom, type Random } from './platform/random.js';
import { openPostgresStore } from './store/postgres.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';
import { hashToken } from './domains/credentials/tokens.js';
import type { SeedResult } from './domains/admin/service.js';
import { validateSeed } from './domains/admin/validate.js';

const ADMIN_TOKEN_META_KEY = 'admin_token_sha256';
const INITIALIZED_META_KEY = 'initialized';

/** What a first start made, for the banner: only then are secrets shown. */
export interface StartReport {
  adminTokenGenerated: string | undefined;
  demoApp: { appid: string; secret: string; alias: string } | undefined;
  seed: SeedResult | undefined;
}

export interface RunningServer {
  wxkf: WxkfApp;
  store: Store;
  url: string;
  report: StartReport;
  close(): Promise<void>;
}

/** PostgreSQL when a database URL is given, else the SQLite file. */
export async function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl !== undefined) return openPostgresStore(config.databaseUrl);
  return openSqliteStore(config.db);
}

/** Reads, parses and validates a seed file; throws with every problem named. */
export function readSeedFile(file: string) {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`seed ${file}: ${(err as Error).message}`);
  }
  const seed = validateSeed(doc);
  if (!seed.ok) throw new Error(`seed ${file}: ${seed.errors.join('; ')}`);
  return seed.value;
}

/** The admin token: the configured one (its hash is stored), else the stored hash, else a new one. */
async function resolveAdminToken(store: Store, config: Config, random: Random) {
  if (config.adminToken !== undefined) {
    await store.setMeta(ADMIN_TOKEN_META_KEY, hashToken(config.adminToken));
    return { token: { plain: config.adminToken }, generated: undefined };
  }
  const stored = await store.getMeta(ADMIN_TOKEN_META_KEY);
  if (stored) return { token: { hash: stored }, generated: undefined };
  const fresh = random.bytes(24).toString('base64url');
  await store.setMeta(ADMIN_TOKEN_META_KEY, hashToken(fresh));
  return { token: { plain: fresh }, generated: fresh };
}

export interface StartOptions {
  clock?: Clock;
  random?: Random;
  logger?: boolean | object;
}

/** Opens the store, applies the seed or makes the demo app on a first start, builds and listens. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const random = opts.random ?? new CryptoRandom();
  const clock = new DeploymentClock(opts.clock ?? new SystemClock());
  const forbiddenWords = config.forbiddenWordsFile
    ? parseForbiddenWords(readFileSync(config.forbiddenWordsFile, 'utf8'))
    : [];
  const seed = config.seedFile ? readSeedFile(config.seedFile) : undefined;
  const store = await openStore(config);
  try {
    const admin = await resolveAdminToken(store, config, random);
    const logger = opts.logger ?? { level: config.logLevel };
    const wxkf = await buildApp({ store, clock, random, adminToken: admin.token, forbiddenWords, logger });
    const report: StartReport = { adminTokenGenerated: admin.generated, demoApp: undefined, seed: undefined };
    if (seed) report.seed = await wxkf.admin.applySeed(seed);
    const firstStart = (await store.getMeta(INITIALIZED_META_KEY)) === undefined;
    if (firstStart && !seed && (await store.listApps()).length === 0) {
      const demo = await wxkf.admin.createDemoApp();
      report.demoApp = { appid: demo.appid, secret: demo.secret, alias: demo.alias };
    }
    await store.setMeta(INITIALIZED_META_KEY, '1');
    const address = await wxkf.fastify.listen({ host: config.host, port: config.port });
    return {
      wxkf,
      store,
      url: address,
      report,
      close: async () => {
        await wxkf.fastify.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
