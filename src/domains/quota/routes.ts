import type { FastifyInstance } from 'fastify';
import { registerWechatEndpoint, type PipelineDeps, type WechatEndpoint } from '../../pipeline/endpoint.js';
import type { AppRecord } from '../../store/store.js';
import { given } from '../../wire/check.js';
import { OK_BODY, WxError } from '../../wire/envelope.js';
import type { CredentialsService } from '../credentials/service.js';
import type { QuotaService } from './service.js';

type Handle = WechatEndpoint['handle'];
const withToken = (path: string, handle: Handle): WechatEndpoint => ({
  name: path,
  paths: [path],
  methods: ['POST'],
  hint: false,
  caller: 'access_token',
  quota: 'daily',
  jsonBody: true,
  handle,
});

/** clear_quota (v1, v2), openapi/quota/get and openapi/rid/get. */
export function quotaRoutes(deps: PipelineDeps & { quota: QuotaService; credentials: CredentialsService }) {
  const { quota, journal, credentials } = deps;
  return async function routes(app: FastifyInstance): Promise<void> {
    registerWechatEndpoint(
      app,
      deps,
      withToken('/cgi-bin/clear_quota', async ({ app, body }) => {
        // The appid must be the token's own app.
        if (!given(body.appid)) throw new WxError('APPID_MISSING', 'no appid in the body');
        if (body.appid !== app?.appid) throw new WxError('INVALID_APPID', `appid ${body.appid} is not the token's app`);
        await quota.clear(app);
        return OK_BODY;
      }),
    );
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/clear_quota/v2',
      paths: ['/cgi-bin/clear_quota/v2'],
      methods: ['POST'],
      hint: false,
      caller: 'none',
      quota: 'none',
      // appid and appsecret in the query string (WxJava) or the JSON body (newer docs).
      jsonBody: (_method, query) => query.appid === undefined && query.appsecret === undefined,
      handle: async ({ query, body, fileUnder }) => {
        const appid = body.appid ?? query.appid;
        fileUnder(appid);
        const target = await credentials.checkSecretOnly(appid, body.appsecret ?? query.appsecret);
        await quota.clear(target);
        return OK_BODY;
      },
    });
    registerWechatEndpoint(
      app,
      deps,
      withToken('/cgi-bin/openapi/quota/get', async ({ app, body }) => ({
        ...OK_BODY,
        quota: await quota.view(app as AppRecord, body.cgi_path),
      })),
    );
    registerWechatEndpoint(
      app,
      deps,
      withToken('/cgi-bin/openapi/rid/get', async ({ app, body }) => ({
        ...OK_BODY,
        request: await journal.lookup(app as AppRecord, body.rid),
      })),
    );
  };
}
