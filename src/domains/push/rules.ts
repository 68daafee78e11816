import type { FlowDecision, FlowEffects, FlowState, NewDelivery } from '../../store/store.js';
import { recordText } from '../messages/rules.js';
import { grantFor } from '../messages/window.js';
import type { SayAction, XmlElement } from './actions.js';

/** Why `say` refused (409): the user's subscription forbids the action. */
export type SayRefusal = 'no_user' | 'not_subscribed' | 'already_subscribed';

/** Who caused a push (the delivery log's `trigger`). */
export type Trigger =
  | 'say'
  | 'api:kfsession/create'
  | 'api:kfsession/close'
  | 'admin:accept'
  | 'admin:switch'
  | 'admin:close'
  | 'admin:verify'
  | 'webhook_put'
  | 'transfer';

/** A new delivery of a user's push: `pending` when the app has a webhook, else `no_webhook`. */
export function newPush(
  openid: string,
  now: number,
  hasWebhook: boolean,
  what: { kind: 'message' | 'event'; trigger: Trigger; msg_type: string; event: string | null; elements: XmlElement[] },
  status?: string,
): NewDelivery {
  return {
    openid,
    kind: what.kind,
    status: status ?? (hasWebhook ? 'pending' : 'no_webhook'),
    created_at: now,
    doc: {
      trigger: what.trigger,
      msg_type: what.msg_type,
      event: what.event,
      msg_id: null,
      create_time: Math.floor(now / 1000),
      elements: what.elements,
      request: null,
      attempts: [],
      reply: null,
      user_notice: null,
      notes: [],
    },
  };
}

/** A kf session event (sessions.md): `kf_create_session`, `kf_close_session` with `KfAccount`, or a switch. */
export function sessionEvent(
  openid: string,
  now: number,
  hasWebhook: boolean,
  trigger: Trigger,
  event: 'kf_create_session' | 'kf_close_session' | 'kf_switch_session',
  accounts: { KfAccount: string } | { FromKfAccount: string; ToKfAccount: string },
): NewDelivery {
  const elements: XmlElement[] = [['Event', event], ...Object.entries(accounts)];
  return newPush(openid, now, hasWebhook, { kind: 'event', trigger, msg_type: 'event', event, elements });
}

export interface SayCall {
  action: SayAction;
  /** The elements after MsgType, generated values filled in. */
  elements: XmlElement[];
  now: number;
  hasWebhook: boolean;
}

/**
 * A user's action (push.md, `say`), under the user's lock: the subscription, the grant it opens,
 * the exchange, the routing of a message to a kf session (not pushed, a 2003 chat record) or the
 * wait queue, and the delivery to make.
 */
export function decideSay(c: SayCall, s: FlowState): FlowDecision<SayRefusal | null> {
  const { user } = s;
  const none = (r: SayRefusal): FlowDecision<SayRefusal> => ({ result: r, effects: {} });
  if (!user) return none('no_user');
  const { action, now } = c;
  if (action.type === 'subscribe' ? user.subscribed : !user.subscribed) {
    return none(user.subscribed ? 'already_subscribed' : 'not_subscribed');
  }
  const isMessage = action.spec.msgType !== 'event';
  const effects: FlowEffects = { user: {} };
  const change = effects.user as NonNullable<FlowEffects['user']>;
  if (action.type === 'subscribe') Object.assign(change, { subscribed: true, subscribe_time: now });
  if (action.type === 'unsubscribe') {
    Object.assign(change, { subscribed: false, typing_until: null });
    effects.clearGrants = true;
  }
  if (action.spec.opens) effects.grants = [grantFor(action.spec.opens, now)];
  let status: string | undefined;
  if (isMessage) {
    change.last_exchange_at = now;
    effects.msgId = true;
    const session = user.session;
    if (session && now < session.forward_until) {
      // Forwarded to the kf session: not pushed, a 2003 chat record.
      status = 'not_pushed';
      const worker = s.accounts.get(session.kf)?.kf_account ?? session.kf;
      const content = action.fields.content === undefined ? undefined : String(action.fields.content);
      effects.records = [
        {
          openid: user.openid,
          opercode: 2003,
          text: recordText(action.type === 'msgmenu_click' ? 'text' : action.spec.msgType, content),
          time: now,
          worker,
        },
      ];
    } else if (user.waiting) {
      change.waiting = { ...user.waiting, latest_time: now };
    }
  }
  effects.delivery = newPush(
    user.openid,
    now,
    c.hasWebhook,
    {
      kind: isMessage ? 'message' : 'event',
      trigger: 'say',
      msg_type: action.spec.msgType,
      event: action.spec.event ?? null,
      elements: c.elements,
    },
    status,
  );
  return { result: null, effects };
}
