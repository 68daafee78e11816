/**
 * Storage behind one interface, one implementation (`sql-store.ts` and its areas) over two drivers.
 * The store applies what the domains decide, atomically: a rule is a pure function of the domain
 * (`decide` callbacks, or data such as a limit) that the store calls on the state it read under
 * the right lock, so that any number of nodes can share one database.
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
  /** Per-interface daily quota overrides: cgi_path → calls a day. */
  daily_quotas: Record<string, number>;
}

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

/** A simulated user of an app (messages.md): a record the operator makes; tests act for it. */
export interface SimulatedUserRecord {
  appid: string;
  openid: string;
  nickname: string;
  subscribed: boolean;
  /** ms: the last subscribe, or the creation. */
  subscribe_time: number;
  created_at: number;
  updated_at: number;
}

export type UserPatch = Partial<Pick<SimulatedUserRecord, 'nickname' | 'subscribed' | 'subscribe_time'>>;

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Sets the key only if it has no value yet: true when this call set it (nodes racing at a first start). */
  setMetaIfAbsent(key: string, value: string): Promise<boolean>;
  /** What the store holds, for the start banner. */
  stats(): Promise<{ apps: number; kf_accounts: number }>;
  /** Removes every app, token, account and platform; meta survives (admin token, clock). */
  reset(): Promise<void>;

  /**
   * False when an app with this appid exists (nothing is changed then). `kfVersion` is where the
   * app's kf_version starts (random: a re-made app must not repeat the versions of its former self,
   * which other nodes may hold in their list caches).
   */
  createApp(app: AppRecord, kfVersion: number): Promise<boolean>;
  getApp(appid: string): Promise<AppRecord | undefined>;
  listApps(): Promise<AppRecord[]>;
  /** Applies `change(current)` under the app's lock (a read-modify-write no other writer interleaves). */
  updateApp(appid: string, change: (current: AppRecord) => AppPatch, now: number): Promise<AppRecord | undefined>;
  /** Removes the app with its tokens and accounts. */
  deleteApp(appid: string): Promise<boolean>;

  /** Stores a client_credential token; the app's live tokens of that family are superseded at its issue time. */
  issueToken(token: TokenRecord): Promise<void>;
  /** The token with its app (and an authorizer token's granted sets), in one read: the hot path of every call. */
  findCredential(tokenHash: string): Promise<Credential | undefined>;
  revokeToken(tokenHash: string, now: number): Promise<boolean>;
  getStableState(appid: string): Promise<StableState>;
  /** Applies a stable-token decision if the state is still at `expectedVersion`; false when it moved. */
  writeStable(appid: string, write: StableWrite): Promise<boolean>;

  /**
   * Under the app's lock: asks `rule.decide` and adds the account (with the next kf_id) unless it
   * refuses. With `count`, first counts the call, in the same transaction: `quota` when the limit
   * is reached (and nothing is added).
   */
  addKfAccount(appid: string, account: NewKfAccount, rule: AddRule, count?: CallCount): Promise<AddKfResult>;
  /** The app's accounts ordered by kf_id. */
  listKfAccounts(appid: string): Promise<KfAccountRecord[]>;
  getKfAccount(appid: string, prefix: string): Promise<KfAccountRecord | undefined>;
  /** False when the account does not exist (any more). */
  updateKfNick(appid: string, prefix: string, nickname: string, now: number): Promise<boolean>;
  /** Removes the account with its head image; its kf_id is never handed out again. */
  deleteKfAccount(appid: string, prefix: string): Promise<boolean>;
  /** Stores the image and sets kf_headimgurl to `url(kf_id)`; false when the account does not exist. */
  setKfHeadImage(appid: string, prefix: string, image: HeadImage, url: (kfId: number) => string): Promise<boolean>;
  getKfHeadImage(appid: string, kfId: number): Promise<HeadImage | undefined>;
  /**
   * Under the app's lock: reads the invitation state, asks `decide` (a pure rule) and, when it
   * answers null, stores the waiting invitation. Returns what decide answered.
   */
  inviteWorker<E>(appid: string, prefix: string, invitation: Invitation, decide: (s: InviteState) => E | null): Promise<E | null>;
  /**
   * The invitee's answer: under the app's and the worker's locks, asks `decide` and applies what
   * it answers (`accepted` binds kf_wx, `rejected` marks the invitation). `missing` without an account.
   */
  answerInvitation(
    appid: string,
    prefix: string,
    decide: (s: AnswerState) => Exclude<InvitationAnswer, 'missing'>,
  ): Promise<InvitationAnswer>;
  /** Sets a bound account's online status; 'unbound' when no worker is bound to it. */
  setKfOnline(appid: string, prefix: string, status: number, acceptedCase: number): Promise<'ok' | 'missing' | 'unbound'>;

  /**
   * Counts one call on `counter` for `period` (a China day, a minute…) if fewer than `limit` were
   * counted in that period: exact under any concurrency. A new period starts from zero.
   */
  admitQuota(appid: string, counter: string, period: number, limit: number): Promise<boolean>;
  /** Counts a call that no write counted (CallCount); settles it. */
  countCall(count: CallCount): Promise<boolean>;
  /** Calls counted on `counter` in `period` (0 for another period). */
  quotaUsed(appid: string, counter: string, period: number): Promise<number>;
  /**
   * Resets the app's counters whose name does not start with `#` after counting one clear on
   * `clearCounter` for `period` within `maxClears`; false (nothing reset) past the limit.
   */
  clearQuotas(appid: string, clearCounter: string, period: number, maxClears: number): Promise<boolean>;

  /** Stores journal entries (batched by the caller). */
  appendJournal(entries: readonly JournalEntry[]): Promise<void>;
  getJournal(rid: string): Promise<JournalEntry | undefined>;
  /** Entries matching every given filter, newest first (times in ms). */
  listJournal(filter: JournalFilter): Promise<JournalEntry[]>;
  /** Drops entries older than `beforeMs`. */
  pruneJournal(beforeMs: number): Promise<void>;

  /** Creates the user unless the app has one with this openid; false when it had. */
  createUser(user: SimulatedUserRecord): Promise<boolean>;
  getUser(appid: string, openid: string): Promise<SimulatedUserRecord | undefined>;
  /** The app's users, oldest first (made in the same millisecond: by openid). */
  listUsers(appid: string): Promise<SimulatedUserRecord[]>;
  /** Applies `change(current)` under the user's row lock; undefined when there is no such user. */
  updateUser(
    appid: string,
    openid: string,
    change: (current: SimulatedUserRecord) => UserPatch,
    now: number,
  ): Promise<SimulatedUserRecord | undefined>;
  deleteUser(appid: string, openid: string): Promise<boolean>;

  /** Creates the platform unless it exists; false when it did. */
  createComponentPlatform(platform: ComponentPlatformRecord): Promise<boolean>;
  getComponentPlatform(componentAppid: string): Promise<ComponentPlatformRecord | undefined>;
  /** Creates or replaces the authorization of an app for a platform. */
  putAuthorization(auth: AuthorizationRecord): Promise<void>;
  listAuthorizations(componentAppid: string): Promise<AuthorizationRecord[]>;
  setComponentTicket(componentAppid: string, ticket: string, at: number): Promise<boolean>;
  /** Stores a component token; the platform's live ones are superseded at its issue time. */
  issueComponentToken(token: ComponentTokenRecord): Promise<void>;
  findComponentToken(tokenHash: string): Promise<ComponentTokenRecord | undefined>;
  createAuthCode(codeHash: string, componentAppid: string, authorizerAppid: string, expiresAt: number): Promise<void>;
  /** Marks a code used, once: its authorizer appid, 'expired', or undefined when unknown or used. */
  consumeAuthCode(codeHash: string, componentAppid: string, now: number): Promise<string | 'expired' | undefined>;
  /** Sets the hash of the authorization's current refresh token; false when there is no authorization. */
  setRefreshToken(componentAppid: string, authorizerAppid: string, hash: string): Promise<boolean>;
  getAuthorization(
    componentAppid: string,
    authorizerAppid: string,
  ): Promise<(AuthorizationRecord & { refresh_token_hash: string | null }) | undefined>;
  /** Ends an authorization; the platform's authorizer tokens for the app answer 40001 from then on. */
  deleteAuthorization(componentAppid: string, authorizerAppid: string): Promise<boolean>;
}
