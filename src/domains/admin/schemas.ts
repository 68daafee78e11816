import { APP_TYPES, WINDOW_COUNTINGS, WINDOW_PROFILES } from '../../store/store.js';
import { WECHAT_ID } from '../kf/rules.js';
import { NICKNAME_MAX, OPENID } from '../users/rules.js';

/**
 * The admin API's documents as JSON Schema: fastify validates every admin body and query with
 * them (admin/routes.ts), the seed file is validated with the same ones (validate.ts), and each
 * error names the field (`apps[0].type: must be one of …`), from the schema's `description`.
 */

/** Counts the operator sets (daily limits, accepted cases) are kept in 32-bit columns (PostgreSQL INTEGER). */
export const MAX_COUNT = 2_147_483_647;
export const APPID = /^wx[0-9a-f]{16}$/;

export type Schema = Record<string, unknown>;
const str = (pattern: string, description: string): Schema => ({ type: 'string', pattern, description });
const bool: Schema = { type: 'boolean', description: 'true or false' };
const count = (what: string): Schema => ({
  type: 'integer',
  minimum: 0,
  maximum: MAX_COUNT,
  description: `${what}, 0 to ${MAX_COUNT}`,
});
const object = (properties: Record<string, Schema>, required: string[] = [], description = 'a JSON object'): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
  description,
});
const list = (items: Schema, description: string): Schema => ({ type: 'array', items, description });
const nonEmpty = (description = 'a non-empty string'): Schema => ({ type: 'string', minLength: 1, description });

const appid = str(APPID.source, '"wx" + 16 lower-case hex');
const secret = str('^[0-9a-fA-F]{32}$', '32 hex characters');

/** The fields of an app any admin document may set (all but `appid`), in the order errors are named. */
const APP_FIELDS: Record<string, Schema> = {
  secret,
  type: { type: 'string', enum: [...APP_TYPES], description: `one of ${APP_TYPES.join(', ')}` },
  alias: str(`^(${WECHAT_ID.source.slice(1, -1)})?$`, 'a WeChat ID (6-20 of A-Za-z0-9_-, starting with a letter) or ""'),
  original_id: str('^(gh_[0-9a-f]{12})?$', '"gh_" + 12 lower-case hex or ""'),
  certified: bool,
  kf_enabled: bool,
  secret_frozen: bool,
  ip_whitelist: list({ type: 'string', format: 'ip' }, 'a list of IP addresses'),
  daily_quotas: {
    type: 'object',
    propertyNames: { pattern: '^/' },
    additionalProperties: { type: 'integer', minimum: 0, maximum: MAX_COUNT },
    description: `a map of cgi paths ("/…") to whole numbers of calls a day, 0 to ${MAX_COUNT}`,
  },
  window_profile: { type: 'string', enum: [...WINDOW_PROFILES], description: `one of ${WINDOW_PROFILES.join(', ')}` },
  window_counting: { type: 'string', enum: [...WINDOW_COUNTINGS], description: `one of ${WINDOW_COUNTINGS.join(', ')}` },
  label: str('^[A-Za-z0-9_.:-]{1,64}$', '1-64 of A-Za-z0-9_.:-'),
};

const kfAccount = object(
  { kf_account: { type: 'string', description: 'a string' }, nickname: { type: 'string', description: 'a string' } },
  ['kf_account', 'nickname'],
);

/** An app's webhook (push.md): PUT body and the seed file's `webhook`. */
export const WEBHOOK_INPUT = object(
  {
    url: str('^https?://', 'an absolute http:// or https:// URL'),
    token: str('^[A-Za-z0-9]{3,32}$', '3-32 of A-Za-z0-9'),
    encoding_aes_key: str('^[A-Za-z0-9]{43}$', '43 of A-Za-z0-9'),
    mode: { type: 'string', enum: ['plain', 'compatible', 'safe'], description: 'one of plain, compatible, safe' },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 5000, description: 'a whole number from 100 to 5000' },
    attempts: { type: 'integer', minimum: 1, maximum: 4, description: 'a whole number from 1 to 4' },
    api_session_events: bool,
    verify: bool,
  },
  ['url', 'token'],
);

/** A simulated user (messages.md), in a seed or `POST …/users`; its patch changes all but the openid. */
const userNickname = { type: 'string', maxLength: NICKNAME_MAX, description: `a string of at most ${NICKNAME_MAX} characters` };
export const USER_INPUT = object({ openid: str(OPENID.source, '1-64 of A-Za-z0-9_-'), nickname: userNickname, subscribed: bool });
export const USER_PATCH = object({ nickname: userNickname, subscribed: bool });
const user = USER_INPUT;
export const APP_INPUT = object(
  {
    appid,
    ...APP_FIELDS,
    kf_accounts: { ...list(kfAccount, 'a list'), default: [] },
    users: list(user, 'a list'),
    webhook: WEBHOOK_INPUT,
  },
  ['appid'],
);
export const APP_PATCH = object(APP_FIELDS);

const platform = object(
  {
    component_appid: appid,
    component_appsecret: secret,
    authorizations: {
      ...list(
        object(
          {
            authorizer_appid: appid,
            funcscope_category_ids: list({ type: 'integer', minimum: 1 }, 'a list of positive integers'),
          },
          ['authorizer_appid', 'funcscope_category_ids'],
        ),
        'a list',
      ),
      default: [],
    },
  },
  ['component_appid'],
);

export const SEED = {
  ...object({
    apps: { ...list(APP_INPUT, 'a list'), default: [] },
    component_platforms: { ...list(platform, 'a list'), default: [] },
  }),
  description: 'a JSON object',
};

/** Exactly one of the four clock moves. */
export const CLOCK_CHANGE = {
  ...object({
    advance: { type: 'number', description: 'a number of seconds' },
    set: { type: 'number', minimum: 0, description: 'a Unix time in seconds' },
    freeze: { const: true, description: 'true' },
    real: { const: true, description: 'true' },
  }),
  minProperties: 1,
  maxProperties: 1,
  description: 'exactly one of advance, set, freeze, real',
};

export const QUOTA_CHANGE = object(
  { cgi_path: str('^/', 'a path such as "/customservice/kfaccount/add"'), daily_limit: count('a whole number of calls a day') },
  ['cgi_path', 'daily_limit'],
);
export const TOKEN_REQUEST = object({ appid: nonEmpty(), component_appid: { type: 'string', description: 'a string' } }, [
  'appid',
]);
export const TOKEN_REVOKE = object({ access_token: nonEmpty() }, ['access_token']);
export const ONLINE_CHANGE = object(
  { status: { enum: [0, 1], description: '0 (offline) or 1 (online, web)' }, accepted_case: count('a whole number') },
  ['status'],
);
export const PLATFORM_INPUT = object({ component_appid: appid, component_appsecret: secret }, ['component_appid']);
export const TICKET = object({ component_verify_ticket: nonEmpty() }, ['component_verify_ticket']);
export const AUTHORIZATION = object(
  { authorizer_appid: appid, funcscope_category_ids: list({ type: 'integer', minimum: 1 }, 'a list of positive integers') },
  ['authorizer_appid', 'funcscope_category_ids'],
);
const whole = str('^-?\\d+$', 'a whole number');
export const JOURNAL_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    appid: { type: 'string' },
    path: { type: 'string' },
    errcode: whole,
    since: whole,
    until: whole,
    limit: { ...str('^\\d+$', 'a whole number from 1 to 10000') },
  },
};

const digits = (description: string): Schema => str('^\\d+$', description);
/** `GET …/outbox` (messages.md): filters and the long-poll `wait` (seconds of real time) for `min` entries. */
export const OUTBOX_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    openid: { type: 'string' },
    errcode: whole,
    path: { type: 'string' },
    since_id: digits('a whole number'),
    wait: digits('a whole number of seconds, at most 30'),
    min: digits('a whole number'),
    limit: digits('a whole number'),
  },
};

/** `GET …/deliveries`: filters and the long-poll `wait` for `min` settled deliveries. */
export const DELIVERIES_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    openid: { type: 'string' },
    status: { type: 'string' },
    kind: { type: 'string' },
    since_id: digits('a whole number'),
    wait: digits('a whole number of seconds, at most 30'),
    min: digits('a whole number'),
    limit: digits('a whole number'),
  },
};

/** An injected fault (operator.md): the interface by one of its paths, and what it does. */
export const FAULT_INPUT = object(
  {
    path: str('^/', 'a WeChat-side path such as "/cgi-bin/token"'),
    appid,
    errcode: { type: 'integer', minimum: -2147483648, maximum: 2147483647, description: 'a whole number' },
    errmsg: { type: 'string', maxLength: 1024, description: 'a string of at most 1024 characters' },
    count: { type: 'integer', minimum: 1, maximum: MAX_COUNT, description: `a whole number from 1 to ${MAX_COUNT}` },
    ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'a number in (0, 1]' },
    delay_ms: { type: 'integer', minimum: 0, maximum: 60000, description: 'a whole number of milliseconds, 0 to 60000' },
  },
  ['path'],
);

/** `POST /reset` with a body: only this label's apps go. */
export const RESET_LABEL = object({ label: str('^[A-Za-z0-9_.:-]{1,64}$', '1-64 of A-Za-z0-9_.:-') }, ['label']);

/** `GET /journal/stream`: the list's filters, and where to start (Unix seconds; default now). */
export const JOURNAL_STREAM_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { appid: { type: 'string' }, path: { type: 'string' }, errcode: whole, since: whole },
};
