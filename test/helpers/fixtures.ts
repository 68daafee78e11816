/** Apps of every kind the kf rules tell apart. */
export const SECRET = '0123456789abcdef0123456789abcdef';

function app(n: number, fields: Record<string, unknown>) {
  return { appid: `wx${n.toString(16).padStart(16, '0')}`, secret: SECRET, ip_whitelist: [], ...fields };
}

export const APPS = {
  service: app(1, { type: 'service', certified: true, alias: 'kf_alias1', original_id: 'gh_0123456789ab', kf_enabled: true }),
  subscription: app(2, {
    type: 'subscription',
    certified: true,
    alias: 'sub_alias2',
    original_id: 'gh_00000000000b',
    kf_enabled: true,
  }),
  miniProgram: app(3, { type: 'mini_program', certified: false, alias: '', original_id: 'gh_00000000000c', kf_enabled: true }),
  miniGame: app(4, { type: 'minigame', certified: false, alias: '', original_id: 'gh_00000000000d', kf_enabled: true }),
  uncertifiedService: app(5, {
    type: 'service',
    certified: false,
    alias: 'svc_alias5',
    original_id: 'gh_00000000000e',
    kf_enabled: true,
  }),
  uncertifiedSubscription: app(6, {
    type: 'subscription',
    certified: false,
    alias: 'sub_alias6',
    original_id: 'gh_00000000000f',
    kf_enabled: true,
  }),
  disabled: app(7, { type: 'service', certified: true, alias: 'off_alias7', original_id: 'gh_000000000010', kf_enabled: false }),
  noWechatId: app(8, { type: 'service', certified: true, alias: '', original_id: '', kf_enabled: true }),
  // A 20-character WeChat ID: the longest suffix, so that the 30-character limit can bite.
  longAlias: app(9, {
    type: 'service',
    certified: true,
    alias: 'a234567890123456789b',
    original_id: 'gh_000000000011',
    kf_enabled: true,
  }),
} as const;

export const SEED = { apps: Object.values(APPS) };
