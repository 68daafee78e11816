import type { Clock } from '../../platform/clock.js';
import { ALPHANUMERIC, randomText, type Random } from '../../platform/random.js';
import type { AppRecord, DeliveryRecord, Store } from '../../store/store.js';
import { prefixOf, decideTransfer } from '../sessions/rules.js';
import type { XmlElement } from './actions.js';
import { aesKeyOf, encryptMessage, wechatSignature } from './crypto.js';
import { judgeReply, type Judgement } from './judge.js';
import { textAt } from './xml.js';
import { webhookConfig, withQuery, type WebhookConfig } from './webhook.js';
import { sendAttempts, type Attempt } from './attempts.js';
import { xmlDocument, xmlOf } from './xml.js';

/** What WeChat shows a user when the app's server failed them (push.md). */
export const USER_NOTICE = '该公众号暂时无法提供服务，请稍后再试';
/** Deliveries running at once (HTTP requests in flight), and waiting, on this node. */
const CONCURRENCY = 32;
const MAX_QUEUED = 10_000;

/**
 * Runs deliveries off the request path: one user's pushes one at a time in the order of their
 * ids (on this node by a chain per user, across nodes by waiting for an earlier pending one),
 * different users' in parallel up to a bound. A reset or an app's deletion aborts its deliveries.
 */
export class Deliverer {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly aborts = new Map<string, AbortController>();
  private running = 0;
  private queued = 0;
  private readonly slots: (() => void)[] = [];
  /** Called with each delivery's final status (the metrics count them). */
  onSettled: (status: string) => void = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly onError: (err: unknown) => void,
  ) {}

  private signal(appid: string): AbortSignal {
    let c = this.aborts.get(appid);
    if (!c) this.aborts.set(appid, (c = new AbortController()));
    return c.signal;
  }

  /** Stops the app's deliveries: nothing more is sent or written for them. */
  forgetApp(appid: string): void {
    this.aborts.get(appid)?.abort();
    this.aborts.delete(appid);
  }

  forgetAll(): void {
    for (const appid of [...this.aborts.keys()]) this.forgetApp(appid);
  }

  /** Queues a delivery; resolves once it has settled (or was dropped). Never rejects. */
  dispatch(appid: string, id: number, openid: string | null): Promise<void> {
    const key = `${appid}\u0000${openid ?? `#${id}`}`;
    if (this.queued >= MAX_QUEUED) return this.settleUnrun(appid, id, 'queue_full');
    this.queued++;
    const signal = this.signal(appid);
    const run = (this.chains.get(key) ?? Promise.resolve())
      .then(() => this.slot())
      .then(async () => {
        try {
          if (!signal.aborted) await this.run(appid, id, signal);
        } catch (err) {
          this.onError(err);
        } finally {
          this.release();
        }
      });
    this.chains.set(key, run);
    void run.finally(() => {
      this.queued--;
      if (this.chains.get(key) === run) this.chains.delete(key);
    });
    return run;
  }

  private async slot(): Promise<void> {
    if (this.running < CONCURRENCY) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.slots.push(resolve));
  }

  private release(): void {
    const next = this.slots.shift();
    if (next) next();
    else this.running--;
  }

  private async settleUnrun(appid: string, id: number, note: string): Promise<void> {
    const d = await this.store.getDelivery(appid, id).catch(() => undefined);
    if (d)
      await this.store
        .updateDelivery(id, 'failed', { ...d.doc, notes: [...((d.doc.notes as string[]) ?? []), note] })
        .catch(() => false);
  }

  private async settle(id: number, status: string, doc: Record<string, unknown>): Promise<void> {
    if (await this.store.updateDelivery(id, status, doc)) this.onSettled(status);
  }

  private nonce(): string {
    const digits = [...this.random.bytes(10)].map((b) => String(b % 10));
    if (digits[0] === '0') digits[0] = '1';
    return digits.slice(0, 9 + (this.random.bytes(1)[0]! % 2)).join('');
  }

  /** The URL check (push.md, URL verification): GET with an echostr the server must echo. */
  async verify(
    config: WebhookConfig,
    signal?: AbortSignal,
  ): Promise<{ status: 'verified' | 'verify_failed'; doc: Record<string, unknown> }> {
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    const nonce = this.nonce();
    const echostr = [...this.random.bytes(19)].map((b, i) => String(i === 0 ? 1 + (b % 9) : b % 10)).join('');
    const url = withQuery(config.url, [
      ['signature', wechatSignature(config.token, timestamp, nonce)],
      ['echostr', echostr],
      ['timestamp', timestamp],
      ['nonce', nonce],
    ]);
    const echoed = (a: Attempt) =>
      a.outcome === 'ok' && (a.response_body ?? '').replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '') === echostr;
    const { attempts, success } = await sendAttempts(
      config,
      'GET',
      url,
      undefined,
      signal ?? new AbortController().signal,
      echoed,
    );
    return {
      status: success ? 'verified' : 'verify_failed',
      doc: {
        trigger: 'admin:verify',
        msg_type: null,
        event: null,
        msg_id: null,
        create_time: Number(timestamp),
        request: { url, body: null, plaintext: null, echostr },
        attempts,
        reply: null,
        user_notice: null,
        notes: [],
      },
    };
  }

  private async run(appid: string, id: number, signal: AbortSignal): Promise<void> {
    const d = await this.store.getDelivery(appid, id);
    if (!d || d.status !== 'pending') return;
    const [config, app] = await Promise.all([this.store.getWebhook(appid), this.store.getApp(appid)]);
    if (!config || !app) {
      await this.settle(id, 'no_webhook', d.doc);
      return;
    }
    const webhook = webhookConfig(config);
    if (!webhook.ok) return;
    const cfg = webhook.value;
    if (d.openid !== null) {
      // Another node may still be delivering this user's earlier push: wait for it (a bounded wait).
      const budget = cfg.timeout_ms * cfg.attempts + 5000;
      const since = performance.now();
      while (
        performance.now() - since < budget &&
        (await this.store.earlierPendingDelivery(appid, d.openid, id, this.clock.now() - budget))
      ) {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const { request, plaintext } = this.pushRequest(app, d, cfg);
    const pending = { ...d.doc, request: { ...request, plaintext } };
    await this.store.updateDelivery(id, 'pending', { ...pending, attempts: [] });
    const { attempts, success } = await sendAttempts(cfg, 'POST', request.url, request.body, signal, undefined, (sofar) =>
      signal.aborted ? Promise.resolve() : this.store.updateDelivery(id, 'pending', { ...pending, attempts: sofar }),
    );
    if (signal.aborted) return;
    const doc: Record<string, unknown> = { ...pending, attempts };
    const forUser = d.kind === 'message' || (d.doc.trigger === 'say' && d.kind === 'event');
    if (!success) {
      await this.settle(id, 'failed', { ...doc, user_notice: forUser ? USER_NOTICE : null });
      return;
    }
    const judged = judgeReply(success.response_body ?? '', {
      mode: cfg.mode,
      token: cfg.token,
      aesKey: cfg.encoding_aes_key ? aesKeyOf(cfg.encoding_aes_key) : null,
      appid: app.appid,
      openid: d.openid ?? '',
      originalId: app.original_id,
    });
    const notes = [...((d.doc.notes as string[]) ?? [])];
    const reply = { problem: judged.problem, msg_type: judged.msg_type, elements: judged.elements, decrypted: judged.decrypted };
    const status: string = judged.status;
    let userNotice: string | null = null;
    if (judged.status === 'invalid_reply' && forUser) userNotice = USER_NOTICE;
    if (judged.status === 'replied' && d.openid !== null) await this.passiveReply(app, d, judged);
    if (judged.status === 'transferred' && d.openid !== null) {
      if (d.kind === 'message') notes.push(...(await this.transfer(app, d, judged)));
      else notes.push('transfer_on_event');
    }
    if (signal.aborted) return;
    await this.settle(id, status, { ...doc, reply, user_notice: userNotice, notes });
  }

  /** The push's URL and body in the app's mode (push.md, "The push request"). */
  private pushRequest(app: AppRecord, d: DeliveryRecord, cfg: WebhookConfig) {
    const elements = (d.doc.elements as XmlElement[]).map(([name, value]): XmlElement =>
      name === 'MsgId' ? [name, BigInt(d.doc.msg_id as string)] : [name, value],
    );
    const head: XmlElement[] = [
      ['ToUserName', app.original_id],
      ['FromUserName', d.openid ?? ''],
      ['CreateTime', d.doc.create_time as number],
      ['MsgType', d.doc.msg_type as string],
    ];
    const plaintext = xmlDocument([...head, ...elements]);
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    const nonce = this.nonce();
    const query: [string, string][] = [
      ['signature', wechatSignature(cfg.token, timestamp, nonce)],
      ['timestamp', timestamp],
      ['nonce', nonce],
      ['openid', d.openid ?? ''],
    ];
    if (cfg.mode === 'plain') return { request: { url: withQuery(cfg.url, query), body: plaintext }, plaintext };
    const encrypted = encryptMessage(
      aesKeyOf(cfg.encoding_aes_key as string),
      app.appid,
      plaintext,
      randomText(this.random, ALPHANUMERIC, 16),
    );
    query.push(['encrypt_type', 'aes'], ['msg_signature', wechatSignature(cfg.token, timestamp, nonce, encrypted)]);
    const body =
      cfg.mode === 'safe'
        ? xmlDocument([
            ['ToUserName', app.original_id],
            ['Encrypt', encrypted],
          ])
        : `${plaintext.slice(0, -'</xml>'.length)}${xmlOf([['Encrypt', encrypted]])}</xml>`;
    return { request: { url: withQuery(cfg.url, query), body }, plaintext };
  }

  /** A passive reply reached the user: an outbox entry, and an exchange for typing. */
  private async passiveReply(app: AppRecord, d: DeliveryRecord, judged: Judgement): Promise<void> {
    const now = this.clock.now();
    await this.store.userFlow(app.appid, d.openid, [], now, ({ user }) => ({
      result: null,
      effects: {
        user: user ? { last_exchange_at: now } : undefined,
        outbox: {
          openid: d.openid,
          path: 'passive_reply',
          time: now,
          rid: null,
          errcode: 0,
          msgtype: judged.msg_type,
          command: null,
          kf_account: null,
          body: judged.elements,
          grant: null,
          delivery_id: d.id,
        },
      },
    }));
  }

  /** A `transfer_customer_service` reply to a user message: the wait queue or a session (sessions.md). */
  private async transfer(app: AppRecord, d: DeliveryRecord, judged: Judgement): Promise<string[]> {
    const now = this.clock.now();
    const transInfo = judged.elements ? textAt(judged.elements, 'TransInfo/KfAccount') : undefined;
    const prefix = prefixOf(app, transInfo);
    // The app has a webhook (this delivery is running), so a session's event is pending; if the
    // webhook goes before that event runs, its run settles it as no_webhook.
    const out = await this.store.userFlow(app.appid, d.openid, prefix ? [prefix] : [], now, (s) =>
      decideTransfer({ now, messageTime: d.created_at, transInfo, prefix, hasWebhook: true }, s),
    );
    if (out.delivery_id !== null) setImmediate(() => void this.dispatch(app.appid, out.delivery_id as number, d.openid));
    return out.result.notes;
  }
}
