import type { Clock } from '../../platform/clock.js';
import { pollUntil } from '../../platform/poll.js';
import { JOURNAL_RETENTION_MS } from '../../pipeline/journal.js';
import { ALPHANUMERIC, randomText, type Random } from '../../platform/random.js';
import type { DeliveryFilter, DeliveryRecord, Store } from '../../store/store.js';
import { AdminError, appOr404, userOr404 } from '../admin/errors.js';
import { actionElements, parseSay, type SayAction } from './actions.js';
import type { Deliverer } from './deliverer.js';
import { decideSay } from './rules.js';
import { webhookConfig, type WebhookConfig } from './webhook.js';

const TICKET = `${ALPHANUMERIC}_-`;

/** A delivery as the admin API shows it. */
export function deliveryView(d: DeliveryRecord) {
  const { elements: _elements, ...doc } = d.doc;
  return { id: d.id, appid: d.appid, openid: d.openid, kind: d.kind, status: d.status, ...doc };
}

export type DeliveriesQuery = Partial<Record<'openid' | 'status' | 'kind' | 'since_id' | 'wait' | 'min' | 'limit', string>>;

/** The simulated user's side of the flow: actions, the webhook they are pushed to, the delivery log. */
export class PushService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
    readonly deliverer: Deliverer,
  ) {}

  /** A msgmenu click without content takes the item's text from the latest msgmenu sent to the user. */
  private async menuContent(appid: string, openid: string, action: SayAction): Promise<void> {
    if (action.type !== 'msgmenu_click' || action.fields.content !== undefined) return;
    const menu = await this.store.latestAcceptedMenu(appid, openid);
    if (!menu) throw new AdminError(409, `menu_id: no msgmenu was sent to ${openid}; give content`);
    const list = ((menu.body as { msgmenu?: { list?: { id?: unknown; content?: unknown }[] } }).msgmenu?.list ?? []) as {
      id?: unknown;
      content?: unknown;
    }[];
    const item = list.find((i) => String(i.id) === String(action.fields.menu_id));
    if (!item) throw new AdminError(409, `menu_id: the latest msgmenu sent to ${openid} has no item ${action.fields.menu_id}`);
    action.fields.content = String(item.content);
  }

  /** `say`: the action takes effect now; the push is delivered; the answer is the settled delivery. */
  async say(appid: string, openid: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const app = await appOr404(this.store, appid);
    await userOr404(this.store, appid, openid);
    const parsed = parseSay(body);
    if (!parsed.ok) throw new AdminError(400, parsed.why);
    const action = parsed.value;
    await this.menuContent(appid, openid, action);
    const elements = actionElements(action, {
      mediaId: `wxkf_${randomText(this.random, ALPHANUMERIC, 40)}`,
      thumbMediaId: `wxkf_${randomText(this.random, ALPHANUMERIC, 40)}`,
      ticket: randomText(this.random, TICKET, 64),
    });
    const hasWebhook = (await this.store.getWebhook(appid)) !== undefined;
    const now = this.clock.now();
    const out = await this.store.userFlow(appid, openid, [], now, (s) => decideSay({ action, elements, now, hasWebhook }, s));
    if (out.result === 'no_user') throw new AdminError(404, `openid: ${appid} has no user ${openid}`);
    if (out.result === 'not_subscribed') throw new AdminError(409, `openid: ${openid} is not subscribed (say subscribe first)`);
    if (out.result === 'already_subscribed') throw new AdminError(409, `openid: ${openid} is subscribed already`);
    const id = out.delivery_id as number;
    const settled = this.deliverer.dispatch(app.appid, id, openid);
    if (!action.wait) return { status: 202, body: { delivery_id: id } };
    await settled;
    return { status: 200, body: await this.delivery(appid, id) };
  }

  /** Starts the deliveries a WeChat-side call made, once its answer is on its way. */
  dispatchLater(appid: string, id: number | null, openid: string): void {
    if (id !== null) setImmediate(() => void this.deliverer.dispatch(appid, id, openid));
  }

  async getWebhook(appid: string): Promise<WebhookConfig> {
    await appOr404(this.store, appid);
    const config = await this.store.getWebhook(appid);
    if (!config) throw new AdminError(404, `webhook: ${appid} has none`);
    return config as unknown as WebhookConfig;
  }

  /** Stores the config, after the URL check unless `verify` is false (422 with the check's delivery). */
  async putWebhook(appid: string, input: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const app = await appOr404(this.store, appid);
    if (!app.original_id) throw new AdminError(409, `original_id: ${appid} has none, and every push names it as ToUserName`);
    const config = webhookConfig(input);
    if (!config.ok) throw new AdminError(400, config.why);
    if (input.verify !== false) {
      const check = await this.runVerify(appid, config.value, 'webhook_put');
      if (check.status !== 'verified')
        return { status: 422, body: { error: 'the URL verification failed: the server did not echo echostr', delivery: check } };
    }
    if (!(await this.store.putWebhook(appid, config.value as unknown as Record<string, unknown>))) {
      throw new AdminError(404, `appid: no app ${appid}`);
    }
    return { status: 200, body: config.value };
  }

  async deleteWebhook(appid: string): Promise<void> {
    await appOr404(this.store, appid);
    if (!(await this.store.deleteWebhook(appid))) throw new AdminError(404, `webhook: ${appid} has none`);
  }

  async verify(appid: string) {
    const config = await this.getWebhook(appid);
    return this.runVerify(appid, config, 'admin:verify');
  }

  private async runVerify(appid: string, config: WebhookConfig, trigger: string) {
    const now = this.clock.now();
    const { status, doc } = await this.deliverer.verify(config);
    const id = await this.store.createDelivery(appid, {
      openid: null,
      kind: 'verify',
      status,
      created_at: now,
      doc: { ...doc, trigger },
    });
    return this.delivery(appid, id);
  }

  async delivery(appid: string, id: number) {
    await appOr404(this.store, appid);
    const d = await this.store.getDelivery(appid, id);
    if (!d) throw new AdminError(404, `id: ${appid} has no delivery ${id}`);
    return deliveryView(d);
  }

  /** Deliveries matching the filter; `wait` up to that many real seconds for `min` settled ones. */
  async deliveries(appid: string, q: DeliveriesQuery) {
    await appOr404(this.store, appid);
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const wait = num(q.wait) ?? 0;
    if (wait > 30) throw new AdminError(400, 'wait: at most 30 seconds');
    const limit = num(q.limit) ?? 1000;
    if (limit < 1 || limit > 10_000) throw new AdminError(400, 'limit: must be from 1 to 10000');
    const min = num(q.min) ?? 1;
    const filter: DeliveryFilter = {
      openid: q.openid,
      status: q.status,
      kind: q.kind,
      since_id: num(q.since_id),
      from: this.clock.now() - JOURNAL_RETENTION_MS,
      limit,
    };
    const found = await pollUntil(
      () => this.store.listDeliveries(appid, filter),
      (list) => list.filter((d) => d.status !== 'pending').length >= min,
      wait,
    );
    return { deliveries: found.map(deliveryView), last_id: found.at(-1)?.id ?? filter.since_id ?? 0 };
  }
}
