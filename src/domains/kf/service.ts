import type { Clock } from '../../platform/clock.js';
import type { AppRecord, Store } from '../../store/store.js';
import { WxError } from '../../wire/envelope.js';
import { KF_ACCOUNT_LIMIT, checkNickname, kfListItem, parseKfAccount, type KfListItem } from './rules.js';

export class KfService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly forbiddenWords: readonly string[],
  ) {}

  /** Rows 9–14 of addkfaccount.md; the count and uniqueness rules are enforced atomically by the store. */
  async add(app: AppRecord, body: Record<string, unknown>): Promise<void> {
    if (!app.kf_enabled) throw new WxError('KF_NOT_ENABLED');
    const prefix = parseKfAccount(body.kf_account, app);
    if (!prefix.ok) throw new WxError(prefix.err);
    const nickname = checkNickname(body.nickname, this.forbiddenWords);
    if (!nickname.ok) throw new WxError(nickname.err);
    const result = await this.store.addKfAccount(
      app.appid,
      { kf_account: body.kf_account as string, prefix: prefix.value, nickname: nickname.value, now: this.clock.now() },
      KF_ACCOUNT_LIMIT,
    );
    if (result.result === 'exists') throw new WxError('KF_ACCOUNT_EXISTS');
    if (result.result === 'limit') throw new WxError('KF_ACCOUNT_LIMIT');
  }

  async list(app: AppRecord): Promise<{ kf_list: KfListItem[] }> {
    const now = this.clock.now();
    const accounts = await this.store.listKfAccounts(app.appid);
    return { kf_list: accounts.map((a) => kfListItem(a, now)) };
  }
}
