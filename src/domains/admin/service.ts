import { createHash } from 'node:crypto';
import type { DeploymentClock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { AppRecord, KfAccountRecord, Store } from '../../store/store.js';
import type { AccessTokenAnswer, CredentialsService } from '../credentials/service.js';
import { KF_ACCOUNT_LIMIT, KF_ADD_RULE, checkNickname, parseKfAccount } from '../kf/rules.js';
import type { KfService } from '../kf/service.js';
import type { ComponentService } from '../component/service.js';
import type { AppFields, AppInput, SeedDocument } from './validate.js';
import { DeploymentState } from './deployment.js';
import { AdminError, appOr404 } from './errors.js';
import { UsersAdmin } from './users.js';
import { webhookConfig } from '../push/webhook.js';
import { MessagesAdmin } from './messages.js';
import { PlatformsAdmin } from './platforms.js';

export { AdminError } from './errors.js';
export { ADMIN_TOKEN_META_KEY, CLOCK_META_KEY, type ClockView } from './deployment.js';

/** An admin API failure: an HTTP status and a message naming the field. */
export interface SeedResult {
  apps: { appid: string; created: boolean; secret?: string }[];
  component_platforms: { component_appid: string; created: boolean; component_appsecret?: string }[];
  kf_accounts_added: number;
}

/** Default original ID of an app that has none given: derived from the appid, so a seed stays idempotent. */
export function defaultOriginalId(appid: string): string {
  return `gh_${createHash('sha256').update(appid).digest('hex').slice(0, 12)}`;
}

export class AdminService {
  /** Simulated users (admin/users.ts). */
  readonly users: UsersAdmin;
  /** Windows and the outbox (admin/messages.ts). */
  readonly messages: MessagesAdmin;
  /** The clock and the admin token: state of the whole deployment (admin/deployment.ts). */
  readonly deployment: DeploymentState;
  /** Third-party platforms and their authorizations (admin/platforms.ts). */
  readonly platforms: PlatformsAdmin;

  constructor(
    private readonly store: Store,
    private readonly clock: DeploymentClock,
    private readonly random: Random,
    private readonly credentials: CredentialsService,
    private readonly kf: KfService,
    private readonly component: ComponentService,
    private readonly forbiddenWords: readonly string[],
  ) {
    this.users = new UsersAdmin(store, clock, random);
    this.messages = new MessagesAdmin(store, clock);
    this.deployment = new DeploymentState(store, clock);
    this.platforms = new PlatformsAdmin(
      store,
      clock,
      component,
      () => this.newSecret(),
      (appid) => this.getApp(appid),
    );
  }

  /**
   * The seed's users of an app that it lacks (an openid it has is left as it is), and its webhook
   * when it has none (stored without verification).
   */
  private async addSeedUsers(app: AppRecord, input: AppInput): Promise<void> {
    if (input.webhook && !(await this.store.getWebhook(app.appid))) {
      const config = webhookConfig(input.webhook);
      if (!config.ok) throw new AdminError(400, `webhook.${config.why}`);
      await this.store.putWebhook(app.appid, config.value as unknown as Record<string, unknown>);
    }
    for (const u of input.users ?? []) {
      if (u.openid !== undefined && (await this.store.getUser(app.appid, u.openid))) continue;
      // A user without an openid is known by its nickname: applying the seed again adds none.
      if (u.openid === undefined && (await this.store.listUsers(app.appid)).some((x) => x.nickname === (u.nickname ?? '')))
        continue;
      await this.users.create(app.appid, u);
    }
  }

  /** All state gone and the clock back to real time; the admin token stays (operator.md). */
  async reset(): Promise<void> {
    await this.store.reset();
    await this.deployment.moveClock({ real: true });
  }

  /** Removes one label's apps and what hangs on them; the clock and shared state stay. */
  async resetLabel(label: string): Promise<void> {
    await this.store.resetLabel(label);
  }

  /**
   * The app's live tokens, masked: wxkf keeps only each token's SHA-256, so a token shows as the
   * first 8 hex characters of its hash.
   */
  async liveTokens(appid: string) {
    await this.getApp(appid);
    const now = this.clock.now();
    return (await this.store.listLiveTokens(appid, now)).map((t) => ({
      token: `sha256:${t.token_hash.slice(0, 8)}…`,
      family: t.family,
      component_appid: t.component_appid,
      issued_at: Math.floor(t.issued_at / 1000),
      expires_at: Math.floor(t.expires_at / 1000),
    }));
  }

  newSecret(): string {
    return this.random.bytes(16).toString('hex');
  }

  private appRecord(input: AppInput): AppRecord {
    const now = this.clock.now();
    return {
      appid: input.appid,
      secret: input.secret ?? this.newSecret(),
      type: input.type ?? 'service',
      certified: input.certified ?? true,
      alias: input.alias ?? '',
      original_id: input.original_id ?? defaultOriginalId(input.appid),
      kf_enabled: input.kf_enabled ?? true,
      ip_whitelist: input.ip_whitelist ?? [],
      secret_frozen: input.secret_frozen ?? false,
      created_at: now,
      updated_at: now,
      daily_quotas: input.daily_quotas ?? {},
      window_profile: input.window_profile ?? 'current',
      window_counting: input.window_counting ?? 'accumulate',
      label: input.label ?? null,
    };
  }

  async createApp(input: AppInput): Promise<AppRecord> {
    const app = this.appRecord(input);
    if (!(await this.store.createApp(app, this.kfVersionStart()))) throw new AdminError(409, `appid: app ${input.appid} exists`);
    await this.addSeedAccounts(app, input);
    await this.addSeedUsers(app, input);
    return app;
  }

  /** The demo app of a first start: a certified Service Account with a WeChat ID and new customer service on. */
  async createDemoApp(): Promise<AppRecord> {
    const appid = `wx${this.random.bytes(8).toString('hex')}`;
    return this.createApp({ appid, type: 'service', certified: true, alias: 'wxkf_demo', kf_enabled: true, kf_accounts: [] });
  }

  getApp(appid: string): Promise<AppRecord> {
    return appOr404(this.store, appid);
  }

  async listApps(): Promise<AppRecord[]> {
    return this.store.listApps();
  }

  /** Where a new app's kf_version starts: anywhere (see Store.createApp), from the injected randomness. */
  private kfVersionStart(): number {
    return this.random.bytes(5).readUIntBE(0, 5);
  }

  /** Changes an app's fields; `fields` may be a function of the app as it is, applied under its lock. */
  async updateApp(appid: string, fields: AppFields | ((current: AppRecord) => AppFields)): Promise<AppRecord> {
    const change = typeof fields === 'function' ? fields : () => fields;
    const app = await this.store.updateApp(appid, change, this.clock.now());
    if (!app) throw new AdminError(404, `appid: no app ${appid}`);
    return app;
  }

  async deleteApp(appid: string): Promise<void> {
    if (!(await this.store.deleteApp(appid))) throw new AdminError(404, `appid: no app ${appid}`);
  }

  async rotateSecret(appid: string): Promise<{ secret: string }> {
    const app = await this.updateApp(appid, { secret: this.newSecret() });
    return { secret: app.secret };
  }

  /** A /cgi-bin/token-family token, or with a platform an authorizer_access_token of it (the app must have authorized it). */
  async issueToken(appid: string, componentAppid?: string): Promise<AccessTokenAnswer> {
    await this.getApp(appid);
    if (componentAppid === undefined) return this.credentials.issueAccessToken(appid);
    const auths = await this.store.listAuthorizations(componentAppid);
    if (!auths.some((a) => a.authorizer_appid === appid)) {
      throw new AdminError(409, `component_appid: ${appid} has not authorized platform ${componentAppid}`);
    }
    return this.credentials.issueAuthorizerToken(appid, componentAppid);
  }

  /** The account a path names (`/kf_accounts/{kf_account}`): 404 unless it is on the app. */
  private async account(appid: string, kfAccount: string): Promise<{ app: AppRecord; prefix: string }> {
    const app = await this.getApp(appid);
    const prefix = parseKfAccount(kfAccount, app);
    const found = prefix.ok ? await this.store.getKfAccount(appid, prefix.value) : undefined;
    if (!prefix.ok || !found) throw new AdminError(404, `kf_account: no account ${kfAccount} on ${appid}`);
    return { app, prefix: prefix.value };
  }

  private async accountRecord(appid: string, prefix: string): Promise<KfAccountRecord> {
    const found = await this.store.getKfAccount(appid, prefix);
    if (!found) throw new AdminError(404, 'kf_account: the account is gone');
    return found;
  }

  /** The invitee accepts or rejects a waiting invitation. */
  async answerInvitation(appid: string, kfAccount: string, accept: boolean): Promise<KfAccountRecord> {
    const { app, prefix } = await this.account(appid, kfAccount);
    const answer = await this.kf.answerInvitation(app, prefix, accept);
    if (answer === 'missing') throw new AdminError(404, 'kf_account: the account is gone');
    if (answer === 'no_invitation') throw new AdminError(409, 'kf_account: no waiting invitation on this account');
    if (answer === 'worker_limit') throw new AdminError(409, 'invite_wx: the worker is already bound to 5 accounts');
    return this.accountRecord(appid, prefix);
  }

  async setOnline(appid: string, kfAccount: string, status: number, acceptedCase: number): Promise<KfAccountRecord> {
    const { app, prefix } = await this.account(appid, kfAccount);
    const answer = await this.kf.setOnline(app, prefix, status, acceptedCase);
    if (answer === 'missing') throw new AdminError(404, 'kf_account: the account is gone');
    if (answer === 'unbound') throw new AdminError(409, 'kf_account: no worker is bound to this account');
    return this.accountRecord(appid, prefix);
  }

  async revokeToken(accessToken: string): Promise<void> {
    if (!(await this.credentials.revoke(accessToken))) throw new AdminError(404, 'access_token: no such live token');
  }

  async listKfAccounts(appid: string): Promise<KfAccountRecord[]> {
    await this.getApp(appid);
    return this.store.listKfAccounts(appid);
  }

  /** Checks the seed's accounts against an app by the rules of addkfaccount, before anything is written. */
  private checkSeedAccounts(app: AppRecord, input: AppInput): { kf_account: string; prefix: string; nickname: string }[] {
    return input.kf_accounts.map((a, i) => {
      const where = `apps[${input.appid}].kf_accounts[${i}]`;
      const prefix = parseKfAccount(a.kf_account, app);
      if (!prefix.ok)
        throw new AdminError(400, `${where}.kf_account: illegal for this app (suffix must be its alias or original ID)`);
      if (!checkNickname(a.nickname, this.forbiddenWords).ok) throw new AdminError(400, `${where}.nickname: illegal nickname`);
      return { kf_account: a.kf_account, prefix: prefix.value, nickname: a.nickname };
    });
  }

  /** Adds the accounts that are absent (kf_enabled aside: the operator may seed a disabled app). */
  private async addSeedAccounts(app: AppRecord, input: AppInput): Promise<number> {
    let added = 0;
    for (const a of this.checkSeedAccounts(app, input)) {
      const r = await this.store.addKfAccount(app.appid, { ...a, now: this.clock.now() }, KF_ADD_RULE);
      if (r.result === 'limit')
        throw new AdminError(400, `apps[${app.appid}].kf_accounts: the app already has ${KF_ACCOUNT_LIMIT} accounts`);
      if (r.result === 'added') added++;
    }
    return added;
  }

  /** Creates what is absent; what exists is left as it is, so applying a seed twice changes nothing. */
  async applySeed(doc: SeedDocument): Promise<SeedResult> {
    const result: SeedResult = { apps: [], component_platforms: [], kf_accounts_added: 0 };
    const plans = [];
    for (const input of doc.apps) {
      const fresh = this.appRecord(input);
      const existing = await this.store.getApp(input.appid);
      if (input.kf_accounts.length > KF_ACCOUNT_LIMIT) {
        throw new AdminError(400, `apps[${input.appid}].kf_accounts: more than ${KF_ACCOUNT_LIMIT} accounts`);
      }
      this.checkSeedAccounts(existing ?? fresh, input);
      plans.push({ input, fresh });
    }
    for (const { input, fresh } of plans) {
      const created = await this.store.createApp(fresh, this.kfVersionStart());
      const app = created ? fresh : await this.getApp(input.appid);
      const entry: SeedResult['apps'][number] = { appid: app.appid, created };
      if (created && input.secret === undefined) entry.secret = app.secret;
      result.apps.push(entry);
      result.kf_accounts_added += await this.addSeedAccounts(app, input);
      await this.addSeedUsers(app, input);
    }
    for (const p of doc.component_platforms) result.component_platforms.push(await this.platforms.seed(p));
    return result;
  }
}
