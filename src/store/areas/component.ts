import { authorizationFromRow, componentTokenFromRow, platformFromRow } from '../rows.js';
import { changes, row, type Driver } from '../sql/program.js';
import type { Store } from '../store.js';

type ComponentArea = Pick<
  Store,
  | 'createComponentPlatform'
  | 'getComponentPlatform'
  | 'putAuthorization'
  | 'listAuthorizations'
  | 'setComponentTicket'
  | 'issueComponentToken'
  | 'findComponentToken'
  | 'createAuthCode'
  | 'consumeAuthCode'
  | 'setRefreshToken'
  | 'getAuthorization'
  | 'deleteAuthorization'
>;

const AUTH = 'SELECT * FROM component_authorizations WHERE component_appid = ? AND authorizer_appid = ?';

/** Third-party platforms: tickets, component tokens, authorizations and their codes. */
export function componentArea(d: Driver): ComponentArea {
  return {
    createComponentPlatform: async (p) =>
      (await d.changes(
        'INSERT INTO component_platforms (component_appid, component_appsecret, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        p.component_appid,
        p.component_appsecret,
        p.created_at,
      )) === 1,
    getComponentPlatform: async (id) => {
      const r = await d.row('SELECT * FROM component_platforms WHERE component_appid = ?', id);
      return r ? platformFromRow(r) : undefined;
    },
    putAuthorization: async (a) => {
      await d.changes(
        `INSERT INTO component_authorizations (component_appid, authorizer_appid, funcscope_category_ids, created_at)
          VALUES (?, ?, ?, ?) ON CONFLICT (component_appid, authorizer_appid)
          DO UPDATE SET funcscope_category_ids = excluded.funcscope_category_ids`,
        a.component_appid,
        a.authorizer_appid,
        JSON.stringify(a.funcscope_category_ids),
        a.created_at,
      );
    },
    listAuthorizations: async (id) =>
      (await d.rows('SELECT * FROM component_authorizations WHERE component_appid = ? ORDER BY authorizer_appid', id)).map(
        authorizationFromRow,
      ),
    deleteAuthorization: async (id, appid) =>
      (await d.changes('DELETE FROM component_authorizations WHERE component_appid = ? AND authorizer_appid = ?', id, appid)) ===
      1,
    setComponentTicket: async (id, ticket, at) =>
      (await d.changes('UPDATE component_platforms SET ticket = ?, ticket_at = ? WHERE component_appid = ?', ticket, at, id)) ===
      1,
    issueComponentToken: (t) =>
      d.transaction(function* () {
        // The platform's row lock orders concurrent issues (as the app's does for app tokens).
        yield row('SELECT component_appid FROM component_platforms WHERE component_appid = ? FOR UPDATE', t.component_appid);
        yield changes(
          'UPDATE component_tokens SET superseded_at = ? WHERE component_appid = ? AND superseded_at IS NULL',
          t.issued_at,
          t.component_appid,
        );
        yield changes(
          'INSERT INTO component_tokens (token_hash, component_appid, issued_at, expires_at, superseded_at) VALUES (?, ?, ?, ?, ?)',
          t.token_hash,
          t.component_appid,
          t.issued_at,
          t.expires_at,
          t.superseded_at,
        );
      }),
    findComponentToken: async (hash) => {
      const r = await d.row('SELECT * FROM component_tokens WHERE token_hash = ?', hash);
      return r ? componentTokenFromRow(r) : undefined;
    },
    createAuthCode: async (codeHash, id, appid, expiresAt) => {
      await d.changes(
        'INSERT INTO component_auth_codes (code_hash, component_appid, authorizer_appid, expires_at) VALUES (?, ?, ?, ?)',
        codeHash,
        id,
        appid,
        expiresAt,
      );
    },
    consumeAuthCode: async (codeHash, id, now) => {
      const r = await d.row(
        `UPDATE component_auth_codes SET used_at = ? WHERE code_hash = ? AND component_appid = ? AND used_at IS NULL
          RETURNING authorizer_appid, expires_at`,
        now,
        codeHash,
        id,
      );
      if (!r) return undefined;
      return now >= Number(r.expires_at) ? 'expired' : (r.authorizer_appid as string);
    },
    setRefreshToken: async (id, appid, hash) =>
      (await d.changes(
        'UPDATE component_authorizations SET refresh_token_hash = ? WHERE component_appid = ? AND authorizer_appid = ?',
        hash,
        id,
        appid,
      )) === 1,
    getAuthorization: async (id, appid) => {
      const r = await d.row(AUTH, id, appid);
      return r ? { ...authorizationFromRow(r), refresh_token_hash: (r.refresh_token_hash as string | null) ?? null } : undefined;
    },
  };
}
