import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppRecord, KfAccountRecord } from '../../store/store.js';
import type { Journal } from '../../pipeline/journal.js';
import { AdminError, type AdminService } from './service.js';
import { APPID, MAX_COUNT, isCount, validateAppInput, validateAppPatch, validateSeed } from './validate.js';

export interface AdminDeps {
  admin: AdminService;
  journal: Journal;
  /** SHA-256 of the admin token, hex. */
  adminTokenHash: string;
}

/** The admin API speaks Unix seconds (operator.md); records keep milliseconds. */
const unixSeconds = (ms: number) => Math.floor(ms / 1000);

export function appView(app: AppRecord) {
  return { ...app, created_at: unixSeconds(app.created_at), updated_at: unixSeconds(app.updated_at) };
}

/** `invite_expire_time` is stored in seconds already, as getkflist answers it. */
export function kfAccountView(account: KfAccountRecord) {
  return { ...account, created_at: unixSeconds(account.created_at), updated_at: unixSeconds(account.updated_at) };
}

function authorized(header: string | undefined, expectedHash: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  const given = createHash('sha256').update(m?.[1] ?? '').digest();
  return timingSafeEqual(given, Buffer.from(expectedHash, 'hex')) && m !== null;
}

function body(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new AdminError(400, 'body: must be a JSON object');
  return b as Record<string, unknown>;
}

function must<T>(r: { ok: true; value: T } | { ok: false; errors: string[] }): T {
  if (!r.ok) throw new AdminError(400, r.errors.join('; '));
  return r.value;
}

type Params = { appid: string };

function clockChange(b: Record<string, unknown>) {
  const keys = Object.keys(b);
  const one = (msg: string) => new AdminError(400, msg);
  if (keys.length !== 1) throw one('clock: give exactly one of advance, set, freeze, real');
  const [key] = keys;
  const v = b[key as string];
  if (key === 'advance' || key === 'set') {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw one(`${key}: must be a number of seconds`);
    if (key === 'set' && v < 0) throw one('set: must be a Unix time in seconds');
    return key === 'advance' ? { advance: v } : { set: v };
  }
  if (key === 'freeze' || key === 'real') {
    if (v !== true) throw one(`${key}: must be true`);
    return key === 'freeze' ? { freeze: true as const } : { real: true as const };
  }
  throw one(`${key}: unknown key`);
}

/** The admin API under /admin/api: ordinary HTTP statuses and `{"error"}` bodies, bearer-token auth. */
export function adminRoutes(deps: AdminDeps) {
  const { admin } = deps;
  return async function routes(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    // An empty JSON body is no body (POST /reset, /secret), not an error.
    const json = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 16 * 1024 * 1024 }, (req, text, done) =>
      text === '' ? done(null, undefined) : json(req, text as string, done),
    );
    app.addHook('onRequest', async (req, reply) => {
      if (!authorized(req.headers.authorization, deps.adminTokenHash)) {
        return reply.code(401).send({ error: 'unauthorized: send Authorization: Bearer <admin token>' });
      }
    });
    app.setErrorHandler((err: FastifyError | AdminError, req: FastifyRequest, reply: FastifyReply) => {
      if (err instanceof AdminError) return reply.code(err.status).send({ error: err.message });
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error({ err, rid: req.id }, 'admin API failure');
      return reply.code(status).send({ error: status === 500 ? `internal error (rid ${req.id})` : err.message });
    });
    app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no admin route ${req.method} ${req.url.split('?')[0]}` }));

    app.get('/clock', async () => {
      // Read back from the store, so a clock moved on another node shows here at once.
      await admin.loadClock();
      return admin.clockView();
    });
    app.post('/clock', async (req) => admin.moveClock(clockChange(body(req))));
    app.post('/reset', async (_req, reply) => {
      deps.journal.discard();
      await admin.reset();
      return reply.code(204).send();
    });
    app.post('/seed', async (req) => admin.applySeed(must(validateSeed(body(req)))));

    app.get('/apps', async () => ({ apps: (await admin.listApps()).map(appView) }));
    app.post('/apps', async (req, reply) => reply.code(201).send(appView(await admin.createApp(must(validateAppInput(body(req)))))));
    app.get<{ Params: Params }>('/apps/:appid', async (req) => appView(await admin.getApp(req.params.appid)));
    app.patch<{ Params: Params }>('/apps/:appid', async (req) =>
      appView(await admin.updateApp(req.params.appid, must(validateAppPatch(body(req))))),
    );
    app.delete<{ Params: Params }>('/apps/:appid', async (req, reply) => {
      await admin.deleteApp(req.params.appid);
      return reply.code(204).send();
    });
    app.post<{ Params: Params }>('/apps/:appid/secret', async (req) => admin.rotateSecret(req.params.appid));
    app.put<{ Params: Params }>('/apps/:appid/quotas', async (req) => {
      const { cgi_path, daily_limit } = body(req);
      if (typeof cgi_path !== 'string' || !cgi_path.startsWith('/')) throw new AdminError(400, 'cgi_path: must be a path such as "/customservice/kfaccount/add"');
      if (!isCount(daily_limit)) throw new AdminError(400, `daily_limit: must be a whole number of calls a day, 0 to ${MAX_COUNT}`);
      const app = await admin.getApp(req.params.appid);
      const updated = await admin.updateApp(app.appid, { daily_quotas: { ...app.daily_quotas, [cgi_path]: daily_limit } });
      return { daily_quotas: updated.daily_quotas };
    });
    app.get<{ Params: Params }>('/apps/:appid/kf_accounts', async (req) => ({
      kf_accounts: (await admin.listKfAccounts(req.params.appid)).map(kfAccountView),
    }));

    app.get<{ Querystring: Record<string, string | undefined> }>('/journal', async (req) => {
      const q = req.query;
      const num = (key: string): number | undefined => {
        const v = q[key];
        if (v === undefined || v === '') return undefined;
        if (!/^-?\d+$/.test(v)) throw new AdminError(400, `${key}: must be a whole number`);
        return Number(v);
      };
      const since = num('since');
      const until = num('until');
      const limit = num('limit') ?? 1000;
      if (limit < 1 || limit > 10_000) throw new AdminError(400, 'limit: must be from 1 to 10000');
      const entries = await deps.journal.list({
        ...(q.appid ? { appid: q.appid } : {}),
        ...(q.path ? { cgi_path: q.path } : {}),
        ...(num('errcode') !== undefined ? { errcode: num('errcode') } : {}),
        ...(since !== undefined ? { since: since * 1000 } : {}),
        ...(until !== undefined ? { until: until * 1000 } : {}),
        limit,
      });
      return { entries };
    });
    app.get<{ Params: { rid: string } }>('/journal/:rid', async (req) => {
      const entry = await deps.journal.entry(req.params.rid);
      if (!entry) throw new AdminError(404, `rid: no request ${req.params.rid} in the journal`);
      return entry;
    });

    app.post('/tokens', async (req) => {
      const { appid, component_appid } = body(req);
      if (typeof appid !== 'string' || appid === '') throw new AdminError(400, 'appid: required');
      if (component_appid !== undefined && typeof component_appid !== 'string') throw new AdminError(400, 'component_appid: must be a string');
      return admin.issueToken(appid, component_appid);
    });

    type KfParams = { appid: string; kf_account: string };
    for (const answer of ['accept', 'reject'] as const) {
      app.post<{ Params: KfParams }>(`/apps/:appid/kf_accounts/:kf_account/invitation/${answer}`, async (req) =>
        kfAccountView(await admin.answerInvitation(req.params.appid, req.params.kf_account, answer === 'accept')),
      );
    }
    app.put<{ Params: KfParams }>('/apps/:appid/kf_accounts/:kf_account/online', async (req) => {
      const { status, accepted_case } = body(req);
      if (status !== 0 && status !== 1) throw new AdminError(400, 'status: must be 0 (offline) or 1 (online, web)');
      const cases = accepted_case ?? 0;
      if (!isCount(cases)) throw new AdminError(400, `accepted_case: must be a whole number, 0 to ${MAX_COUNT}`);
      return kfAccountView(await admin.setOnline(req.params.appid, req.params.kf_account, status, cases));
    });

    app.post('/component_platforms', async (req, reply) => {
      const { component_appid, component_appsecret } = body(req);
      if (typeof component_appid !== 'string' || !APPID.test(component_appid)) {
        throw new AdminError(400, 'component_appid: must be "wx" + 16 lower-case hex');
      }
      if (component_appsecret !== undefined && (typeof component_appsecret !== 'string' || !/^[0-9a-fA-F]{32}$/.test(component_appsecret))) {
        throw new AdminError(400, 'component_appsecret: must be 32 hex characters');
      }
      return reply.code(201).send(await admin.createPlatform(component_appid, component_appsecret));
    });
    type PlatformParams = { component_appid: string };
    app.post<{ Params: PlatformParams }>('/component_platforms/:component_appid/ticket', async (req, reply) => {
      const { component_verify_ticket: ticket } = body(req);
      if (typeof ticket !== 'string' || ticket === '') throw new AdminError(400, 'component_verify_ticket: required');
      await admin.pushTicket(req.params.component_appid, ticket);
      return reply.code(204).send();
    });
    app.post<{ Params: PlatformParams }>('/component_platforms/:component_appid/authorizations', async (req) => {
      const { authorizer_appid, funcscope_category_ids: ids } = body(req);
      if (typeof authorizer_appid !== 'string') throw new AdminError(400, 'authorizer_appid: required');
      if (!Array.isArray(ids) || !ids.every((n) => Number.isInteger(n) && n > 0)) {
        throw new AdminError(400, 'funcscope_category_ids: must be a list of positive integers');
      }
      return admin.authorize(req.params.component_appid, authorizer_appid, ids as number[]);
    });
    app.delete<{ Params: PlatformParams & { appid: string } }>(
      '/component_platforms/:component_appid/authorizations/:appid',
      async (req, reply) => {
        await admin.revokeAuthorization(req.params.component_appid, req.params.appid);
        return reply.code(204).send();
      },
    );
    app.post('/tokens/revoke', async (req, reply) => {
      const { access_token } = body(req);
      if (typeof access_token !== 'string' || access_token === '') throw new AdminError(400, 'access_token: required');
      await admin.revokeToken(access_token);
      return reply.code(204).send();
    });
  };
}
