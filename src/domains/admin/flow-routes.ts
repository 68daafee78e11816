import type { FastifyInstance } from 'fastify';
import type { DeliveriesQuery, PushService } from '../push/service.js';
import type { SessionsService } from '../sessions/service.js';
import { AdminError } from './errors.js';
import { DELIVERIES_QUERY, WEBHOOK_INPUT } from './schemas.js';
import { check } from './schema-check.js';

type AppParams = { appid: string };
type UserParams = { appid: string; openid: string };

/** The admin routes of pushes (say, webhook, deliveries) and sessions (the worker's side). */
export function registerFlowRoutes(app: FastifyInstance, push: PushService, sessions: SessionsService): void {
  // say's body depends on its type: checked by parseSay, which names the field.
  app.post<{ Params: UserParams; Body: unknown }>('/apps/:appid/users/:openid/say', async (req, reply) => {
    const out = await push.say(req.params.appid, req.params.openid, req.body ?? {});
    return reply.code(out.status).send(out.body);
  });
  app.get<{ Params: AppParams }>('/apps/:appid/webhook', async (req) => push.getWebhook(req.params.appid));
  app.put<{ Params: AppParams; Body: Record<string, unknown> }>(
    '/apps/:appid/webhook',
    { schema: { body: WEBHOOK_INPUT } },
    async (req, reply) => {
      const out = await push.putWebhook(req.params.appid, req.body);
      return reply.code(out.status).send(out.body);
    },
  );
  app.delete<{ Params: AppParams }>('/apps/:appid/webhook', async (req, reply) => {
    await push.deleteWebhook(req.params.appid);
    return reply.code(204).send();
  });
  app.post<{ Params: AppParams }>('/apps/:appid/webhook/verify', async (req) => push.verify(req.params.appid));
  app.get<{ Params: AppParams; Querystring: DeliveriesQuery }>(
    '/apps/:appid/deliveries',
    { schema: { querystring: DELIVERIES_QUERY } },
    async (req) => push.deliveries(req.params.appid, req.query),
  );
  app.get<{ Params: AppParams & { id: string } }>('/apps/:appid/deliveries/:id', async (req) => {
    if (!/^\d{1,15}$/.test(req.params.id)) throw new AdminError(400, 'id: a whole number');
    return push.delivery(req.params.appid, Number(req.params.id));
  });

  app.get<{ Params: AppParams }>('/apps/:appid/sessions', async (req) => sessions.list(req.params.appid));
  const body = (schemaBody: unknown, required: string[]) => {
    const r = check<Record<string, string>>(
      {
        type: 'object',
        properties: Object.fromEntries(required.map((k) => [k, { type: 'string', description: 'a string' }])),
        required,
        additionalProperties: false,
        description: 'a JSON object',
      },
      schemaBody ?? {},
    );
    if (!r.ok) throw new AdminError(400, r.errors.join('; '));
    return r.value;
  };
  app.post<{ Params: AppParams; Body: unknown }>('/apps/:appid/sessions', async (req, reply) => {
    const b = body(req.body, ['kf_account', 'openid']);
    return reply.code(201).send(await sessions.accept(req.params.appid, b.kf_account as string, b.openid as string));
  });
  app.post<{ Params: UserParams; Body: unknown }>('/apps/:appid/sessions/:openid/switch', async (req) => {
    const b = body(req.body, ['kf_account']);
    return sessions.switchTo(req.params.appid, req.params.openid, b.kf_account as string);
  });
  app.post<{ Params: UserParams }>('/apps/:appid/sessions/:openid/close', async (req, reply) => {
    await sessions.adminClose(req.params.appid, req.params.openid);
    return reply.code(204).send();
  });
}
