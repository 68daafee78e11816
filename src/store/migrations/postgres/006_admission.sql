-- Check 8 (counting a call) as one function, so that an add can count its call in the same round trip.
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
