import { createHash, randomBytes } from 'node:crypto';

/** The one source of entropy: tokens, secrets, rids and hints all come from here. */
export interface Random {
  bytes(n: number): Buffer;
}

export class CryptoRandom implements Random {
  bytes(n: number): Buffer {
    return randomBytes(n);
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
