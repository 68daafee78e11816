import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import type { Journal } from '../domains/quota/journal.js';
import { journalBytes, maskQuery } from '../domains/quota/journal.js';
import type { DeferredQuota, QuotaService } from '../domains/quota/service.js';
import type { AppRecord } from '../store/store.js';
import { permitsComponent } from '../domains/credentials/rules.js';
import type { Caller, CredentialsService } from '../domains/credentials/service.js';
import { ERR } from '../wire/errcodes.js';
import { WECHAT_CONTENT_TYPE, WxError, encodeBody, errorBody, makeHint, parseJsonObjectBody } from '../wire/envelope.js';
import { isTooLarge } from './raw-body.js';

export const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
type Method = 'GET' | 'POST';

/** What one request carries through the common checks into an endpoint's handler. */
export interface WechatCall {
  /** The request itself, for the one endpoint that streams its body (uploadheadimg). */
  req: FastifyRequest;
  rid: string;
  ip: string;
  query: Record<string, string>;
  /** The caller, when the endpoint takes an `access_token`. */
  caller: Caller | undefined;
  /** The JSON object body, when the endpoint reads one. */
  body: Record<string, unknown>;
  /** Check 8, when the endpoint counts the call in its own write (`countsInWrite`). */
  quota: DeferredQuota | undefined;
}

export interface WechatEndpoint {
  /** The interface name logs and metrics use (WeChat's cgi path without the query). */
  name: string;
  paths: string[];
  methods: Method[];
  /** The kf family answers errors with a `hint: [...]`. */
  hint: boolean;
  /** Whether the common checks 3–5 apply (an `access_token` is required). */
  accessToken: boolean;
  /** Check 6: may this app call the endpoint at all? */
  allows?: (app: AppRecord) => boolean;
  /** Check 7: the permission sets an authorizer_access_token needs one of. */
  permissionSets?: readonly number[];
  /**
   * Check 8 is done by the endpoint's own store write, in the same round trip (the call's `quota`).
   * The endpoint must write nothing before it, and must spend it on every successful path. When
   * a body check or a rule refuses the call first, the pipeline counts it then, and a used-up
   * quota answers 45009 instead: check 8's place in the order is kept.
   */
  countsInWrite?: boolean;
  /** Whether checks 9–10 apply (the body must be a JSON object), or a function of the method and query. */
  jsonBody: boolean | ((method: string, query: Record<string, string>) => boolean);
  handle(call: WechatCall): Promise<unknown>;
}

export interface WechatDeps {
  credentials: CredentialsService;
  quota: QuotaService;
  journal: Journal;
  clock: Clock;
  random: Random;
  /** Every served path → its interface name, filled as endpoints register (quota/get reads it). */
  served: Map<string, string>;
}

/** First value of each query parameter (a repeated parameter counts once, as its first occurrence). */
function flatQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (query && typeof query === 'object') {
    for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
      const first = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string') out[k] = first;
    }
  }
  return out;
}

export function sendWechat(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).header('content-type', WECHAT_CONTENT_TYPE).send(encodeBody(body));
}

/** The request body for the journal: the bytes as read, or what stands for a body that was not. */
function journalRequestBody(body: unknown, contentType: string | undefined): Buffer | string {
  if (Buffer.isBuffer(body)) return journalBytes(body);
  if (isTooLarge(body)) return '[body over 1 MiB, not read]';
  if (contentType?.startsWith('multipart/')) return '[multipart body]';
  return '';
}

/** The WeChat envelope of a WxError (or of anything unexpected, as `-1 system error`). */
export function wechatErrorBody(req: FastifyRequest, err: unknown, hint: string | undefined) {
  let errcode: number = ERR.SYSTEM_ERROR.errcode;
  let text: string = ERR.SYSTEM_ERROR.errmsg;
  if (err instanceof WxError) {
    errcode = err.errcode;
    text = err.text;
  } else {
    req.log.error({ err, rid: req.id }, 'unexpected failure answered as -1 system error');
  }
  req.wx.errcode = errcode;
  return errorBody(errcode, text, req.id, hint);
}

export function sendWechatError(req: FastifyRequest, reply: FastifyReply, err: unknown, hint: string | undefined): FastifyReply {
  return sendWechat(reply, wechatErrorBody(req, err, hint));
}

/** Registers an endpoint on every method of each of its paths: a wrong method is 43001/43002, not 40066. */
export function registerWechatEndpoint(app: FastifyInstance, deps: WechatDeps, ep: WechatEndpoint): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    req.wx.iface = ep.name;
    const started = deps.clock.now();
    let payload: Buffer;
    try {
      // 1: faults come with the operator issue.
      if (!ep.methods.includes(req.method as Method)) {
        throw new WxError(ep.methods.includes('POST') ? 'REQUIRE_POST' : 'REQUIRE_GET');
      }
      const query = flatQuery(req.query);
      let caller: Caller | undefined;
      let quota: DeferredQuota | undefined;
      if (ep.accessToken) {
        caller = await deps.credentials.authenticate(query.access_token);
        req.wx.appid = caller.app.appid;
        if (ep.allows && !ep.allows(caller.app)) throw new WxError('API_UNAUTHORIZED');
        if (ep.permissionSets && !permitsComponent(caller, ep.permissionSets)) {
          throw new WxError('API_UNAUTHORIZED_TO_COMPONENT');
        }
        if (ep.countsInWrite) quota = deps.quota.defer(caller.app, ep.name);
        else await deps.quota.admit(caller.app, ep.name);
      }
      let answer: unknown;
      try {
        let body: Record<string, unknown> = {};
        const needsBody = typeof ep.jsonBody === 'function' ? ep.jsonBody(req.method, query) : ep.jsonBody;
        if (needsBody) {
          if (isTooLarge(req.body)) {
            reply.header('connection', 'close');
            throw new WxError('DATA_FORMAT_ERROR');
          }
          body = parseJsonObjectBody(Buffer.isBuffer(req.body) ? req.body : undefined);
        }
        answer = await ep.handle({ req, rid: req.id, ip: req.ip, query, caller, body, quota });
      } catch (err) {
        if (quota) await deps.quota.settle(quota); // 45009 wins over what refused the call
        throw err;
      }
      if (quota && !quota.spent) throw new Error(`${ep.name} answered without counting the call (countsInWrite)`);
      req.wx.errcode = 0;
      payload = encodeBody(answer);
    } catch (err) {
      payload = encodeBody(wechatErrorBody(req, err, ep.hint ? makeHint(deps.random.bytes(12)) : undefined));
    }
    sendWechat(reply, payload);
    const now = deps.clock.now();
    deps.journal.record({
      rid: req.id,
      appid: req.wx.appid ?? null,
      cgi_path: ep.name,
      invoke_time: started,
      cost_ms: Math.max(0, now - started),
      request_url: maskQuery(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : ''),
      request: journalRequestBody(req.body, req.headers['content-type']),
      response: journalBytes(payload),
      client_ip: req.ip,
      errcode: req.wx.errcode ?? -1,
    });
    return reply;
  };
  for (const url of ep.paths) {
    deps.served.set(url, ep.name);
    app.route({ method: [...ALL_METHODS], url, handler });
  }
}
