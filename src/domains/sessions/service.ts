import type { Clock } from '../../platform/clock.js';
import type { AppRecord, FlowDecision, FlowState, Store } from '../../store/store.js';
import { WxError } from '../../wire/envelope.js';
import { ERR, type ErrName } from '../../wire/errcodes.js';
import { AdminError, appOr404, userOr404 } from '../admin/errors.js';
import type { PushService } from '../push/service.js';
import type { Trigger } from '../push/rules.js';
import {
  decideAdminClose,
  decideClose,
  decideCreate,
  decideSwitch,
  prefixOf,
  type SessionCall,
  type SessionResult,
} from './rules.js';

const seconds = (ms: number) => Math.floor(ms / 1000);
/** A millisecond value (or anything from 10^10 on) is refused, as WeChat does (65416). */
const TIME_LIMIT = 10_000_000_000;

/** kfsession/* and msgrecord/getmsglist, and the worker's side of sessions (admin). */
export class SessionsService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly push: PushService,
  ) {}

  private enabled(app: AppRecord): void {
    if (!app.kf_enabled) throw new WxError('KF_NOT_ENABLED', `${app.appid} has not enabled new customer service`);
  }

  /** A session change under the user's lock; its kf event is delivered after the call answers. */
  private async change<T>(
    app: AppRecord,
    body: { kf_account?: unknown; openid?: unknown },
    trigger: Trigger,
    decide: (c: SessionCall, s: FlowState) => FlowDecision<T>,
    extraPrefixes: string[] = [],
  ): Promise<T> {
    const webhook = await this.store.getWebhook(app.appid);
    const api = trigger.startsWith('api:');
    const call: SessionCall = {
      app,
      now: this.clock.now(),
      kf_account: body.kf_account,
      openid: body.openid,
      hasWebhook: webhook !== undefined,
      pushes: !api || webhook === undefined || webhook.api_session_events !== false,
      trigger,
    };
    const prefix = prefixOf(app, body.kf_account);
    const openid = typeof body.openid === 'string' ? body.openid : null;
    const out = await this.store.userFlow(app.appid, openid, [...(prefix ? [prefix] : []), ...extraPrefixes], call.now, (s) =>
      decide(call, s),
    );
    if (out.delivery_id !== null && webhook !== undefined) this.push.dispatchLater(app.appid, out.delivery_id, openid as string);
    return out.result;
  }

  private static raise(r: SessionResult): void {
    if (r.refusal) throw new WxError(r.refusal.err, r.refusal.why);
  }

  async create(app: AppRecord, body: Record<string, unknown>): Promise<void> {
    SessionsService.raise(await this.change(app, body, 'api:kfsession/create', decideCreate));
  }

  async close(app: AppRecord, body: Record<string, unknown>): Promise<void> {
    SessionsService.raise(await this.change(app, body, 'api:kfsession/close', decideClose));
  }

  async getSession(app: AppRecord, openid: unknown) {
    this.enabled(app);
    if (typeof openid !== 'string' || openid === '') throw new WxError('INVALID_OPENID', 'no openid');
    const state = await this.store.getUserFlow(app.appid, openid, this.clock.now());
    if (!state?.user) throw new WxError('INVALID_OPENID', `${openid} is not a simulated user of this app`);
    const session = state.user.session;
    if (!session) return { createtime: 0, kf_account: '' };
    const account = await this.store.getKfAccount(app.appid, session.kf);
    return { createtime: seconds(session.createtime), kf_account: account?.kf_account ?? '' };
  }

  async getSessionList(app: AppRecord, kfAccount: unknown) {
    this.enabled(app);
    const prefix = prefixOf(app, kfAccount);
    const account = prefix === undefined ? undefined : await this.store.getKfAccount(app.appid, prefix);
    if (!account || prefix === undefined)
      throw new WxError('KF_ACCOUNT_NOT_FOUND', `the app has no account ${String(kfAccount)}`);
    if (account.kf_wx === null) throw new WxError('KF_ACCOUNT_NOT_BOUND', `${account.kf_account} is not bound to a worker`);
    const sessions = await this.store.listSessions(app.appid, prefix);
    return { sessionlist: sessions.map((s) => ({ createtime: seconds(s.session.createtime), openid: s.openid })) };
  }

  async getWaitCase(app: AppRecord) {
    this.enabled(app);
    const [count, cases] = await Promise.all([this.store.countWaitCases(app.appid), this.store.listWaitCases(app.appid, 100)]);
    return { count, waitcaselist: cases.map((c) => ({ latest_time: seconds(c.waiting.latest_time), openid: c.openid })) };
  }

  /** getmsglist: rules 1–7 of sessions.md; `msgid` answered is the next one to ask for. */
  async getMsgList(app: AppRecord, body: Record<string, unknown>) {
    this.enabled(app);
    const { starttime, endtime, msgid, number } = body;
    const isTime = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < TIME_LIMIT;
    if (!isTime(starttime) || !isTime(endtime)) {
      throw new WxError('KF_PARAM_INVALID', 'starttime and endtime must be whole Unix seconds (a millisecond value is refused)');
    }
    if (starttime > endtime) throw new WxError('KF_PARAM_INVALID', 'starttime is after endtime');
    if (endtime - starttime > 86_400) throw new WxError('KF_TIME_RANGE_OUT_OF_LIMIT', 'the span is over 24 hours');
    if (!Number.isInteger(msgid) || (msgid as number) < 1)
      throw new WxError('KF_PARAM_INVALID', 'msgid must be a whole number from 1');
    if (!Number.isInteger(number) || (number as number) < 1 || (number as number) > 10_000) {
      throw new WxError('KF_PARAM_INVALID', 'number must be a whole number from 1 to 10000');
    }
    const records = await this.store.listChatRecords(
      app.appid,
      starttime * 1000,
      endtime * 1000 + 999,
      msgid as number,
      number as number,
    );
    if (records.length === 0) return { recordlist: [], number: 0, msgid: 0 };
    return {
      recordlist: records.map((r) => ({
        openid: r.openid,
        opercode: r.opercode,
        text: r.text,
        time: seconds(r.time),
        worker: r.worker,
      })),
      number: records.length,
      msgid: (records.at(-1)?.msgid as number) + 1,
    };
  }

  // The worker's side (admin): a refusal is 409 with the errcode the API would give.
  private async adminApp(appid: string, openid: string): Promise<AppRecord> {
    const app = await appOr404(this.store, appid);
    await userOr404(this.store, appid, openid);
    return app;
  }

  private static conflict(r: SessionResult): void {
    if (r.refusal) throw new AdminError(409, r.refusal.why, errcodeOf(r.refusal.err));
  }

  async accept(appid: string, kfAccount: string, openid: string) {
    const app = await this.adminApp(appid, openid);
    SessionsService.conflict(await this.change(app, { kf_account: kfAccount, openid }, 'admin:accept', decideCreate));
    return this.sessionView(appid, openid);
  }

  async switchTo(appid: string, openid: string, kfAccount: string) {
    const app = await this.adminApp(appid, openid);
    const r = await this.change(app, { kf_account: kfAccount, openid }, 'admin:switch', decideSwitch);
    if (r.refusal === 'same_account') throw new AdminError(409, `kf_account: ${openid} is already served by ${kfAccount}`);
    if (r.refusal === 'no_user') throw new AdminError(404, `openid: ${appid} has no user ${openid}`);
    if (r.refusal) throw new AdminError(409, r.refusal.why, errcodeOf(r.refusal.err));
    return this.sessionView(appid, openid);
  }

  async adminClose(appid: string, openid: string): Promise<void> {
    const app = await this.adminApp(appid, openid);
    SessionsService.conflict(await this.change(app, { openid }, 'admin:close', decideAdminClose));
  }

  private async sessionView(appid: string, openid: string) {
    const found = (await this.store.listSessions(appid)).find((s) => s.openid === openid);
    if (!found) throw new AdminError(409, `${openid} has no session`, errcodeOf('KF_NO_SESSION'));
    return sessionRowView(found);
  }

  async list(appid: string) {
    await appOr404(this.store, appid);
    const [sessions, waiting] = await Promise.all([this.store.listSessions(appid), this.store.listWaitCases(appid, 1_000_000)]);
    const accounts = new Map(
      (await this.store.listKfAccounts(appid)).map((a) => [a.kf_account.split('@')[0]?.toLowerCase(), a.kf_account]),
    );
    return {
      sessions: sessions.map(sessionRowView),
      waitcases: waiting.map((w) => ({
        openid: w.openid,
        joined_at: seconds(w.waiting.joined_at),
        latest_time: seconds(w.waiting.latest_time),
        reserved_for: w.waiting.reserved_for === null ? null : (accounts.get(w.waiting.reserved_for) ?? w.waiting.reserved_for),
      })),
    };
  }
}

function sessionRowView(s: { openid: string; kf_account: string; session: { createtime: number; forward_until: number } }) {
  return {
    openid: s.openid,
    kf_account: s.kf_account,
    createtime: seconds(s.session.createtime),
    forward_until: seconds(s.session.forward_until),
  };
}

const errcodeOf = (name: ErrName) => ERR[name].errcode;
