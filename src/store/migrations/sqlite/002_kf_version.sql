-- A per-app version of its kf accounts, moved by every change to them in the same transaction and
-- read with the credential: a node may keep an app's list for as long as the version stands.
ALTER TABLE apps ADD COLUMN kf_version INTEGER NOT NULL DEFAULT 0;
