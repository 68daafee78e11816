import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import type { AppRecord, CallCount, Credential } from '../store/store.js';
import { ERR } from '../wire/errcodes.js';
import { WECHAT_CONTENT_TYPE, WxError, encodeBody, errorBody, makeHint, parseJsonObjectBody } from '../wire/envelope.js';
import { journalBytes, maskQuery, type Journal } from './journal.js';
import { isTooLarge } from './raw-body.js';
import { InjectedAnswer, injectFault, type InjectedFault } from './injected-fault.js';
import { uses } from '../platform/mechanisms.js';

/** `in_write` endpoints count in their write (the common case), unless a benchmark turned that off. */
const COUNT_IN_WRITE = uses('quota-in-write');

/**
 * The WeChat-side pipeline: every endpoint is a descriptor, and one handler runs the common
 * checks of wire.md in their order (method, caller, account type, permission sets, quota, body)
 * before the endpoint's own `handle`, then answers and journals the call. The pipeline knows the
 * domains only through `PipelineDeps`, which the composition root fills.
 */
export const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
type Method = 'GET' | 'POST';

/** What one request carries through the common checks into an endpoint's handler. */
export interface WechatCall {
  /** The request itself, for the one endpoint that streams its body (uploadheadimg). */
  req: FastifyRequest;
  rid: string;
  ip: string;
  query: Record<string, string>;
  /** The caller's credential (`caller: 'access_token'`). */
  credential: Credential | undefined;
  /** The calling app, once known (`access_token` or `app_secret` endpoints). */
  app: AppRecord | undefined;
  /** The JSON object body, when the endpoint reads one. */
  body: Record<string, unknown>;
  /** Files the call in the journal under this appid (an endpoint that identifies its caller itself). */
  fileUnder(appid: unknown): void;
  /**
   * Check 8, for an endpoint whose quota is `in_write`: handed to the store write that counts the
   * call in its own transaction. The pipeline counts it after `handle` if no write did.
   */
  count: CallCount | undefined;
}

/** The fields of a token request (credentials.md): from the query (`/cgi-bin/token`) or the body. */
export interface SecretRequest {
  grant_type: unknown;
  appid: unknown;
  secret: unknown;
}

export interface WechatEndpoint {
  /** The interface name logs, quotas and the journal use (WeChat's cgi path without the query). */
  name: string;
  paths: string[];
  methods: Method[];
  /** The kf family answers errors with a `hint: [...]`. */
  hint: boolean;
  /**
   * Checks 3–5: who calls. `access_token`: a token in the query. `app_secret`: appid and secret
   * (the token endpoints, credentials.md checks 1–7; from the body, which is then checked first,
   * when `jsonBody` is true). `none`: the endpoint identifies its caller itself.
   */
  caller: 'access_token' | 'app_secret' | 'none';
  /** Check 6: may this app call the endpoint at all? */
  allows?: (app: AppRecord) => boolean;
  /** Check 7: the permission sets an authorizer_access_token needs one of. */
  permissionSets?: readonly number[];
  /**
   * Check 8, once the app is known: `daily` counts the call before the body is read; `in_write`
   * hands the count to the endpoint's store write (one round trip), and a call refused before
   * any write counted it is counted then (45009 wins over what refused it); `none` counts nothing.
   */
  quota: 'daily' | 'in_write' | 'none';
  /** A per-minute limit after the daily one (stable_token: 10000 a minute, 45011). */
  perMinute?: number;
  /** Whether checks 9–10 apply (the body must be a JSON object), or a function of the method and query. */
  jsonBody: boolean | ((method: string, query: Record<string, string>) => boolean);
  handle(call: WechatCall): Promise<unknown>;
}

/** What the pipeline needs of the domains; the composition root provides it. */
export interface PipelineDeps {
  /**
   * Check 1 (and, with the caller's appid, once the app is known): the fault that fires on this
   * call, or undefined at once when none could (the common case costs no promise).
   */
  fault(iface: string, appid: string | null): Promise<InjectedFault | undefined> | undefined;
  clock: Clock;
  random: Random;
  journal: Journal;
  /** Checks 3–5 for an access_token (41001, 40001, 42001). */
  authenticate(accessToken: unknown): Promise<Credential>;
  /** The token endpoints' checks 1–7 (credentials.md). */
  checkAppSecret(req: SecretRequest, ip: string): Promise<AppRecord>;
  /** Check 7: does the credential hold one of these permission sets? */
  permits(credential: Credential, sets: readonly number[]): boolean;
  /** Check 8 of a call, not counted yet. */
  callCount(app: AppRecord, iface: string): CallCount;
  /** Counts a call no write counted; 45009 when the quota is used up. */
  settle(count: CallCount): Promise<void>;
  /** A per-minute limit (45011). */
  admitPerMinute(app: AppRecord, iface: string, limit: number): Promise<void>;
  /** Counts an answered call (the /metrics of operator.md). */
  observe(iface: string, errcode: number, seconds: number): void;
  /** Counts a failure that answered -1 (a store error, most likely). */
  unexpected(): void;
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
    req.wx.reason = err.reason ?? text;
  } else if (err instanceof InjectedAnswer) {
    errcode = err.errcode;
    text = err.text;
    req.wx.reason = `answered by injected fault ${err.faultId}`;
  } else {
    // The request's deps are not at hand here: the handler counts it (req.wx.unexpected).
    req.wx.unexpected = true;
    req.log.error({ err, rid: req.id }, 'unexpected failure answered as -1 system error');
    req.wx.reason = `unexpected failure: ${(err as Error)?.message ?? String(err)}`;
  }
  req.wx.errcode = errcode;
  return errorBody(errcode, text, req.id, hint);
}

export function sendWechatError(req: FastifyRequest, reply: FastifyReply, err: unknown, hint: string | undefined): FastifyReply {
  return sendWechat(reply, wechatErrorBody(req, err, hint));
}

const KINDS: Record<AppRecord['type'], string> = {
  service: 'service account',
  subscription: 'subscription account',
  mini_program: 'Mini Program',
  minigame: 'MiniGame',
};
/** `an uncertified service account`, `a Mini Program`: who was refused, for a 48001's reason. */
function appKind(app: AppRecord): string {
  const kind = `${app.certified ? '' : 'uncertified '}${KINDS[app.type]}`;
  return `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** The JSON object body (checks 9–10), or 47001 for one over 1 MiB (the connection is then closed). */
function readJsonBody(req: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  if (isTooLarge(req.body)) {
    reply.header('connection', 'close');
    throw new WxError('DATA_FORMAT_ERROR', 'body over 1 MiB, not read');
  }
  return parseJsonObjectBody(Buffer.isBuffer(req.body) ? req.body : undefined);
}

/** Checks 2–10 and the endpoint's own answer. */
async function answer(deps: PipelineDeps, ep: WechatEndpoint, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  // Check 1: a path-wide injected fault answers before anything else is looked at.
  await injectFault(deps.fault, req, ep.name, null);
  if (!ep.methods.includes(req.method as Method)) {
    throw new WxError(
      ep.methods.includes('POST') ? 'REQUIRE_POST' : 'REQUIRE_GET',
      `${req.method} on an endpoint that takes ${ep.methods.join(' or ')}`,
    );
  }
  const query = flatQuery(req.query);
  const needsBody = typeof ep.jsonBody === 'function' ? ep.jsonBody(req.method, query) : ep.jsonBody;
  let body: Record<string, unknown> | undefined;
  let credential: Credential | undefined;
  let app: AppRecord | undefined;
  if (ep.caller === 'access_token') {
    credential = await deps.authenticate(query.access_token);
    app = credential.app;
    req.wx.appid = app.appid;
    // A fault scoped to the app applies once the caller's app is known (after check 5).
    await injectFault(deps.fault, req, ep.name, app.appid);
    if (ep.allows && !ep.allows(app)) throw new WxError('API_UNAUTHORIZED', `${appKind(app)} may not call ${ep.name}`);
    if (ep.permissionSets && !deps.permits(credential, ep.permissionSets)) {
      throw new WxError(
        'API_UNAUTHORIZED_TO_COMPONENT',
        `the platform's authorization grants none of the permission sets ${ep.permissionSets.join(', ')}`,
      );
    }
  } else if (ep.caller === 'app_secret') {
    if (needsBody) body = readJsonBody(req, reply);
    const from = body ?? query;
    // The journal files the call under the appid it names, refused or not (a token problem is found by app).
    if (typeof from.appid === 'string' && from.appid !== '') req.wx.appid = from.appid;
    app = await deps.checkAppSecret({ grant_type: from.grant_type, appid: from.appid, secret: from.secret }, req.ip);
    req.wx.appid = app.appid;
    await injectFault(deps.fault, req, ep.name, app.appid);
  }
  let count: CallCount | undefined;
  if (app && ep.quota !== 'none') {
    count = deps.callCount(app, ep.name);
    if (ep.quota === 'daily' || !COUNT_IN_WRITE) await deps.settle(count);
    if (ep.perMinute !== undefined) await deps.admitPerMinute(app, ep.name, ep.perMinute);
  }
  const inWrite = ep.quota === 'in_write' && COUNT_IN_WRITE ? count : undefined;
  let answered: unknown;
  try {
    if (needsBody && body === undefined) body = readJsonBody(req, reply);
    const fileUnder = (appid: unknown) => {
      if (typeof appid === 'string' && appid !== '') req.wx.appid = appid;
    };
    answered = await ep.handle({
      req,
      rid: req.id,
      ip: req.ip,
      query,
      credential,
      app,
      body: body ?? {},
      count: inWrite,
      fileUnder,
    });
  } catch (err) {
    // Check 8 keeps its place in the order: a used-up quota answers 45009 whatever refused the call.
    if (inWrite) await deps.settle(inWrite);
    throw err;
  }
  // Counted by the endpoint's write (the common case): no further round trip.
  if (inWrite && !(inWrite.counted && inWrite.admitted)) await deps.settle(inWrite);
  return answered;
}

/** Registers an endpoint on every method of each of its paths: a wrong method is 43001/43002, not 40066. */
export function registerWechatEndpoint(app: FastifyInstance, deps: PipelineDeps, ep: WechatEndpoint): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    req.wx.iface = ep.name;
    const started = deps.clock.now();
    let payload: Buffer;
    try {
      const answered = await answer(deps, ep, req, reply);
      req.wx.errcode = 0;
      payload = encodeBody(answered);
    } catch (err) {
      payload = encodeBody(wechatErrorBody(req, err, ep.hint ? makeHint(deps.random.bytes(12)) : undefined));
    }
    sendWechat(reply, payload);
    const now = deps.clock.now();
    const errcode = req.wx.errcode ?? -1;
    deps.observe(ep.name, errcode, reply.elapsedTime / 1000);
    if (req.wx.unexpected) deps.unexpected();
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
      errcode,
      reason: req.wx.reason ?? null,
      fault_id: req.wx.faultId ?? null,
    });
    return reply;
  };
  for (const url of ep.paths) {
    deps.served.set(url, ep.name);
    app.route({ method: [...ALL_METHODS], url, handler });
  }
}
