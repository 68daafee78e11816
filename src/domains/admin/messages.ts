import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { pollUntil } from '../../platform/poll.js';
import { JOURNAL_RETENTION_MS } from '../../pipeline/journal.js';
import type { OutboxEntry, OutboxFilter, Store } from '../../store/store.js';
import { isTyping } from '../messages/rules.js';
import { chargeableGrant, liveGrants } from '../messages/window.js';
import { AdminError, appOr404 } from './errors.js';
import { OUTBOX_QUERY } from './schemas.js';

const seconds = (ms: number) => Math.floor(ms / 1000);
const secondsOrNull = (ms: number | null) => (ms === null ? null : seconds(ms));

/** An outbox entry as the admin API shows it: times in Unix seconds; `delivery_id` on passive replies only. */
export function outboxView(e: OutboxEntry) {
  const { delivery_id, time, ...rest } = e;
  return { ...rest, time: seconds(time), ...(delivery_id === null ? {} : { delivery_id }) };
}

export type OutboxQuery = Partial<Record<'openid' | 'errcode' | 'path' | 'since_id' | 'wait' | 'min' | 'limit', string>>;

/** The read side of custom/send and typing: a user's window, and the outbox (messages.md). */
export class MessagesAdmin {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** "May I send now?": the live grants, what is left, typing and the last exchange. */
  async window(appid: string, openid: string) {
    const app = await appOr404(this.store, appid);
    const now = this.clock.now();
    const state = await this.store.getUserFlow(appid, openid, now);
    if (!state?.user) throw new AdminError(404, `openid: ${appid} has no user ${openid}`);
    const { user } = state;
    const live = liveGrants(app, state.grants, state.charges, now);
    return {
      openid,
      subscribed: user.subscribed,
      profile: app.window_profile,
      counting: app.window_counting,
      open: chargeableGrant(user, live).ok,
      remaining: live.reduce((sum, g) => sum + g.remaining, 0),
      grants: live.map((g) => ({ ...g, opened_at: seconds(g.opened_at), expires_at: seconds(g.expires_at) })),
      typing_until: isTyping(user, now) ? secondsOrNull(user.typing_until) : null,
      last_exchange_at: secondsOrNull(user.last_exchange_at),
    };
  }

  /** Entries matching the filter; with `wait`, up to that many real seconds for at least `min` of them. */
  async outbox(appid: string, q: OutboxQuery) {
    await appOr404(this.store, appid);
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const wait = num(q.wait) ?? 0;
    const min = num(q.min) ?? 1;
    if (wait > 30) throw new AdminError(400, 'wait: at most 30 seconds');
    const limit = num(q.limit) ?? 1000;
    if (limit < 1 || limit > 10_000) throw new AdminError(400, 'limit: must be from 1 to 10000');
    const filter: OutboxFilter = {
      openid: q.openid,
      errcode: num(q.errcode),
      path: q.path,
      since_id: num(q.since_id),
      // Entries are kept 7 days by the deployment clock, as the journal.
      from: this.clock.now() - JOURNAL_RETENTION_MS,
      limit,
    };
    const entries = await pollUntil(
      () => this.store.listOutbox(appid, filter),
      (found) => found.length >= min,
      wait,
    );
    return { entries: entries.map(outboxView), last_id: entries.at(-1)?.id ?? filter.since_id ?? 0 };
  }

  async clearOutbox(appid: string): Promise<void> {
    await appOr404(this.store, appid);
    await this.store.clearOutbox(appid);
  }
}

type Params = { appid: string; openid: string };

export function registerMessageRoutes(app: FastifyInstance, messages: MessagesAdmin): void {
  app.get<{ Params: Params }>('/apps/:appid/users/:openid/window', async (req) =>
    messages.window(req.params.appid, req.params.openid),
  );
  app.get<{ Params: { appid: string }; Querystring: OutboxQuery }>(
    '/apps/:appid/outbox',
    { schema: { querystring: OUTBOX_QUERY } },
    async (req) => messages.outbox(req.params.appid, req.query),
  );
  app.delete<{ Params: { appid: string } }>('/apps/:appid/outbox', async (req, reply) => {
    await messages.clearOutbox(req.params.appid);
    return reply.code(204).send();
  });
}
