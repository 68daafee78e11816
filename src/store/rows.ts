import type { Row } from './sql/program.js';
import type {
  AppRecord,
  AuthorizationRecord,
  ComponentPlatformRecord,
  ComponentTokenRecord,
  Credential,
  JournalEntry,
  JournalFilter,
  KfAccountRecord,
  SimulatedUserRecord,
  StableState,
  TokenRecord,
} from './store.js';

/**
 * Row mapping, one for both drivers. SQLite answers booleans as 0/1 and JSON as text; PostgreSQL
 * answers booleans, parsed JSONB and (with wxkf's type parser) BIGINT as numbers.
 */
export type { Row };

export const bool = (v: unknown): boolean => v === true || v === 1;
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
function json<T>(v: unknown): T {
  if (typeof v !== 'string') return v as T;
  return (v === '[]' ? [] : JSON.parse(v)) as T;
}

export const APP_COLUMNS = [
  'appid',
  'secret',
  'type',
  'certified',
  'alias',
  'original_id',
  'kf_enabled',
  'ip_whitelist',
  'secret_frozen',
  'created_at',
  'updated_at',
  'daily_quotas',
  'window_profile',
  'window_counting',
  'label',
] as const;
export const TOKEN_COLUMNS = [
  'token_hash',
  'appid',
  'family',
  'issued_at',
  'expires_at',
  'superseded_at',
  'revoked_at',
  'nonce',
  'component_appid',
] as const;

export function appFromRow(r: Row): AppRecord {
  return {
    appid: r.appid as string,
    secret: r.secret as string,
    type: r.type as AppRecord['type'],
    certified: bool(r.certified),
    alias: r.alias as string,
    original_id: r.original_id as string,
    kf_enabled: bool(r.kf_enabled),
    ip_whitelist: json<string[]>(r.ip_whitelist),
    secret_frozen: bool(r.secret_frozen),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
    daily_quotas: r.daily_quotas === '{}' ? {} : json<Record<string, number>>(r.daily_quotas ?? '{}'),
    window_profile: (r.window_profile ?? 'current') as AppRecord['window_profile'],
    window_counting: (r.window_counting ?? 'accumulate') as AppRecord['window_counting'],
    label: strOrNull(r.label),
  };
}

type TokenKeys = Record<(typeof TOKEN_COLUMNS)[number], string>;
const PLAIN_KEYS = Object.fromEntries(TOKEN_COLUMNS.map((c) => [c, c])) as TokenKeys;
/** The credential read names the token's columns `t_*` (its appid is the app's). */
const CREDENTIAL_KEYS = { ...(Object.fromEntries(TOKEN_COLUMNS.map((c) => [c, `t_${c}`])) as TokenKeys), appid: 'appid' };

export function tokenFromRow(r: Row, k: TokenKeys = PLAIN_KEYS): TokenRecord {
  return {
    token_hash: r[k.token_hash] as string,
    appid: r[k.appid] as string,
    family: r[k.family] as TokenRecord['family'],
    issued_at: Number(r[k.issued_at]),
    expires_at: Number(r[k.expires_at]),
    superseded_at: numOrNull(r[k.superseded_at]),
    revoked_at: numOrNull(r[k.revoked_at]),
    nonce: strOrNull(r[k.nonce]),
    component_appid: strOrNull(r[k.component_appid]),
  };
}

/** The credential read: the token's columns as `t_*` beside the app's own, and an authorizer token's sets. */
export const CREDENTIAL_SELECT = `SELECT ${TOKEN_COLUMNS.filter((c) => c !== 'appid')
  .map((c) => `t.${c} AS t_${c}`)
  .join(', ')},
  ${APP_COLUMNS.map((c) => `a.${c}`).join(', ')}, a.kf_version, ca.funcscope_category_ids AS funcscope
  FROM access_tokens t JOIN apps a ON a.appid = t.appid
  LEFT JOIN component_authorizations ca ON ca.component_appid = t.component_appid AND ca.authorizer_appid = t.appid`;

export function credentialFromRow(r: Row): Credential {
  const funcscope = r.funcscope === null || r.funcscope === undefined ? null : json<number[]>(r.funcscope);
  return { token: tokenFromRow(r, CREDENTIAL_KEYS), app: appFromRow(r), funcscope, kf_version: Number(r.kf_version) };
}

export function kfAccountFromRow(r: Row): KfAccountRecord {
  return {
    appid: r.appid as string,
    kf_account: r.kf_account as string,
    kf_id: Number(r.kf_id),
    kf_nick: r.kf_nick as string,
    kf_headimgurl: r.kf_headimgurl as string,
    kf_wx: strOrNull(r.kf_wx),
    invite_wx: strOrNull(r.invite_wx),
    invite_expire_time: numOrNull(r.invite_expire_time),
    invite_status: strOrNull(r.invite_status),
    online_status: Number(r.online_status ?? 0),
    accepted_case: Number(r.accepted_case ?? 0),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
  };
}

export function authorizationFromRow(r: Row): AuthorizationRecord {
  return {
    component_appid: r.component_appid as string,
    authorizer_appid: r.authorizer_appid as string,
    funcscope_category_ids: json<number[]>(r.funcscope_category_ids),
    created_at: Number(r.created_at),
  };
}

/** The app's columns by name, as bind parameters (lists and maps as JSON text). */
export function appColumns(a: AppRecord): Record<(typeof APP_COLUMNS)[number], unknown> {
  return {
    appid: a.appid,
    secret: a.secret,
    type: a.type,
    certified: a.certified,
    alias: a.alias,
    original_id: a.original_id,
    kf_enabled: a.kf_enabled,
    ip_whitelist: JSON.stringify(a.ip_whitelist),
    secret_frozen: a.secret_frozen,
    created_at: a.created_at,
    updated_at: a.updated_at,
    daily_quotas: JSON.stringify(a.daily_quotas),
    window_profile: a.window_profile,
    window_counting: a.window_counting,
    label: a.label,
  };
}

export function tokenValues(t: TokenRecord): unknown[] {
  return TOKEN_COLUMNS.map((c) => t[c]);
}

/** Days since the epoch and counts: the stable-token state of an app row. */
export function stableFromRow(r: Row | undefined, current: TokenRecord | undefined): StableState {
  if (!r) return { version: 0, current: undefined, force_day: 0, force_count: 0, last_force_at: null };
  return {
    version: Number(r.stable_version),
    current,
    force_day: Number(r.force_day),
    force_count: Number(r.force_count),
    last_force_at: numOrNull(r.last_force_at),
  };
}

export function journalFromRow(r: Row): JournalEntry {
  return {
    rid: r.rid as string,
    appid: strOrNull(r.appid),
    cgi_path: r.cgi_path as string,
    invoke_time: Number(r.invoke_time),
    cost_ms: Number(r.cost_ms),
    request_url: r.request_url as string,
    request_body: r.request_body as string,
    response_body: (r.shared_body ?? r.response_body) as string,
    client_ip: r.client_ip as string,
    errcode: Number(r.errcode),
    reason: strOrNull(r.reason),
    fault_id: numOrNull(r.fault_id),
  };
}

/** The journal query for a filter, on `select` (which reads the journal as `j`). */
export function journalQuery(select: string, f: JournalFilter): { sql: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (cond: string, v: unknown) => {
    values.push(v);
    where.push(cond);
  };
  if (f.appid !== undefined) add('j.appid = ?', f.appid);
  if (f.cgi_path !== undefined) add('j.cgi_path = ?', f.cgi_path);
  if (f.errcode !== undefined) add('j.errcode = ?', f.errcode);
  if (f.since !== undefined) add('j.invoke_time >= ?', f.since);
  if (f.until !== undefined) add('j.invoke_time < ?', f.until);
  values.push(f.limit);
  const sql = `${select} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY j.invoke_time DESC, j.rid LIMIT ?`;
  return { sql, values };
}

export function platformFromRow(r: Row): ComponentPlatformRecord {
  return {
    component_appid: r.component_appid as string,
    component_appsecret: r.component_appsecret as string,
    created_at: Number(r.created_at),
    ticket: strOrNull(r.ticket),
    ticket_at: numOrNull(r.ticket_at),
  };
}

export function componentTokenFromRow(r: Row): ComponentTokenRecord {
  return {
    token_hash: r.token_hash as string,
    component_appid: r.component_appid as string,
    issued_at: Number(r.issued_at),
    expires_at: Number(r.expires_at),
    superseded_at: numOrNull(r.superseded_at),
  };
}

/** A simulated user's own columns (`app_users`), as the users area and the flow area both read them. */
export function userFromRow(r: Row): SimulatedUserRecord {
  return {
    appid: r.appid as string,
    openid: r.openid as string,
    nickname: r.nickname as string,
    subscribed: bool(r.subscribed),
    subscribe_time: Number(r.subscribe_time),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
  };
}
