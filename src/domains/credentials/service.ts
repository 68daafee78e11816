import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { AppRecord, Credential, Store, TokenRecord, TokenFamily } from '../../store/store.js';
import { given } from '../../wire/check.js';
import { WxError } from '../../wire/envelope.js';
import {
  TOKEN_TTL_MS,
  checkTokenRequest,
  credentialRefusal,
  decideStable,
  expiresIn,
  ipAllowed,
  plainIp,
  type TokenRequest,
} from './rules.js';
import { deriveStableToken, hashToken, newAccessToken, newStableNonce, secretsEqual } from './tokens.js';

export interface AccessTokenAnswer {
  access_token: string;
  expires_in: number;
}

/** How many times a stable-token call retries when another call moved the app's state first. */
const STABLE_CAS_ATTEMPTS = 20;

export class CredentialsService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** Checks 3–5 of wire.md for an `access_token` query value. */
  async authenticate(accessToken: unknown): Promise<Credential> {
    if (!given(accessToken)) throw new WxError('ACCESS_TOKEN_MISSING', 'no access_token in the query');
    const found = await this.store.findCredential(hashToken(accessToken));
    const err = credentialRefusal(found, this.clock.now());
    if (err !== null || !found) throw new WxError(err?.err ?? 'INVALID_CREDENTIAL', err?.why ?? 'unknown access_token');
    return found;
  }

  /** Checks 1–7 of credentials.md, shared by both token endpoints: the app whose secret the request gives. */
  async checkAppSecret(req: TokenRequest, ip: string): Promise<AppRecord> {
    const checked = checkTokenRequest(req);
    if (!checked.ok) throw new WxError(checked.err, checked.why);
    const app = await this.store.getApp(checked.value.appid);
    if (!app) throw new WxError('INVALID_APPID', `no app ${checked.value.appid}`);
    if (!secretsEqual(app.secret, checked.value.secret)) throw new WxError('INVALID_APPSECRET', `secret is not ${app.appid}'s`);
    if (app.secret_frozen) throw new WxError('APPSECRET_FROZEN', `${app.appid}'s secret is frozen`);
    if (!ipAllowed(app, ip)) {
      throw new WxError('IP_NOT_IN_WHITELIST', `${plainIp(ip)} is not on ${app.appid}'s IP whitelist`, { ip: plainIp(ip) });
    }
    return app;
  }

  /** clear_quota/v2: 41002, 41004, 40013, 40125 (no grant type, no whitelist). */
  async checkSecretOnly(appid: unknown, secret: unknown): Promise<AppRecord> {
    if (!given(appid)) throw new WxError('APPID_MISSING', 'no appid in the query or body');
    if (!given(secret)) throw new WxError('APPSECRET_MISSING', 'no appsecret in the query or body');
    const app = await this.store.getApp(appid);
    if (!app) throw new WxError('INVALID_APPID', `no app ${appid}`);
    if (!secretsEqual(app.secret, secret)) throw new WxError('INVALID_APPSECRET', `appsecret is not ${app.appid}'s`);
    return app;
  }

  /** A new `/cgi-bin/token`-family token; the app's previous one of that family is superseded. */
  async issueAccessToken(appid: string): Promise<AccessTokenAnswer> {
    return this.issue(appid, 'client_credential', null);
  }

  /** A new authorizer_access_token of a platform for an app; its previous one for that platform is superseded. */
  async issueAuthorizerToken(appid: string, componentAppid: string): Promise<AccessTokenAnswer> {
    return this.issue(appid, 'authorizer', componentAppid);
  }

  private async issue(appid: string, family: TokenFamily, componentAppid: string | null): Promise<AccessTokenAnswer> {
    const now = this.clock.now();
    const token = newAccessToken(this.random);
    await this.store.issueToken({
      token_hash: hashToken(token),
      appid,
      family,
      issued_at: now,
      expires_at: now + TOKEN_TTL_MS,
      superseded_at: null,
      revoked_at: null,
      nonce: null,
      component_appid: componentAppid,
    });
    return { access_token: token, expires_in: TOKEN_TTL_MS / 1000 };
  }

  /**
   * `/cgi-bin/stable_token` after admission: read the app's stable state, decide (pure rule),
   * write only if nobody moved the state meanwhile, else decide again on the fresh state.
   */
  async issueStableToken(app: AppRecord, forceRefresh: boolean): Promise<AccessTokenAnswer> {
    for (let attempt = 0; attempt < STABLE_CAS_ATTEMPTS; attempt++) {
      const now = this.clock.now();
      const state = await this.store.getStableState(app.appid);
      const cur = state.current;
      // A rotated secret derives a different token; the current one can then no longer be handed out.
      const curToken = cur?.nonce ? deriveStableToken(app.secret, cur.nonce) : undefined;
      const reusable = curToken !== undefined && cur !== undefined && hashToken(curToken) === cur.token_hash;
      const decision = decideStable(state, now, forceRefresh, reusable);
      if (decision.action === 'reuse' && curToken !== undefined) {
        return { access_token: curToken, expires_in: expiresIn(decision.token, now) };
      }
      if (decision.action !== 'issue') continue;
      const nonce = newStableNonce(this.random);
      const token = deriveStableToken(app.secret, nonce);
      const record: TokenRecord = {
        token_hash: hashToken(token),
        appid: app.appid,
        family: 'stable',
        issued_at: now,
        expires_at: now + TOKEN_TTL_MS,
        superseded_at: null,
        revoked_at: null,
        nonce,
        component_appid: null,
      };
      const written = await this.store.writeStable(app.appid, {
        expectedVersion: state.version,
        token: record,
        revokeOthersAt: decision.revokeOthers ? now : null,
        force_day: decision.force_day,
        force_count: decision.force_count,
        last_force_at: decision.last_force_at,
      });
      if (written) return { access_token: token, expires_in: TOKEN_TTL_MS / 1000 };
    }
    throw new Error(`stable_token for ${app.appid}: state kept moving after ${STABLE_CAS_ATTEMPTS} attempts`);
  }

  async revoke(accessToken: string): Promise<boolean> {
    return this.store.revokeToken(hashToken(accessToken), this.clock.now());
  }
}
