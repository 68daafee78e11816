import type { FastifyInstance } from 'fastify';
import { registerWechatEndpoint, type PipelineDeps } from '../../pipeline/endpoint.js';
import type { AppRecord } from '../../store/store.js';
import { STABLE_TOKEN_PER_MINUTE } from '../quota/rules.js';
import type { CredentialsService } from './service.js';

/** The token endpoints: the pipeline checks the app's secret (checks 1–7) and its quota (8). */
export function credentialsRoutes(deps: PipelineDeps & { credentials: CredentialsService }) {
  const { credentials } = deps;
  return async function routes(app: FastifyInstance): Promise<void> {
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/token',
      paths: ['/cgi-bin/token'],
      methods: ['GET'],
      hint: false,
      caller: 'app_secret',
      quota: 'daily',
      jsonBody: false,
      handle: async (c) => credentials.issueAccessToken((c.app as AppRecord).appid),
    });
    registerWechatEndpoint(app, deps, {
      name: '/cgi-bin/stable_token',
      paths: ['/cgi-bin/stable_token'],
      methods: ['POST'],
      hint: false,
      caller: 'app_secret',
      quota: 'daily',
      perMinute: STABLE_TOKEN_PER_MINUTE,
      jsonBody: true,
      // Only JSON `true` forces a refresh; "true", 1 and anything else are normal mode.
      handle: async (c) => credentials.issueStableToken(c.app as AppRecord, c.body.force_refresh === true),
    });
  };
}
