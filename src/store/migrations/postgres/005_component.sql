-- Third-party platforms: verify tickets, component tokens, authorization codes, refresh tokens.
ALTER TABLE component_platforms ADD COLUMN ticket TEXT;
ALTER TABLE component_platforms ADD COLUMN ticket_at BIGINT;
ALTER TABLE component_authorizations ADD COLUMN refresh_token_hash TEXT;
CREATE TABLE component_tokens (
  token_hash TEXT PRIMARY KEY,
  component_appid TEXT NOT NULL REFERENCES component_platforms(component_appid) ON DELETE CASCADE,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  superseded_at BIGINT
);
CREATE TABLE component_auth_codes (
  code_hash TEXT PRIMARY KEY,
  component_appid TEXT NOT NULL REFERENCES component_platforms(component_appid) ON DELETE CASCADE,
  authorizer_appid TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
