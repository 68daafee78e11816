import type { Clock } from '../../platform/clock.js';
import { uses } from '../../platform/mechanisms.js';
import type { AppRecord, CallCount, HeadImage, KfAccountRecord, Store } from '../../store/store.js';
import { WxError, encodeBody } from '../../wire/envelope.js';
import {
  HEADIMG_MAX_BYTES,
  INVITATION_TTL_S,
  KF_ACCOUNT_LIMIT,
  KF_ADD_RULE,
  checkNickname,
  decideAnswer,
  invitationRefusal,
  isWechatId,
  kfListItem,
  kfOnlineItems,
  parseKfAccount,
  sniffImage,
  type KfListItem,
  type KfOnlineItem,
} from './rules.js';

/** What uploadheadimg found in the multipart body, read at most up to the 5 MB limit. */
export type MediaPart = { bytes: Buffer } | 'missing' | 'too_large';

interface ListEntry {
  version: number;
  accounts: KfAccountRecord[];
  /** getkflist's answer, encoded, and until when (ms) it holds: a waiting invitation reads `expired` later. */
  encoded?: { body: Buffer; until: number };
}

/** How many apps' account lists a node keeps; each entry is valid while the app's kf_version stands. */
const LIST_CACHE_APPS = 2000;
const LIST_CACHE = uses('kflist-cache');

export class KfService {
  private readonly lists = new Map<string, ListEntry>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly forbiddenWords: readonly string[],
  ) {}

  private enabled(app: AppRecord): void {
    if (!app.kf_enabled)
      throw new WxError('KF_NOT_ENABLED', `${app.appid} has not enabled new customer service (kf_enabled is false)`);
  }

  /** 65404 for a malformed kf_account, else its PREFIX. */
  private prefixOf(app: AppRecord, kfAccount: unknown): string {
    const prefix = parseKfAccount(kfAccount, app);
    if (!prefix.ok) throw new WxError(prefix.err, prefix.why);
    return prefix.value;
  }

  /** 65404 / 65401: the account named by kf_account, on this app, with its PREFIX. */
  private async existing(app: AppRecord, kfAccount: unknown): Promise<{ account: KfAccountRecord; prefix: string }> {
    const prefix = this.prefixOf(app, kfAccount);
    const account = await this.store.getKfAccount(app.appid, prefix);
    if (!account) throw new WxError('KF_ACCOUNT_NOT_FOUND', `${app.appid} has no account ${String(kfAccount)}`);
    return { account, prefix };
  }

  private nickname(value: unknown): string {
    const nickname = checkNickname(value, this.forbiddenWords);
    if (!nickname.ok) throw new WxError(nickname.err, nickname.why);
    return nickname.value;
  }

  /**
   * Rows 9–14 of addkfaccount.md; the store applies the count and uniqueness rule under the app's
   * lock. Given the call's check 8 (`count`), the store counts the call in the same write.
   */
  async add(app: AppRecord, body: Record<string, unknown>, count?: CallCount): Promise<void> {
    this.enabled(app);
    const prefix = this.prefixOf(app, body.kf_account);
    const nickname = this.nickname(body.nickname);
    const result = await this.store.addKfAccount(
      app.appid,
      { kf_account: body.kf_account as string, prefix, nickname, now: this.clock.now() },
      KF_ADD_RULE,
      count,
    );
    // The pipeline answers a refused count (45009) whatever is thrown here.
    if (result.result === 'quota') throw new WxError('DAILY_QUOTA_REACHED', 'daily quota used up');
    if (result.result === 'exists')
      throw new WxError('KF_ACCOUNT_EXISTS', `${app.appid} has an account with PREFIX ${prefix} already (PREFIX ignores case)`);
    if (result.result === 'limit')
      throw new WxError('KF_ACCOUNT_LIMIT', `${app.appid} has ${KF_ACCOUNT_LIMIT} accounts, the most an app may have`);
  }

  /** update: 65400, 65404, 65401, 65403; changes kf_nick only. */
  async update(app: AppRecord, body: Record<string, unknown>): Promise<void> {
    this.enabled(app);
    const { prefix } = await this.existing(app, body.kf_account);
    const nickname = this.nickname(body.nickname);
    if (!(await this.store.updateKfNick(app.appid, prefix, nickname, this.clock.now()))) {
      throw new WxError('KF_ACCOUNT_NOT_FOUND', 'the account was deleted meanwhile');
    }
  }

  /** del: 65400, 65404, 65401. */
  async del(app: AppRecord, kfAccount: unknown): Promise<void> {
    this.enabled(app);
    const prefix = this.prefixOf(app, kfAccount);
    if (!(await this.store.deleteKfAccount(app.appid, prefix)))
      throw new WxError('KF_ACCOUNT_NOT_FOUND', `${app.appid} has no account ${String(kfAccount)}`);
  }

  /**
   * uploadheadimg: 65400; 65401 (no such account, a malformed or missing kf_account too); 41005 no
   * `media`; 40009 over 5 MB; 40005 not JPEG or PNG by its bytes. `url` makes the address that serves it.
   */
  async uploadHeadImage(
    app: AppRecord,
    kfAccount: unknown,
    readMedia: () => Promise<MediaPart>,
    url: (kfId: number, version: number) => string,
  ): Promise<void> {
    this.enabled(app);
    const prefix = parseKfAccount(kfAccount, app);
    const account = prefix.ok ? await this.store.getKfAccount(app.appid, prefix.value) : undefined;
    if (!prefix.ok || !account)
      throw new WxError('KF_ACCOUNT_NOT_FOUND', prefix.ok ? `${app.appid} has no account ${String(kfAccount)}` : prefix.why);
    const media = await readMedia();
    if (media === 'missing') throw new WxError('MEDIA_DATA_MISSING', 'no multipart file field media (or it is empty)');
    if (media === 'too_large' || media.bytes.length > HEADIMG_MAX_BYTES)
      throw new WxError('INVALID_IMAGE_SIZE', 'media is over 5 MB');
    const contentType = sniffImage(media.bytes);
    if (!contentType) throw new WxError('INVALID_FILE_TYPE', 'media is neither JPEG nor PNG (judged by its first bytes)');
    const now = this.clock.now();
    const image: HeadImage = { content_type: contentType, bytes: media.bytes, updated_at: now };
    if (!(await this.store.setKfHeadImage(app.appid, prefix.value, image, (kfId) => url(kfId, now)))) {
      throw new WxError('KF_ACCOUNT_NOT_FOUND', 'the account was deleted meanwhile');
    }
  }

  headImage(appid: string, kfId: number): Promise<HeadImage | undefined> {
    return this.store.getKfHeadImage(appid, kfId);
  }

  /** inviteworker: 65400; 65404/65401; 65409; then, under the app's lock, 65412, 65411, 65407, 65408, 65410. */
  async invite(app: AppRecord, body: Record<string, unknown>): Promise<void> {
    this.enabled(app);
    const { prefix } = await this.existing(app, body.kf_account);
    if (!isWechatId(body.invite_wx))
      throw new WxError(
        'KF_WECHAT_ACCOUNT_INVALID',
        'invite_wx must be a WeChat ID: 6-20 of A-Za-z0-9_-, starting with a letter',
      );
    const nowMs = this.clock.now();
    const now = Math.floor(nowMs / 1000);
    const refusal = await this.store.inviteWorker(
      app.appid,
      prefix,
      { invite_wx: body.invite_wx, invite_expire_time: now + INVITATION_TTL_S, now: nowMs },
      (state) => invitationRefusal(state, now),
    );
    if (refusal !== null) throw new WxError(refusal.err, refusal.why);
  }

  /**
   * The app's accounts as of `version` (read with the caller's credential). Every change to them
   * moves the version in the same transaction, on any node, so a list cached under the version is
   * never stale for a caller who read that version; a newer version reloads.
   */
  private async entry(appid: string, version: number): Promise<ListEntry> {
    const hit = LIST_CACHE ? this.lists.get(appid) : undefined;
    if (hit && hit.version === version) return hit;
    const entry: ListEntry = { version, accounts: await this.store.listKfAccounts(appid) };
    this.lists.delete(appid);
    if (this.lists.size >= LIST_CACHE_APPS) this.lists.delete(this.lists.keys().next().value as string);
    this.lists.set(appid, entry);
    return entry;
  }

  /** getkflist's answer, encoded once per version (and re-encoded when a waiting invitation expires). */
  async list(app: AppRecord, version: number): Promise<Buffer> {
    const now = this.clock.now();
    const entry = await this.entry(app.appid, version);
    if (LIST_CACHE && entry.encoded && now < entry.encoded.until) return entry.encoded.body;
    const body: { kf_list: KfListItem[] } = { kf_list: entry.accounts.map((a) => kfListItem(a, now)) };
    const expiries = entry.accounts
      .filter((a) => a.invite_status === 'waiting' && a.invite_expire_time !== null && a.invite_expire_time * 1000 > now)
      .map((a) => (a.invite_expire_time as number) * 1000);
    entry.encoded = { body: encodeBody(body), until: Math.min(Infinity, ...expiries) };
    return entry.encoded.body;
  }

  async listOnline(app: AppRecord, version: number): Promise<{ kf_online_list: KfOnlineItem[] }> {
    return { kf_online_list: kfOnlineItems((await this.entry(app.appid, version)).accounts) };
  }

  /** The invitee's side (admin API): accept binds the worker, reject marks the invitation rejected. */
  answerInvitation(app: AppRecord, prefix: string, accept: boolean) {
    const now = Math.floor(this.clock.now() / 1000);
    return this.store.answerInvitation(app.appid, prefix, (s) => decideAnswer(s, accept, now));
  }

  setOnline(app: AppRecord, prefix: string, status: number, acceptedCase: number) {
    return this.store.setKfOnline(app.appid, prefix, status, acceptedCase);
  }
}
