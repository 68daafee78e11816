import type { AppType, WindowCounting, WindowProfile } from '../../store/store.js';
import { APP_INPUT, APP_PATCH, MAX_COUNT, SEED } from './schemas.js';
import { check } from './schema-check.js';

export { APPID, MAX_COUNT } from './schemas.js';

/**
 * The operator's documents (seed file, admin app bodies), validated by the admin API's JSON
 * schemas (schemas.ts), so that the CLI's --seed and the admin API name the exact key that is wrong.
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
  window_profile?: WindowProfile;
  window_counting?: WindowCounting;
  label?: string;
}

export interface SeedKfAccount {
  kf_account: string;
  nickname: string;
}

export interface AppInput extends AppFields {
  appid: string;
  kf_accounts: SeedKfAccount[];
  /** Simulated users to make if absent (messages.md). */
  users?: { openid?: string; nickname?: string; subscribed?: boolean }[];
  /** The app's server configuration (push.md), stored without verification. */
  webhook?: Record<string, unknown>;
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

export const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_COUNT;

/** A copy, so that filling in defaults never changes what the caller holds. */
const copy = (v: unknown): unknown => (v === undefined ? undefined : structuredClone(v));

/** An app as the seed file and `POST /admin/api/apps` give it. */
export function validateAppInput(v: unknown): Validated<AppInput> {
  return check<AppInput>(APP_INPUT, copy(v));
}

/** The fields of a `PATCH /admin/api/apps/{appid}`: any app field but `appid`. */
export function validateAppPatch(v: unknown): Validated<AppFields> {
  return check<AppFields>(APP_PATCH, copy(v));
}

export function validateSeed(v: unknown): Validated<SeedDocument> {
  return check<SeedDocument>(SEED, copy(v), 'seed');
}
