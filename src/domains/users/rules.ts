import type { Random } from '../../platform/random.js';

/** A given openid: 1–64 of A-Za-z0-9_- (messages.md, simulated users). */
export const OPENID = /^[A-Za-z0-9_-]{1,64}$/;
const OPENID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/**
 * A generated openid: `o` + 27 of A-Za-z0-9_-, 28 characters in all, the length real OpenIDs
 * have (and wechatpy's OPENID_RE expects). 64 characters: each random byte picks one evenly.
 */
export function newOpenid(random: Random): string {
  return `o${[...random.bytes(27)].map((b) => OPENID_CHARS[b % 64]).join('')}`;
}

/** A nickname is 0–64 characters (shown in the console and logs only). */
export const NICKNAME_MAX = 64;
