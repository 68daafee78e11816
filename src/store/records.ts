/** The records the store keeps and the shapes it is asked and answers with (store.ts is the interface). */
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
  /** Per-interface daily quota overrides: cgi_path → calls a day. */
  daily_quotas: Record<string, number>;
  /** The interaction window's numbers (messages.md): today's doc (`current`) or the older 20 / 48 h. */
  window_profile: WindowProfile;
  /** How a grant's sends are counted: over the grant's validity (`accumulate`) or since its latest action (`reset`). */
  window_counting: WindowCounting;
  /** A test worker's label (operator.md, isolation): a label-scoped reset removes only its apps. */
  label: string | null;
}

export type WindowProfile = 'current' | 'legacy';
export type WindowCounting = 'accumulate' | 'reset';
export const WINDOW_PROFILES: readonly WindowProfile[] = ['current', 'legacy'];
export const WINDOW_COUNTINGS: readonly WindowCounting[] = ['accumulate', 'reset'];

export type AppPatch = Partial<Omit<AppRecord, 'appid' | 'created_at' | 'updated_at'>>;

/**
 * `client_credential`: /cgi-bin/token (and admin-issued); `stable`: /cgi-bin/stable_token;
 * `authorizer`: an authorizer_access_token a third-party platform holds for the app.
 */
export type TokenFamily = 'client_credential' | 'stable' | 'authorizer';

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
  /** Authorizer tokens only: the platform that holds it. */
  component_appid: string | null;
}

/** What the hot path reads for a token: the token, its app, and for an authorizer token the sets granted. */
export interface Credential {
  token: TokenRecord;
  app: AppRecord;
  /** Authorizer tokens: the permission-set ids of the platform's authorization, null when it has none. */
  funcscope: number[] | null;
  /** The version of the app's kf accounts: every change to them moves it (a cache key). */
  kf_version: number;
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
  /** 0 offline, 1 online (web). */
  online_status: number;
  accepted_case: number;
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

export type AddKfResult = { result: 'added'; kf_id: number } | { result: 'exists' } | { result: 'limit' } | { result: 'quota' };

/** What an add is decided on, read under the app's lock. */
export interface AddState {
  /** An account with this PREFIX exists on the app. */
  exists: boolean;
  /** Accounts the app holds. */
  count: number;
}

/**
 * The add's rule, as data and as a function (kf/rules.ts): `decide` is what the store asks;
 * `limit` is what PostgreSQL's one-round-trip add function is given, and a contract test proves
 * that function decides exactly as `decide` does.
 */
export interface AddRule {
  limit: number;
  decide(state: AddState): 'exists' | 'limit' | null;
}

/** One count on a bounded counter: a call of a cgi path on a China day, a clear in a month… */
export interface QuotaAdmission {
  counter: string;
  period: number;
  limit: number;
}

/**
 * Check 8 of one call, declared by its endpoint and made by the pipeline. A store write that is
 * given it counts the call first, in the same transaction (one round trip); the pipeline counts a
 * call that no write counted once the endpoint has answered. Only the store settles it.
 */
export class CallCount {
  private outcome: boolean | undefined;
  constructor(
    readonly appid: string,
    readonly admission: QuotaAdmission,
  ) {}
  get counted(): boolean {
    return this.outcome !== undefined;
  }
  /** Counted and within the limit. */
  get admitted(): boolean {
    return this.outcome === true;
  }
  /** The store's: the call was counted (or refused by the limit) in a transaction that committed. */
  settle(admitted: boolean): void {
    if (this.outcome !== undefined) throw new Error(`call on ${this.admission.counter} counted twice`);
    this.outcome = admitted;
  }
}

/** What an invitation is decided on, read under the app's lock (kf.md, inviteworker). */
export interface InviteState {
  account: KfAccountRecord | undefined;
  /** The WeChat ID is bound to another account of this app. */
  workerBoundHere: boolean;
  /** Another account of this app has an invitation to this WeChat ID (any status; the rule reads it). */
  otherInvitations: KfAccountRecord[];
  /** Accounts bound to this WeChat ID, across all apps. */
  workerBindings: number;
}

export interface Invitation {
  invite_wx: string;
  /** Unix seconds. */
  invite_expire_time: number;
  now: number;
}

export interface HeadImage {
  content_type: string;
  bytes: Buffer;
  updated_at: number;
}

export type InvitationAnswer = 'accepted' | 'rejected' | 'missing' | 'no_invitation' | 'worker_limit';

/** What the invitee's answer is decided on, read under the app's and the worker's locks. */
export interface AnswerState {
  account: KfAccountRecord;
  /** Accounts bound to the invited WeChat ID, across all apps. */
  workerBindings: number;
}

/** One WeChat-side request, as /cgi-bin/openapi/rid/get shows it. */
export interface JournalEntry {
  rid: string;
  appid: string | null;
  cgi_path: string;
  /** ms, by the deployment clock. */
  invoke_time: number;
  cost_ms: number;
  request_url: string;
  request_body: string;
  response_body: string;
  client_ip: string;
  errcode: number;
  /** Why the call was refused, in plain words (null for a success): never on the wire. */
  reason: string | null;
  /** The injected fault that answered or delayed the call. */
  fault_id: number | null;
}

export interface JournalFilter {
  appid?: string;
  cgi_path?: string;
  errcode?: number;
  since?: number;
  until?: number;
  limit: number;
}

export interface ComponentPlatformRecord {
  component_appid: string;
  component_appsecret: string;
  created_at: number;
  /** The current component_verify_ticket and when it was pushed (ms). */
  ticket?: string | null;
  ticket_at?: number | null;
}

export interface ComponentTokenRecord {
  token_hash: string;
  component_appid: string;
  issued_at: number;
  expires_at: number;
  superseded_at: number | null;
}

export interface AuthorizationRecord {
  component_appid: string;
  authorizer_appid: string;
  funcscope_category_ids: number[];
  created_at: number;
}

export * from './flow-records.js';
