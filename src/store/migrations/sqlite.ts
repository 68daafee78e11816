/** Versioned schema for the SQLite store; entry i brings the schema to version i + 1. Never edit a shipped entry. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE apps (
    appid TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    type TEXT NOT NULL,
    certified INTEGER NOT NULL,
    alias TEXT NOT NULL,
    original_id TEXT NOT NULL,
    kf_enabled INTEGER NOT NULL,
    ip_whitelist TEXT NOT NULL,
    secret_frozen INTEGER NOT NULL,
    next_kf_id INTEGER NOT NULL DEFAULT 1001,
    stable_version INTEGER NOT NULL DEFAULT 0,
    stable_current TEXT,
    force_day INTEGER NOT NULL DEFAULT 0,
    force_count INTEGER NOT NULL DEFAULT 0,
    last_force_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
    family TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    superseded_at INTEGER,
    revoked_at INTEGER,
    nonce TEXT
  );
  CREATE INDEX access_tokens_live ON access_tokens(appid, family)
    WHERE superseded_at IS NULL AND revoked_at IS NULL;
  CREATE TABLE kf_accounts (
    appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
    prefix TEXT NOT NULL,
    kf_account TEXT NOT NULL,
    kf_id INTEGER NOT NULL,
    kf_nick TEXT NOT NULL,
    kf_headimgurl TEXT NOT NULL DEFAULT '',
    kf_wx TEXT,
    invite_wx TEXT,
    invite_expire_time INTEGER,
    invite_status TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (appid, prefix)
  ) WITHOUT ROWID;
  CREATE TABLE component_platforms (
    component_appid TEXT PRIMARY KEY,
    component_appsecret TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE component_authorizations (
    component_appid TEXT NOT NULL REFERENCES component_platforms(component_appid) ON DELETE CASCADE,
    authorizer_appid TEXT NOT NULL,
    funcscope_category_ids TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (component_appid, authorizer_appid)
  );
  `,
  // The rest of the kf family: online state, head images, authorizer tokens.
  `
  ALTER TABLE kf_accounts ADD COLUMN online_status INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE kf_accounts ADD COLUMN accepted_case INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX kf_accounts_kf_wx ON kf_accounts(kf_wx) WHERE kf_wx IS NOT NULL;
  CREATE INDEX kf_accounts_invite_wx ON kf_accounts(appid, invite_wx) WHERE invite_wx IS NOT NULL;
  CREATE TABLE kf_headimgs (
    appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
    kf_id INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (appid, kf_id)
  );
  ALTER TABLE access_tokens ADD COLUMN component_appid TEXT;
  `,
  // A per-app version of its kf accounts, bumped by every change to them in the same transaction,
  // read with the credential: nodes may cache an app's list for as long as the version stands.
  `
  ALTER TABLE apps ADD COLUMN kf_version INTEGER NOT NULL DEFAULT 0;
  `,
  // Quotas and the request journal.
  `
  ALTER TABLE apps ADD COLUMN daily_quotas TEXT NOT NULL DEFAULT '{}';
  CREATE TABLE quota_counters (
    appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
    counter TEXT NOT NULL,
    period INTEGER NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (appid, counter)
  ) WITHOUT ROWID;
  CREATE TABLE journal (
    rid TEXT PRIMARY KEY,
    appid TEXT,
    cgi_path TEXT NOT NULL,
    invoke_time INTEGER NOT NULL,
    cost_ms INTEGER NOT NULL,
    request_url TEXT NOT NULL,
    request_body TEXT NOT NULL,
    response_body TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    errcode INTEGER NOT NULL
  );
  CREATE INDEX journal_time ON journal(invoke_time);
  `,
  // Third-party platforms: verify tickets, component tokens, authorization codes, refresh tokens.
  `
  ALTER TABLE component_platforms ADD COLUMN ticket TEXT;
  ALTER TABLE component_platforms ADD COLUMN ticket_at INTEGER;
  ALTER TABLE component_authorizations ADD COLUMN refresh_token_hash TEXT;
  CREATE TABLE component_tokens (
    token_hash TEXT PRIMARY KEY,
    component_appid TEXT NOT NULL REFERENCES component_platforms(component_appid) ON DELETE CASCADE,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    superseded_at INTEGER
  );
  CREATE TABLE component_auth_codes (
    code_hash TEXT PRIMARY KEY,
    component_appid TEXT NOT NULL REFERENCES component_platforms(component_appid) ON DELETE CASCADE,
    authorizer_appid TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  `,
];
