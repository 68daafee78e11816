import type { FastifyInstance } from 'fastify';
import { registerWechatEndpoint, type WechatDeps } from '../../http/wechat.js';

export function credentialsRoutes(deps: WechatDeps) {
  return async function routes(app: FastifyInstance): Promise<void> {
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/token',
      paths: ['/cgi-bin/token'],
      methods: ['GET'],
      hint: false,
      accessToken: false,
      jsonBody: false,
      handle: async ({ query, ip }) => {
        const { grant_type, appid, secret } = query;
        const app = await deps.credentials.admit({ grant_type, appid, secret }, ip);
        await deps.quota.admit(app, '/cgi-bin/token');
        return deps.credentials.issueAccessToken(app.appid);
      },
    });
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/stable_token',
      paths: ['/cgi-bin/stable_token'],
      methods: ['POST'],
      hint: false,
      accessToken: false,
      jsonBody: true,
      handle: async ({ body, ip }) => {
        const app = await deps.credentials.admit(
          { grant_type: body.grant_type, appid: body.appid, secret: body.secret },
          ip,
        );
        await deps.quota.admit(app, '/cgi-bin/stable_token');
        await deps.quota.admitStableMinute(app);
        // Only JSON `true` forces a refresh; "true", 1 and anything else are normal mode.
        return deps.credentials.issueStableToken(app, body.force_refresh === true);
      },
    });
  };
}
