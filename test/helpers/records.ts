import type { AppRecord, KfAccountRecord } from '../../src/store/store.js';

/** Store records for rule and store tests: every field at a plain default, `over` on top. */
export const appRecord = (over: Partial<AppRecord> = {}): AppRecord => ({
  appid: 'wx1',
  secret: 's',
  type: 'service',
  certified: true,
  alias: '',
  original_id: '',
  kf_enabled: true,
  ip_whitelist: [],
  secret_frozen: false,
  created_at: 0,
  updated_at: 0,
  daily_quotas: {},
  window_profile: 'current',
  window_counting: 'accumulate',
  label: null,
  ...over,
});

export const kfAccountRecord = (over: Partial<KfAccountRecord> = {}): KfAccountRecord => ({
  appid: 'wx1',
  kf_account: 'a@x',
  kf_id: 1001,
  kf_nick: 'A',
  kf_headimgurl: '',
  kf_wx: null,
  invite_wx: null,
  invite_expire_time: null,
  invite_status: null,
  online_status: 0,
  accepted_case: 0,
  created_at: 0,
  updated_at: 0,
  ...over,
});
