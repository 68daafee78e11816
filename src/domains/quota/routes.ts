import type { FastifyInstance } from 'fastify';
import { registerWechatEndpoint, type WechatDeps } from '../../http/wechat.js';
import { OK_BODY, WxError } from '../../wire/envelope.js';

/** clear_quota (v1, v2), openapi/quota/get and openapi/rid/get. */
export function quotaRoutes(deps: WechatDeps) {
  const { quota, journal, credentials } = deps;
  return async function routes(app: FastifyInstance): Promise<void> {
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/clear_quota', paths: ['/cgi-bin/clear_quota'], methods: ['POST'], hint: false, accessToken: true, jsonBody: true,
      handle: async ({ caller, body }) => {
        // The appid must be the token's own app.
        if (typeof body.appid !== 'string' || body.appid === '') throw new WxError('APPID_MISSING');
        if (body.appid !== caller!.app.appid) throw new WxError('INVALID_APPID');
        await quota.clear(caller!.app);
        return OK_BODY;
      },
    });
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/clear_quota/v2', paths: ['/cgi-bin/clear_quota/v2'], methods: ['POST'], hint: false, accessToken: false,
      // appid and appsecret in the query string (WxJava) or the JSON body (newer docs).
      jsonBody: (_method, query) => query.appid === undefined && query.appsecret === undefined,
      handle: async ({ query, body }) => {
        const appid = body.appid ?? query.appid;
        const secret = body.appsecret ?? query.appsecret;
        const target = await credentials.admitBySecret(appid, secret);
        await quota.clear(target);
        return OK_BODY;
      },
    });
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/openapi/quota/get', paths: ['/cgi-bin/openapi/quota/get'], methods: ['POST'], hint: false,
      accessToken: true, jsonBody: true,
      handle: async ({ caller, body }) => ({ ...OK_BODY, quota: await quota.view(caller!.app, body.cgi_path) }),
    });
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/openapi/rid/get', paths: ['/cgi-bin/openapi/rid/get'], methods: ['POST'], hint: false,
      accessToken: true, jsonBody: true,
      handle: async ({ caller, body }) => ({ ...OK_BODY, request: await journal.lookup(caller!.app, body.rid) }),
    });
  };
}
