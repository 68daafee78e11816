import type { FastifyInstance } from 'fastify';
import { registerWechatEndpoint, type PipelineDeps, type WechatCall, type WechatEndpoint } from '../../pipeline/endpoint.js';
import type { ComponentService } from './service.js';

/** The token of a component endpoint: `component_access_token=` (old docs, wechatpy) or `access_token=` (new docs). */
const componentToken = (c: WechatCall) => c.query.component_access_token ?? c.query.access_token;

/** Third-party endpoints: a platform, not an app, calls them; no app quota counts them. */
export function componentRoutes(deps: PipelineDeps & { component: ComponentService }) {
  const { component } = deps;
  const post = (path: string, handle: WechatEndpoint['handle']): WechatEndpoint => ({
    name: path,
    paths: [path],
    methods: ['POST'],
    hint: false,
    caller: 'none',
    quota: 'none',
    jsonBody: true,
    handle,
  });
  return async function routes(app: FastifyInstance): Promise<void> {
    registerWechatEndpoint(
      app,
      deps,
      post('/cgi-bin/component/api_component_token', async ({ body }) => component.issueComponentToken(body)),
    );
    registerWechatEndpoint(
      app,
      deps,
      post('/cgi-bin/component/api_query_auth', async (c) =>
        component.queryAuth(await component.authenticate(componentToken(c)), c.body),
      ),
    );
    registerWechatEndpoint(
      app,
      deps,
      post('/cgi-bin/component/api_authorizer_token', async (c) =>
        component.authorizerToken(await component.authenticate(componentToken(c)), c.body),
      ),
    );
  };
}
