/** Versioned schema for the PostgreSQL store; entry i brings the schema to version i + 1. Never edit a shipped entry. */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
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
  `,
  // The add in one round trip. Each statement of a VOLATILE function takes a fresh snapshot, so
  // after the app's row lock is held the existence check and the count see every committed add.
  // kf_version: a per-app version of its kf accounts, moved by every change to them (see the
  // SQLite migration 3), read with the credential so nodes may cache an app's list.
  `
  ALTER TABLE apps ADD COLUMN kf_version BIGINT NOT NULL DEFAULT 0;
  CREATE FUNCTION wxkf_add_kf_account(p_appid TEXT, p_prefix TEXT, p_kf_account TEXT, p_nick TEXT, p_now BIGINT, p_limit INTEGER)
  RETURNS TABLE (result TEXT, kf_id INTEGER) LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    v_next INTEGER;
  BEGIN
    SELECT a.next_kf_id INTO v_next FROM apps a WHERE a.appid = p_appid FOR UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no app %', p_appid; END IF;
    IF EXISTS (SELECT 1 FROM kf_accounts k WHERE k.appid = p_appid AND k.prefix = p_prefix) THEN
      RETURN QUERY SELECT 'exists'::TEXT, NULL::INTEGER; RETURN;
    END IF;
    IF (SELECT COUNT(*) FROM kf_accounts k WHERE k.appid = p_appid) >= p_limit THEN
      RETURN QUERY SELECT 'limit'::TEXT, NULL::INTEGER; RETURN;
    END IF;
    UPDATE apps SET next_kf_id = next_kf_id + 1, kf_version = kf_version + 1 WHERE appid = p_appid;
    INSERT INTO kf_accounts (appid, prefix, kf_account, kf_id, kf_nick, created_at, updated_at)
      VALUES (p_appid, p_prefix, p_kf_account, v_next, p_nick, p_now, p_now);
    RETURN QUERY SELECT 'added'::TEXT, v_next;
  END;
  $$;
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
    bytes BYTEA NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (appid, kf_id)
  );
  ALTER TABLE access_tokens ADD COLUMN component_appid TEXT;
  `,
  // Quotas and the request journal.
  `
  ALTER TABLE apps ADD COLUMN daily_quotas JSONB NOT NULL DEFAULT '{}';
  CREATE TABLE quota_counters (
    appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
    counter TEXT NOT NULL,
    period BIGINT NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (appid, counter)
  );
  CREATE TABLE journal (
    rid TEXT PRIMARY KEY,
    appid TEXT,
    cgi_path TEXT NOT NULL,
    invoke_time BIGINT NOT NULL,
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
  `,
  // Check 8 as one function, so that an add can count its call in the same round trip.
  `
  CREATE FUNCTION wxkf_admit_quota(p_appid TEXT, p_counter TEXT, p_period BIGINT, p_limit INTEGER)
  RETURNS BOOLEAN LANGUAGE plpgsql VOLATILE AS $$
  BEGIN
    IF p_limit <= 0 THEN RETURN FALSE; END IF;
    INSERT INTO quota_counters AS q (appid, counter, period, used) VALUES (p_appid, p_counter, p_period, 1)
      ON CONFLICT (appid, counter) DO UPDATE
      SET used = CASE WHEN q.period = excluded.period THEN q.used + 1 ELSE 1 END, period = excluded.period
      WHERE q.period <> excluded.period OR q.used < p_limit;
    RETURN FOUND;
  END;
  $$;
  CREATE FUNCTION wxkf_admit_and_add_kf_account(p_appid TEXT, p_counter TEXT, p_period BIGINT, p_quota INTEGER,
    p_prefix TEXT, p_kf_account TEXT, p_nick TEXT, p_now BIGINT, p_limit INTEGER)
  RETURNS TABLE (result TEXT, kf_id INTEGER) LANGUAGE plpgsql VOLATILE AS $$
  BEGIN
    IF NOT wxkf_admit_quota(p_appid, p_counter, p_period, p_quota) THEN
      RETURN QUERY SELECT 'quota'::TEXT, NULL::INTEGER; RETURN;
    END IF;
    RETURN QUERY SELECT a.result, a.kf_id FROM wxkf_add_kf_account(p_appid, p_prefix, p_kf_account, p_nick, p_now, p_limit) a;
  END;
  $$;
  `,
];
