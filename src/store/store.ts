/**
 * Storage behind one interface, one implementation (`sql-store.ts` and its areas) over two drivers.
 * The store applies what the domains decide, atomically: a rule is a pure function of the domain
 * (`decide` callbacks, or data such as a limit) that the store calls on the state it read under
 * the right lock, so that any number of nodes can share one database.
 */
import type {
  AddKfResult,
  AddRule,
  AnswerState,
  AppPatch,
  AppRecord,
  AuthorizationRecord,
  CallCount,
  ChatRecord,
  DeliveryDoc,
  DeliveryFilter,
  DeliveryRecord,
  FaultRecord,
  FlowDecision,
  NewFault,
  FlowOutcome,
  FlowState,
  NewDelivery,
  OutboxEntry,
  OutboxFilter,
  SessionRow,
  WaitCase,
  ComponentPlatformRecord,
  ComponentTokenRecord,
  Credential,
  HeadImage,
  Invitation,
  InvitationAnswer,
  InviteState,
  JournalEntry,
  JournalFilter,
  KfAccountRecord,
  NewKfAccount,
  SimulatedUserRecord,
  StableState,
  StableWrite,
  TokenRecord,
  UserPatch,
} from './records.js';

export * from './records.js';

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

  /**
   * A user's transaction (messages, sessions, pushes): reads the user under its row lock (no lock
   * and `user: undefined` when `openid` is null or no user of the app), its grants, its charges of
   * the 48 hours before `now`, and the kf accounts named by `prefixes`; asks `decide`; applies the
   * effects it answers, all in one transaction.
   */
  userFlow<T>(
    appid: string,
    openid: string | null,
    prefixes: readonly string[],
    now: number,
    decide: (state: FlowState) => FlowDecision<T>,
    /** Check 8 of the call (custom/send, typing): counted first, in the same transaction; past the limit nothing runs. */
    count?: CallCount,
  ): Promise<FlowOutcome<T>>;
  /** The same state, read without a lock (admin views); undefined when there is no such user. */
  getUserFlow(appid: string, openid: string, now: number): Promise<FlowState | undefined>;
  /** Sessions of the app (of one account, by PREFIX), oldest createtime first, then in the order they started. */
  listSessions(appid: string, prefix?: string): Promise<SessionRow[]>;
  /** The first `limit` waiting cases in arrival order. */
  listWaitCases(appid: string, limit: number): Promise<WaitCase[]>;
  countWaitCases(appid: string): Promise<number>;

  /** Outbox entries matching the filter, lowest id first. */
  listOutbox(appid: string, filter: OutboxFilter): Promise<OutboxEntry[]>;
  clearOutbox(appid: string): Promise<void>;
  /** Drops outbox entries and deliveries older than `beforeMs`. */
  pruneOutbox(beforeMs: number): Promise<void>;
  /** The latest accepted msgmenu sent to the user (a msgmenu click reads its items). */
  latestAcceptedMenu(appid: string, openid: string): Promise<OutboxEntry | undefined>;
  /** Chat records with `startMs ≤ time ≤ endMs` and number ≥ `fromMsgid`, lowest number first. */
  listChatRecords(appid: string, startMs: number, endMs: number, fromMsgid: number, limit: number): Promise<ChatRecord[]>;

  getWebhook(appid: string): Promise<Record<string, unknown> | undefined>;
  /** False when there is no such app. */
  putWebhook(appid: string, config: Record<string, unknown>): Promise<boolean>;
  deleteWebhook(appid: string): Promise<boolean>;
  /** A delivery that concerns no user's state (a URL check); its id. */
  createDelivery(appid: string, delivery: NewDelivery): Promise<number>;
  /** False when the delivery is gone (its app was deleted, or state reset). */
  updateDelivery(id: number, status: string, doc: DeliveryDoc): Promise<boolean>;
  getDelivery(appid: string, id: number): Promise<DeliveryRecord | undefined>;
  listDeliveries(appid: string, filter: DeliveryFilter): Promise<DeliveryRecord[]>;
  /** Whether an earlier delivery to the user, made at or after `staleBefore`, is still pending (on any node). */
  earlierPendingDelivery(appid: string, openid: string, id: number, staleBefore: number): Promise<boolean>;

  /** A new fault; `remaining` starts at its `count`. */
  createFault(fault: NewFault): Promise<FaultRecord>;
  listFaults(): Promise<FaultRecord[]>;
  deleteFault(id: number): Promise<boolean>;
  /** Fires the fault once if it still can (exists, and a `count` fault has some left): the fault after it, else undefined. */
  fireFault(id: number): Promise<FaultRecord | undefined>;
  /** Removes the apps with this label and everything under them; answers how many apps went. */
  resetLabel(label: string): Promise<number>;
  /** The app's tokens that are neither superseded, revoked nor expired at `now`, newest first. */
  listLiveTokens(appid: string, now: number): Promise<TokenRecord[]>;
}
