-- Apps, tokens, kf accounts and third-party platforms.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE apps (
  appid TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  type TEXT NOT NULL,
  certified BOOLEAN NOT NULL,
  alias TEXT NOT NULL,
  original_id TEXT NOT NULL,
  kf_enabled BOOLEAN NOT NULL,
  ip_whitelist JSONB NOT NULL,
  secret_frozen BOOLEAN NOT NULL,
  next_kf_id INTEGER NOT NULL DEFAULT 1001,
  stable_version INTEGER NOT NULL DEFAULT 0,
  stable_current TEXT,
  force_day INTEGER NOT NULL DEFAULT 0,
  force_count INTEGER NOT NULL DEFAULT 0,
  last_force_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE access_tokens (
  token_hash TEXT PRIMARY KEY,
  appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  family TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  superseded_at BIGINT,
  revoked_at BIGINT,
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
  invite_expire_time BIGINT,
  invite_status TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (appid, prefix)
);
CREATE TABLE component_platforms (
  component_appid TEXT PRIMARY KEY,
  component_appsecret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE component_authorizations (
  component_appid TEXT NOT NULL REFERENCES component_platforms(component_appid) ON DELETE CASCADE,
  authorizer_appid TEXT NOT NULL,
  funcscope_category_ids JSONB NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (component_appid, authorizer_appid)
);
