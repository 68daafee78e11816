-- One copy of a large answer that many journal entries share (getkflist's, until the list
-- changes): such an entry names its body by hash instead of holding it. last_used is the latest
-- invoke_time of an entry naming it, so a body outlives every entry that needs it.
CREATE TABLE journal_bodies (
  appid TEXT NOT NULL,
  hash TEXT NOT NULL,
  body TEXT NOT NULL,
  last_used BIGINT NOT NULL,
  PRIMARY KEY (appid, hash)
);
CREATE INDEX journal_bodies_last_used ON journal_bodies(last_used);
ALTER TABLE journal ADD COLUMN response_hash TEXT;
