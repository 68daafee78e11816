import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildApp, type WxkfApp } from './app.js';
import { DeploymentClock, SystemClock, type Clock } from './platform/clock.js';
import { parseForbiddenWords, type Config } from './platform/config.js';
import { CryptoRandom, type Random } from './platform/random.js';
import { openPostgresStore } from './store/postgres.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';
import { hashToken } from './domains/credentials/tokens.js';
import { ADMIN_TOKEN_META_KEY, type ClockView, type SeedResult } from './domains/admin/service.js';
import { validateSeed } from './domains/admin/validate.js';

const INITIALIZED_META_KEY = 'initialized';

/** What a start made and found, for the banner: one-time secrets are shown only by the start that made them. */
export interface StartReport {
  adminTokenGenerated: string | undefined;
  /** Whether the store had an admin token before this start, or --admin-token gave one. */
  adminTokenSource: 'generated' | 'flag' | 'stored';
  demoApp: { appid: string; secret: string; alias: string } | undefined;
  seed: SeedResult | undefined;
  /** The store as a person reads it: the SQLite file's full path, or the database URL without its password. */
  storeDescription: string;
  stats: { apps: number; kf_accounts: number };
  clock: ClockView;
}

export interface RunningServer {
  wxkf: WxkfApp;
  store: Store;
  url: string;
  report: StartReport;
  close(): Promise<void>;
}

/** PostgreSQL when a database URL is given, else the SQLite file. */
export async function openStore(config: Pick<Config, 'db' | 'databaseUrl'>): Promise<Store> {
  if (config.databaseUrl !== undefined) return openPostgresStore(config.databaseUrl);
  return openSqliteStore(config.db);
}

/** The store as the banner names it. */
export function describeStore(config: Pick<Config, 'db' | 'databaseUrl'>): string {
  if (config.databaseUrl !== undefined) {
    try {
      const u = new URL(config.databaseUrl);
      if (u.password) u.password = '***';
      return `PostgreSQL ${u.toString()}`;
    } catch {
      return 'PostgreSQL';
    }
  }
  return config.db === ':memory:' ? 'SQLite in memory (gone when the process stops)' : `SQLite ${resolve(config.db)}`;
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

/** A new admin token: 192 random bits, URL-safe. */
export function newAdminToken(random: Random): string {
  return random.bytes(24).toString('base64url');
}

export interface StartOptions {
  clock?: Clock;
  random?: Random;
  logger?: boolean | object;
}

/**
 * Opens the store, builds the server and listens; only then, once the address is taken, makes
 * what is shown once (the admin token, the demo app, a seed's generated secrets). A start that
 * fails (a busy port, a bad seed) therefore burns no secret: the next start makes them again.
 */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const random = opts.random ?? new CryptoRandom();
  const clock = new DeploymentClock(opts.clock ?? new SystemClock());
  const forbiddenWords = config.forbiddenWordsFile ? parseForbiddenWords(readFileSync(config.forbiddenWordsFile, 'utf8')) : [];
  const seed = config.seedFile ? readSeedFile(config.seedFile) : undefined;
  const store = await openStore(config);
  let wxkf: WxkfApp | undefined;
  try {
    // --admin-token is not a one-time secret: the store takes its hash, so every node accepts it.
    const configured = config.adminToken === undefined ? undefined : hashToken(config.adminToken);
    if (configured) await store.setMeta(ADMIN_TOKEN_META_KEY, configured);
    const stored = configured ?? (await store.getMeta(ADMIN_TOKEN_META_KEY));
    const logger = opts.logger ?? { level: config.logLevel };
    wxkf = await buildApp({ store, clock, random, adminToken: stored ? { hash: stored } : undefined, forbiddenWords, logger });
    const address = await wxkf.fastify.listen({ host: config.host, port: config.port });

    const report: StartReport = {
      adminTokenGenerated: undefined,
      adminTokenSource: configured ? 'flag' : 'stored',
      demoApp: undefined,
      seed: undefined,
      storeDescription: describeStore(config),
      stats: { apps: 0, kf_accounts: 0 },
      clock: wxkf.admin.clockView(),
    };
    if (seed) report.seed = await wxkf.admin.applySeed(seed);
    const firstStart = (await store.getMeta(INITIALIZED_META_KEY)) === undefined;
    if (firstStart && !seed && (await store.stats()).apps === 0) {
      const demo = await wxkf.admin.createDemoApp();
      report.demoApp = { appid: demo.appid, secret: demo.secret, alias: demo.alias };
    }
    if (!stored) {
      const fresh = newAdminToken(random);
      await wxkf.admin.setAdminTokenHash(hashToken(fresh));
      report.adminTokenGenerated = fresh;
      report.adminTokenSource = 'generated';
    }
    await store.setMeta(INITIALIZED_META_KEY, '1');
    report.stats = await store.stats();
    const app = wxkf;
    return {
      wxkf: app,
      store,
      url: address,
      report,
      close: async () => {
        await app.fastify.close();
        await store.close();
      },
    };
  } catch (err) {
    await wxkf?.fastify.close().catch(() => {});
    await store.close();
    throw err;
  }
}

/** Stores a new admin token's hash and returns the token: every running node takes it up within a second. */
export async function rotateAdminToken(store: Store, random: Random = new CryptoRandom()): Promise<string> {
  const fresh = newAdminToken(random);
  await store.setMeta(ADMIN_TOKEN_META_KEY, hashToken(fresh));
  return fresh;
}
