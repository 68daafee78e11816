import { clockStateAt, type ClockState, type DeploymentClock } from '../../platform/clock.js';
import type { Store } from '../../store/store.js';
import { RID_MAX_SECONDS, withinRidTime } from '../../wire/rid.js';
import { AdminError } from './errors.js';

export const CLOCK_META_KEY = 'clock';
/** SHA-256 of the admin token, hex: the store keeps only this. */
export const ADMIN_TOKEN_META_KEY = 'admin_token_sha256';

export interface ClockView {
  now: number;
  frozen: boolean;
  offset: number;
}

/**
 * What a deployment shares across its nodes besides its data: the clock and the admin token, kept
 * in the store's meta and read back by every node (`load`, at least every 500 ms).
 */
export class DeploymentState {
  constructor(
    private readonly store: Store,
    readonly clock: DeploymentClock,
  ) {}

  /** Counts this node's clock moves, so that a read-back that overlapped one does not undo it. */
  private clockMoves = 0;

  /** The admin token's hash this node accepts (undefined: none yet, every admin call is 401). */
  private tokenHash: string | undefined;
  /** Whether the stored admin token replaces this node's (false: an in-process node of the CLI keeps its own). */
  followStoredToken = true;

  /** An admin token this node alone accepts, never stored (wxkf exec on a store it must not change). */
  localTokenHash: string | undefined;

  /** The hashes of the admin tokens this node accepts. */
  adminTokenHashes(): string[] {
    return [this.tokenHash, this.localTokenHash].filter((h): h is string => h !== undefined);
  }

  /** Sets the admin token; `store` also writes it, for every node (and the next start) to read. */
  async setAdminTokenHash(hash: string, store = true): Promise<void> {
    if (store) await this.store.setMeta(ADMIN_TOKEN_META_KEY, hash);
    this.tokenHash = hash;
  }

  /**
   * Loads the deployment's shared state into this node: the clock and the admin token (a token
   * rotated on the store, by another node or `wxkf admin-token --rotate`, is taken up here).
   */
  async load(): Promise<void> {
    const moves = this.clockMoves;
    const [raw, hash] = await Promise.all([this.store.getMeta(CLOCK_META_KEY), this.store.getMeta(ADMIN_TOKEN_META_KEY)]);
    // A read that overlapped a move made on this node may hold the state from before it: the move wins.
    if (raw && moves === this.clockMoves) this.clock.apply(JSON.parse(raw) as ClockState);
    if (hash && this.followStoredToken) this.tokenHash = hash;
  }

  clockView(): ClockView {
    const state = this.clock.current();
    return {
      now: Math.floor(this.clock.now() / 1000),
      frozen: state.frozenAtMs !== null,
      offset: Math.round(state.offsetMs / 1000),
    };
  }

  /** advance (seconds, may be negative), set (Unix seconds), freeze, or back to real time. */
  async moveClock(change: { advance?: number; set?: number; freeze?: true; real?: true }): Promise<ClockView> {
    const state = this.clock.current();
    const base = this.clock.baseNow();
    const now = this.clock.now();
    let next: ClockState;
    const target =
      change.advance !== undefined ? now + change.advance * 1000 : change.set !== undefined ? change.set * 1000 : now;
    if (!withinRidTime(target)) {
      throw new AdminError(
        400,
        `${change.advance !== undefined ? 'advance' : 'set'}: the clock must stay within Unix seconds 0 to ${RID_MAX_SECONDS} (the times a rid can carry)`,
      );
    }
    if (change.advance !== undefined || change.set !== undefined) next = clockStateAt(state, base, target);
    else if (change.freeze) next = { offsetMs: state.offsetMs, frozenAtMs: now };
    else next = { offsetMs: 0, frozenAtMs: null };
    this.clockMoves++;
    await this.store.setMeta(CLOCK_META_KEY, JSON.stringify(next));
    this.clockMoves++;
    this.clock.apply(next);
    return this.clockView();
  }
}
