import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppRecord, KfAccountRecord } from '../../store/store.js';
import type { Journal } from '../../pipeline/journal.js';
import { AdminError, type AdminService } from './service.js';
import { registerMessageRoutes } from './messages.js';
import { registerFlowRoutes } from './flow-routes.js';
import type { PushService } from '../push/service.js';
import type { SessionsService } from '../sessions/service.js';
import type { FaultsService } from '../faults/service.js';
import type { QuotaService } from '../quota/service.js';
import { registerFaultRoutes } from './faults.js';
import { documentAdminApi } from './openapi.js';
import { registerJournalStream } from './journal-stream.js';
import { registerUserRoutes } from './users.js';
import {
  APP_INPUT,
  APP_PATCH,
  AUTHORIZATION,
  CLOCK_CHANGE,
  JOURNAL_QUERY,
  ONLINE_CHANGE,
  PLATFORM_INPUT,
  QUOTA_CHANGE,
  RESET_LABEL,
  SEED,
  TICKET,
  TOKEN_REQUEST,
  TOKEN_REVOKE,
} from './schemas.js';
import { check } from './schema-check.js';
import type { AppFields, AppInput, SeedDocument } from './validate.js';

export interface AdminDeps {
  admin: AdminService;
  journal: Journal;
  push: PushService;
  sessions: SessionsService;
  faults: FaultsService;
  quota: QuotaService;
  /** The package version the OpenAPI document names. */
  version?: string;
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
  const given = createHash('sha256')
    .update(m?.[1] ?? '')
    .digest();
  return timingSafeEqual(given, Buffer.from(expectedHash, 'hex')) && m !== null;
}

type Params = { appid: string };
type KfParams = { appid: string; kf_account: string };
type PlatformParams = { component_appid: string };

/** The admin API under /admin/api: ordinary HTTP statuses and `{"error"}` bodies, bearer-token auth. */
export function adminRoutes(deps: AdminDeps) {
  const { admin } = deps;
  return async function routes(app: FastifyInstance): Promise<void> {
    // Every route below is listed in /admin/api/openapi.json, with the schemas that validate it.
    documentAdminApi(app, '/admin/api', deps.version ?? '0.0.0');
    // A JSON body whatever the Content-Type says (as on the WeChat side), so `curl -d '{…}'` works;
    // an empty body is no body (POST /reset, /secret), not an error.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 * 1024 }, (_req, text, done) => {
      if (text === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text as string));
      } catch (err) {
        done(new AdminError(400, `body: not JSON (${(err as Error).message})`), undefined);
      }
    });
    // Every body and query is checked by its JSON schema (schemas.ts); errors name the field.
    app.setValidatorCompiler(({ schema, httpPart }) => (data: unknown) => {
      const r = check(schema as Record<string, unknown>, data, httpPart === 'querystring' ? 'query' : 'body');
      return r.ok ? { value: r.value } : { error: new AdminError(400, r.errors.join('; ')) };
    });
    app.addHook('onRequest', async (req, reply) => {
      if (!admin.deployment.adminTokenHashes().some((hash) => authorized(req.headers.authorization, hash))) {
        return reply.code(401).send({ error: 'unauthorized: send Authorization: Bearer <admin token>' });
      }
    });
    app.setErrorHandler((err: FastifyError | AdminError, req: FastifyRequest, reply: FastifyReply) => {
      if (err instanceof AdminError) {
        return reply
          .code(err.status)
          .send(err.errcode === undefined ? { error: err.message } : { error: err.message, errcode: err.errcode });
      }
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error({ err, rid: req.id }, 'admin API failure');
      return reply.code(status).send({ error: status === 500 ? `internal error (rid ${req.id})` : err.message });
    });
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({ error: `no admin route ${req.method} ${req.url.split('?')[0]}` }),
    );

    app.get('/clock', async () => {
      // Read back from the store, so a clock moved on another node shows here at once.
      await admin.deployment.load();
      return admin.deployment.clockView();
    });
    app.post<{ Body: { advance?: number; set?: number; freeze?: true; real?: true } }>(
      '/clock',
      { schema: { body: CLOCK_CHANGE } },
      async (req) => admin.deployment.moveClock(req.body),
    );
    app.post<{ Body: unknown }>('/reset', async (req, reply) => {
      if (req.body !== undefined) {
        // A label-scoped reset (one test worker's apps): the clock and everything shared stay.
        const body = check<{ label: string }>(RESET_LABEL, req.body);
        if (!body.ok) throw new AdminError(400, body.errors.join('; '));
        const apps = (await admin.listApps()).filter((a) => a.label === body.value.label);
        for (const a of apps) deps.push.deliverer.forgetApp(a.appid);
        await deps.journal.flush();
        await admin.resetLabel(body.value.label);
        await deps.faults.refresh();
        return reply.code(204).send();
      }
      deps.journal.discard();
      deps.push.deliverer.forgetAll();
      await admin.reset();
      await deps.faults.refresh();
      return reply.code(204).send();
    });
    app.post<{ Body: SeedDocument }>('/seed', { schema: { body: SEED } }, async (req) => admin.applySeed(req.body));

    app.get('/apps', async () => ({ apps: (await admin.listApps()).map(appView) }));
    app.post<{ Body: AppInput }>('/apps', { schema: { body: APP_INPUT } }, async (req, reply) =>
      reply.code(201).send(appView(await admin.createApp(req.body))),
    );
    app.get<{ Params: Params }>('/apps/:appid', async (req) => appView(await admin.getApp(req.params.appid)));
    app.patch<{ Params: Params; Body: AppFields }>('/apps/:appid', { schema: { body: APP_PATCH } }, async (req) =>
      appView(await admin.updateApp(req.params.appid, req.body)),
    );
    app.delete<{ Params: Params }>('/apps/:appid', async (req, reply) => {
      deps.push.deliverer.forgetApp(req.params.appid);
      await admin.deleteApp(req.params.appid);
      return reply.code(204).send();
    });
    app.post<{ Params: Params }>('/apps/:appid/secret', async (req) => admin.rotateSecret(req.params.appid));
    app.put<{ Params: Params; Body: { cgi_path: string; daily_limit: number } }>(
      '/apps/:appid/quotas',
      { schema: { body: QUOTA_CHANGE } },
      async (req) => {
        const { cgi_path, daily_limit } = req.body;
        // Applied under the app's lock: two concurrent calls both land.
        const updated = await admin.updateApp(req.params.appid, (current) => ({
          daily_quotas: { ...current.daily_quotas, [cgi_path]: daily_limit },
        }));
        return { daily_quotas: updated.daily_quotas };
      },
    );
    app.get<{ Params: Params }>('/apps/:appid/tokens', async (req) => ({ tokens: await admin.liveTokens(req.params.appid) }));
    app.get<{ Params: Params }>('/apps/:appid/quota', async (req) => ({
      quotas: await deps.quota.usage(await admin.getApp(req.params.appid)),
    }));
    registerUserRoutes(app, admin.users);
    registerMessageRoutes(app, admin.messages);
    registerFlowRoutes(app, deps.push, deps.sessions);
    registerFaultRoutes(app, deps.faults);
    registerJournalStream(app, deps.journal, admin.deployment.clock);
    app.get<{ Params: Params }>('/apps/:appid/kf_accounts', async (req) => ({
      kf_accounts: (await admin.listKfAccounts(req.params.appid)).map(kfAccountView),
    }));

    type JournalQuery = Partial<Record<'appid' | 'path' | 'errcode' | 'since' | 'until' | 'limit', string>>;
    app.get<{ Querystring: JournalQuery }>('/journal', { schema: { querystring: JOURNAL_QUERY } }, async (req) => {
      const q = req.query;
      const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
      const limit = num(q.limit) ?? 1000;
      if (limit < 1 || limit > 10_000) throw new AdminError(400, 'limit: must be from 1 to 10000');
      const since = num(q.since);
      const until = num(q.until);
      const errcode = num(q.errcode);
      const entries = await deps.journal.list({
        ...(q.appid ? { appid: q.appid } : {}),
        ...(q.path ? { cgi_path: q.path } : {}),
        ...(errcode !== undefined ? { errcode } : {}),
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

    app.post<{ Body: { appid: string; component_appid?: string } }>('/tokens', { schema: { body: TOKEN_REQUEST } }, async (req) =>
      admin.issueToken(req.body.appid, req.body.component_appid),
    );
    app.post<{ Body: { access_token: string } }>('/tokens/revoke', { schema: { body: TOKEN_REVOKE } }, async (req, reply) => {
      await admin.revokeToken(req.body.access_token);
      return reply.code(204).send();
    });

    for (const answer of ['accept', 'reject'] as const) {
      app.post<{ Params: KfParams }>(`/apps/:appid/kf_accounts/:kf_account/invitation/${answer}`, async (req) =>
        kfAccountView(await admin.answerInvitation(req.params.appid, req.params.kf_account, answer === 'accept')),
      );
    }
    app.put<{ Params: KfParams; Body: { status: 0 | 1; accepted_case?: number } }>(
      '/apps/:appid/kf_accounts/:kf_account/online',
      { schema: { body: ONLINE_CHANGE } },
      async (req) => {
        const { status, accepted_case } = req.body;
        return kfAccountView(await admin.setOnline(req.params.appid, req.params.kf_account, status, accepted_case ?? 0));
      },
    );

    app.post<{ Body: { component_appid: string; component_appsecret?: string } }>(
      '/component_platforms',
      { schema: { body: PLATFORM_INPUT } },
      async (req, reply) =>
        reply.code(201).send(await admin.platforms.createPlatform(req.body.component_appid, req.body.component_appsecret)),
    );
    app.post<{ Params: PlatformParams; Body: { component_verify_ticket: string } }>(
      '/component_platforms/:component_appid/ticket',
      { schema: { body: TICKET } },
      async (req, reply) => {
        await admin.platforms.pushTicket(req.params.component_appid, req.body.component_verify_ticket);
        return reply.code(204).send();
      },
    );
    app.post<{ Params: PlatformParams; Body: { authorizer_appid: string; funcscope_category_ids: number[] } }>(
      '/component_platforms/:component_appid/authorizations',
      { schema: { body: AUTHORIZATION } },
      async (req) =>
        admin.platforms.authorize(req.params.component_appid, req.body.authorizer_appid, req.body.funcscope_category_ids),
    );
    app.delete<{ Params: PlatformParams & { appid: string } }>(
      '/component_platforms/:component_appid/authorizations/:appid',
      async (req, reply) => {
        await admin.platforms.revokeAuthorization(req.params.component_appid, req.params.appid);
        return reply.code(204).send();
      },
    );
  };
}
