import { createHash, randomFillSync } from 'node:crypto';

/** The one source of entropy: tokens, secrets, rids and hints all come from here. */
export interface Random {
  bytes(n: number): Buffer;
}

/**
 * The kernel's CSPRNG, one call per draw. (Drawing it in 4 KiB blocks saved under 5 % of an add's
 * CPU in alternating runs, so the pool was removed: docs/performance.md.)
 */
export class CryptoRandom implements Random {
  bytes(n: number): Buffer {
    return randomFillSync(Buffer.alloc(n));
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
