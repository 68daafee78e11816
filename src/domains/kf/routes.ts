import type { FastifyInstance } from 'fastify';
import { registerWechatEndpoint, type WechatDeps } from '../../http/wechat.js';
import { OK_BODY } from '../../wire/envelope.js';
import { mayManageKf } from './rules.js';
import type { KfService } from './service.js';

export function kfRoutes(deps: WechatDeps & { kf: KfService }) {
  return async function routes(app: FastifyInstance): Promise<void> {
    registerWechatEndpoint(app, deps, {
      name: '/customservice/kfaccount/add',
      paths: ['/customservice/kfaccount/add'],
      methods: ['POST'],
      hint: true,
      accessToken: true,
      allows: mayManageKf,
      jsonBody: true,
      handle: async ({ caller, body }) => {
        await deps.kf.add(caller!.app, body);
        return OK_BODY;
      },
    });
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/customservice/getkflist',
      paths: ['/cgi-bin/customservice/getkflist', '/customservice/getkflist'],
      methods: ['GET'],
      hint: true,
      accessToken: true,
      allows: mayManageKf,
      jsonBody: false,
      handle: async ({ caller }) => deps.kf.list(caller!.app),
    });
  };
}
