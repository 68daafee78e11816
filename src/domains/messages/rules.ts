import type { AppRecord, FlowDecision, FlowState, NewOutboxEntry, UserFlowRecord } from '../../store/store.js';
import { fail, ok, type Check, type Refusal } from '../../wire/check.js';
import { ERR } from '../../wire/errcodes.js';
import { parseKfAccount } from '../kf/rules.js';
import { chargeableGrant, liveGrants } from './window.js';

export const SEND_PATH = '/cgi-bin/message/custom/send';
export const TYPING_PATH = '/cgi-bin/message/custom/typing';
export const BUSINESS_TYPING_PATH = '/cgi-bin/message/custom/business/typing';

/** The permission sets (funcscope ids) of custom/send and typing (messages.md). */
export const MESSAGE_PERMISSION_SETS = {
  send: [1, 6, 19, 100, 101],
  typing: [1, 6, 19, 59, 100, 101],
} as const;

export const TEXT_MAX_BYTES = 2048;
export const TYPING_MS = 15_000;
export const EXCHANGE_MS = 30_000;

const isMiniApp = (app: Pick<AppRecord, 'type'>) => app.type === 'mini_program' || app.type === 'minigame';

/** A msgtype's fields: required non-empty strings, optional strings (absent or null allowed). */
interface MsgType {
  required: readonly string[];
  optional: readonly string[];
  /** Who may send it: Official Accounts (subscription, service), Mini Programs and MiniGames, or both. */
  apps: 'oa' | 'mini' | 'all';
}
export const MSG_TYPES: Record<string, MsgType> = {
  text: { required: ['content'], optional: [], apps: 'all' },
  image: { required: ['media_id'], optional: [], apps: 'all' },
  voice: { required: ['media_id'], optional: [], apps: 'oa' },
  video: { required: ['media_id'], optional: ['thumb_media_id', 'title', 'description'], apps: 'oa' },
  music: { required: ['musicurl', 'thumb_media_id'], optional: ['title', 'description', 'hqmusicurl'], apps: 'oa' },
  news: { required: [], optional: [], apps: 'oa' },
  mpnews: { required: ['media_id'], optional: [], apps: 'oa' },
  mpnewsarticle: { required: ['article_id'], optional: [], apps: 'oa' },
  msgmenu: { required: [], optional: ['head_content', 'tail_content'], apps: 'oa' },
  wxcard: { required: ['card_id'], optional: ['card_ext'], apps: 'oa' },
  miniprogrampage: { required: ['title', 'pagepath', 'thumb_media_id'], optional: ['appid'], apps: 'all' },
  link: { required: ['title', 'url'], optional: ['description', 'thumb_url'], apps: 'mini' },
};

/** Rule 2: a type this app may send. */
export function mayAppSend(app: Pick<AppRecord, 'type'>, msgtype: string): boolean {
  const t = Object.hasOwn(MSG_TYPES, msgtype) ? MSG_TYPES[msgtype] : undefined;
  if (!t) return false;
  return t.apps === 'all' || (t.apps === 'mini') === isMiniApp(app);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFilled = (v: unknown) => typeof v === 'string' && v !== '';
const isOptional = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** The fields of an object: required ones non-empty strings, optional ones strings or absent/null. */
function fieldsProblem(
  o: Record<string, unknown>,
  required: readonly string[],
  optional: readonly string[],
  at: string,
): string | null {
  for (const f of required) if (!isFilled(o[f])) return `${at}.${f} must be a non-empty string`;
  for (const f of optional) if (!isOptional(o[f])) return `${at}.${f} must be a string or null when given`;
  return null;
}

/** Rules 2–6 of custom/send on the body: the message's type and fields, in the page's order. */
export function checkMessage(app: Pick<AppRecord, 'type'>, body: Record<string, unknown>): Check<string> {
  const msgtype = body.msgtype;
  if (typeof msgtype !== 'string')
    return fail('INVALID_MESSAGE_TYPE', msgtype === undefined ? 'no msgtype' : 'msgtype is not a string');
  if (!mayAppSend(app, msgtype)) {
    return fail(
      'INVALID_MESSAGE_TYPE',
      Object.hasOwn(MSG_TYPES, msgtype)
        ? `a ${app.type} may not send ${msgtype}`
        : `${JSON.stringify(msgtype)} is no message type`,
    );
  }
  const o = body[msgtype];
  if (msgtype === 'text') {
    const content = isObject(o) ? o.content : undefined;
    if (!isFilled(content)) return fail('EMPTY_CONTENT', 'text.content is missing, not a string or empty');
    const bytes = Buffer.byteLength(content as string, 'utf8');
    if (bytes > TEXT_MAX_BYTES)
      return fail('CONTENT_TOO_LONG', `text.content is ${bytes} bytes of UTF-8, at most ${TEXT_MAX_BYTES}`);
  }
  if (msgtype === 'news' && isObject(o) && Array.isArray(o.articles) && o.articles.length > 1) {
    return fail('ARTICLE_SIZE_OUT_OF_LIMIT', `news.articles holds ${o.articles.length} articles, at most 1`);
  }
  if (!isObject(o)) return fail('INVALID_ARGS', `${msgtype} (the message object) is missing or not an object`);
  const t = MSG_TYPES[msgtype] as MsgType;
  const required = msgtype === 'miniprogrampage' && !isMiniApp(app) ? [...t.required, 'appid'] : t.required;
  const optional = t.optional.filter((f) => !required.includes(f));
  const problem =
    fieldsProblem(o, required, optional, msgtype) ??
    (msgtype === 'news' ? newsProblem(o) : msgtype === 'msgmenu' ? menuProblem(o) : null);
  return problem === null ? ok(msgtype) : fail('INVALID_ARGS', problem);
}

function newsProblem(o: Record<string, unknown>): string | null {
  const articles = o.articles;
  if (!Array.isArray(articles) || articles.length !== 1) return 'news.articles must hold exactly 1 article';
  const a: unknown = articles[0];
  if (!isObject(a)) return 'news.articles[0] must be an object';
  return fieldsProblem(a, ['title', 'url'], ['description', 'picurl'], 'news.articles[0]');
}

function menuProblem(o: Record<string, unknown>): string | null {
  const list = o.list;
  if (!Array.isArray(list) || list.length === 0) return 'msgmenu.list must hold 1 or more items';
  for (const [i, item] of list.entries()) {
    if (!isObject(item)) return `msgmenu.list[${i}] must be an object`;
    const p = fieldsProblem(item, ['id', 'content'], [], `msgmenu.list[${i}]`);
    if (p) return p;
  }
  return null;
}

/** A chat record's `text` for a message (sessions.md): a text's content, `[image]`, `[voice]`, `[video]`, else `[<type>]`. */
export function recordText(msgtype: string, content?: string): string {
  if (msgtype === 'text' && content !== undefined) return content;
  if (msgtype === 'shortvideo') return '[video]';
  return `[${msgtype}]`;
}

/** Rule 1 (and typing's rule 2): the user named by `touser`, if it is one of the app's. */
function recipient(state: FlowState, touser: unknown): Check<UserFlowRecord> {
  if (typeof touser !== 'string') return fail('INVALID_OPENID', touser === undefined ? 'no touser' : 'touser is not a string');
  if (!state.user) return fail('INVALID_OPENID', `${touser} is not a simulated user of this app`);
  return ok(state.user);
}

export interface MessageCall {
  app: AppRecord;
  path: string;
  body: Record<string, unknown>;
  rid: string;
  now: number;
}

/** What a call answered: null (0 ok), or the refusal with the reason in plain words. */
export type Verdict = Refusal | null;

/** The PREFIX a send names in `customservice.kf_account`, when well-formed (the store reads that account). */
export function sendPrefix(app: AppRecord, body: Record<string, unknown>): string | undefined {
  const cs = body.customservice;
  if (!isObject(cs)) return undefined;
  const p = parseKfAccount(cs.kf_account, app);
  return p.ok ? p.value : undefined;
}

function outboxEntry(c: MessageCall, errcode: number, over: Partial<NewOutboxEntry> = {}): NewOutboxEntry {
  return {
    openid: typeof c.body.touser === 'string' ? c.body.touser : null,
    path: c.path,
    time: c.now,
    rid: c.rid,
    errcode,
    msgtype: typeof c.body.msgtype === 'string' ? c.body.msgtype : null,
    command: typeof c.body.command === 'string' ? c.body.command : null,
    kf_account: null,
    body: c.body,
    grant: null,
    delivery_id: null,
    ...over,
  };
}

/** A refused call: nothing changes but the outbox, which records it with its errcode. */
function refusal(c: MessageCall, check: Refusal): FlowDecision<Verdict> {
  return { result: check, effects: { outbox: outboxEntry(c, ERR[check.err].errcode) } };
}

/**
 * custom/send, rules 1–13 of messages.md in order, on the state read under the user's lock. An
 * accepted send uses one unit of the grant it is charged to, ends typing, counts as an exchange,
 * and as a kf account makes a 2002 chat record; every call is an outbox entry.
 */
export function decideSend(c: MessageCall, s: FlowState): FlowDecision<Verdict> {
  const user = recipient(s, c.body.touser);
  if (!user.ok) return refusal(c, user);
  const message = checkMessage(c.app, c.body);
  if (!message.ok) return refusal(c, message);
  let account: { kf_account: string } | undefined;
  if (c.body.customservice !== undefined) {
    if (!c.app.kf_enabled)
      return refusal(c, fail('KF_NOT_ENABLED', 'a send as a kf account needs new customer service (kf_enabled is false)'));
    const cs = c.body.customservice;
    if (!isObject(cs)) return refusal(c, fail('KF_ACCOUNT_ILLEGAL', 'customservice is not an object'));
    const prefix = parseKfAccount(cs.kf_account, c.app);
    if (!prefix.ok) return refusal(c, prefix);
    const found = s.accounts.get(prefix.value);
    if (!found) return refusal(c, fail('KF_ACCOUNT_NOT_FOUND', `the app has no account ${String(cs.kf_account)}`));
    if (found.kf_wx === null) return refusal(c, fail('KF_ACCOUNT_NOT_BOUND', `${found.kf_account} is not bound to a worker`));
    account = found;
  }
  const live = liveGrants(c.app, s.grants, s.charges, c.now);
  const grant = chargeableGrant(user.value, live);
  if (!grant.ok) return refusal(c, grant);
  const g = grant.value;
  const text = c.body.text as { content?: string } | undefined;
  return {
    result: null,
    effects: {
      user: { typing_until: null, last_exchange_at: c.now },
      charge: { kind: g.kind, at: c.now },
      records: account
        ? [
            {
              openid: user.value.openid,
              opercode: 2002,
              text: recordText(message.value, text?.content),
              time: c.now,
              worker: account.kf_account,
            },
          ]
        : [],
      outbox: outboxEntry(c, 0, {
        kf_account: account?.kf_account ?? null,
        grant: { kind: g.kind, used: g.used + 1, allowance: g.allowance },
      }),
    },
  };
}

/** Typing's rule 1: Official Accounts use …/custom/typing, Mini Programs and MiniGames …/business/typing. */
export function typingPathFits(app: Pick<AppRecord, 'type'>, path: string): boolean {
  return isMiniApp(app) === (path === BUSINESS_TYPING_PATH);
}

/** typing, rules 2–8 of messages.md (rule 1, the path, is checked before the user is read). */
export function decideTyping(c: MessageCall, s: FlowState): FlowDecision<Verdict> {
  if (!typingPathFits(c.app, c.path)) {
    return refusal(
      c,
      fail('INVALID_ACCOUNT_TYPE', `a ${c.app.type} uses ${isMiniApp(c.app) ? BUSINESS_TYPING_PATH : TYPING_PATH}`),
    );
  }
  const user = recipient(s, c.body.touser);
  if (!user.ok) return refusal(c, user);
  const command = c.body.command;
  if (command !== 'Typing' && command !== 'CancelTyping') {
    return refusal(c, fail('INVALID_TYPING_COMMAND', 'command must be exactly Typing or CancelTyping'));
  }
  const accepted = (typing_until: number | null): FlowDecision<Verdict> => ({
    result: null,
    effects: { user: { typing_until }, outbox: outboxEntry(c, 0) },
  });
  if (command === 'CancelTyping') return accepted(null);
  const grant = chargeableGrant(user.value, liveGrants(c.app, s.grants, s.charges, c.now));
  if (!grant.ok) return refusal(c, grant);
  const last = user.value.last_exchange_at;
  if (last === null || c.now - last > EXCHANGE_MS) {
    return refusal(
      c,
      fail(
        'TYPING_NEEDS_EXCHANGE',
        last === null
          ? 'no exchange with the user yet'
          : `the last exchange was ${Math.floor((c.now - last) / 1000)} s ago, over 30 s`,
      ),
    );
  }
  if (isTyping(user.value, c.now)) return refusal(c, fail('ALREADY_TYPING', 'the typing state of 15 s is still on'));
  return accepted(c.now + TYPING_MS);
}

/** The typing state holds while `now < start + 15 s`. */
export const isTyping = (u: Pick<UserFlowRecord, 'typing_until'>, now: number): boolean =>
  u.typing_until !== null && now < u.typing_until;
