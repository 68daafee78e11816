import type { Clock } from '../../platform/clock.js';
import type { AppRecord, QuotaAdmission, Store } from '../../store/store.js';
import { WxError } from '../../wire/envelope.js';
import {
  CLEARS_PER_MONTH, CLEAR_COUNTER, STABLE_TOKEN_PER_MINUTE, dailyLimit, dayPeriod, minuteCounter, minutePeriod, monthPeriod,
  quotaView, type QuotaView,
} from './rules.js';

/** A call's check 8, not done yet: whoever counts it (the endpoint's write, or settle) marks it spent. */
export interface DeferredQuota {
  readonly appid: string;
  readonly admission: QuotaAdmission;
  spent: boolean;
}

export class QuotaService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** The cgi paths wxkf serves, each under its canonical name (quota/get answers 76021 for others). */
    private readonly served: ReadonlyMap<string, string>,
  ) {}

  /** Check 8: counts the call, or 45009 when the app's daily quota for the interface is used up. */
  admit(app: AppRecord, cgiPath: string): Promise<void> {
    return this.settle(this.defer(app, cgiPath));
  }

  /**
   * Check 8 handed to an endpoint that counts the call in its own write (one round trip instead
   * of two). The window and limit are fixed now, when the check is due.
   */
  defer(app: AppRecord, cgiPath: string): DeferredQuota {
    const admission = { counter: cgiPath, period: dayPeriod(this.clock.now()), limit: dailyLimit(app, cgiPath) };
    return { appid: app.appid, admission, spent: false };
  }

  /** Counts a deferred call that its endpoint did not count itself; 45009 when the quota is used up. */
  async settle(quota: DeferredQuota): Promise<void> {
    if (quota.spent) return;
    quota.spent = true;
    const { counter, period, limit } = quota.admission;
    if (!(await this.store.admitQuota(quota.appid, counter, period, limit))) throw new WxError('DAILY_QUOTA_REACHED');
  }

  /** stable_token's minute limit (45011), after its daily one. */
  async admitStableMinute(app: AppRecord): Promise<void> {
    const now = this.clock.now();
    const counter = minuteCounter('/cgi-bin/stable_token');
    if (!(await this.store.admitQuota(app.appid, counter, minutePeriod(now), STABLE_TOKEN_PER_MINUTE))) {
      throw new WxError('MINUTE_QUOTA_REACHED');
    }
  }

  /** clear_quota (v1 and v2): every daily counter of the app back to zero, 10 times a month. */
  async clear(app: AppRecord): Promise<void> {
    if (!(await this.store.clearQuotas(app.appid, CLEAR_COUNTER, monthPeriod(this.clock.now()), CLEARS_PER_MONTH))) {
      throw new WxError('CLEAR_QUOTA_FORBIDDEN');
    }
  }

  /** openapi/quota/get: 76021 for a path wxkf does not serve. */
  async view(app: AppRecord, cgiPath: unknown): Promise<QuotaView> {
    const name = typeof cgiPath === 'string' ? this.served.get(cgiPath) : undefined;
    if (name === undefined) throw new WxError('CGI_PATH_NOT_FOUND');
    const used = await this.store.quotaUsed(app.appid, name, dayPeriod(this.clock.now()));
    return quotaView(dailyLimit(app, name), used);
  }
}
