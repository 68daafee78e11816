-- Simulated users of an app: the people a customer-service test serves.
CREATE TABLE app_users (
  appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  openid TEXT NOT NULL,
  nickname TEXT NOT NULL,
  subscribed INTEGER NOT NULL,
  subscribe_time INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (appid, openid)
) WITHOUT ROWID;
