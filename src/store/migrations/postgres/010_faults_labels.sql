-- Injected faults (operator.md): an interface (and optionally one app) answers an errcode and/or waits.
CREATE TABLE faults (
  id BIGSERIAL PRIMARY KEY,
  path TEXT NOT NULL,
  appid TEXT,
  errcode INTEGER,
  errmsg TEXT,
  count INTEGER,
  ratio DOUBLE PRECISION,
  delay_ms INTEGER,
  fired BIGINT NOT NULL DEFAULT 0,
  remaining INTEGER,
  created_at BIGINT NOT NULL
);
-- The fault that touched a call, if any.
ALTER TABLE journal ADD COLUMN fault_id BIGINT;
-- A test worker's label: a label-scoped reset removes only its apps.
ALTER TABLE apps ADD COLUMN label TEXT;
CREATE INDEX apps_label ON apps(label) WHERE label IS NOT NULL;
