import { ERR, type ErrName } from './errcodes.js';

/** WeChat's own spelling: `encoding=`, not `charset=`. */
export const WECHAT_CONTENT_TYPE = 'application/json; encoding=utf-8';

export const OK_BODY = { errcode: 0, errmsg: 'ok' } as const;

export interface ErrorBody {
  errcode: number;
  errmsg: string;
}

/**
 * A WeChat error raised anywhere in a request; the HTTP layer renders it with the request's rid.
 * `reason` says in plain words why the call was refused: never on the wire (WeChat's answer stays
 * its opaque text), but in the journal entry and the request's log line.
 */
export class WxError extends Error {
  /** Off by default: a benchmark turns it on to measure what skipping the stack saves. */
  static captureStacks = false;
  readonly errcode: number;
  readonly text: string;
  constructor(
    readonly errName: ErrName,
    readonly reason?: string,
    params: Record<string, string> = {},
  ) {
    const entry = ERR[errName];
    const text = entry.errmsg.replace(/\{(\w+)\}/g, (_m, key: string) => params[key] ?? '');
    // An expected answer, not a fault: capturing a stack for each one would cost more than the rest
    // of a rejected call.
    const limit = Error.stackTraceLimit;
    if (!WxError.captureStacks) Error.stackTraceLimit = 0;
    super(text);
    Error.stackTraceLimit = limit;
    this.name = 'WxError';
    this.errcode = entry.errcode;
    this.text = text;
  }
}

/** Characters a kf hint is made of (WeChat: `hint: [` + 16 of these + `]`). */
export const HINT_PATTERN = /^[A-Za-z0-9_-]{16}$/;

export function makeHint(random12: Uint8Array): string {
  return Buffer.from(random12.subarray(0, 12)).toString('base64url');
}

/** `"<text> hint: [<hint>] rid: <rid>"`, or without the hint part. */
export function errorBody(errcode: number, text: string, rid: string, hint?: string): ErrorBody {
  const middle = hint === undefined ? '' : ` hint: [${hint}]`;
  return { errcode, errmsg: `${text}${middle} rid: ${rid}` };
}

/** Splits an errmsg back into its parts (for clients and tests). */
export function parseErrmsg(errmsg: string): { text: string; hint?: string; rid?: string } {
  const m = /^(.*?)(?: hint: \[([A-Za-z0-9_-]+)\])?(?: rid: ([0-9a-f-]+))?$/s.exec(errmsg);
  if (!m) return { text: errmsg };
  const out: { text: string; hint?: string; rid?: string } = { text: m[1] ?? '' };
  if (m[2] !== undefined) out.hint = m[2];
  if (m[3] !== undefined) out.rid = m[3];
  return out;
}

/** UTF-8 that throws on a malformed sequence instead of putting U+FFFD in; it drops a leading BOM. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a JSON body as WeChat does: whatever the Content-Type, with or without a UTF-8 BOM.
 * Empty (or only white space) is 44002; anything but a JSON object is 47001, and so is a body
 * that is not UTF-8 (RFC 8259): its bytes are never stored as replacement characters.
 */
export function parseJsonObjectBody(raw: Uint8Array | undefined): Record<string, unknown> {
  if (raw === undefined || raw.length === 0) throw new WxError('EMPTY_POST_DATA', 'the body is empty');
  let text: string;
  let value: unknown;
  try {
    text = STRICT_UTF8.decode(raw);
  } catch {
    throw new WxError('DATA_FORMAT_ERROR', 'the body is not UTF-8');
  }
  if (text.trim() === '') throw new WxError('EMPTY_POST_DATA', 'the body is only white space');
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WxError('DATA_FORMAT_ERROR', `the body is not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WxError(
      'DATA_FORMAT_ERROR',
      `the body is JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}, not an object`,
    );
  }
  return value as Record<string, unknown>;
}

/** Serializes an answer (an already encoded one passes through); JSON.stringify writes non-ASCII as it is, as WeChat does. */
export function encodeBody(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body), 'utf8');
}
