import { decryptMessage, wechatSignature } from './crypto.js';
import { parseXmlDocument, textAt, type ParsedXml } from './xml.js';

export type WebhookMode = 'plain' | 'compatible' | 'safe';

/** What a reply is judged against: the app's config and the push it answers. */
export interface ReplyContext {
  mode: WebhookMode;
  token: string;
  aesKey: Buffer | null;
  appid: string;
  openid: string;
  originalId: string;
}

export interface Judgement {
  status: 'acknowledged' | 'replied' | 'transferred' | 'invalid_reply';
  problem: string | null;
  msg_type: string | null;
  elements: ParsedXml | null;
  decrypted: string | null;
}

const REPLY_TYPES = ['text', 'image', 'voice', 'video', 'music', 'news', 'transfer_customer_service'];
const ACK = /^[\t\n\f\r ]*(success)?[\t\n\f\r ]*$/;

/** The element a reply type must carry, non-empty (push.md, rule 11); news is checked on its own. */
const REQUIRED: Record<string, string> = {
  text: 'Content',
  image: 'Image/MediaId',
  voice: 'Voice/MediaId',
  video: 'Video/MediaId',
  music: 'Music/ThumbMediaId',
};

function newsProblem(doc: ParsedXml): string | null {
  const articles = doc.Articles;
  const items = typeof articles === 'object' && !Array.isArray(articles) && Array.isArray(articles.item) ? articles.item : [];
  const count = textAt(doc, 'ArticleCount');
  if (count === undefined || !/^\d+$/.test(count) || Number(count) !== items.length || items.length < 1)
    return 'missing_field:ArticleCount';
  for (const item of items) if (!textAt(item, 'Title')) return 'missing_field:Articles/item/Title';
  return null;
}

/** The reply to a push, judged as WeChat would (push.md, "Judging the reply": rows 1–12 in order). */
export function judgeReply(body: string, ctx: ReplyContext): Judgement {
  const verdict = (status: Judgement['status'], problem: string | null, more: Partial<Judgement> = {}): Judgement => ({
    status,
    problem,
    msg_type: null,
    elements: null,
    decrypted: null,
    ...more,
  });
  const invalid = (problem: string, more: Partial<Judgement> = {}) => verdict('invalid_reply', problem, more);
  if (ACK.test(body)) return verdict('acknowledged', null);
  const outer = parseXmlDocument(body);
  if (!outer) return invalid('not_xml');
  let doc = outer;
  let decrypted: string | null = null;
  const encrypt = textAt(outer, 'Encrypt');
  if (outer.Encrypt !== undefined) {
    if (ctx.mode === 'plain') return invalid('encrypted_in_plain_mode');
    for (const name of ['MsgSignature', 'TimeStamp', 'Nonce']) if (!textAt(outer, name)) return invalid(`missing_field:${name}`);
    const timestamp = textAt(outer, 'TimeStamp') as string;
    if (!/^\d+$/.test(timestamp) || timestamp.length > 10 || Number(timestamp) >= 10_000_000_000) return invalid('bad_timestamp');
    const expected = wechatSignature(ctx.token, timestamp, textAt(outer, 'Nonce') as string, encrypt ?? '');
    if (textAt(outer, 'MsgSignature') !== expected) return invalid('bad_msg_signature');
    const plain = ctx.aesKey ? decryptMessage(ctx.aesKey, encrypt ?? '') : ({ ok: false, why: 'no key' } as const);
    if (!plain.ok) return invalid('bad_cipher');
    decrypted = plain.message;
    if (plain.appid !== ctx.appid) return invalid('wrong_appid', { decrypted });
    const inner = parseXmlDocument(plain.message);
    if (!inner) return invalid('not_xml', { decrypted });
    doc = inner;
  } else if (ctx.mode === 'safe') {
    return invalid('plain_in_safe_mode');
  }
  const more = { decrypted, elements: doc };
  if (textAt(doc, 'ToUserName') !== ctx.openid) return invalid('wrong_to_user', more);
  if (textAt(doc, 'FromUserName') !== ctx.originalId) return invalid('wrong_from_user', more);
  if (!textAt(doc, 'CreateTime')) return invalid('missing_field:CreateTime', more);
  const msgType = textAt(doc, 'MsgType') ?? '';
  if (!REPLY_TYPES.includes(msgType)) return invalid('unknown_msg_type', more);
  const required = REQUIRED[msgType];
  const problem = msgType === 'news' ? newsProblem(doc) : required && !textAt(doc, required) ? `missing_field:${required}` : null;
  if (problem) return invalid(problem, { ...more, msg_type: msgType });
  return verdict(msgType === 'transfer_customer_service' ? 'transferred' : 'replied', null, { ...more, msg_type: msgType });
}
