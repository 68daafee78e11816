-- The customer-service flow: a user's window, typing, session or waiting case, the outbox, chat
-- records, webhooks and their deliveries. Times are milliseconds of the deployment clock.
-- The app's window rules (messages.md).
ALTER TABLE apps ADD COLUMN window_profile TEXT NOT NULL DEFAULT 'current';
ALTER TABLE apps ADD COLUMN window_counting TEXT NOT NULL DEFAULT 'accumulate';
ALTER TABLE app_users ADD COLUMN typing_until BIGINT;
ALTER TABLE app_users ADD COLUMN last_exchange_at BIGINT;
-- In a session: the account's PREFIX (lower case), when it took the user, until when messages are forwarded.
ALTER TABLE app_users ADD COLUMN session_kf TEXT;
ALTER TABLE app_users ADD COLUMN session_createtime BIGINT;
ALTER TABLE app_users ADD COLUMN session_seq BIGINT;
ALTER TABLE app_users ADD COLUMN forward_until BIGINT;
-- Waiting: its place (joined_at, then wait_seq), its last message, the account it is reserved for.
ALTER TABLE app_users ADD COLUMN wait_joined_at BIGINT;
ALTER TABLE app_users ADD COLUMN wait_seq BIGINT;
ALTER TABLE app_users ADD COLUMN wait_latest_time BIGINT;
ALTER TABLE app_users ADD COLUMN reserved_for TEXT;
CREATE INDEX app_users_session ON app_users(appid, session_kf) WHERE session_kf IS NOT NULL;
CREATE INDEX app_users_waiting ON app_users(appid, wait_joined_at, wait_seq) WHERE wait_joined_at IS NOT NULL;

-- Per-app sequences: push MsgIds, chat record numbers, session and waiting order.
CREATE TABLE app_counters (
  appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (appid, name)
);

-- A grant per kind of action: its latest action and the sends charged since (reset counting).
CREATE TABLE user_grants (
  appid TEXT NOT NULL,
  openid TEXT NOT NULL,
  kind TEXT NOT NULL,
  action_at BIGINT NOT NULL,
  used_since_action INTEGER NOT NULL,
  PRIMARY KEY (appid, openid, kind),
  FOREIGN KEY (appid, openid) REFERENCES app_users(appid, openid) ON DELETE CASCADE
);
-- Sends charged to a grant, kept 48 hours (accumulate counting).
CREATE TABLE grant_charges (
  appid TEXT NOT NULL,
  openid TEXT NOT NULL,
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,
  FOREIGN KEY (appid, openid) REFERENCES app_users(appid, openid) ON DELETE CASCADE
);
CREATE INDEX grant_charges_user ON grant_charges(appid, openid, at);

-- Every custom/send and typing call past the common checks, and every passive reply delivered.
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  openid TEXT,
  path TEXT NOT NULL,
  time BIGINT NOT NULL,
  rid TEXT,
  errcode INTEGER NOT NULL,
  msgtype TEXT,
  command TEXT,
  kf_account TEXT,
  body TEXT NOT NULL,
  grant_info TEXT,
  delivery_id BIGINT
);
CREATE INDEX outbox_app ON outbox(appid, id);
CREATE INDEX outbox_time ON outbox(time);

-- Chat records, numbered per app from 1.
CREATE TABLE chat_records (
  appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  msgid BIGINT NOT NULL,
  openid TEXT NOT NULL,
  opercode INTEGER NOT NULL,
  text TEXT NOT NULL,
  time BIGINT NOT NULL,
  worker TEXT NOT NULL,
  PRIMARY KEY (appid, msgid)
);
CREATE INDEX chat_records_time ON chat_records(appid, time);

-- The app's server configuration (push.md), as JSON.
CREATE TABLE webhooks (
  appid TEXT PRIMARY KEY REFERENCES apps(appid) ON DELETE CASCADE,
  config TEXT NOT NULL
);

-- Every push, kf event and URL check; the document holds the request, attempts and reply.
CREATE TABLE deliveries (
  id BIGSERIAL PRIMARY KEY,
  appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  openid TEXT,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX deliveries_app ON deliveries(appid, id);
CREATE INDEX deliveries_user ON deliveries(appid, openid, id);
CREATE INDEX deliveries_time ON deliveries(created_at);
