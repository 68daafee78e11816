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
  /** An admin token this process alone accepts, never stored (wxkf exec on a store of the user's). */
  localAdminToken?: string;
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
    const configured = config.adminToken === undefined ? undefined : hashToken(config.adminToken);
    const stored = await store.getMeta(ADMIN_TOKEN_META_KEY);
    const accepted = configured ?? stored;
    const logger = opts.logger ?? { level: config.logLevel };
    wxkf = await buildApp({
      store,
      clock,
      random,
      adminToken: accepted ? { hash: accepted } : undefined,
      forbiddenWords,
      logger,
      localAdminToken: opts.localAdminToken,
    });
    const address = await wxkf.fastify.listen({ host: config.host, port: config.port });
    // Listening: from here on what this start makes is kept. --admin-token is the deployment's
    // admin token from now on (the store takes its hash, so every node accepts it).
    if (configured) await wxkf.admin.deployment.setAdminTokenHash(configured);

    const report: StartReport = {
      adminTokenGenerated: undefined,
      adminTokenSource: configured ? 'flag' : 'stored',
      demoApp: undefined,
      seed: undefined,
      storeDescription: describeStore(config),
      stats: { apps: 0, kf_accounts: 0 },
      clock: wxkf.admin.deployment.clockView(),
    };
    if (seed) report.seed = await wxkf.admin.applySeed(seed);
    // Of nodes starting together on a new store, one claims the first start (and makes the demo
    // app) and one stores the admin token it made; the others take the stored one.
    const firstStart = await store.setMetaIfAbsent(INITIALIZED_META_KEY, '1');
    if (firstStart && !seed && (await store.stats()).apps === 0) {
      const demo = await wxkf.admin.createDemoApp();
      report.demoApp = { appid: demo.appid, secret: demo.secret, alias: demo.alias };
    }
    if (!accepted) {
      const fresh = newAdminToken(random);
      if (await store.setMetaIfAbsent(ADMIN_TOKEN_META_KEY, hashToken(fresh))) {
        await wxkf.admin.deployment.setAdminTokenHash(hashToken(fresh), false);
        report.adminTokenGenerated = fresh;
        report.adminTokenSource = 'generated';
      } else {
        await wxkf.admin.deployment.load();
      }
    }
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
