import type { FastifyInstance } from 'fastify';
import { registerWechatEndpoint, type PipelineDeps, type WechatCall, type WechatEndpoint } from '../../pipeline/endpoint.js';
import type { AppRecord } from '../../store/store.js';
import { OK_BODY } from '../../wire/envelope.js';
import { mayManageKf, mayManageWorkers } from '../kf/rules.js';
import { MSGRECORD_PERMISSION_SETS, SESSION_PERMISSION_SETS } from './rules.js';
import type { SessionsService } from './service.js';

export type SessionsDeps = PipelineDeps & { sessions: SessionsService };

/**
 * The session interfaces: certified Official Accounts only (a Mini Program gets 48001); getmsglist
 * as the kf family. All are in the kf family: errors carry the hint (sessions.md).
 */
function sessionEndpoint(
  path: string,
  method: 'GET' | 'POST',
  handle: (c: WechatCall) => Promise<unknown>,
  records = false,
): WechatEndpoint {
  return {
    name: path,
    paths: [path],
    methods: [method],
    hint: true,
    caller: 'access_token',
    allows: records ? mayManageKf : mayManageWorkers,
    permissionSets: records ? MSGRECORD_PERMISSION_SETS : SESSION_PERMISSION_SETS,
    quota: 'daily',
    jsonBody: method === 'POST',
    handle,
  };
}

export function sessionsRoutes(deps: SessionsDeps) {
  const { sessions } = deps;
  const app = (c: WechatCall) => c.app as AppRecord;
  const endpoints = [
    sessionEndpoint('/customservice/kfsession/create', 'POST', async (c) => (await sessions.create(app(c), c.body), OK_BODY)),
    sessionEndpoint('/customservice/kfsession/close', 'POST', async (c) => (await sessions.close(app(c), c.body), OK_BODY)),
    sessionEndpoint('/customservice/kfsession/getsession', 'GET', (c) => sessions.getSession(app(c), c.query.openid)),
    sessionEndpoint('/customservice/kfsession/getsessionlist', 'GET', (c) => sessions.getSessionList(app(c), c.query.kf_account)),
    sessionEndpoint('/customservice/kfsession/getwaitcase', 'GET', (c) => sessions.getWaitCase(app(c))),
    sessionEndpoint('/customservice/msgrecord/getmsglist', 'POST', (c) => sessions.getMsgList(app(c), c.body), true),
  ];
  return async function routes(instance: FastifyInstance): Promise<void> {
    for (const ep of endpoints) registerWechatEndpoint(instance, deps, ep);
  };
}
