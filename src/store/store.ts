/**
 * Storage behind one interface. Every rule that counts or must be unique (100 accounts per app,
 * one account per PREFIX, the kf_id sequence, one current token per family) is enforced inside
 * the store, atomically, so that any number of nodes can share one database.
 */
export type AppType = 'mini_program' | 'minigame' | 'subscription' | 'service';
export const APP_TYPES: readonly AppType[] = ['mini_program', 'minigame', 'subscription', 'service'];

export interface AppRecord {
  appid: string;
  secret: string;
  type: AppType;
  certified: boolean;
  /** The app's WeChat ID; may be empty. */
  alias: string;
  /** `gh_` + 12 hex; may be empty. */
  original_id: string;
  kf_enabled: boolean;
  /** Empty: any IP may ask for a token. */
  ip_whitelist: string[];
  secret_frozen: boolean;
  created_at: number;
  updated_at: number;
}

export type AppPatch = Partial<Omit<AppRecord, 'appid' | 'created_at' | 'updated_at'>>;

/** `client_credential`: /cgi-bin/token (and admin-issued); `stable`: /cgi-bin/stable_token. */
export type TokenFamily = 'client_credential' | 'stable';

export interface TokenRecord {
  /** SHA-256 of the token, hex. The token itself is never stored. */
  token_hash: string;
  appid: string;
  family: TokenFamily;
  issued_at: number;
  expires_at: number;
  superseded_at: number | null;
  revoked_at: number | null;
  /** Stable tokens only: the nonce the token is derived from (see credentials/rules.ts). */
  nonce: string | null;
}

export interface StableState {
  /** Compare-and-set version of the app's stable-token state. */
  version: number;
  current: TokenRecord | undefined;
  /** China day (days since epoch at UTC+8) that force_count counts. */
  force_day: number;
  force_count: number;
  last_force_at: number | null;
}

export interface StableWrite {
  expectedVersion: number;
  token: TokenRecord;
  /** Forced refresh: every other live stable token of the app stops working at this time. */
  revokeOthersAt: number | null;
  force_day: number;
  force_count: number;
  last_force_at: number | null;
}

export interface KfAccountRecord {
  appid: string;
  kf_account: string;
  kf_id: number;
  kf_nick: string;
  kf_headimgurl: string;
  kf_wx: string | null;
  invite_wx: string | null;
  invite_expire_time: number | null;
  invite_status: string | null;
  created_at: number;
  updated_at: number;
}

export interface NewKfAccount {
  kf_account: string;
  /** PREFIX in lower case: the account's identity on its app. */
  prefix: string;
  nickname: string;
  now: number;
}

export type AddKfResult = { result: 'added'; kf_id: number } | { result: 'exists' } | { result: 'limit' };

export interface ComponentPlatformRecord {
  component_appid: string;
  component_appsecret: string;
  created_at: number;
}

export interface AuthorizationRecord {
  component_appid: string;
  authorizer_appid: string;
  funcscope_category_ids: number[];
  created_at: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Removes every app, token, account and platform; meta survives (admin token, clock). */
  reset(): Promise<void>;

  /** False when an app with this appid exists (nothing is changed then). */
  createApp(app: AppRecord): Promise<boolean>;
  getApp(appid: string): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  updateApp(appid: string, patch: AppPatch, now: number): Promise<AppRecord | undefined>;
  /** Removes the app with its tokens and accounts. */
  deleteApp(appid: string): Promise<boolean>;

  /** Stores a client_credential token; the app's live tokens of that family are superseded at its issue time. */
  issueToken(token: TokenRecord): Promise<void>;
  /** The token with its app, in one read (the hot path of every call). */
  findCredential(tokenHash: string): Promise<{ token: TokenRecord; app: AppRecord } | undefined>;
  revokeToken(tokenHash: string, now: number): Promise<boolean>;
  getStableState(appid: string): Promise<StableState>;
  /** Applies a stable-token decision if the state is still at `expectedVersion`; false when it moved. */
  writeStable(appid: string, write: StableWrite): Promise<boolean>;

  /** Adds the account unless its PREFIX exists (checked first) or the app holds `limit` accounts. */
  addKfAccount(appid: string, account: NewKfAccount, limit: number): Promise<AddKfResult>;
  /** The app's accounts ordered by kf_id. */
  listKfAccounts(appid: string): Promise<KfAccountRecord[]>;

  /** Creates the platform unless it exists; false when it did. */
  createComponentPlatform(platform: ComponentPlatformRecord): Promise<boolean>;
  getComponentPlatform(componentAppid: string): Promise<ComponentPlatformRecord | undefined>;
  /** Creates or replaces the authorization of an app for a platform. */
  putAuthorization(auth: AuthorizationRecord): Promise<void>;
  listAuthorizations(componentAppid: string): Promise<AuthorizationRecord[]>;
}
