import { expect } from 'vitest';
import { HINT_PATTERN, RID_PATTERN, WECHAT_CONTENT_TYPE, parseErrmsg } from '../../src/wire/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export type Query = Record<string, string | undefined>;

export function url(base: string, path: string, query: Query = {}): string {
  const q = Object.entries(query)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `${base}${path}${q ? `?${q}` : ''}`;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = {};
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  /** An object is sent as JSON; a string or bytes as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One raw HTTP request, as an SDK would make it. */
export async function call(base: string, path: string, opts: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | Uint8Array | FormData | undefined;
  if (typeof opts.body === 'string' || opts.body instanceof Uint8Array || opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const res = await fetch(url(base, path, opts.query), {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  return answer(res);
}

/** Asserts WeChat's envelope: HTTP 200, its exact Content-Type, and the errcode with its text, hint and rid. */
export function expectWxError(a: Answer, errcode: number, text: string, opts: { hint: boolean }): void {
  expect(a.status).toBe(200);
  expect(a.headers.get('content-type')).toBe(WECHAT_CONTENT_TYPE);
  expect(a.json.errcode, a.text).toBe(errcode);
  const parts = parseErrmsg(String(a.json.errmsg));
  expect(parts.text).toBe(text);
  expect(parts.rid).toMatch(RID_PATTERN);
  if (opts.hint) expect(parts.hint).toMatch(HINT_PATTERN);
  else expect(parts.hint).toBeUndefined();
}

export function expectOk(a: Answer): void {
  expect(a.status).toBe(200);
  expect(a.headers.get('content-type')).toBe(WECHAT_CONTENT_TYPE);
  expect(a.json, a.text).toEqual({ errcode: 0, errmsg: 'ok' });
}
