import { createHash, randomFillSync } from 'node:crypto';
import { uses } from './mechanisms.js';

const POOLED = uses('random-pool');

/** The one source of entropy: tokens, secrets, rids and hints all come from here. */
export interface Random {
  bytes(n: number): Buffer;
}

/**
 * The kernel's CSPRNG, drawn in 4 KiB blocks: every request takes 8 bytes for its rid and often 12
 * for a hint, and one getrandom call per block costs far less than one per request.
 */
export class CryptoRandom implements Random {
  private pool = Buffer.alloc(0);
  private offset = 0;
  bytes(n: number): Buffer {
    if (n > 1024 || !POOLED) return randomFillSync(Buffer.alloc(n));
    if (this.offset + n > this.pool.length) {
      this.pool = randomFillSync(Buffer.allocUnsafe(4096));
      this.offset = 0;
    }
    const out = Buffer.from(this.pool.subarray(this.offset, this.offset + n));
    this.pool.fill(0, this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}

/** Deterministic bytes for tests: SHA-256 in counter mode over a seed. Never for real secrets. */
export class SeededRandom implements Random {
  private counter = 0;
  constructor(private readonly seed: string = 'wxkf') {}
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    let filled = 0;
    while (filled < n) {
      const block = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
      filled += block.copy(out, filled, 0, Math.min(block.length, n - filled));
    }
    return out;
  }
}

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` characters of `alphabet`, each picked by one random byte (test values, not secrets). */
export function randomText(random: Random, alphabet: string, n: number): string {
  return [...random.bytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}
