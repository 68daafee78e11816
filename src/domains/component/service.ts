import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { Store } from '../../store/store.js';
import { given } from '../../wire/check.js';
import { WxError } from '../../wire/envelope.js';
import { TOKEN_TTL_MS, tokenRefusal } from '../credentials/rules.js';
import type { CredentialsService } from '../credentials/service.js';
import { hashToken, newAccessToken, secretsEqual } from '../credentials/tokens.js';
import { AUTH_CODE_TTL_MS, checkComponentTokenRequest, funcInfo, ticketRefusal } from './rules.js';

/** Third-party platforms (component.md): component tokens, authorization codes, authorizer tokens. */
export class ComponentService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly credentials: CredentialsService,
  ) {}

  /** api_component_token: 41002, 41004, 47001, 61011, 40125, 61006, 61005. */
  async issueComponentToken(body: Record<string, unknown>): Promise<{ component_access_token: string; expires_in: number }> {
    const req = checkComponentTokenRequest(body);
    if (!req.ok) throw new WxError(req.err, req.why);
    const platform = await this.store.getComponentPlatform(req.value.appid);
    if (!platform) throw new WxError('INVALID_COMPONENT', `no platform ${req.value.appid}`);
    if (!secretsEqual(platform.component_appsecret, req.value.secret))
      throw new WxError('INVALID_APPSECRET', `component_appsecret is not ${platform.component_appid}'s`);
    const now = this.clock.now();
    const ticket = ticketRefusal(platform, req.value.ticket, now);
    if (ticket) throw new WxError(ticket.err, ticket.why);
    const token = newAccessToken(this.random);
    await this.store.issueComponentToken({
      token_hash: hashToken(token),
      component_appid: platform.component_appid,
      issued_at: now,
      expires_at: now + TOKEN_TTL_MS,
      superseded_at: null,
    });
    return { component_access_token: token, expires_in: TOKEN_TTL_MS / 1000 };
  }

  /** A component token in the query: 41001, 40001, 42001, and 61014 for an app's own token. Returns the platform. */
  async authenticate(token: unknown): Promise<string> {
    if (!given(token)) throw new WxError('ACCESS_TOKEN_MISSING', 'no component_access_token (or access_token) in the query');
    const hash = hashToken(token);
    const found = await this.store.findComponentToken(hash);
    if (!found) {
      if (await this.store.findCredential(hash))
        throw new WxError('MUST_USE_COMPONENT_TOKEN', "an app's access_token where a component_access_token is needed");
      throw new WxError('INVALID_CREDENTIAL', 'unknown component_access_token');
    }
    const err = tokenRefusal(found, this.clock.now());
    if (err) throw new WxError(err.err, err.why);
    return found.component_appid;
  }

  /** The platform named in the body must be the token's own. */
  private samePlatform(platform: string, body: Record<string, unknown>): void {
    if (body.component_appid !== platform)
      throw new WxError('INVALID_COMPONENT', `component_appid is not the token's platform ${platform}`);
  }

  /** api_query_auth: a single-use code (61010 expired, used or unknown), the authorization (61003), new tokens. */
  async queryAuth(platform: string, body: Record<string, unknown>) {
    this.samePlatform(platform, body);
    const code = body.authorization_code;
    if (!given(code)) throw new WxError('AUTH_CODE_EXPIRED', 'no authorization_code');
    const appid = await this.store.consumeAuthCode(hashToken(code), platform, this.clock.now());
    if (appid === undefined || appid === 'expired') {
      throw new WxError(
        'AUTH_CODE_EXPIRED',
        appid === 'expired' ? 'the authorization code expired' : 'unknown or already used authorization code',
      );
    }
    const auth = await this.store.getAuthorization(platform, appid);
    if (!auth) throw new WxError('COMPONENT_NOT_AUTHORIZED', `${appid} has not authorized ${platform}`);
    const refresh = `refreshtoken@@@${this.random.bytes(32).toString('base64url')}`;
    await this.store.setRefreshToken(platform, appid, hashToken(refresh));
    const token = await this.credentials.issueAuthorizerToken(appid, platform);
    return {
      authorization_info: {
        authorizer_appid: appid,
        authorizer_access_token: token.access_token,
        expires_in: token.expires_in,
        authorizer_refresh_token: refresh,
        func_info: funcInfo(auth.funcscope_category_ids),
      },
    };
  }

  /**
   * api_authorizer_token: 61003 without an authorization, 61023 for a refresh token that is not the
   * authorization's; a new authorizer token, and the same refresh token back (it is long-lived).
   */
  async authorizerToken(
    platform: string,
    body: Record<string, unknown>,
  ): Promise<{ authorizer_access_token: string; expires_in: number; authorizer_refresh_token: string }> {
    this.samePlatform(platform, body);
    const appid = body.authorizer_appid;
    if (!given(appid)) throw new WxError('APPID_MISSING', 'no authorizer_appid');
    const auth = await this.store.getAuthorization(platform, appid);
    if (!auth) throw new WxError('COMPONENT_NOT_AUTHORIZED', `${appid} has not authorized ${platform}`);
    const refresh = body.authorizer_refresh_token;
    if (typeof refresh !== 'string' || !auth.refresh_token_hash || hashToken(refresh) !== auth.refresh_token_hash) {
      throw new WxError('REFRESH_TOKEN_INVALID', `authorizer_refresh_token is not the current one of ${appid}'s authorization`);
    }
    const token = await this.credentials.issueAuthorizerToken(appid, platform);
    return { authorizer_access_token: token.access_token, expires_in: token.expires_in, authorizer_refresh_token: refresh };
  }

  /** Admin: a new single-use authorization code for an authorization that exists. */
  async newAuthCode(platform: string, appid: string): Promise<string> {
    const code = `queryauthcode@@@${this.random.bytes(32).toString('base64url')}`;
    await this.store.createAuthCode(hashToken(code), platform, appid, this.clock.now() + AUTH_CODE_TTL_MS);
    return code;
  }
}
