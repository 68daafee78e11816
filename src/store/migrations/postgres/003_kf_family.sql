-- The rest of the kf family: online state, head images, authorizer tokens.
ALTER TABLE kf_accounts ADD COLUMN online_status INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kf_accounts ADD COLUMN accepted_case INTEGER NOT NULL DEFAULT 0;
CREATE INDEX kf_accounts_kf_wx ON kf_accounts(kf_wx) WHERE kf_wx IS NOT NULL;
CREATE INDEX kf_accounts_invite_wx ON kf_accounts(appid, invite_wx) WHERE invite_wx IS NOT NULL;
CREATE TABLE kf_headimgs (
  appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  kf_id INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (appid, kf_id)
);
ALTER TABLE access_tokens ADD COLUMN component_appid TEXT;
