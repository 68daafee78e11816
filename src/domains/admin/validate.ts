import { isIP } from 'node:net';
import { APP_TYPES, type AppType } from '../../store/store.js';
import { WECHAT_ID } from '../kf/rules.js';

/**
 * Hand-written validation of the operator's documents (seed file, admin app bodies), shared by the
 * CLI's --seed and the admin API, so that both name the exact key that is wrong.
 */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export interface AppFields {
  secret?: string;
  type?: AppType;
  certified?: boolean;
  alias?: string;
  original_id?: string;
  kf_enabled?: boolean;
  ip_whitelist?: string[];
  secret_frozen?: boolean;
  /** cgi_path → calls a day, overriding the default quota. */
  daily_quotas?: Record<string, number>;
}

export interface SeedKfAccount {
  kf_account: string;
  nickname: string;
}

export interface AppInput extends AppFields {
  appid: string;
  kf_accounts: SeedKfAccount[];
}

export interface PlatformInput {
  component_appid: string;
  component_appsecret?: string;
  authorizations: { authorizer_appid: string; funcscope_category_ids: number[] }[];
}

export interface SeedDocument {
  apps: AppInput[];
  component_platforms: PlatformInput[];
}

export const APPID = /^wx[0-9a-f]{16}$/;

/** Counts the operator sets (daily limits, accepted cases) are kept in 32-bit columns (PostgreSQL INTEGER). */
export const MAX_COUNT = 2_147_483_647;
export const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_COUNT;
const SECRET = /^[0-9a-fA-F]{32}$/;
const ORIGINAL_ID = /^gh_[0-9a-f]{12}$/;

const APP_FIELD_KEYS = [
  'secret', 'type', 'certified', 'alias', 'original_id', 'kf_enabled', 'ip_whitelist', 'secret_frozen', 'daily_quotas',
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], at: string, errors: string[]): void {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) errors.push(`${at}${key}: unknown key`);
}

function checkAppFields(obj: Record<string, unknown>, at: string, errors: string[]): AppFields {
  const out: AppFields = {};
  const str = (key: string, re: RegExp, what: string, allowEmpty: boolean): string | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !(re.test(v) || (allowEmpty && v === ''))) {
      errors.push(`${at}${key}: must be ${what}${allowEmpty ? ' or ""' : ''}`);
      return undefined;
    }
    return v;
  };
  const bool = (key: string): boolean | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') errors.push(`${at}${key}: must be true or false`);
    return typeof v === 'boolean' ? v : undefined;
  };
  const set = <K extends keyof AppFields>(key: K, v: AppFields[K] | undefined) => {
    if (v !== undefined) out[key] = v;
  };
  set('secret', str('secret', SECRET, '32 hex characters', false));
  if (obj.type !== undefined) {
    if (typeof obj.type === 'string' && (APP_TYPES as readonly string[]).includes(obj.type)) out.type = obj.type as AppType;
    else errors.push(`${at}type: must be one of ${APP_TYPES.join(', ')}`);
  }
  set('alias', str('alias', WECHAT_ID, 'a WeChat ID (6-20 of A-Za-z0-9_-, starting with a letter)', true));
  set('original_id', str('original_id', ORIGINAL_ID, '"gh_" + 12 lower-case hex', true));
  set('certified', bool('certified'));
  set('kf_enabled', bool('kf_enabled'));
  set('secret_frozen', bool('secret_frozen'));
  if (obj.ip_whitelist !== undefined) {
    const list = obj.ip_whitelist;
    if (!Array.isArray(list) || !list.every((ip) => typeof ip === 'string' && isIP(ip) !== 0)) {
      errors.push(`${at}ip_whitelist: must be a list of IP addresses`);
    } else out.ip_whitelist = list as string[];
  }
  if (obj.daily_quotas !== undefined) {
    const q = obj.daily_quotas;
    const ok = isObject(q) && Object.entries(q).every(([k, v]) => k.startsWith('/') && isCount(v));
    if (!ok) errors.push(`${at}daily_quotas: must map cgi paths ("/…") to whole numbers of calls a day, 0 to ${MAX_COUNT}`);
    else out.daily_quotas = q as Record<string, number>;
  }
  return out;
}

function checkKfAccounts(v: unknown, at: string, errors: string[]): SeedKfAccount[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    errors.push(`${at}: must be a list`);
    return [];
  }
  const out: SeedKfAccount[] = [];
  v.forEach((item: unknown, i) => {
    const here = `${at}[${i}].`;
    if (!isObject(item)) return void errors.push(`${at}[${i}]: must be an object`);
    unknownKeys(item, ['kf_account', 'nickname'], here, errors);
    if (typeof item.kf_account !== 'string') errors.push(`${here}kf_account: must be a string`);
    if (typeof item.nickname !== 'string') errors.push(`${here}nickname: must be a string`);
    if (typeof item.kf_account === 'string' && typeof item.nickname === 'string') {
      out.push({ kf_account: item.kf_account, nickname: item.nickname });
    }
  });
  return out;
}

/** An app as the seed file and `POST /admin/api/apps` give it. */
export function validateAppInput(v: unknown, at = ''): Validated<AppInput> {
  const errors: string[] = [];
  if (!isObject(v)) return { ok: false, errors: [`${at || 'body'}: must be an object`] };
  unknownKeys(v, ['appid', 'kf_accounts', ...APP_FIELD_KEYS], at, errors);
  if (typeof v.appid !== 'string' || !APPID.test(v.appid)) errors.push(`${at}appid: must be "wx" + 16 lower-case hex`);
  const fields = checkAppFields(v, at, errors);
  const kf_accounts = checkKfAccounts(v.kf_accounts, `${at}kf_accounts`, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { appid: v.appid as string, ...fields, kf_accounts } };
}

/** The fields of a `PATCH /admin/api/apps/{appid}`: any app field but `appid`. */
export function validateAppPatch(v: unknown): Validated<AppFields> {
  const errors: string[] = [];
  if (!isObject(v)) return { ok: false, errors: ['body: must be an object'] };
  unknownKeys(v, APP_FIELD_KEYS, '', errors);
  const fields = checkAppFields(v, '', errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: fields };
}

function checkPlatform(v: unknown, at: string, errors: string[]): PlatformInput | undefined {
  if (!isObject(v)) return void errors.push(`${at.slice(0, -1)}: must be an object`);
  unknownKeys(v, ['component_appid', 'component_appsecret', 'authorizations'], at, errors);
  const ok = typeof v.component_appid === 'string' && APPID.test(v.component_appid);
  if (!ok) errors.push(`${at}component_appid: must be "wx" + 16 lower-case hex`);
  const secret = v.component_appsecret;
  if (secret !== undefined && (typeof secret !== 'string' || !SECRET.test(secret))) {
    errors.push(`${at}component_appsecret: must be 32 hex characters`);
  }
  const auths: PlatformInput['authorizations'] = [];
  const list = v.authorizations ?? [];
  if (!Array.isArray(list)) errors.push(`${at}authorizations: must be a list`);
  else {
    list.forEach((a: unknown, i) => {
      const here = `${at}authorizations[${i}].`;
      if (!isObject(a)) return void errors.push(`${here.slice(0, -1)}: must be an object`);
      unknownKeys(a, ['authorizer_appid', 'funcscope_category_ids'], here, errors);
      const appOk = typeof a.authorizer_appid === 'string' && APPID.test(a.authorizer_appid);
      if (!appOk) errors.push(`${here}authorizer_appid: must be "wx" + 16 lower-case hex`);
      const ids = a.funcscope_category_ids;
      const idsOk = Array.isArray(ids) && ids.every((n) => Number.isInteger(n) && n > 0);
      if (!idsOk) errors.push(`${here}funcscope_category_ids: must be a list of positive integers`);
      if (appOk && idsOk) auths.push({ authorizer_appid: a.authorizer_appid as string, funcscope_category_ids: ids as number[] });
    });
  }
  if (!ok) return undefined;
  const out: PlatformInput = { component_appid: v.component_appid as string, authorizations: auths };
  if (typeof secret === 'string') out.component_appsecret = secret;
  return out;
}

export function validateSeed(v: unknown): Validated<SeedDocument> {
  const errors: string[] = [];
  if (!isObject(v)) return { ok: false, errors: ['seed: must be a JSON object'] };
  unknownKeys(v, ['apps', 'component_platforms'], '', errors);
  const apps: AppInput[] = [];
  const platforms: PlatformInput[] = [];
  if (v.apps !== undefined && !Array.isArray(v.apps)) errors.push('apps: must be a list');
  if (Array.isArray(v.apps)) {
    v.apps.forEach((a: unknown, i) => {
      const r = validateAppInput(a, `apps[${i}].`);
      if (r.ok) apps.push(r.value);
      else errors.push(...r.errors);
    });
  }
  const cps = v.component_platforms;
  if (cps !== undefined && !Array.isArray(cps)) errors.push('component_platforms: must be a list');
  if (Array.isArray(cps)) {
    cps.forEach((p: unknown, i) => {
      const r = checkPlatform(p, `component_platforms[${i}].`, errors);
      if (r) platforms.push(r);
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { apps, component_platforms: platforms } };
}
