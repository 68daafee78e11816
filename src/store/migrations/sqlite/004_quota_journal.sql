-- Quotas and the request journal.
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
