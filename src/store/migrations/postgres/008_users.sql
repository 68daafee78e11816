-- Simulated users of an app: the people a customer-service test serves.
CREATE TABLE app_users (
  appid TEXT NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  openid TEXT NOT NULL,
  nickname TEXT NOT NULL,
  subscribed BOOLEAN NOT NULL,
  subscribe_time BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (appid, openid)
);
