/**
 * The records of the customer-service flow (messages.md, sessions.md, push.md) and of injected
 * faults: simulated users with their window, session and waiting state, the outbox, chat records
 * and deliveries. records.ts re-exports them.
 */
import type { KfAccountRecord } from './records.js';

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

/** The kinds of grant a user's action gives the app (messages.md, the interaction window). */
export type GrantKind = 'message' | 'click' | 'subscribe' | 'scan';
export const GRANT_KINDS: readonly GrantKind[] = ['message', 'click', 'subscribe', 'scan'];

/** A kind's grant: its latest action (ms) and the sends charged to it since (for `reset` counting). */
export interface GrantRecord {
  kind: GrantKind;
  action_at: number;
  used_since_action: number;
}

/** One send charged to a grant (kept 48 hours, for `accumulate` counting). */
export interface ChargeRecord {
  kind: GrantKind;
  at: number;
}

/** A user in a session with a kf account (sessions.md). Times in ms. */
export interface UserSession {
  /** The account's PREFIX in lower case. */
  kf: string;
  createtime: number;
  /** The order sessions started in (the app's sequence); `ASSIGN_SEQ` asks the store for the next. */
  seq: number;
  forward_until: number;
}

/** A user in the app's wait queue (sessions.md). Times in ms. */
export interface UserWaiting {
  joined_at: number;
  seq: number;
  latest_time: number;
  /** A PREFIX, or null. */
  reserved_for: string | null;
}

/** In an effect, a `seq` the store fills with the app's next number of that sequence. */
export const ASSIGN_SEQ = -1;

/** A simulated user with the state the customer-service flow keeps on it. */
export interface UserFlowRecord extends SimulatedUserRecord {
  typing_until: number | null;
  last_exchange_at: number | null;
  session: UserSession | null;
  waiting: UserWaiting | null;
}

/** What a user's transaction is decided on, read under the user's row lock. */
export interface FlowState {
  /** undefined: no such user of the app (or no openid given). */
  user: UserFlowRecord | undefined;
  grants: GrantRecord[];
  /** Charges of the last 48 hours, oldest first. */
  charges: ChargeRecord[];
  /** The kf accounts asked for, by PREFIX (those that exist). */
  accounts: Map<string, KfAccountRecord>;
}

export interface NewChatRecord {
  openid: string;
  opercode: 2002 | 2003;
  text: string;
  /** ms */
  time: number;
  /** The account as added. */
  worker: string;
}

export interface ChatRecord extends NewChatRecord {
  msgid: number;
}

export interface NewOutboxEntry {
  openid: string | null;
  path: string;
  /** ms */
  time: number;
  rid: string | null;
  errcode: number;
  msgtype: string | null;
  command: string | null;
  kf_account: string | null;
  body: unknown;
  grant: { kind: GrantKind; used: number; allowance: number } | null;
  delivery_id: number | null;
}

export interface OutboxEntry extends NewOutboxEntry {
  id: number;
  appid: string;
}

export interface OutboxFilter {
  openid?: string;
  errcode?: number;
  path?: string;
  since_id?: number;
  /** Only entries at or after this time (ms): the 7 days kept. */
  from: number;
  limit: number;
}

/** A delivery's document (push.md, the delivery log): everything but the columns it is filtered by. */
export type DeliveryDoc = Record<string, unknown>;

export interface DeliveryRecord {
  id: number;
  appid: string;
  openid: string | null;
  kind: 'message' | 'event' | 'verify';
  status: string;
  /** ms */
  created_at: number;
  doc: DeliveryDoc;
}

export type NewDelivery = Omit<DeliveryRecord, 'id' | 'appid'>;

export interface DeliveryFilter {
  openid?: string;
  status?: string;
  kind?: string;
  since_id?: number;
  /** Only deliveries made at or after this time (ms): the 7 days kept. */
  from: number;
  limit: number;
}

/**
 * What a user's transaction writes, as its rule decided. Applied in one transaction with the read,
 * so a decision never acts on state that moved under it.
 */
export interface FlowEffects {
  user?: Partial<
    Pick<
      UserFlowRecord,
      'nickname' | 'subscribed' | 'subscribe_time' | 'typing_until' | 'last_exchange_at' | 'session' | 'waiting'
    >
  >;
  /** Grants to set (a new action: its time, and the count since it). */
  grants?: GrantRecord[];
  /** Every grant and charge of the user ends (unsubscribed). */
  clearGrants?: boolean;
  /** A send charged to a grant: recorded, and the grant's count since its action moves by one. */
  charge?: ChargeRecord;
  records?: NewChatRecord[];
  outbox?: NewOutboxEntry;
  delivery?: NewDelivery;
  /** Number the user's message with the app's next push MsgId (set in the delivery's doc as `msg_id`). */
  msgId?: boolean;
}

export interface FlowDecision<T> {
  result: T;
  effects: FlowEffects;
}

/** What a user's transaction answers: the rule's result and the ids the store gave. */
export interface FlowOutcome<T> {
  result: T;
  outbox_id: number | null;
  delivery_id: number | null;
  /** The push MsgId, a 17-digit decimal string. */
  msg_id: string | null;
}

export interface WaitCase {
  openid: string;
  waiting: UserWaiting;
}

export interface SessionRow {
  openid: string;
  session: UserSession;
  /** The account as added. */
  kf_account: string;
}

/** An injected fault (operator.md, "Faults, exactly"). */
export interface FaultRecord {
  id: number;
  /** The interface's name (its first path). */
  path: string;
  appid: string | null;
  errcode: number | null;
  errmsg: string | null;
  count: number | null;
  ratio: number | null;
  delay_ms: number | null;
  fired: number;
  /** For a `count` fault: how many calls it still answers. */
  remaining: number | null;
  created_at: number;
}

export type NewFault = Omit<FaultRecord, 'id' | 'fired' | 'remaining'>;
