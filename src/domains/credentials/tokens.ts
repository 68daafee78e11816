import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Random } from '../../platform/random.js';

/** What the store keeps of a token: its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 96 random bytes: 128 characters of A-Za-z0-9_-, 768 random bits. */
export function newAccessToken(random: Random): string {
  return random.bytes(96).toString('base64url');
}

/**
 * A stable token is derived, not stored: base64url(nonce ‖ HMAC-SHA512(secret, nonce)), 128
 * characters with 256 random bits. The store keeps the nonce and the hash, so the same token can be
 * handed out again while it is current without its plain text ever being written down.
 */
export function deriveStableToken(secret: string, nonceHex: string): string {
  const nonce = Buffer.from(nonceHex, 'hex');
  const mac = createHmac('sha512', secret).update(nonce).digest();
  return Buffer.concat([nonce, mac]).toString('base64url');
}

export function newStableNonce(random: Random): string {
  return random.bytes(32).toString('hex');
}

/** Constant-time comparison of two secrets of any length (compares their digests). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** Shows the first 8 characters only: what logs and the journal may hold of a secret or token. */
export function mask(secret: string): string {
  return secret.length <= 8 ? secret : `${secret.slice(0, 8)}…`;
}
