import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { DeploymentClock } from './platform/clock.js';
import type { Random } from './platform/random.js';
import type { Store } from './store/store.js';
import { CredentialsService } from './domains/credentials/service.js';
import { credentialsRoutes } from './domains/credentials/routes.js';
import { KfService } from './domains/kf/service.js';
import { kfRoutes } from './domains/kf/routes.js';
import { headImageRoutes } from './domains/kf/headimg-routes.js';
import { MessagesService } from './domains/messages/service.js';
import { messagesRoutes } from './domains/messages/routes.js';
import { Deliverer } from './domains/push/deliverer.js';
import { PushService } from './domains/push/service.js';
import { SessionsService } from './domains/sessions/service.js';
import { sessionsRoutes } from './domains/sessions/routes.js';
import { FaultsService } from './domains/faults/service.js';
import { Metrics } from './pipeline/metrics.js';
import { CONSOLE_DIR, VERSION } from './version.js';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AdminService } from './domains/admin/service.js';
import { adminRoutes } from './domains/admin/routes.js';
import { permitsComponent } from './domains/credentials/rules.js';
import { hashToken } from './domains/credentials/tokens.js';
import { registerRawBodyParser } from './pipeline/raw-body.js';
import { Journal } from './pipeline/journal.js';
import { quotaRoutes } from './domains/quota/routes.js';
import { ComponentService } from './domains/component/service.js';
import { componentRoutes } from './domains/component/routes.js';
import { QuotaService } from './domains/quota/service.js';
import { sendWechatError, type PipelineDeps } from './pipeline/endpoint.js';
import { WxError, makeHint } from './wire/envelope.js';
import { makeRidGenerator } from './wire/rid.js';
import { uses } from './platform/mechanisms.js';

WxError.captureStacks = !uses('stack-trace-limit');

declare module 'fastify' {
  interface FastifyRequest {
    /** What the request log line and the journal record about a WeChat-side call. */
    wx: { iface?: string; appid?: string; errcode?: number; reason?: string; faultId?: number; unexpected?: boolean };
  }
}

export interface AppDeps {
  store: Store;
  clock: DeploymentClock;
  random: Random;
  /**
   * The admin token in plain text, or only its hash (as stored), or none yet (every admin call is
   * 401 until one is set, here or in the store, which the node reads back at least every 500 ms).
   */
  adminToken?: { plain: string } | { hash: string };
  /** false: keep `adminToken` even when the store holds another (the CLI's in-process node). */
  adminTokenFromStore?: boolean;
  /** An admin token this node accepts besides the deployment's, never stored (wxkf exec). */
  localAdminToken?: string;
  forbiddenWords?: readonly string[];
  /** How often this node reads the deployment clock back from the store (default 500 ms). */
  clockPollMs?: number;
  logger?: FastifyServerOptions['logger'];
}

export interface WxkfApp {
  fastify: FastifyInstance;
  admin: AdminService;
  credentials: CredentialsService;
  /** Every WeChat-side path served → its interface name. */
  served: ReadonlyMap<string, string>;
}

/** The one composition root: builds the server from its dependencies. Never listens. */
export async function buildApp(deps: AppDeps): Promise<WxkfApp> {
  const { store, clock, random } = deps;
  const forbiddenWords = deps.forbiddenWords ?? [];
  const credentials = new CredentialsService(store, clock, random);
  const kf = new KfService(store, clock, forbiddenWords);
  const messages = new MessagesService(store, clock);
  const component = new ComponentService(store, clock, random, credentials);
  const admin = new AdminService(store, clock, random, credentials, kf, component, forbiddenWords);
  admin.deployment.followStoredToken = deps.adminTokenFromStore ?? true;
  if (deps.localAdminToken !== undefined) admin.deployment.localTokenHash = hashToken(deps.localAdminToken);
  await admin.deployment.load();
  const app = Fastify({
    logger: deps.logger ?? false,
    // One line per request, written in onResponse below with what the call was about.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'rid' }),
    genReqId: makeRidGenerator(
      () => clock.now(),
      (n) => random.bytes(n),
    ),
    exposeHeadRoutes: false,
    bodyLimit: 64 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: false },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // A URL fastify cannot even route is a wrong path to a WeChat caller.
    frameworkErrors: (err, req, reply) =>
      sendWechatError(
        req,
        reply,
        new WxError('INVALID_URL', `the URL cannot be routed: ${err.message}`),
        makeHint(random.bytes(12)),
      ),
  });
  // Another node may move the deployment clock: read it back from the store at least every 500 ms.
  let clockPollFailing = false;
  const clockPoll = setInterval(() => {
    admin.deployment.load().then(
      () => (clockPollFailing = false),
      (err: unknown) => {
        if (!clockPollFailing) app.log.warn({ err }, 'cannot read the deployment clock from the store');
        clockPollFailing = true;
      },
    );
  }, deps.clockPollMs ?? 500);
  clockPoll.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(clockPoll);
    done();
  });
  app.decorateRequest('wx', null as unknown as FastifyRequest['wx']);
  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  app.addHook('onRequest', (req, _reply, done) => {
    req.wx = {};
    // WeChat reads a JSON body whatever the Content-Type says, even a malformed one: on its side
    // the header is set aside before fastify looks at it (which would answer 415).
    // multipart/form-data stays: uploadheadimg reads it (and any other endpoint reads it as a JSON body).
    const type = req.headers['content-type'];
    if (type !== undefined && !type.startsWith('multipart/') && !req.url.startsWith('/admin/api/')) {
      req.headers['content-type'] = 'application/octet-stream';
    }
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const { appid, iface, errcode, reason } = req.wx;
    const ms = Math.round(reply.elapsedTime * 100) / 100;
    req.log.info({ appid, interface: iface ?? req.routeOptions.url, errcode, reason, status: reply.statusCode, ms }, 'request');
    done();
  });

  registerRawBodyParser(app);
  // Anything unexpected on the WeChat side is `-1 system error`, never an HTTP 500.
  app.setErrorHandler((err, req, reply) => sendWechatError(req, reply, err, undefined));
  // WeChat answers a wrong path with 40066 and a hint (liyiorg/weixin-popular#60).
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/admin/api/')) return reply.code(404).send({ error: 'not found' });
    return sendWechatError(
      req,
      reply,
      new WxError('INVALID_URL', `no WeChat endpoint at ${req.url.split('?')[0]}`),
      makeHint(random.bytes(12)),
    );
  });

  // The web console: static files built by `npm run build` (Preact + Vite), using the admin API only.
  app.get('/console', (_req, reply) => reply.redirect('/console/'));
  if (CONSOLE_DIR && existsSync(new URL('index.html', CONSOLE_DIR))) {
    await app.register(fastifyStatic, { root: fileURLToPath(CONSOLE_DIR), prefix: '/console/', index: 'index.html' });
  } else {
    app.get('/console/*', (_req, reply) =>
      reply.code(503).type('text/plain').send('The console is not built: run npm run build (npm start does it).\n'),
    );
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (req, reply) => {
    try {
      await store.ping();
      return { status: 'ok', store: store.kind };
    } catch (err) {
      req.log.error({ err }, 'store unreachable');
      return reply.code(503).send({ status: 'unavailable', store: store.kind });
    }
  });

  // Pushes to apps' webhooks run off the request path; a stop abandons the ones in flight.
  const deliverer = new Deliverer(store, clock, random, (err) => app.log.warn({ err }, 'a delivery failed to run'));
  const push = new PushService(store, clock, random, deliverer);
  const sessions = new SessionsService(store, clock, push);
  app.addHook('onClose', (_instance, done) => {
    deliverer.forgetAll();
    done();
  });
  const served = new Map<string, string>();
  // Injected faults: each node keeps a copy of the list, read back from the store every 500 ms.
  const faults = new FaultsService(store, clock, random, served);
  await faults.refresh();
  faults.start(deps.clockPollMs ?? 500, (err) => app.log.warn({ err }, 'cannot read the faults from the store'));
  app.addHook('onClose', (_instance, done) => {
    faults.stop();
    done();
  });
  const quota = new QuotaService(store, clock, served);
  const journal = new Journal(store, clock, (err) => {
    metrics.storeErrors.inc();
    app.log.warn({ err }, 'journal entries kept for the next flush');
  });
  const metrics = new Metrics(() => journal.backlog);
  faults.onFired = () => metrics.faultsFired.inc();
  deliverer.onSettled = (status) => metrics.delivery(status);
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.addHook('onClose', async () => journal.flush());
  // The pipeline's view of the domains: authentication, permission sets and check 8.
  const pipeline: PipelineDeps = {
    clock,
    random,
    journal,
    served,
    fault: (iface, appid) => faults.fire(iface, appid),
    observe: (iface, errcode, seconds) => metrics.request(iface, errcode, seconds),
    unexpected: () => metrics.storeErrors.inc(),
    authenticate: (token) => credentials.authenticate(token),
    checkAppSecret: (req, ip) => credentials.checkAppSecret(req, ip),
    permits: permitsComponent,
    callCount: (appRecord, iface) => quota.callCount(appRecord, iface),
    settle: (count) => quota.settle(count),
    admitPerMinute: (appRecord, iface, limit) => quota.admitPerMinute(appRecord, iface, limit),
  };
  await app.register(credentialsRoutes({ ...pipeline, credentials }));
  await app.register(quotaRoutes({ ...pipeline, quota, credentials }));
  await app.register(componentRoutes({ ...pipeline, component }));
  await app.register(kfRoutes({ ...pipeline, kf }));
  await app.register(headImageRoutes({ ...pipeline, kf }));
  await app.register(messagesRoutes({ ...pipeline, messages }));
  await app.register(sessionsRoutes({ ...pipeline, sessions }));
  if (deps.adminToken) {
    await admin.deployment.setAdminTokenHash(
      'hash' in deps.adminToken ? deps.adminToken.hash : hashToken(deps.adminToken.plain),
      false,
    );
  }
  await app.register(adminRoutes({ admin, journal, push, sessions, faults, quota, version: VERSION }), {
    prefix: '/admin/api',
  });
  return { fastify: app, admin, credentials, served };
}
