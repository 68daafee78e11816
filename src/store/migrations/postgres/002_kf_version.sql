-- A per-app version of its kf accounts, moved by every change to them in the same transaction and
-- read with the credential: a node may keep an app's list for as long as the version stands.
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
