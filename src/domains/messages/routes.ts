import type { FastifyInstance } from 'fastify';
import { registerWechatEndpoint, type PipelineDeps, type WechatCall, type WechatEndpoint } from '../../pipeline/endpoint.js';
import type { AppRecord } from '../../store/store.js';
import { OK_BODY } from '../../wire/envelope.js';
import { mayManageKf } from '../kf/rules.js';
import { BUSINESS_TYPING_PATH, MESSAGE_PERMISSION_SETS, SEND_PATH, TYPING_PATH } from './rules.js';
import type { MessagesService } from './service.js';

export type MessagesDeps = PipelineDeps & { messages: MessagesService };

/**
 * custom/send and typing: an access token; Mini Programs, MiniGames and certified Official
 * Accounts (check 6, as the kf family); errors carry the rid and no hint (messages.md).
 */
function messageEndpoint(paths: string[], sets: readonly number[], handle: (c: WechatCall) => Promise<unknown>): WechatEndpoint {
  return {
    name: paths[0] as string,
    paths,
    methods: ['POST'],
    hint: false,
    caller: 'access_token',
    allows: mayManageKf,
    permissionSets: sets,
    // Counted in the call's own user transaction (one write per call).
    quota: 'in_write',
    jsonBody: true,
    handle,
  };
}

export function messagesRoutes(deps: MessagesDeps) {
  const { messages } = deps;
  const app = (c: WechatCall) => c.app as AppRecord;
  const endpoints = [
    messageEndpoint(
      [SEND_PATH],
      MESSAGE_PERMISSION_SETS.send,
      async (c) => (await messages.send(app(c), c.body, c.rid, c.count), OK_BODY),
    ),
    // One interface on two paths (Official Accounts, and Mini Programs / MiniGames): one quota, one fault.
    messageEndpoint([TYPING_PATH, BUSINESS_TYPING_PATH], MESSAGE_PERMISSION_SETS.typing, async (c) => {
      await messages.typing(app(c), c.req.routeOptions.url ?? TYPING_PATH, c.body, c.rid, c.count);
      return OK_BODY;
    }),
  ];
  return async function routes(instance: FastifyInstance): Promise<void> {
    for (const ep of endpoints) registerWechatEndpoint(instance, deps, ep);
  };
}
