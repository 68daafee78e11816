import type { FastifyInstance } from 'fastify';
import { registerWechatEndpoint, type PipelineDeps, type WechatCall, type WechatEndpoint } from '../../pipeline/endpoint.js';
import type { AppRecord } from '../../store/store.js';
import { OK_BODY } from '../../wire/envelope.js';
import { KF_PERMISSION_SETS, mayManageKf, mayManageWorkers } from './rules.js';
import type { KfService } from './service.js';

export type KfDeps = PipelineDeps & { kf: KfService };

/** The kf family's shape: an access token, the hint, 48001 by account type, 61007 by permission set, a daily quota. */
export function kfEndpoint(
  name: keyof typeof KF_PERMISSION_SETS,
  ep: Pick<WechatEndpoint, 'paths' | 'methods' | 'jsonBody'> &
    Partial<Pick<WechatEndpoint, 'quota'>> & { workers?: boolean; handle: (c: WechatCall) => Promise<unknown> },
): WechatEndpoint {
  const { workers, ...rest } = ep;
  return {
    name: ep.paths[0] as string,
    hint: true,
    caller: 'access_token',
    allows: workers ? mayManageWorkers : mayManageKf,
    permissionSets: KF_PERMISSION_SETS[name],
    quota: 'daily',
    ...rest,
  };
}

export function kfRoutes(deps: KfDeps) {
  const { kf } = deps;
  const app = (c: WechatCall) => c.app as AppRecord;
  const endpoints: WechatEndpoint[] = [
    // The hot path: the call is counted in the add's own write (one round trip on PostgreSQL).
    kfEndpoint('add', {
      paths: ['/customservice/kfaccount/add'],
      methods: ['POST'],
      jsonBody: true,
      quota: 'in_write',
      handle: async (c) => (await kf.add(app(c), c.body, c.count), OK_BODY),
    }),
    kfEndpoint('update', {
      paths: ['/customservice/kfaccount/update'],
      methods: ['POST'],
      jsonBody: true,
      handle: async (c) => (await kf.update(app(c), c.body), OK_BODY),
    }),
    // GET with kf_account in the query (old docs, SDKs), POST with it in the JSON body (new docs);
    // a POST that names it in the query needs no body.
    kfEndpoint('del', {
      paths: ['/customservice/kfaccount/del'],
      methods: ['GET', 'POST'],
      jsonBody: (method, query) => method === 'POST' && query.kf_account === undefined,
      handle: async (c) => (await kf.del(app(c), c.body.kf_account ?? c.query.kf_account), OK_BODY),
    }),
    kfEndpoint('getkflist', {
      paths: ['/cgi-bin/customservice/getkflist', '/customservice/getkflist'],
      methods: ['GET'],
      jsonBody: false,
      handle: (c) => kf.list(app(c), c.credential!.kf_version),
    }),
    kfEndpoint('getonlinekflist', {
      paths: ['/cgi-bin/customservice/getonlinekflist', '/customservice/getonlinekflist'],
      methods: ['GET'],
      jsonBody: false,
      handle: (c) => kf.listOnline(app(c), c.credential!.kf_version),
    }),
    kfEndpoint('inviteworker', {
      paths: ['/customservice/kfaccount/inviteworker'],
      methods: ['POST'],
      jsonBody: true,
      workers: true,
      handle: async (c) => (await kf.invite(app(c), c.body), OK_BODY),
    }),
  ];
  return async function routes(instance: FastifyInstance): Promise<void> {
    for (const ep of endpoints) registerWechatEndpoint(instance, deps, ep);
  };
}
