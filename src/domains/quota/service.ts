import type { Clock } from '../../platform/clock.js';
import { CallCount, type AppRecord, type Store } from '../../store/store.js';
import { WxError } from '../../wire/envelope.js';
import {
  CLEARS_PER_MONTH,
  CLEAR_COUNTER,
  dailyLimit,
  dayPeriod,
  minuteCounter,
  minutePeriod,
  monthPeriod,
  quotaView,
  type QuotaView,
} from './rules.js';

export class QuotaService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** The cgi paths wxkf serves, each under its canonical name (quota/get answers 76021 for others). */
    private readonly served: ReadonlyMap<string, string>,
  ) {}

  /** Check 8 of a call on `cgiPath`, not counted yet: the China day and the app's limit are fixed now, when it is due. */
  callCount(app: AppRecord, cgiPath: string): CallCount {
    return new CallCount(app.appid, { counter: cgiPath, period: dayPeriod(this.clock.now()), limit: dailyLimit(app, cgiPath) });
  }

  /** Counts the call unless a write counted it already; 45009 when the app's daily quota for it is used up. */
  async settle(count: CallCount): Promise<void> {
    const admitted = count.counted ? count.admitted : await this.store.countCall(count);
    if (!admitted) {
      const { counter, limit } = count.admission;
      throw new WxError('DAILY_QUOTA_REACHED', `${count.appid} has used its ${limit} calls of ${counter} today (China time)`);
    }
  }

  /** A per-minute limit after the daily one (stable_token's 10000, 45011). */
  async admitPerMinute(app: AppRecord, cgiPath: string, limit: number): Promise<void> {
    if (!(await this.store.admitQuota(app.appid, minuteCounter(cgiPath), minutePeriod(this.clock.now()), limit))) {
      throw new WxError('MINUTE_QUOTA_REACHED', `${app.appid} has made ${limit} calls of ${cgiPath} this minute`);
    }
  }

  /** clear_quota (v1 and v2): every daily counter of the app back to zero, 10 times a month. */
  async clear(app: AppRecord): Promise<void> {
    if (!(await this.store.clearQuotas(app.appid, CLEAR_COUNTER, monthPeriod(this.clock.now()), CLEARS_PER_MONTH))) {
      throw new WxError('CLEAR_QUOTA_FORBIDDEN', `${app.appid} has cleared its quotas ${CLEARS_PER_MONTH} times this month`);
    }
  }

  /** Today's use of every interface wxkf serves, for the admin API and the console. */
  async usage(app: AppRecord): Promise<{ cgi_path: string; daily_limit: number; used: number; remain: number }[]> {
    const period = dayPeriod(this.clock.now());
    const names = [...new Set(this.served.values())].sort();
    return Promise.all(
      names.map(async (name) => {
        const v = quotaView(dailyLimit(app, name), await this.store.quotaUsed(app.appid, name, period));
        return { cgi_path: name, ...v };
      }),
    );
  }

  /** openapi/quota/get: 76021 for a path wxkf does not serve. */
  async view(app: AppRecord, cgiPath: unknown): Promise<QuotaView> {
    const name = typeof cgiPath === 'string' ? this.served.get(cgiPath) : undefined;
    if (name === undefined) throw new WxError('CGI_PATH_NOT_FOUND', `wxkf serves no cgi_path ${JSON.stringify(cgiPath)}`);
    const used = await this.store.quotaUsed(app.appid, name, dayPeriod(this.clock.now()));
    return quotaView(dailyLimit(app, name), used);
  }
}
