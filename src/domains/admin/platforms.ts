import type { Clock } from '../../platform/clock.js';
import type { AppRecord, Store } from '../../store/store.js';
import type { ComponentService } from '../component/service.js';
import { AdminError } from './errors.js';
import type { PlatformInput } from './validate.js';

/** Third-party platforms as the operator manages them: create, authorize an app, push a ticket, revoke. */
export class PlatformsAdmin {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly component: ComponentService,
    private readonly newSecret: () => string,
    private readonly requireApp: (appid: string) => Promise<AppRecord>,
  ) {}

  async createPlatform(componentAppid: string, secret: string | undefined) {
    const record = {
      component_appid: componentAppid,
      component_appsecret: secret ?? this.newSecret(),
      created_at: this.clock.now(),
    };
    if (!(await this.store.createComponentPlatform(record)))
      throw new AdminError(409, `component_appid: ${componentAppid} exists`);
    return { component_appid: record.component_appid, component_appsecret: record.component_appsecret };
  }

  /** Authorizes (or re-authorizes with new sets) an app for a platform; answers a single-use authorization code. */
  async authorize(componentAppid: string, authorizerAppid: string, sets: number[]) {
    if (!(await this.store.getComponentPlatform(componentAppid)))
      throw new AdminError(404, `component_appid: no platform ${componentAppid}`);
    await this.requireApp(authorizerAppid);
    await this.store.putAuthorization({
      component_appid: componentAppid,
      authorizer_appid: authorizerAppid,
      funcscope_category_ids: sets,
      created_at: this.clock.now(),
    });
    const authorization_code = await this.component.newAuthCode(componentAppid, authorizerAppid);
    return {
      authorization_code,
      component_appid: componentAppid,
      authorizer_appid: authorizerAppid,
      funcscope_category_ids: sets,
    };
  }

  /** Pushes a component_verify_ticket: it becomes the platform's current one, for 12 hours. */
  async pushTicket(componentAppid: string, ticket: string): Promise<void> {
    if (!(await this.store.setComponentTicket(componentAppid, ticket, this.clock.now()))) {
      throw new AdminError(404, `component_appid: no platform ${componentAppid}`);
    }
  }

  async revokeAuthorization(componentAppid: string, authorizerAppid: string): Promise<void> {
    if (!(await this.store.deleteAuthorization(componentAppid, authorizerAppid))) {
      throw new AdminError(404, `authorizer_appid: ${authorizerAppid} has no authorization for ${componentAppid}`);
    }
  }

  /** A seed's platform: made if absent (its secret answered when generated), with the authorizations it lacks. */
  async seed(p: PlatformInput): Promise<{ component_appid: string; created: boolean; component_appsecret?: string }> {
    const secret = p.component_appsecret ?? this.newSecret();
    const now = this.clock.now();
    const created = await this.store.createComponentPlatform({
      component_appid: p.component_appid,
      component_appsecret: secret,
      created_at: now,
    });
    const entry: { component_appid: string; created: boolean; component_appsecret?: string } = {
      component_appid: p.component_appid,
      created,
    };
    if (created && p.component_appsecret === undefined) entry.component_appsecret = secret;
    const existing = await this.store.listAuthorizations(p.component_appid);
    for (const a of p.authorizations) {
      if (existing.some((e) => e.authorizer_appid === a.authorizer_appid)) continue;
      await this.store.putAuthorization({ component_appid: p.component_appid, ...a, created_at: now });
    }
    return entry;
  }
}
